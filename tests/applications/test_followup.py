"""Follow-up of applications: step deadlines on the working-day calendar (§9), publicity and its objections
(§10), rating invitations and rectifications (§12)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import followup, selectors_followup
from applications.models import Application, Objection, Rectification, Status
from applications.workflow import perform
from portal.notify.models import OutboxMessage, SiteMessage
from portal.org.roles import Role
from portal.workcalendar.models import CalendarDay, CalendarYear
from tests.factories.applications import published_matter
from tests.factories.followup import accepted, concluded, in_publicity, rated, rectification
from tests.factories.org import DepartmentFactory
from tests.factories.policies import member

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _local_cache_and_no_otp(settings):
    """Rate-limit counters start empty in every test; staff sign in without a TOTP code here."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture
def dragon_boat_2030():
    """2030 entered from the official schedule, with a one-day holiday on Wednesday 12 June (端午节)."""
    CalendarYear.objects.create(year=2030, covered=True, source="国务院办公厅关于2030年部分节假日安排的通知")
    CalendarDay.objects.create(date=dt.date(2030, 6, 12), is_workday=False, name="端午节")


def _on(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI)


def _messages(user, prefix: str):
    return SiteMessage.objects.filter(user=user, dedupe_key__startswith=prefix)


# --- §9 deadlines ----------------------------------------------------------------------------------------------


@pytest.fixture
def step_due_thursday(dragon_boat_2030):
    """A one-step case accepted on Wednesday 5 June 2030; its 5 working days skip the holiday: due Thursday 13."""
    application = accepted(published_matter(), at=_on(dt.date(2030, 6, 5)))
    step = application.current_step
    assert step.due_on == dt.date(2030, 6, 13)
    return application, step


def test_the_warning_comes_two_working_days_before_the_due_date_across_a_holiday(step_due_thursday):
    application, step = step_due_thursday
    reviewer = member(step.department, Role.REVIEWER)
    other = member(DepartmentFactory(region=step.department.region), Role.REVIEWER)

    # Friday 7 June: Mon 10, Tue 11, Thu 13 are three working days away (Wednesday 12 is the holiday).
    assert followup.warn_due_steps(today=dt.date(2030, 6, 7)) == 0
    # Monday 10 June: Tue 11 and Thu 13 are two working days away (Monday–Friday counting would say three).
    assert followup.warn_due_steps(today=dt.date(2030, 6, 10)) == 1
    step.refresh_from_db()
    assert step.warned_at is not None
    warning = _messages(reviewer, f"step-warn:{step.pk}").get()
    assert application.number in warning.body and "2030-06-13" in warning.body
    assert not _messages(other, "step-warn").exists()

    assert followup.warn_due_steps(today=dt.date(2030, 6, 11)) == 0
    assert _messages(reviewer, "step-warn").count() == 1


def test_an_overdue_step_is_recorded_and_escalated_once(step_due_thursday):
    _application, step = step_due_thursday
    approver = member(step.department, Role.APPROVER)
    approver.set_phone("13900000002")
    approver.save()
    reviewer = member(step.department, Role.REVIEWER)
    supervisor = member(DepartmentFactory(region=step.department.region, name="宜昌市督查室"), Role.SUPERVISOR)

    assert followup.escalate_overdue_steps(today=dt.date(2030, 6, 13)) == 0  # due today: on time
    assert not selectors_followup.overdue_steps().exists()

    assert followup.escalate_overdue_steps(today=dt.date(2030, 6, 14)) == 1
    step.refresh_from_db()
    assert step.overdue_at is not None and step.escalated_at is not None
    assert list(selectors_followup.overdue_steps()) == [step]
    assert list(selectors_followup.overdue_steps(department=step.department)) == [step]
    assert _messages(approver, f"step-overdue:{step.pk}").count() == 1
    assert _messages(supervisor, f"step-overdue:{step.pk}").count() == 1
    assert not _messages(reviewer, "step-overdue").exists()
    assert OutboxMessage.objects.filter(dedupe_key=f"step-overdue:{step.pk}-sms:{approver.pk}").count() == 1

    # The beat runs again (and again the next day): nothing is sent twice.
    first = (step.overdue_at, step.escalated_at)
    sent = SiteMessage.objects.filter(dedupe_key__startswith=f"step-overdue:{step.pk}:").count()
    assert followup.escalate_overdue_steps(today=dt.date(2030, 6, 14)) == 0
    assert followup.escalate_overdue_steps(today=dt.date(2030, 6, 17)) == 0
    step.refresh_from_db()
    assert (step.overdue_at, step.escalated_at) == first
    assert SiteMessage.objects.filter(dedupe_key__startswith=f"step-overdue:{step.pk}:").count() == sent
    assert OutboxMessage.objects.filter(dedupe_key__startswith=f"step-overdue:{step.pk}-").count() == 1


