"""Cases waiting for payment (待兑付), their payouts and the finance officers who pay them."""

from decimal import Decimal

from django.utils import timezone

from applications.models import Application, Status
from applications.services import _next_number, period_for
from payouts import services
from payouts.models import FundingSource
from portal.org.models import Department
from portal.org.roles import Role
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.org import DepartmentFactory
from tests.factories.policies import member

VALID_CARD = "6222020200014345678"  # passes the Luhn check
CORPORATE_ACCOUNT = "4200 1234 5678 0500 1234"  # 20 digits: a corporate account, no check digit


PAYER = {
    "payer_name": "宜昌市财政局国库存款",
    "payer_account": "42050110000000000001",
    "payer_bank": "中国人民银行宜昌市中心支库",
}


def finance_of(region) -> Department:
    """The finance department (财政局) of `region`, created once, with its 本级财政资金 (the source a matter without
    one of its own is paid from) and the treasury account the money leaves."""
    department = Department.objects.filter(region=region, kind=Department.Kind.FINANCE).first()
    if department is not None:
        return department
    department = DepartmentFactory(region=region, kind=Department.Kind.FINANCE, name=f"{region.name}财政局")
    FundingSource.objects.create(
        name=f"{region.name}本级财政资金",
        level=region.level,
        region=region,
        department=department,
        budget_line="",
        **PAYER,
    )
    return department


def finance_officers(department, n: int = 2) -> list:
    """`n` finance officers of `department` (the first makes batches, the second checks them)."""
    return [member(department, Role.FINANCE) for _ in range(n)]


def to_payout(matter=None, enterprise=None, amount="200000.00", decided_at=None, account=True) -> Application:
    """An application approved for `amount` and past publicity, waiting for payment (待兑付), made directly
    (the workflow up to here is tested in tests/applications). With `account`, the enterprise has a payee
    account (a valid card number)."""
    matter = matter or published_matter()
    enterprise = enterprise or enterprise_with_user()
    decided_at = decided_at or timezone.now()
    application = Application.objects.create(
        number=_next_number(timezone.localdate(decided_at)),
        enterprise=enterprise,
        matter=matter,
        period=period_for(matter, timezone.localdate(decided_at)),
        status=Status.TO_PAYOUT,
        approved_amount=Decimal(amount),
        decided_at=decided_at,
        submitted_at=decided_at,
    )
    if account and not hasattr(enterprise, "payee_account"):
        services.save_account(
            enterprise,
            {"payee_name": enterprise.name, "bank_name": "中国银行宜昌分行", "account_number": VALID_CARD},
            by=getattr(enterprise, "user", None),
        )
    return application
