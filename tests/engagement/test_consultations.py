"""征求意见 (无锡 §22（一）（二）): the period on the working-day calendar, comments, replies, the summary and the
final policy's link. Dates are hand-computed from the 2026 calendar (中秋 Fri 9-25; 国庆 10-01..10-07; 调休
working days Sun 9-20 and Sat 10-10)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from engagement import consultations as service
from engagement.models import Consultation, ConsultationComment, ConsultationQuestion
from policies import services as policy_services
from portal.core.workflow import perform
from portal.org.models import Role
from portal.workcalendar import clocks
from tests.factories.enterprises import EnterpriseFactory, EnterpriseMemberFactory
from tests.factories.org import CityFactory, DepartmentFactory
from tests.factories.policies import InterpretationFactory, PolicyFactory, member

pytestmark = pytest.mark.django_db

S = Consultation.Status
OUTCOME = ConsultationComment.Outcome


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def dept():
    return DepartmentFactory(name="宜昌市科学技术局", code="kjj-c", region=CityFactory())


@pytest.fixture
def editor(dept):
    return member(dept, Role.EDITOR)


@pytest.fixture
def reviewer(dept):
    return member(dept, Role.REVIEWER)


@pytest.fixture
def approver(dept):
    return member(dept, Role.APPROVER)


def make_consultation(dept, *, questions=2, **kwargs) -> Consultation:
    consultation = Consultation.objects.create(
        title=kwargs.pop("title", "关于支持科技型中小企业研发投入的若干措施（征求意见稿）"),
        department=dept,
        draft_text=kwargs.pop("draft_text", "<p>第一条 对研发投入增长的企业给予奖励。</p>"),
        period_days=kwargs.pop("period_days", 5),
        **kwargs,
    )
    service.assign_ownership(consultation)
    for i in range(1, questions + 1):
        ConsultationQuestion.objects.create(consultation=consultation, position=i, text=f"问题{i}：奖励标准是否合适？")
    return consultation


def enterprise_user(name="宜昌某科技有限公司"):
    membership = EnterpriseMemberFactory(enterprise=EnterpriseFactory(name=name))
    return membership.user


def opened(dept, editor, day=dt.date(2026, 9, 28), **kwargs) -> Consultation:
    consultation = make_consultation(dept, **kwargs)
    return perform(consultation, "open", by=editor, at=at(day))


# --- the period ------------------------------------------------------------------------------------------------------


def test_five_working_days_from_28_september_end_on_the_makeup_saturday_10_october(dept, editor):
    # 9-29 (1), 9-30 (2), 10-01..07 国庆 not counted, 10-08 (3), 10-09 (4), Sat 10-10 调休 (5).
    consultation = opened(dept, editor)
    assert consultation.status == S.OPEN
    assert consultation.opened_on == dt.date(2026, 9, 28)
    assert consultation.ends_on == dt.date(2026, 10, 10)
    clock = service.period_clock(consultation)
    assert (clock.started_on, clock.limit_days, clock.due_on) == (dt.date(2026, 9, 28), 5, dt.date(2026, 10, 10))
    lines = clocks.explain(clock).lines()
    assert "截止日期：2026-10-10（周六）" in lines
    assert any(line.startswith("2026-10-01") and "国庆" in line for line in lines)


def test_the_mid_autumn_holiday_is_skipped(dept, editor):
    # From Tue 9-22: 9-23 (1), 9-24 (2), Fri 9-25 中秋 not counted, weekend, 9-28 (3), 9-29 (4), 9-30 (5).
    consultation = opened(dept, editor, day=dt.date(2026, 9, 22))
    assert consultation.ends_on == dt.date(2026, 9, 30)


def test_the_makeup_sunday_counts(dept, editor):
    # From Fri 9-18: Sat 9-19 not, Sun 9-20 调休 (1), 9-21 (2), 9-22 (3), 9-23 (4), 9-24 (5).
    consultation = opened(dept, editor, day=dt.date(2026, 9, 18))
    assert consultation.ends_on == dt.date(2026, 9, 24)


def test_working_days_left(dept, editor):
    consultation = opened(dept, editor)
    # After 9-30: 10-08, 10-09, 10-10.
    assert service.working_days_left(consultation, today=dt.date(2026, 9, 30)) == 3
    assert service.working_days_left(consultation, today=dt.date(2026, 10, 8)) == 2
    assert service.working_days_left(consultation, today=dt.date(2026, 10, 10)) == 0


def test_a_draft_without_text_or_questions_cannot_open(dept, editor):
    consultation = make_consultation(dept, questions=0, draft_text="")
    with pytest.raises(ValidationError) as error:
        perform(consultation, "open", by=editor)
    assert error.value.messages == ["请填写征求意见稿正文或上传征求意见稿文件。", "请至少列出一个征求意见的问题。"]
    consultation.refresh_from_db()
    assert consultation.status == S.DRAFT


def test_the_period_must_be_5_to_30_working_days_in_the_database(dept):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_consultation(dept, period_days=3)


def test_the_draft_text_is_sanitised(dept):
    consultation = make_consultation(dept, draft_text='<p onclick="x()">第一条</p><script>alert(1)</script>')
    assert consultation.draft_text == "<p>第一条</p>"


# --- closing -----------------------------------------------------------------------------------------------------


def test_the_beat_closes_only_when_the_clock_is_due_and_only_once(dept, editor):
    consultation = opened(dept, editor)
    assert service.close_due(today=dt.date(2026, 10, 10)) == 0  # the last day still accepts comments
    assert service.close_due(today=dt.date(2026, 10, 11)) == 1
    consultation.refresh_from_db()
    assert consultation.status == S.CLOSED
    assert service.period_clock(consultation).state == "stopped"
    assert service.close_due(today=dt.date(2026, 10, 12)) == 0


def test_nobody_closes_by_hand(dept, editor, approver):
    consultation = opened(dept, editor)
    for person in (editor, approver):
        with pytest.raises(PermissionDenied):
            perform(consultation, "close", by=person)


# --- comments ----------------------------------------------------------------------------------------------------


def test_an_enterprise_comments_once_per_question_and_edits_until_the_end(dept, editor):
    consultation = opened(dept, editor)
    question = consultation.questions.first()
    user = enterprise_user()
    first = service.comment_as_enterprise(
        consultation, question, by=user, content="建议把奖励比例提高到百分之十。", today=dt.date(2026, 10, 9)
    )
    second = service.comment_as_enterprise(
        consultation, question, by=user, content="建议把奖励比例提高到百分之十五。", today=dt.date(2026, 10, 10)
    )
    assert first.pk == second.pk
    assert ConsultationComment.objects.get().content == "建议把奖励比例提高到百分之十五。"
    with pytest.raises(ValidationError) as error:
        service.comment_as_enterprise(
            consultation, question, by=user, content="再改一次意见内容。", today=dt.date(2026, 10, 11)
        )
    assert error.value.messages == ["征求意见已截止，不再接受意见。"]
    assert ConsultationComment.objects.get().content == "建议把奖励比例提高到百分之十五。"


def test_the_database_refuses_a_second_comment_of_an_enterprise_on_a_question(dept, editor):
    consultation = opened(dept, editor)
    question = consultation.questions.first()
    user = enterprise_user()
    enterprise = user.enterprise_memberships.get().enterprise
    ConsultationComment.objects.create(
        consultation=consultation, question=question, enterprise=enterprise, content="一"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationComment.objects.create(
            consultation=consultation, question=question, enterprise=enterprise, content="二"
        )


def test_staff_cannot_comment_as_an_enterprise(dept, editor):
    consultation = opened(dept, editor)
    with pytest.raises(PermissionDenied):
        service.comment_as_enterprise(
            consultation, consultation.questions.first(), by=editor, content="工作人员的意见内容。"
        )


def test_a_public_comment_needs_a_mobile_number_typed_full_width_or_not(dept, editor):
    consultation = opened(dept, editor)
    question = consultation.questions.first()
    comment = service.comment_as_public(
        consultation,
        question,
        content="建议简化申报材料，减少重复提交。",
        contact="１３９ ００１３ ８０００",
        name="　张三　",
        today=dt.date(2026, 10, 8),
    )
    assert (comment.contact, comment.name, comment.enterprise) == ("13900138000", "张三", None)
    with pytest.raises(ValidationError) as error:
        service.comment_as_public(consultation, question, content="短", contact="", today=dt.date(2026, 10, 8))
    assert error.value.message_dict == {"content": ["请把意见写清楚（不少于5个字）。"], "contact": ["请留下联系电话。"]}


def test_no_comment_on_a_draft(dept):
    consultation = make_consultation(dept)
    with pytest.raises(ValidationError) as error:
        service.comment_as_public(
            consultation, consultation.questions.first(), content="草稿阶段的意见。", contact="13900138000"
        )
    assert error.value.messages == ["该征求意见未在征求中，不能提出意见。"]


def test_personal_data_is_hidden_in_the_public_texts(dept, editor):
    consultation = opened(dept, editor)
    comment = service.comment_as_public(
        consultation,
        consultation.questions.first(),
        content="请联系王经理，电话13800138000，我的身份证号420502199001011234。",
        contact="13900138000",
        today=dt.date(2026, 10, 8),
    )
    assert comment.public_content == "请联系［已隐去］，电话［已隐去］，我的身份证号［已隐去］。"
    assert comment.public_author == "社会公众"


# --- replies, summary, policy ------------------------------------------------------------------------------------


def closed_with_comments(dept, editor):
    consultation = opened(dept, editor)
    questions = list(consultation.questions.all())
    a, b = enterprise_user("甲科技有限公司"), enterprise_user("乙科技有限公司")
    service.comment_as_enterprise(
        consultation, questions[0], by=a, content="建议奖励比例提高。", show_identity=True, today=dt.date(2026, 10, 8)
    )
    service.comment_as_enterprise(
        consultation, questions[1], by=b, content="建议延长申报期。", today=dt.date(2026, 10, 9)
    )
    service.close_due(today=dt.date(2026, 10, 11))
    consultation.refresh_from_db()
    return consultation


def test_publishing_the_summary_needs_every_reply_and_the_summary(dept, editor, reviewer):
    consultation = closed_with_comments(dept, editor)
    with pytest.raises(ValidationError) as error:
        perform(consultation, "publish_summary", by=editor)
    assert error.value.messages == ["请填写意见采纳情况说明。", "还有2条意见未答复采纳情况。"]
    first, second = consultation.comments.order_by("question__position")
    service.reply(first, by=reviewer, outcome=OUTCOME.ADOPTED, text="已将奖励比例调整为10%。")
    service.reply(second, by=editor, outcome=OUTCOME.NOT_ADOPTED, text="申报期由上级文件规定，联系人李经理。")
    Consultation.objects.filter(pk=consultation.pk).update(summary="共收到2条意见，采纳1条。经办人张先生。")
    consultation = perform(consultation, "publish_summary", by=editor, at=at(dt.date(2026, 10, 15)))
    assert consultation.status == S.PUBLISHED
    assert consultation.public_summary == "共收到2条意见，采纳1条。经办人［已隐去］。"
    second.refresh_from_db()
    assert second.public_reply == "申报期由上级文件规定，联系人［已隐去］。"
    assert [c.public_author for c in consultation.comments.order_by("question__position")] == [
        "甲科技有限公司",
        "某企业",
    ]


def test_a_reply_needs_an_outcome_and_a_reason_and_a_member_of_the_department(dept, editor, reviewer):
    consultation = closed_with_comments(dept, editor)
    comment = consultation.comments.first()
    with pytest.raises(ValidationError) as error:
        service.reply(comment, by=reviewer, outcome=OUTCOME.ADOPTED, text="  ")
    assert error.value.message_dict == {"reply": ["请填写答复理由。"]}
    other = member(DepartmentFactory(code="swj-c", region=dept.region), Role.REVIEWER)
    with pytest.raises(PermissionDenied):
        service.reply(comment, by=other, outcome=OUTCOME.ADOPTED, text="采纳。")
    comment.refresh_from_db()
    assert comment.outcome == ""


def test_the_database_refuses_an_outcome_without_a_reason(dept, editor):
    consultation = closed_with_comments(dept, editor)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationComment.objects.filter(pk=consultation.comments.first().pk).update(
            outcome=OUTCOME.ADOPTED, reply=""
        )


def published_summary(dept, editor, reviewer, day=dt.date(2026, 10, 15)):
    consultation = closed_with_comments(dept, editor)
    for comment in consultation.comments.all():
        service.reply(comment, by=reviewer, outcome=OUTCOME.PARTLY, text="部分采纳，已修改第一条。")
    Consultation.objects.filter(pk=consultation.pk).update(summary="共收到2条意见，部分采纳2条。")
    return perform(consultation, "publish_summary", by=editor, at=at(day))


def department_policy(dept, editor, approver):
    """A policy of the department issued today: after the consultations of these tests opened."""
    policy = PolicyFactory(lead_department=dept, region=dept.region, issue_date=timezone.localdate())
    policy_services.assign_ownership(policy)
    InterpretationFactory(policy=policy)
    return policy


def test_the_final_policy_is_linked_only_after_the_summary_is_published(dept, editor, reviewer, approver):
    consultation = closed_with_comments(dept, editor)
    policy = department_policy(dept, editor, approver)
    with pytest.raises(ValidationError) as error:
        service.link_policy(consultation, policy, by=editor)
    assert error.value.message_dict == {"policy": ["须先公布意见采纳情况，再关联正式出台的政策。"]}
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(policy=policy)
    consultation = published_summary(dept, editor, reviewer)
    service.link_policy(consultation, policy, by=editor)
    consultation.refresh_from_db()
    assert consultation.policy == policy


def test_a_policy_issued_before_the_consultation_opened_is_not_its_outcome(dept, editor, reviewer):
    consultation = published_summary(dept, editor, reviewer)
    earlier = PolicyFactory(
        lead_department=dept, region=dept.region, issue_date=consultation.opened_on - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as error:
        service.link_policy(consultation, earlier, by=editor)
    assert error.value.message_dict == {
        "policy": [
            f"该政策印发于{earlier.issue_date.isoformat()}，早于征求意见开始日期"
            f"{consultation.opened_on.isoformat()}，不是本次征求意见后出台的政策。"
        ]
    }
    same_day = PolicyFactory(lead_department=dept, region=dept.region, issue_date=consultation.opened_on)
    service.link_policy(consultation, same_day, by=editor)


def test_only_a_policy_of_the_department_is_linked(dept, editor, reviewer):
    consultation = published_summary(dept, editor, reviewer)
    other = DepartmentFactory(code="swj-d", region=dept.region)
    policy = PolicyFactory(lead_department=other, region=dept.region)
    with pytest.raises(ValidationError) as error:
        service.link_policy(consultation, policy, by=editor)
    assert error.value.message_dict == {"policy": ["只能关联本部门牵头出台的政策。"]}


def test_summary_on_time_compares_the_days(dept, editor, reviewer, approver):
    consultation = published_summary(dept, editor, reviewer, day=dt.date(2026, 10, 15))
    policy = department_policy(dept, editor, approver)
    service.link_policy(consultation, policy, by=editor)
    consultation.refresh_from_db()
    assert service.summary_on_time(consultation) is None  # the policy is not published yet
    policy.published_at = at(dt.date(2026, 10, 15), hour=8)  # the same day, earlier hour: "with" the policy
    policy.save()
    consultation.refresh_from_db()
    assert service.summary_on_time(consultation) is True
    policy.published_at = at(dt.date(2026, 10, 14))
    policy.save()
    consultation.refresh_from_db()
    assert service.summary_on_time(consultation) is False


def test_withdrawing_needs_the_approver_and_a_reason(dept, editor, approver):
    consultation = opened(dept, editor)
    with pytest.raises(PermissionDenied):
        perform(consultation, "withdraw", by=editor, reason="政策调整")
    with pytest.raises(ValidationError):
        perform(consultation, "withdraw", by=approver, reason="")
    consultation = perform(consultation, "withdraw", by=approver, reason="上级政策调整，暂缓出台")
    assert (consultation.status, consultation.withdrawn_reason) == (S.WITHDRAWN, "上级政策调整，暂缓出台")
    assert service.period_clock(consultation).state == "stopped"
