"""Disbursement in the enterprise space (企业空间): the 资金兑付 block, and the menu entries.

The block (`enterprises.space`) counts and sums the enterprise's payouts waiting for payment (待拨付: every
state before 已支付 but 已取消) and paid (已拨付), links to 兑付记录 and 收款账户, and warns when a payout waits for
a payee account or a payment failed. The main navigation gets 兑付记录 for enterprise users (staff are never an
enterprise) and the public 兑付公开 for everyone.
"""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from enterprises.space import space_blocks
from payouts.models import PayeeAccount, Payout, PayoutState
from portal.core.navigation import Section, main_navigation

P = PayoutState
WAITING = [P.PENDING, P.BATCHED, P.APPROVED, P.SENT, P.FAILED, P.CORRECTED, P.HELD]


def payout_block(enterprise, user) -> dict:
    figures = Payout.objects.filter(enterprise=enterprise).aggregate(
        waiting=Count("pk", filter=Q(state__in=WAITING)),
        waiting_total=Sum("amount", filter=Q(state__in=WAITING)),
        paid=Count("pk", filter=Q(state=P.PAID)),
        paid_total=Sum("amount", filter=Q(state=P.PAID)),
        failed=Count("pk", filter=Q(state=P.FAILED)),
        no_account=Count("pk", filter=Q(state__in=[P.PENDING, P.HELD], account_number="")),
    )
    return {
        "enterprise": enterprise,
        "has_account": PayeeAccount.objects.filter(enterprise=enterprise).exists(),
        **figures,
    }


space_blocks.add("payouts", payout_block, label=_("资金兑付"), order=6, template="payouts/space/block.html")


def acts_for_an_enterprise(user) -> bool:
    return user.is_authenticated and not user.is_staff and user.enterprise_memberships.exists()


main_navigation.add("payout_results", Section("payouts:results"), label=_("兑付公开"), order=46)
main_navigation.add(
    "payout_records", Section("payouts:records", visible=acts_for_an_enterprise), label=_("兑付记录"), order=85
)