def test_a_step_paused_for_supplement_is_neither_warned_nor_overdue(step_due_thursday):
    application, step = step_due_thursday
    reviewer = member(step.department, Role.REVIEWER)
    perform(
        application,
        "request_supplement",
        by=reviewer,
        reason="请补正",
        items=[{"subject": "申报表", "problem": "defective", "detail": "联系人电话无法接通"}],
        at=_on(dt.date(2030, 6, 6)),
    )
    assert followup.warn_due_steps(today=dt.date(2030, 6, 11)) == 0
    assert followup.escalate_overdue_steps(today=dt.date(2030, 6, 20)) == 0


def test_the_beat_schedule_runs_the_follow_up_tasks(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "applications.check_step_deadlines",
        "applications.end_publicity",
        "applications.invite_ratings",
        "applications.check_rectifications",
    } <= tasks


# --- §10 publicity -----------------------------------------------------------------------------------------------


def _set_publicity_to(application, day):
    Application.objects.filter(pk=application.pk).update(publicity_to=day)


def test_publicity_ends_only_after_its_period():
    application = in_publicity()
    assert application.status == Status.PUBLICITY
    today = timezone.localdate()
    _set_publicity_to(application, today)
    assert followup.end_publicity() == 0  # the last day of publicity is still publicity
    _set_publicity_to(application, today - dt.timedelta(days=1))
    assert followup.end_publicity() == 1
    application.refresh_from_db()
    assert application.status == Status.TO_PAYOUT
    assert followup.end_publicity() == 0


def test_publicity_does_not_end_while_an_objection_is_open():
    from applications.publicity import raise_objection

    application = in_publicity()
    raise_objection(application, name="王五", phone="13900001111", content="该企业上年度营业收入未达到申报条件。")
    _set_publicity_to(application, timezone.localdate() - dt.timedelta(days=3))
    assert followup.end_publicity() == 0
    application.refresh_from_db()
    assert application.status == Status.OBJECTION

    approver = member(application.matter.department, Role.APPROVER)
    perform(application, "dismiss_objection", by=approver, reason="经核实，该企业营业收入符合条件。")
    assert Objection.objects.get(application=application).state == Objection.State.DISMISSED
    assert followup.end_publicity() == 1
    application.refresh_from_db()
    assert application.status == Status.TO_PAYOUT


