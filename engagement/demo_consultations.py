"""征求意见 (consultation on draft policies): demo data — one consultation of 科技局 open now with three questions
and a comment of the demo enterprise; one finished before a published policy of 科技局, its replies and summary
published the day before the policy; and one whose period has ended, its comments waiting for replies. Loading
again changes nothing."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from engagement import consultations as service
from engagement.models import Consultation, ConsultationComment, ConsultationQuestion
from enterprises.selectors import acting_enterprise
from policies.models import Policy
from portal import workdays
from portal.core.workflow import perform
from portal.org.models import Department
from portal.workcalendar import clocks

OPEN_TITLE = "宜昌市科技创新券管理办法（征求意见稿）"
OPEN_QUESTIONS = [
    "创新券的额度（每家企业每年最高20万元）是否合适？",
    "创新券可用于购买检验检测、研发设计等服务，还应增加哪些服务？",
    "兑付流程（服务完成后30个工作日内兑付）有哪些需要改进的地方？",
]
FINISHED_QUESTIONS = ["奖励标准是否合适？", "申报材料能否进一步精简？"]


def _questions(consultation, texts) -> None:
    for position, text in enumerate(texts, start=1):
        ConsultationQuestion.objects.get_or_create(
            consultation=consultation, position=position, defaults={"text": text}
        )


def _demo_enterprise_user():
    from portal.org import demo as org_demo

    return get_user_model().objects.filter(kind="enterprise", name=org_demo.ENTERPRISE_NAME).first()


def _open_one(kjj, editor, enterprise_user) -> None:
    consultation, created = Consultation.objects.get_or_create(
        title=OPEN_TITLE,
        defaults={
            "department": kjj,
            "introduction": "为激发中小企业创新活力，市科技局起草了本办法，现公开征求社会各界特别是企业的意见。",
            "draft_text": "<p>第一条 为降低科技型中小企业创新成本，设立科技创新券。</p>"
            "<p>第二条 每家企业每年申领创新券最高20万元。</p>"
            "<p>第三条 服务完成后，服务机构凭创新券在30个工作日内申请兑付。</p>",
            "period_days": 10,
            "created_by": editor,
        },
    )
    if not created:
        return
    service.assign_ownership(consultation)
    _questions(consultation, OPEN_QUESTIONS)
    consultation = perform(consultation, "open", by=editor)
    if enterprise_user is not None and acting_enterprise(enterprise_user) is not None:
        service.comment_as_enterprise(
            consultation,
            consultation.questions.get(position=1),
            by=enterprise_user,
            content="建议对首次申领的企业提高额度至30万元，并允许跨年度结转使用。",
            show_identity=True,
        )


def _finished_one(kjj, editor, reviewer, enterprise_user) -> None:
    if Consultation.objects.filter(department=kjj, status=Consultation.Status.PUBLISHED).exists():
        return
    policy = (
        Policy.objects.filter(
            lead_department=kjj,
            level=Policy.Level.MUNICIPAL,
            status=Policy.Status.PUBLISHED,
            published_at__isnull=False,
            consultation__isnull=True,
        )
        .order_by("-issue_date", "pk")
        .first()
    )
    if policy is None:
        return
    published_on = timezone.localdate(policy.published_at)
    # opened before the policy was issued (印发) and published: a consultation comes before its policy
    opened_on = workdays.add_workdays(min(published_on, policy.issue_date or published_on), -20)
    consultation = Consultation.objects.create(
        title=f"{policy.title}（征求意见稿）",
        department=kjj,
        introduction="本政策出台前公开征求意见。",
        draft_text=policy.original_text,
        period_days=10,
        created_by=editor,
    )
    service.assign_ownership(consultation)
    _questions(consultation, FINISHED_QUESTIONS)
    # Back-dated: opened 20 working days before the policy was published, closed after its 10 working days.
    closed_at = _opened_and_commented(
        consultation,
        opened_on,
        enterprise_user,
        enterprise_comment=("建议对首次认定的企业奖励标准再提高一些。", True),
        public_comment=("张先生", "13900139000", "希望申报材料能网上一次提交，我的电话13900139000。"),
    )
    perform(consultation, "close", by=None, at=closed_at)
    replies = {
        "partly": "奖励标准已按企业规模分档提高，首次认定企业的奖励不再另设加码。",
        "adopted": "已采纳：申报材料改为网上一次提交，不再要求纸质材料。",
    }
    for comment, outcome in zip(consultation.comments.order_by("question__position"), replies, strict=False):
        service.reply(comment, by=reviewer, outcome=outcome, text=replies[outcome])
    _date_comments(consultation, submitted=_moment(opened_on, 2), replied=closed_at + dt.timedelta(days=2))
    Consultation.objects.filter(pk=consultation.pk).update(
        summary="征求意见期间共收到意见2条，采纳1条，部分采纳1条。主要修改：申报材料改为网上一次提交。"
    )
    summary_at = policy.published_at - dt.timedelta(days=1)
    consultation = perform(consultation, "publish_summary", by=editor, at=summary_at)
    service.link_policy(consultation, policy, by=editor)


AWAITING_TITLE = "宜昌市促进科技成果转化若干措施（征求意见稿）"
AWAITING_QUESTIONS = ["成果转化奖励的比例（技术合同成交额的3%）是否合适？", "还希望增加哪些支持措施？"]


def _moment(day: dt.date, after_days: int) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=after_days), dt.time(10), tzinfo=timezone.get_current_timezone())


def _date_comments(consultation, *, submitted: dt.datetime, replied: dt.datetime | None = None) -> None:
    """Comments dated inside the period they were made in (the demo creates them all today)."""
    comments = ConsultationComment.objects.filter(consultation=consultation)
    comments.update(created_at=submitted, updated_at=submitted)
    if replied is not None:
        comments.exclude(replied_at=None).update(replied_at=replied)


def _opened_and_commented(consultation, opened_on, enterprise_user, *, enterprise_comment, public_comment):
    """Opens `consultation` back-dated to `opened_on` for its period, with a comment of the demo enterprise on the
    first question (text, whether it may be named) and one of the public on the second (name, mobile, text), made
    on the period's third day; returns when beat would have closed it."""
    consultation.status = Consultation.Status.OPEN
    consultation.opened_on = opened_on
    consultation.ends_on = workdays.add_workdays(opened_on, consultation.period_days)
    consultation._change_reason = "演示数据：发起征求意见"
    consultation.save()
    clocks.start(consultation, service.PERIOD_CLOCK, on=opened_on)
    questions = list(consultation.questions.all())
    enterprise = acting_enterprise(enterprise_user) if enterprise_user is not None else None
    if enterprise is not None:
        content, show_identity = enterprise_comment
        ConsultationComment.objects.create(
            consultation=consultation,
            question=questions[0],
            enterprise=enterprise,
            author=enterprise_user,
            content=content,
            show_identity=show_identity,
        )
    name, contact, content = public_comment
    ConsultationComment.objects.create(
        consultation=consultation, question=questions[1], name=name, contact=contact, content=content
    )
    _date_comments(consultation, submitted=_moment(opened_on, 2))
    return dt.datetime.combine(
        consultation.ends_on + dt.timedelta(days=1), dt.time(1), tzinfo=timezone.get_current_timezone()
    )


