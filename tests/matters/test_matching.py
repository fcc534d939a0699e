"""政策找企业: publishing a matter matches the register set-based, stores the results, and tells the newly
eligible once (宜昌 §26); archive changes re-match; the nightly run repairs drift; registration is told."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from enterprises import services as archive
from enterprises.models import AnnualFigure, ChangeEvent, Source
from matters import matching
from matters.eligibility import eligible_enterprises, evaluate
from matters.models import DeliveryKind, MatchResult, Matter, PushRecord, WindowKind
from matters.services import assign_matter_ownership
from matters.tasks import sweep_matching
from portal.core.workflow import perform
from portal.notify.models import OutboxMessage, SiteMessage
from portal.org.roles import Role
from tests.factories.enterprises import AnnualFigureFactory, EnterpriseFactory, EnterpriseMemberFactory
from tests.factories.matters import CriterionFactory, complete_matter
from tests.factories.policies import member

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year - 1


def company(revenue=None, employees=None, **fields):
    """An enterprise with last year's revenue (万元) and employees; None leaves the figure missing."""
    enterprise = EnterpriseFactory(**fields)
    if revenue is not None or employees is not None:
        AnnualFigureFactory(
            enterprise=enterprise,
            year=YEAR,
            revenue_wan=None if revenue is None else Decimal(revenue),
            employees=employees,
        )
    return enterprise


def draft(**fields) -> Matter:
    """A draft matter: 营业收入 ≥ 2000万元 and 从业人员 ≥ 50人, a fixed 20万元 award, year-round."""
    matter = complete_matter(**fields)
    CriterionFactory(
        rule_set=matter.rule_sets.get(),
        fact="employees",
        operator="gte",
        value=50,
        message="从业人员不少于50人",
    )
    assign_matter_ownership(matter, matter.department)
    return matter


def publish(matter: Matter) -> Matter:
    perform(matter, "submit", by=member(matter.department, Role.EDITOR))
    perform(matter, "publish", by=member(matter.department, Role.APPROVER))
    matter.refresh_from_db()
    return matter


def published(**fields) -> Matter:
    """Published and matched, as the task queued after the commit does it."""
    matter = publish(draft(**fields))
    matching.match_and_push(matter.pk)
    matter.refresh_from_db()
    return matter


def statuses(matter) -> dict[int, str]:
    return dict(MatchResult.objects.filter(matter=matter).values_list("enterprise_id", "status"))


def sms(template=matching.SMS_MATCHED):
    return OutboxMessage.objects.filter(template__code=template)


@pytest.fixture
def register():
    """Two eligible, one near miss (revenue 180万元 short), one unknown (no figures), one far from it."""
    return {
        "eligible": [company(5000, 120), company(2000, 50)],
        "near": company(1820, 80),
        "unknown": company(),
        "far": company(100, 3),
    }


