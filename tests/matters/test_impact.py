"""影响预览: a draft's effect over the whole register, old rule beside new, stored for review.

The register: six enterprises whose figures for last year decide both rules.
The old rule (published): revenue ≥ 2000万元. The new draft: revenue ≥ 1000万元
and at most 300 employees. The matter pays 10% of R&D expense, capped at 50万元.

    A  revenue 2300, 100 persons, R&D 100  small   420502 C3911  eligible → eligible   10万元
    B  revenue 1500,  50 persons, R&D  60  micro   420502 I6513  ineligible → eligible  6万元 (gained)
    C  revenue 5000, 500 persons, R&D 800  medium  420503 C2614  eligible → ineligible 50万元 (capped; lost)
    D  no figures                          unknown                unknown → unknown
    E  revenue  500,  20 persons           micro                  ineligible → ineligible
    F  revenue 1200, persons missing       small                  ineligible → unknown
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from matters import impact
from matters.models import ImpactPreview, SupportKind
from matters.services import assign_ownership
from portal.org.roles import Role
from tests.backoffice.roundtrip import signed_in
from tests.factories.matters import MatterFactory
from tests.factories.org import DepartmentFactory
from tests.factories.policies import member
from tests.matters import build

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year - 1


def _company(region, industry, size, **figures):
    return build.enterprise(
        {
            "region": region,
            "industry_code": industry,
            "size": size,
            "figures": {YEAR: figures} if figures else {},
        }
    )


@pytest.fixture
def register():
    return {
        "A": _company("420502", "C3911", "small", revenue_wan=2300, employees=100, rd_expense_wan=100),
        "B": _company("420502", "I6513", "micro", revenue_wan=1500, employees=50, rd_expense_wan=60),
        "C": _company("420503", "C2614", "medium", revenue_wan=5000, employees=500, rd_expense_wan=800),
        "D": _company("420502", "C3911", "unknown"),
        "E": _company("420503", "F5132", "micro", revenue_wan=500, employees=20),
        "F": _company("420503", "C3911", "small", revenue_wan=1200, rd_expense_wan=10),
    }


@pytest.fixture
def matter():
    return MatterFactory(
        support_kind=SupportKind.RATE,
        support_base_fact="rd_expense",
        support_rate=Decimal(10),
        support_cap=Decimal(500000),
        support_amount=None,
    )


def _revenue(value):
    return {"fact": "revenue", "operator": "gte", "value": value, "message": f"营业收入不低于{value}万元"}


@pytest.fixture
def old(matter):
    rules = build.rule_set([_revenue(2000)], matter=matter, code="impact-rules")
    rules.status, rules.valid_from, rules.published_at = "published", TODAY - dt.timedelta(days=30), timezone.now()
    rules.save()
    assign_ownership(rules, matter.department)
    return rules


@pytest.fixture
def draft(matter, old):
    rules = build.rule_set(
        [_revenue(1000), {"fact": "employees", "operator": "lte", "value": 300, "message": "从业人员不超过300人"}],
        matter=matter,
        code="impact-rules",
        version=2,
    )
    assign_ownership(rules, matter.department)
    return rules


def _by(rows):
    return {row["key"]: row for row in rows}


def test_the_draft_is_compared_with_the_version_in_force(register, old, draft):
    assert impact.baseline_for(draft, TODAY) == old
    assert impact.baseline_for(old, TODAY) is None


def test_gained_lost_and_unknown_over_the_register(register, old, draft):
    preview = impact.compute_preview(draft, on=TODAY)

    assert (preview.eligible_before, preview.eligible_after, preview.gained, preview.lost) == (2, 2, 1, 1)
    totals = preview.figures["totals"]
    assert (totals["unknown_before"], totals["unknown_after"]) == (1, 2)  # D; D and F (employees missing)
    assert preview.figures["register"] == 6


def test_amounts_old_and_new_sum_the_support_standard_over_the_eligible(register, old, draft):
    preview = impact.compute_preview(draft, on=TODAY)

    assert preview.amount_before == Decimal("600000.00")  # A 10万 + C 80万 capped at 50万
    assert preview.amount_after == Decimal("160000.00")  # A 10万 + B 6万
    assert preview.figures["amounts_estimated"] is True


def test_breakdown_by_size_region_and_industry_section(register, old, draft):
    figures = impact.compute_preview(draft, on=TODAY).figures

    by_size = _by(figures["by_size"])
    assert set(by_size) == {"small", "micro", "medium"}
    assert (by_size["micro"]["before"], by_size["micro"]["after"], by_size["micro"]["gained"]) == (0, 1, 1)
    assert (by_size["medium"]["before"], by_size["medium"]["after"], by_size["medium"]["lost"]) == (1, 0, 1)
    assert by_size["medium"]["amount_before"] == "500000.00"
    assert by_size["small"]["amount_after"] == "100000.00"
    assert by_size["micro"]["label"] == "微型"

    by_region = {row["label"].split("（")[-1].rstrip("）"): row for row in figures["by_region"]}
    assert (by_region["420502"]["before"], by_region["420502"]["after"]) == (1, 2)
    assert (by_region["420503"]["before"], by_region["420503"]["after"], by_region["420503"]["lost"]) == (1, 0, 1)

    by_section = _by(figures["by_section"])
    assert set(by_section) == {"C", "I"}  # F (wholesale) is eligible under neither rule
    assert (by_section["C"]["before"], by_section["C"]["after"]) == (2, 1)
    assert by_section["I"]["gained"] == 1
    assert by_section["C"]["label"].startswith("C ")


def test_first_version_has_nothing_before(register, matter):
    first = build.rule_set([_revenue(2000)], matter=matter)

    preview = impact.compute_preview(first, on=TODAY)

    assert preview.baseline is None
    assert (preview.eligible_before, preview.eligible_after, preview.gained, preview.lost) == (0, 2, 2, 0)
    assert preview.amount_before == 0 and preview.amount_after == Decimal("600000.00")


def test_a_rule_set_without_a_matter_counts_but_estimates_no_amount(register):
    loose = build.rule_set([_revenue(1000)])

    preview = impact.compute_preview(loose, on=TODAY)

    assert preview.eligible_after == 4  # A, B, C, F
    assert preview.figures["amounts_estimated"] is False
    assert preview.amount_after == 0


def test_the_preview_is_stored_with_version_baseline_day_and_author(register, old, draft, matter):
    editor = member(matter.department, Role.EDITOR)

    preview = impact.compute_preview(draft, by=editor, on=TODAY)

    stored = ImpactPreview.objects.get(pk=preview.pk)
    assert (stored.rule_set, stored.baseline, stored.computed_on, stored.computed_by) == (draft, old, TODAY, editor)
    assert [c["message"] for c in stored.figures["criteria_after"]] == ["营业收入不低于1000万元", "从业人员不超过300人"]
    assert [c["message"] for c in stored.figures["criteria_before"]] == ["营业收入不低于2000万元"]
    assert list(draft.impact_previews.all()) == [stored]


def test_the_register_is_judged_in_one_query(register, old, draft, django_assert_max_num_queries):
    baseline = impact.baseline_for(draft, TODAY)
    with django_assert_max_num_queries(3):  # the two rule sets' criteria, then the one GROUP BY over the register
        rows = list(impact.grouped_rows(draft, baseline, on=TODAY, matter=draft.matter))
    assert sum(row["n"] for row in rows) == 6


# The back office.


def _impact_url(rule_set):
    return reverse("admin:matters_ruleset_impact", args=[rule_set.pk])


def _compute(client, rule_set):
    page = client.get(_impact_url(rule_set))
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else client.cookies["csrftoken"].value
    return client.post(_impact_url(rule_set), {"csrfmiddlewaretoken": token, "compute": "1"})


@pytest.mark.parametrize("role", [Role.APPROVER, Role.EDITOR])
def test_staff_of_the_owning_department_compute_and_see_old_beside_new(register, old, draft, matter, role):
    user = member(matter.department, role)
    client = signed_in(user)

    page = client.get(_impact_url(draft))
    assert page.status_code == 200
    assert "尚未测算影响" in page.content.decode()

    response = _compute(client, draft)
    assert response.status_code == 302 and response["Location"] == _impact_url(draft)
    preview = draft.impact_previews.get()
    assert preview.computed_by == user and preview.eligible_after == 2

    html = client.get(_impact_url(draft)).content.decode()
    for words in ("原规则", "新规则", "按地区", "按行业门类", "按企业规模", "16万元", "60万元", "微型", "新增符合"):
        assert words in html, words
    assert str(old) in html

    change = client.get(reverse("admin:matters_ruleset_change", args=[draft.pk])).content.decode()
    assert reverse("admin:matters_impactpreview_change", args=[preview.pk]) in change
    assert _impact_url(draft) in change


def test_a_changed_draft_says_its_preview_is_out_of_date(register, old, draft, matter):
    client = signed_in(member(matter.department, Role.APPROVER))
    _compute(client, draft)
    criterion = draft.criteria.get(fact="employees")
    criterion.value = 400
    criterion.save()

    assert "测算后申报条件已修改" in client.get(_impact_url(draft)).content.decode()


def test_another_departments_rule_set_is_out_of_reach(register, old, draft):
    stranger = member(DepartmentFactory(), Role.APPROVER)
    client = signed_in(stranger)

    assert client.get(_impact_url(draft)).status_code == 404
    client.get(reverse("admin:index"))
    response = client.post(_impact_url(draft), {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 404
    assert not ImpactPreview.objects.exists()


def test_a_reviewer_sees_previews_but_computes_none(register, old, draft, matter):
    preview = impact.compute_preview(draft, on=TODAY)
    client = signed_in(member(matter.department, Role.REVIEWER))

    page = client.get(_impact_url(draft)).content.decode()
    assert 'name="compute"' not in page and "新规则" in page
    response = _compute(client, draft)
    assert response.status_code == 302
    assert draft.impact_previews.get() == preview  # nothing new stored
    assert client.get(reverse("admin:matters_impactpreview_change", args=[preview.pk])).status_code == 200


def test_a_published_version_is_not_previewed_again(register, old, matter):
    client = signed_in(member(matter.department, Role.APPROVER))

    assert 'name="compute"' not in client.get(_impact_url(old)).content.decode()
    _compute(client, old)
    assert not ImpactPreview.objects.exists()


def test_stored_previews_are_read_only_and_kept_within_the_department(register, old, draft, matter):
    preview = impact.compute_preview(draft, on=TODAY)
    url = reverse("admin:matters_impactpreview_change", args=[preview.pk])
    supervisor = signed_in(member(DepartmentFactory(), Role.SUPERVISOR))
    stranger = signed_in(member(DepartmentFactory(), Role.REVIEWER))

    page = supervisor.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode() and "按企业规模" in page.content.decode()
    assert stranger.get(url).status_code == 404
    listed = stranger.get(reverse("admin:matters_impactpreview_changelist")).content.decode()
    assert url not in listed