def test_the_publicity_page_lists_approved_cases_with_their_amount_and_period():
    application = in_publicity(amount="150000")
    response = Client().get(reverse("applications:publicity_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert application.enterprise.name in page
    assert application.matter.name in page
    assert "150000.00" in page
    assert application.publicity_to.isoformat() in page
    matter_page = Client().get(reverse("applications:publicity_matter", kwargs={"code": application.matter.code}))
    assert matter_page.status_code == 200
    assert application.enterprise.name in matter_page.content.decode()


def test_the_publicity_page_filters_by_matter_and_department():
    first = in_publicity()
    second = in_publicity(published_matter(department=DepartmentFactory(name="宜昌市商务局")))
    url = reverse("applications:publicity_list")
    by_matter = Client().get(url, {"matter": first.matter.code}).content.decode()
    assert first.enterprise.name in by_matter and second.enterprise.name not in by_matter
    by_department = Client().get(url, {"department": second.matter.department_id}).content.decode()
    assert second.enterprise.name in by_department and first.enterprise.name not in by_department
    assert Client().get(url, {"department": "abc", "page": "x"}).status_code == 200


def test_confidential_matters_are_not_shown():
    secret = published_matter(confidential=True)
    application = in_publicity(secret)
    assert application.status == Status.TO_PAYOUT  # 涉密事项不公示

    shown = in_publicity()
    type(shown.matter).objects.filter(pk=shown.matter.pk).update(confidential=True)
    page = Client().get(reverse("applications:publicity_list")).content.decode()
    assert shown.enterprise.name not in page and application.enterprise.name not in page
    assert Client().get(reverse("applications:publicity_matter", kwargs={"code": secret.code})).status_code == 404
    objection_url = reverse("applications:publicity_objection", kwargs={"number": shown.number})
    assert Client().get(objection_url).status_code == 404


def test_an_objection_puts_the_case_under_objection_and_stays_private(django_capture_on_commit_callbacks):
    application = in_publicity()
    approver = member(application.matter.department, Role.APPROVER)
    url = reverse("applications:publicity_objection", kwargs={"number": application.number})
    assert Client().get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            url,
            {
                "name": "王　五",
                "phone": "１３９ ００００ １１１１",
                "content": "该企业上年度营业收入未达到申报条件，请核实。",
            },
        )
    assert response.status_code == 302
    objection = Objection.objects.get(application=application)
    assert objection.content == "该企业上年度营业收入未达到申报条件，请核实。"
    assert objection.phone == "13900001111" and objection.state == Objection.State.OPEN
    application.refresh_from_db()
    assert application.status == Status.OBJECTION
    assert _messages(approver, f"objection:{objection.pk}").count() == 1

    page = Client().get(reverse("applications:publicity_list")).content.decode()
    assert "异议处理中" in page
    assert "13900001111" not in page and "王" not in page.replace(application.enterprise.name, "")
    assert "营业收入未达到" not in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "phone": "13900001111", "content": "该企业上年度营业收入未达到申报条件。"}, "name", "请填写"),
        ({"name": "王五", "phone": "12345", "content": "该企业上年度营业收入未达到申报条件。"}, "phone", "手机号"),
        ({"name": "王五", "phone": "13900001111", "content": "不同意"}, "content", "至少"),
    ],
)
def test_an_invalid_objection_is_shown_again_in_chinese(data, field, message):
    application = in_publicity()
    url = reverse("applications:publicity_objection", kwargs={"number": application.number})
    response = Client().post(url, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Objection.objects.exists()
    application.refresh_from_db()
    assert application.status == Status.PUBLICITY


def test_objections_are_limited_per_address():
    application = in_publicity()
    url = reverse("applications:publicity_objection", kwargs={"number": application.number})
    data = {"name": "王五", "phone": "13900001111", "content": "该企业上年度营业收入未达到申报条件。"}
    for _ in range(5):
        assert Client().post(url, data, REMOTE_ADDR="10.1.2.3").status_code == 302
    refused = Client().post(url, data, REMOTE_ADDR="10.1.2.3")
    assert refused.status_code == 429
    assert "频繁" in refused.content.decode()
    assert Objection.objects.count() == 5
    assert Client().post(url, data, REMOTE_ADDR="10.9.9.9").status_code == 302


def test_no_objection_after_publicity():
    application = concluded()
    url = reverse("applications:publicity_objection", kwargs={"number": application.number})
    assert Client().get(url).status_code == 404


# --- §12 ratings and rectifications ----------------------------------------------------------------------------


def test_a_rating_invitation_follows_three_days_after_the_decision_once():
    application = concluded()
    user = application.enterprise.members.first().user
    now = timezone.now()
    Application.objects.filter(pk=application.pk).update(decided_at=now - dt.timedelta(days=2))
    assert followup.invite_ratings(now=now) == 0
    Application.objects.filter(pk=application.pk).update(decided_at=now - dt.timedelta(days=3, minutes=1))
    assert followup.invite_ratings(now=now) == 1
    application.refresh_from_db()
    assert application.rating_invited_at == now
    assert _messages(user, f"rating-invite:{application.pk}").count() == 1
    assert OutboxMessage.objects.filter(dedupe_key=f"rating-invite-sms:{application.pk}").count() == 1
    assert followup.invite_ratings(now=now + dt.timedelta(days=1)) == 0
    assert _messages(user, "rating-invite").count() == 1


def test_a_rated_case_is_not_invited():
    application = concluded()
    rated(application)
    Application.objects.filter(pk=application.pk).update(decided_at=timezone.now() - dt.timedelta(days=10))
    assert followup.invite_ratings() == 0


def test_an_overdue_rectification_is_escalated_to_the_supervisors_once():
    row = rectification(rated(concluded()), due_on=timezone.localdate() - dt.timedelta(days=1))
    supervisor = member(DepartmentFactory(name="宜昌市督查室"), Role.SUPERVISOR)
    on_time = rectification(rated(concluded()))
    assert followup.escalate_rectifications() == 1
    assert followup.escalate_rectifications() == 0
    row.refresh_from_db()
    on_time.refresh_from_db()
    assert row.escalated_at is not None and on_time.escalated_at is None
    assert _messages(supervisor, f"rectification-overdue:{row.pk}").count() == 1
    assert list(selectors_followup.overdue_rectifications()) == [row]


def _admin_client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def open_rectification():
    return rectification(rated(concluded()), due_on=timezone.localdate() - dt.timedelta(days=2))


def test_the_department_answers_a_rectification_in_the_admin(open_rectification):
    row = open_rectification
    reviewer = member(row.department, Role.REVIEWER)
    client = _admin_client(reviewer)
    url = reverse("admin:applications_rectification_change", args=[row.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "已超期" in page.content.decode()

    for answer, message in (("", "请填写整改情况"), ("已整改", "至少10个字")):
        response = client.post(url, {"answer": answer, "_save": "保存"})
        assert response.status_code == 200
        assert message in response.content.decode()
        row.refresh_from_db()
        assert row.state == Rectification.State.OPEN

    answer = "已约谈经办人员，明确专人接听咨询电话，并向企业电话致歉说明。"
    response = client.post(url, {"answer": answer, "_save": "保存"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == Rectification.State.ANSWERED
    assert row.answer == answer and row.answered_by == reviewer and row.answered_at is not None
    assert row.history.latest().history_user == reviewer
    # Answered: read-only from now on.
    assert 'name="_save"' not in client.get(url).content.decode()
    assert client.post(url, {"answer": "改写的答复内容，至少十个字。", "_save": "保存"}).status_code == 403


def test_another_department_neither_sees_nor_answers_a_rectification(open_rectification):
    row = open_rectification
    stranger = member(DepartmentFactory(name="宜昌市商务局"), Role.REVIEWER)
    client = _admin_client(stranger)
    url = reverse("admin:applications_rectification_change", args=[row.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "不属于本部门的整改答复内容。", "_save": "保存"}).status_code == 404
    listing = client.get(reverse("admin:applications_rectification_changelist"))
    assert listing.status_code == 200
    assert row.rating.application.number not in listing.content.decode()
    row.refresh_from_db()
    assert row.state == Rectification.State.OPEN


def test_supervisors_see_every_rectification_with_its_overdue_mark_but_do_not_answer(open_rectification):
    row = open_rectification
    supervisor = member(DepartmentFactory(name="宜昌市督查室"), Role.SUPERVISOR)
    client = _admin_client(supervisor)
    listing = client.get(reverse("admin:applications_rectification_changelist"), {"overdue": "yes"})
    assert listing.status_code == 200
    body = listing.content.decode()
    assert row.rating.application.number in body and "已超期" in body
    page = client.get(reverse("admin:applications_rectification_change", args=[row.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_objections_and_ratings_are_scoped_to_the_matters_department():
    from applications.publicity import raise_objection

    application = in_publicity()
    objection = raise_objection(application, name="王五", phone="13900001111", content="营业收入未达到申报条件。")
    approver = member(application.matter.department, Role.APPROVER)
    stranger = member(DepartmentFactory(name="宜昌市商务局"), Role.APPROVER)

    mine = _admin_client(approver).get(reverse("admin:applications_objection_change", args=[objection.pk]))
    assert mine.status_code == 200
    body = mine.content.decode()
    assert "139****1111" in body and "13900001111" not in body
    assert "dismiss_objection" in body or application.number in body
    other = _admin_client(stranger)
    assert other.get(reverse("admin:applications_objection_change", args=[objection.pk])).status_code == 404
    assert application.number not in other.get(reverse("admin:applications_objection_changelist")).content.decode()

    rating = rated(concluded())
    assert (
        _admin_client(member(rating.application.matter.department, Role.REVIEWER))
        .get(reverse("admin:applications_rating_change", args=[rating.pk]))
        .status_code
        == 200
    )
    assert other.get(reverse("admin:applications_rating_change", args=[rating.pk])).status_code == 404
