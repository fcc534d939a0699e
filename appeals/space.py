"""Appeals in the enterprise space (企业空间): the 诉求服务 block, and the main navigation's entries.

The block counts the enterprise's open appeals, those waiting for its evaluation (已答复待评价) and those waiting
for information it must supply (待补充信息), and links to 我的诉求 and 我要诉求. The main navigation gets 我要诉求,
诉求查询 (tracking by 工单编号 and 查询码) and 政策问答 (智能问答, current on the 政策互动区 too) for everyone (an
anonymous visitor may submit with a mobile number) and 我的诉求 for enterprise users.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from appeals.models import Appeal, AppealState
from enterprises.space import space_blocks
from portal.core.navigation import Section, main_navigation

S = AppealState
OPEN = [S.SUBMITTED, S.ACCEPTED, S.RETURNED, S.DISPATCHED, S.HANDLING, S.WAITING, S.REPLIED]


def appeal_block(enterprise, user) -> dict:
    figures = Appeal.objects.filter(enterprise=enterprise).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN)),
        to_evaluate=Count("pk", filter=Q(status=S.REPLIED)),
        to_supply=Count("pk", filter=Q(status=S.WAITING)),
    )
    return {"enterprise": enterprise, **figures}


space_blocks.add("appeals", appeal_block, label=_("诉求服务"), order=8, template="appeals/space_block.html")


def acts_for_an_enterprise(user) -> bool:
    return user.is_authenticated and not user.is_staff and user.enterprise_memberships.exists()


main_navigation.add("appeal_new", Section("appeals:new"), label=_("我要诉求"), order=50)
main_navigation.add("appeal_track", Section("appeals:track"), label=_("诉求查询"), order=51)
main_navigation.add("appeal_qa", Section("appeals:ask", also=("appeals:questions",)), label=_("政策问答"), order=52)
main_navigation.add(
    "appeals_mine", Section("appeals:mine", visible=acts_for_an_enterprise), label=_("我的诉求"), order=86
)
