"""Demo appeals (诉求): tickets of the showcase enterprise (13800138000) and of a hotline caller in every stage of the
loop, each moved by the people whose job it is — cyzx_operator accepts and dispatches, kjj_reviewer signs, returns,
asks for information and replies, the enterprise evaluates. So the operator finds tickets to accept, dispatch and
re-dispatch and an extension to decide; the 科技局 finds tickets to sign and answer; the enterprise finds one to
evaluate and one waiting for its information in 我的诉求.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

log = logging.getLogger(__name__)

REPLY = (
    "经核实，贵公司反映的情况属实。我局已于本周协调相关科室办理，具体结果已电话告知贵公司经办人。"
    "如有疑问请致电0717-6222000。"
)
CENTRE_REPLY = (
    "经查询，科技型中小企业评价入库后可享受研发费用加计扣除比例提高、科技创新券申领、研发投入增量补助等政策，"
    "具体条件请查阅平台“政策资金事项”中的申报指南。"
)

# What the 科技局 answered, per ticket (those the demo leaves replied or closed).
REPLIES = {
    "高新技术企业认定奖励何时到账": (
        "经核实，贵公司高新技术企业认定奖励已于公示期满后列入拨付批次，市财政局已于本周拨付至贵公司基本账户，"
        "请注意查收。如未到账，请致电0717-6222000。"
    ),
    "研发费用补助的申报条件咨询": (
        "研发投入增量补助面向已入库的科技型中小企业，要求上年度研发费用较前一年度增长，补助按增量部分计算；"
        "上年度亏损不影响申报。研发费用以会计师事务所出具的研发费用专项审计报告为准。"
    ),
}

# title, kind, the stage the ticket is left in, days ago it was submitted, content, related to the science matter
TICKETS = [
    (
        "高新技术企业认定奖励何时到账",
        "complaint",
        "closed",
        12,
        "我公司去年首次通过高新技术企业认定，认定奖励公示已满一个月仍未到账，请协调尽快拨付。",
        True,
    ),
    (
        "研发费用补助的申报条件咨询",
        "consultation",
        "replied",
        4,
        "请问研发投入增量补助对企业规模和研发费用增幅有什么要求？去年亏损的企业能否申报？",
        True,
    ),
    (
        "科技型中小企业评价入库后能享受哪些政策",
        "consultation",
        "answered",
        3,
        "我公司刚完成科技型中小企业评价入库，想了解入库后可以享受的扶持政策和申报渠道。",
        False,
    ),
    (
        "申报材料上传后显示格式错误",
        "complaint",
        "waiting",
        6,
        "在线申报研发投入增量补助时，上传的审计报告PDF一直提示格式错误，换了三台电脑都不行，影响按时申报。",
        True,
    ),
    (
        "建议延长科技创新券申报时间",
        "suggestion",
        "extension",
        5,
        "今年科技创新券申报窗口只有10天，且与年报时间重叠，建议延长至20天并提前一个月发布申报通知。",
        False,
    ),
    (
        "稳岗返还资金到账查询",
        "consultation",
        "returned",
        2,
        "我公司符合稳岗返还条件，系统显示已审核通过，请问资金何时到账？",
        False,
    ),
    (
        "企业研发中心认定补助申报咨询",
        "consultation",
        "dispatched",
        1,
        "我公司拟申报市级企业研发中心，请问认定后的补助标准是多少，申报材料需要哪些？",
        True,
    ),
]


def _staff(username):
    from portal.accounts.models import User

    return User.objects.filter(username=username).first()


def load():
    from appeals.models import Appeal
    from portal.accounts.models import User
    from portal.core.crypto import digest
    from portal.org.demo import ENTERPRISE_PHONE
    from portal.org.models import Department

    if Appeal.objects.exists():
        return
    operator, reviewer = _staff("cyzx_operator"), _staff("kjj_reviewer")
    science = Department.objects.filter(code="yc-kjj").first()
    user = User.objects.filter(phone_digest=digest(ENTERPRISE_PHONE)).first()
    membership = user.enterprise_memberships.select_related("enterprise").first() if user else None
    if None in (operator, reviewer, science, membership):
        return
    matter = science.matters.filter(status="published").order_by("pk").first()
    for title, kind, stage, days_ago, content, related in TICKETS:
        try:
            _ticket(
                membership.enterprise,
                user,
                (operator, reviewer),
                science,
                matter if related else None,
                (title, kind, stage, days_ago, content),
            )
        except (ValidationError, PermissionDenied) as error:
            log.warning("demo appeal %s not built: %s", title, error)
    _hotline_caller(operator)
    _window_visitor(_staff("zwfw_clerk"))
    _interaction(user, operator, reviewer, matter)


def _when(days_ago: int, hour: int = 9) -> dt.datetime:
    """`hour`:30 on the day `days_ago` days ago, never later than a few minutes ago (a demo loaded early today)."""
    now = timezone.localtime()
    moment = (now - dt.timedelta(days=days_ago)).replace(hour=hour, minute=30, second=0, microsecond=0)
    return min(moment, now - dt.timedelta(minutes=30 - hour))


def _ticket(enterprise, user, staff, science, matter, ticket):
    from appeals import services
    from portal.core.workflow import perform

    operator, reviewer = staff
    title, kind, stage, days_ago, content = ticket
    appeal = services.submit(
        services.NewAppeal(
            kind=kind,
            title=title,
            content=content,
            enterprise=enterprise,
            submitted_by=user,
            contact_name="演示企业经办人",
            contact_phone="13800138000",
            matter=matter,
        ),
        at=_when(days_ago),
    )
    if stage == "dispatched" and days_ago <= 1:
        perform(appeal, "accept", by=operator, at=_when(days_ago, 10))
        perform(appeal, "dispatch", by=operator, at=_when(days_ago, 11), department=science, reason="请按职责办理")
        return
    perform(appeal, "accept", by=operator, at=_when(days_ago, 10))
    if stage == "answered":
        perform(appeal, "answer", by=operator, at=_when(days_ago, 11), reason=CENTRE_REPLY)
        return
    perform(appeal, "dispatch", by=operator, at=_when(days_ago, 11), department=science, reason="请按职责办理")
    if stage == "returned":
        perform(appeal, "return", by=reviewer, at=_when(days_ago, 15), reason="稳岗返还由人社部门负责，请改派市人社局")
        return
    perform(appeal, "sign", by=reviewer, at=_when(days_ago - 1, 9))
    if stage == "waiting":
        perform(appeal, "request_info", by=reviewer, at=_when(days_ago - 1, 10), reason="请补充出错材料的文件名和截图")
        return
    if stage == "extension":
        services.request_extension(
            appeal, days=5, reason="需征求财政等部门意见后答复", by=reviewer, at=_when(days_ago - 1, 11)
        )
        return
    perform(appeal, "reply", by=reviewer, at=_when(days_ago - 2, 16), reason=REPLIES.get(title, REPLY))
    if stage == "closed":
        services.evaluate(
            appeal, satisfaction="satisfied", comment="答复及时，问题已解决", by=user, at=_when(days_ago - 3)
        )


def _hotline_caller(operator):
    """A call to 12345 from someone without an account: waiting for the operator to accept it."""
    from appeals import services
    from appeals.models import Channel
    from portal.org.models import Region

    services.submit(
        services.NewAppeal(
            kind="help",
            title="小微企业贷款贴息申请无人受理",
            content="来电人反映其经营的小微企业申请创业担保贷款贴息，递交材料两周无人联系，请求协调。",
            channel=Channel.HOTLINE,
            contact_name="张先生",
            contact_phone="13900001234",
            region=Region.objects.filter(code="420502").first(),
            hotline_number=f"YC12345-{_when(0, 8):%Y%m%d}-0042",
        ),
        at=_when(0, 8),
    )


QUESTIONS = [
    # title, content, answer (None: left for moderation), promoted into the matter's FAQ
    (
        "研发投入补助按哪一年的研发费用计算",
        "我公司2025年研发费用比上年增加较多，申请研发投入补助时按哪一年的数据计算？需要提供什么证明？",
        "研发投入补助按上一年度的研发费用计算，研发费用以会计师事务所出具的研发费用专项审计报告为准；"
        "申报时一并提供上年度企业所得税年度纳税申报表中的研发费用加计扣除优惠明细表。",
        True,
    ),
    (
        "高新技术企业认定奖励是否需要重复申报",
        "我公司去年通过高新技术企业重新认定，今年还能再申请认定奖励吗？",
        "首次认定的高新技术企业可申请认定奖励；重新认定（复审）的不再重复奖励，但可按规定享受所得税优惠。",
        False,
    ),
    (
        "科技创新券能否用于购买检测服务",
        "请问科技创新券能否用于委托第三方检测？联系人王经理，电话13912345678。",
        None,
        False,
    ),
]


def _interaction(user, operator, reviewer, matter):
    """The interaction area: two answered questions (one promoted into the matter's FAQ) and one with a phone number,
    hidden in its public text and waiting for the operator's moderation."""
    from appeals import interaction
    from matters.models import Matter

    vouchers = Matter.objects.filter(code="YC-KJ-2026-002").first()
    for title, content, answer, promoted in QUESTIONS:
        try:
            related = vouchers if "创新券" in title else matter
            question = interaction.ask(asker=user, title=title, content=content, matter=related)
            if answer is None:
                continue
            interaction.publish(question, by=operator)
            interaction.answer(question, by=reviewer, text=answer)
            if promoted:
                interaction.promote(question, by=reviewer, target=interaction.TARGET_MATTER)
        except (ValidationError, PermissionDenied) as error:
            log.warning("demo question %s not built: %s", title, error)


def _window_visitor(clerk):
    """A walk-in visitor's complaint registered by the 市政务服务中心's clerk: waiting for the operator."""
    from appeals import services
    from appeals.models import Channel
    from portal.org.models import Department

    hall = Department.objects.filter(code="yc-zwfw").first()
    if clerk is None or hall is None:
        return
    services.submit(
        services.NewAppeal(
            kind="complaint",
            title="企业开办补贴申请材料被多次退回",
            content="来访人反映其公司申请企业开办补贴，材料三次被退回且每次要求不同，请求明确一次性告知的材料清单。",
            channel=Channel.WINDOW,
            contact_name="李女士",
            contact_phone="13700001111",
            region=hall.region,
            recorded_by=clerk,
            service_hall=hall,
        ),
        at=_when(0, 10),
    )