def _awaiting_replies(kjj, editor, enterprise_user) -> None:
    """A consultation whose period has ended, its comments waiting for the department's replies and summary."""
    if Consultation.objects.filter(title=AWAITING_TITLE).exists():
        return
    consultation = Consultation.objects.create(
        title=AWAITING_TITLE,
        department=kjj,
        introduction="为加快科技成果在本市转化落地，市科技局起草了本措施，现公开征求意见。",
        draft_text="<p>第一条 对在本市转化科技成果的企业，按技术合同成交额的3%给予奖励。</p>"
        "<p>第二条 每家企业每年奖励最高100万元。</p>",
        period_days=10,
        created_by=editor,
    )
    service.assign_ownership(consultation)
    _questions(consultation, AWAITING_QUESTIONS)
    opened_on = workdays.add_workdays(timezone.localdate(), -12)
    closed_at = _opened_and_commented(
        consultation,
        opened_on,
        enterprise_user,
        enterprise_comment=("建议奖励比例提高到5%，并把技术服务合同也纳入奖励范围。", False),
        public_comment=("李女士", "13700137000", "希望增加中试基地建设补助，联系电话13700137000。"),
    )
    perform(consultation, "close", by=None, at=closed_at)


def load() -> None:
    kjj = Department.objects.filter(code="yc-kjj").first()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["kjj_editor", "kjj_reviewer"])}
    if kjj is None or len(users) < 2:
        return
    enterprise_user = _demo_enterprise_user()
    _open_one(kjj, users["kjj_editor"], enterprise_user)
    _finished_one(kjj, users["kjj_editor"], users["kjj_reviewer"], enterprise_user)
    _awaiting_replies(kjj, users["kjj_editor"], enterprise_user)
