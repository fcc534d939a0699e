"""Demo matters: enough of every kind, complete guides, lawful criteria, the real workflow, and a demo
enterprise that sees matches, near misses, unknowns and amounts.

The demo is loaded once for the module (it takes a while), by one test process, inside a transaction rolled
back at the end.
"""

import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from enterprises.demo import SHOWCASE
from enterprises.models import Enterprise
from matters import demo
from matters.amounts import estimate, mark_exclusive
from matters.eligibility import evaluate_many, lint_criterion
from matters.models import (
    Criterion,
    DeliveryKind,
    Material,
    Matter,
    MatterFAQ,
    ProcessStep,
    RuleSet,
    SupportKind,
    SupportTier,
    WindowKind,
)
from portal import workdays
from portal.core.facts import facts
from portal.org.permissions import owning_departments

# One worker loads the demo for all of these (scripts/test.sh distributes with --dist loadgroup): spread
# over both, each would spend the minute or two it takes.
pytestmark = pytest.mark.xdist_group("matters-demo")


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def showcase(loaded, db):
    return Enterprise.objects.get(name=SHOWCASE["name"])


def _counts():
    models = (Matter, RuleSet, Criterion, Material, ProcessStep, MatterFAQ, SupportTier)
    return [model.objects.count() for model in models] + [
        Matter.history.count(),
        RuleSet.history.count(),
        Criterion.history.count(),
    ]


def test_a_second_load_changes_nothing(loaded, db):
    before = _counts()

    call_command("load_demo")

    assert _counts() == before


def test_there_are_at_least_80_matters_with_unique_codes_and_named_by_region(loaded, db):
    matters = Matter.objects.select_related("region")

    assert matters.count() >= 80
    assert matters.count() == len(demo.SPECS)
    assert len(set(matters.values_list("name", flat=True))) == matters.count()
    for matter in matters:
        assert matter.region.name[:2] in matter.name, matter.name


def test_every_delivery_window_support_kind_and_state_is_present(loaded, db):
    matters = Matter.objects.all()

    assert set(matters.values_list("delivery_kind", flat=True)) == set(DeliveryKind.values)
    assert set(matters.values_list("window_kind", flat=True)) == set(WindowKind.values)
    assert set(matters.values_list("support_kind", flat=True)) == set(SupportKind.values)
    assert set(matters.values_list("status", flat=True)) == set(Matter.Status.values)
    assert matters.exclude(exclusive_group="").values("exclusive_group").distinct().count() >= 3
    assert matters.filter(support_kind=SupportKind.RATE, support_cap__isnull=False).exists()
    assert SupportTier.objects.values("matter").distinct().count() >= 2


def test_fixed_windows_are_open_now_or_open_later_with_the_guide_public_five_working_days_before(loaded, db):
    today = timezone.localdate()
    published = Matter.objects.filter(status=Matter.Status.PUBLISHED, window_kind=WindowKind.FIXED)
    open_now = [m for m in published if m.window_open_on(today)]
    later = [m for m in published if m.window_opens > today]

    assert len(open_now) >= 5
    assert len(later) >= 5
    assert all(workdays.workdays_between(today, m.window_opens) > 5 for m in later)
    for matter in published:
        assert not matter.guide_published_late, matter.code
        assert timezone.localdate(matter.published_at) <= workdays.add_workdays(matter.window_opens, -5)
    decided = Matter.objects.filter(window_decided_on__isnull=False)
    assert all(m.window_decided_on < m.window_opens for m in decided)


def test_every_matter_has_a_complete_guide(loaded, db):
    for matter in Matter.objects.prefetch_related("steps", "materials", "faqs", "rule_sets__criteria"):
        steps = list(matter.steps.all())
        assert steps and all(step.department_id and step.days >= 1 for step in steps), matter.code
        assert matter.time_limit_days == sum(step.days for step in steps)
        assert matter.faqs.exists() and matter.notes and matter.consult_phone and matter.supervise_phone
        assert matter.support_text in matter.policy.original_text
        if matter.delivery_kind != DeliveryKind.AUTOMATIC:
            assert matter.materials.filter(required=True).exists(), matter.code
    materials = Material.objects.all()
    assert set(materials.values_list("form", flat=True)) == set(Material.Form.values)
    assert materials.filter(shared=True).exists() and materials.filter(required=False).exists()


def test_criteria_use_every_fact_with_messages_legal_references_or_groups_and_manual_rows(loaded, db):
    criteria = Criterion.objects.select_related("rule_set__matter__policy")

    assert set(facts.keys()) <= set(criteria.exclude(fact="").values_list("fact", flat=True))
    assert criteria.filter(manual=True).exists()
    grouped = Counter(criteria.exclude(group="").values_list("rule_set_id", "group"))
    assert sum(1 for n in grouped.values() if n >= 2) >= 3
    for criterion in criteria:
        assert criterion.message
        assert criterion.legal_reference.startswith(criterion.rule_set.matter.policy.document_number)
        # Published versions are frozen; every other rule of the linter holds.
        assert set(lint_criterion(criterion)) <= {"rule_set"}, criterion.message


def test_matters_went_through_the_workflow_and_belong_to_their_department(loaded, db):
    for matter in Matter.objects.exclude(status=Matter.Status.DRAFT):
        reasons = list(matter.history.values_list("history_change_reason", flat=True))
        assert "提交审核" in reasons, matter.code
        assert matter.department in owning_departments(matter, "matters.approve_matter")
        if matter.status != Matter.Status.SUBMITTED:
            assert "审核上架" in reasons
            assert matter.rule_sets.get().is_published
    editor_published = Matter.history.filter(history_change_reason="审核上架", history_user__username="kjj_approver")
    assert editor_published.exists()


def test_the_demo_enterprise_sees_matches_near_misses_unknowns_and_amounts(showcase):
    today = timezone.localdate()
    rule_sets = RuleSet.objects.filter(matter__status=Matter.Status.PUBLISHED, status="published")
    matters = {rs.pk: rs.matter for rs in rule_sets.select_related("matter")}

    evaluations = evaluate_many(rule_sets, showcase, on=today)

    eligible = [e for e in evaluations if e.status == "eligible"]
    near = [e for e in evaluations if e.near_miss is not None and e.near_miss.gap is not None]
    unknown = [e for e in evaluations if e.status == "unknown" and e.missing]
    assert len(eligible) >= 5
    assert len(near) >= 3
    assert all(re.search(r"(还差|超出) [\d,.]+(万元|人)", e.near_miss.gap_text) for e in near)
    assert any(e.near_miss.gap_text.startswith("营业收入还差") for e in near)
    assert unknown and any("出口额" in r.message for e in unknown for r in e.missing)
    estimates = [(matters[e.rule_set.pk], estimate(matters[e.rule_set.pk], showcase, on=today)) for e in eligible]
    amounts = [est for _m, est in estimates if est.amount]
    assert len(amounts) >= 4
    # Tax incentives are not estimated as money received; the cash rate matters are estimated on its figures.
    rate_matters = [m for m in matters.values() if m.support_kind == SupportKind.RATE]
    assert any(estimate(m, showcase, on=today).amount for m in rate_matters)
    # 就高不重复 among what the calculator shows as hopeful (eligible, or possibly so pending staff's check).
    hopeful = [matters[e.rule_set.pk] for e in evaluations if e.status in ("eligible", "unknown")]
    best = mark_exclusive([(m, estimate(m, showcase, on=today)) for m in hopeful])
    assert any(best[m.pk] != m for m in hopeful if m.pk in best)