def test_publishing_queues_the_match_after_the_commit(monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr("portal.core.tasks.publish", lambda task, *args: queued.append((task.name, args)))
    matter = draft()
    perform(matter, "submit", by=member(matter.department, Role.EDITOR))
    with django_capture_on_commit_callbacks(execute=True):
        perform(matter, "publish", by=member(matter.department, Role.APPROVER))
        assert ("matters.match_matter", (matter.pk,)) not in queued
    assert ("matters.match_matter", (matter.pk,)) in queued


def test_results_are_stored_and_agree_with_the_eligibility_engine(register):
    matter = published()
    rule_set = matter.rule_set_on(TODAY)
    stored = statuses(matter)

    eligible = set(eligible_enterprises(rule_set, on=TODAY).values_list("pk", flat=True))
    assert {pk for pk, status in stored.items() if status == "eligible"} == eligible
    assert eligible == {e.pk for e in register["eligible"]}
    assert stored[register["unknown"].pk] == "unknown"
    assert stored[register["near"].pk] == "ineligible"
    assert register["far"].pk not in stored, "a plain ineligible enterprise gets no row"
    assert matter.matched_at is not None
    assert set(MatchResult.objects.filter(matter=matter).values_list("rule_set", flat=True)) == {rule_set.pk}


def test_a_near_miss_is_stored_with_the_gap_the_enterprise_is_told(register):
    matter = published()
    result = MatchResult.objects.get(matter=matter, enterprise=register["near"])
    explained = evaluate(matter.rule_set_on(TODAY), register["near"], on=TODAY)

    assert result.near_miss
    assert result.gap == explained.near_miss.gap_text == "营业收入还差 180万元"


def test_the_newly_eligible_get_one_site_message_and_one_sms(register):
    legal_rep = EnterpriseMemberFactory(enterprise=register["eligible"][0]).user
    matter = published()

    assert sms().count() == 2
    message = sms().get(dedupe_key=f"matter-push:matched:{matter.pk}:{register['eligible'][0].pk}")
    assert message.phone == register["eligible"][0].contact_phone
    assert matter.name[:20] in message.text
    assert "预计可获20万元" in message.text
    assert "常年申报" in message.text
    assert f"/matters/{matter.code}/" in message.text
    assert message.text.count("http") == 1
    inbox = SiteMessage.objects.get(user=legal_rep)
    assert matter.name in inbox.title
    assert PushRecord.objects.filter(matter=matter, kind="matched").count() == 2
    told = MatchResult.objects.filter(matter=matter, notified_at__isnull=False)
    assert set(told.values_list("enterprise_id", flat=True)) == {e.pk for e in register["eligible"]}


def test_nobody_is_told_twice_on_re_matching_the_nightly_run_or_re_publishing(register):
    matter = published()
    matching.match_and_push(matter.pk)
    matching.rematch_open_matters()
    perform(matter, "withdraw", by=member(matter.department, Role.APPROVER), reason="政策调整")
    perform(matter, "revise", by=member(matter.department, Role.EDITOR))
    publish(matter)
    matching.match_and_push(matter.pk)

    assert sms().count() == 2
    assert PushRecord.objects.filter(matter=matter).count() == 2
    assert MatchResult.objects.filter(matter=matter, status="eligible").count() == 2


def test_an_archive_change_re_matches_and_tells_the_newly_eligible_once(register):
    matter = published()
    near = register["near"]
    first = MatchResult.objects.get(matter=matter, enterprise=near).first_matched_at

    archive.record_annual_figure(near, YEAR, {"revenue_wan": Decimal("2100")}, source=Source.TAX)
    assert matching.consume_change_events() == 1

    result = MatchResult.objects.get(matter=matter, enterprise=near)
    assert (result.status, result.near_miss, result.gap) == ("eligible", False, "")
    assert result.first_matched_at == first
    assert result.first_eligible_at is not None and result.notified_at is not None
    assert sms().count() == 3
    assert not ChangeEvent.objects.filter(consumed_at__isnull=True).exists()
    assert matching.consume_change_events() == 0

    # falling out and back in again tells nobody a second time
    archive.record_annual_figure(near, YEAR, {"revenue_wan": Decimal("100")}, source=Source.TAX)
    matching.consume_change_events()
    assert MatchResult.objects.get(matter=matter, enterprise=near).status == "ineligible"
    archive.record_annual_figure(near, YEAR, {"revenue_wan": Decimal("3000")}, source=Source.TAX)
    matching.consume_change_events()
    assert MatchResult.objects.get(matter=matter, enterprise=near).status == "eligible"
    assert sms().count() == 3


def test_a_change_event_is_matched_against_open_matters_only(register):
    open_matter = published()
    closed = published(
        window_kind=WindowKind.FIXED,
        window_opens=TODAY + dt.timedelta(days=60),
        window_closes=TODAY + dt.timedelta(days=90),
    )
    Matter.objects.filter(pk=closed.pk).update(
        window_opens=TODAY - dt.timedelta(days=60), window_closes=TODAY - dt.timedelta(days=1)
    )
    newcomer = company(9000, 300)
    archive.record_change(newcomer, ChangeEvent.Kind.FACTS)

    matching.consume_change_events()

    assert MatchResult.objects.get(matter=open_matter, enterprise=newcomer).status == "eligible"
    assert not MatchResult.objects.filter(matter=closed, enterprise=newcomer).exists()


def test_recording_a_change_starts_the_consumer_after_the_commit(monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr("portal.core.tasks.publish", lambda task, *args: queued.append(task.name))
    enterprise = company(100, 3)
    with django_capture_on_commit_callbacks(execute=True):
        archive.record_change(enterprise, ChangeEvent.Kind.FACTS)
        archive.record_change(enterprise, ChangeEvent.Kind.TAGS)
    assert queued.count("matters.consume_change_events") == 1


def test_the_nightly_run_repairs_drift_and_tells_the_newly_eligible(register):
    matter = published()
    # a figure corrected in SQL, without a change event (as a restore or a missed event would leave it)
    AnnualFigure.objects.filter(enterprise=register["near"]).update(revenue_wan=Decimal("2500"))
    AnnualFigure.objects.filter(enterprise=register["eligible"][1]).update(employees=10)

    assert matching.rematch_open_matters() == 1

    stored = statuses(matter)
    assert stored[register["near"].pk] == "eligible"
    assert stored[register["eligible"][1].pk] == "ineligible"
    assert MatchResult.objects.get(matter=matter, enterprise=register["eligible"][1]).notified_at is not None
    assert sms().count() == 3


def test_a_registered_enterprise_gets_one_sms_counting_the_matters_it_may_enjoy():
    first, second = published(), published()
    withdrawn = published()
    Matter.objects.filter(pk=withdrawn.pk).update(status=Matter.Status.WITHDRAWN)
    enterprise = company(8000, 200)
    user = EnterpriseMemberFactory(enterprise=enterprise).user
    archive.record_change(enterprise, ChangeEvent.Kind.FACTS)
    archive.record_change(enterprise, ChangeEvent.Kind.REGISTERED, {"user": user.pk})

    matching.consume_change_events()

    registered = sms(matching.SMS_REGISTERED).get()
    assert registered.params["matters"] == "2"
    assert registered.params["policies"] == "2"
    assert "2项政策事项" in registered.text
    assert not sms().exists(), "the matters listed at registration are not pushed again one by one"
    assert set(PushRecord.objects.filter(enterprise=enterprise).values_list("matter", "kind")) == {
        (first.pk, "registered"),
        (second.pk, "registered"),
    }
    assert SiteMessage.objects.get(user=user).title == "为您推荐2项可申报的政策事项"

    archive.record_change(enterprise, ChangeEvent.Kind.REGISTERED, {"user": user.pk})
    matching.consume_change_events()
    assert sms(matching.SMS_REGISTERED).count() == 1


def test_matching_and_pushing_in_small_chunks_gives_the_same_result(register):
    more = [company(3000 + n, 60) for n in range(5)]
    matter = publish(draft())

    counts = matching.match_matter(matter, chunk=2)
    told = matching.push_matched(matter, chunk=2)

    assert counts.eligible == 7 == told
    assert counts.unknown == 1 and counts.near_miss == 1
    assert set(statuses(matter)) == {
        *(e.pk for e in register["eligible"] + more),
        register["near"].pk,
        register["unknown"].pk,
    }
    assert sms().count() == 7


def test_a_lost_match_message_is_repaired_by_the_sweep(register):
    matter = publish(draft())  # the task's message never reached a worker
    assert matching.unmatched_matters().filter(pk=matter.pk).exists()

    sweep_matching()

    assert MatchResult.objects.filter(matter=matter, status="eligible").count() == 2
    assert sms().count() == 2
    assert not matching.unmatched_matters().exists()
    assert not matching.unpushed_matters().exists()


def test_an_automatic_matter_gives_the_eligible_list_for_confirmation(register):
    automatic = published(delivery_kind=DeliveryKind.AUTOMATIC)
    reviewed = published()

    listed = matching.eligible_for_confirmation(automatic)

    assert {r.enterprise_id for r in listed} == {e.pk for e in register["eligible"]}
    assert all(r.rule_set == automatic.rule_set_on(TODAY) for r in listed)
    assert not matching.eligible_for_confirmation(reviewed).exists()


def test_a_second_full_run_of_the_same_matter_skips_while_one_is_going_on(register):
    from django.db import connection

    matter = publish(draft())
    other = connection.copy()  # another worker's session
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [f"matters.match:{matter.pk}"])
    try:
        assert matching.match_and_push(matter.pk) is None
        assert not MatchResult.objects.filter(matter=matter).exists()
    finally:
        other.close()

    assert matching.match_and_push(matter.pk).eligible == 2
