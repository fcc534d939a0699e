"""A matter's 申报条件 in the back office: the rule version's matter, the link from the matter, the live count."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from matters import services
from matters.models import RuleSet
from portal.org.roles import Role
from tests.factories.matters import MatterFactory, complete_matter
from tests.factories.org import DepartmentFactory
from tests.factories.policies import member
from tests.matters import build

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def matter():
    matter = complete_matter()  # 申报条件: 上一年度营业收入不低于2000万元
    services.assign_matter_ownership(matter, matter.department)
    services.assign_ownership(matter.rule_sets.get(), matter.department)
    return matter


@pytest.fixture
def editor(matter):
    return member(matter.department, Role.EDITOR)


@pytest.fixture
def register():
    """Four enterprises: 2025 revenue 3,000万元 (eligible), 1,900万元 (one criterion short), none (unknown),
    and 500万元 (ineligible, but also one criterion short: a near miss is any single failed criterion)."""
    updated = dt.date(2026, 3, 1)
    for revenue in (3000, 1900, 500):
        build.enterprise({"figures": {2025: {"revenue_wan": revenue, "updated": updated}}})
    build.enterprise({})


def rows(value) -> dict:
    return {
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-position": "1",
        "criteria-0-fact": "revenue",
        "criteria-0-operator": "gte",
        "criteria-0-value": value,
        "criteria-0-message": "上一年度营业收入不低于1800万元",
        "criteria-0-legal_reference": "宜政发〔2024〕5号 第十二条",
    }


def test_the_count_of_the_saved_rows(editor, matter, register):
    rule_set = matter.rule_sets.get()
    response = client_for(editor).get(reverse("admin:matters_ruleset_count", args=[rule_set.pk]))
    assert response.status_code == 200
    counts = response.json()
    assert (counts["eligible"], counts["unknown"], counts["ineligible"]) == (1, 1, 2)
    assert counts["near_miss"] == 2 and counts["total"] == 4


def test_the_page_shows_the_count_and_loads_the_script(editor, matter, register):
    page = client_for(editor).get(reverse("admin:matters_ruleset_change", args=[matter.rule_sets.get().pk]))
    html = page.content.decode()
    assert 'id="ruleset-count"' in html and 'data-count="eligible">1<' in html
    assert "matters/ruleset_count.js" in html
    assert "<script>" not in html.replace("<script src", "")  # no inline script


def test_the_rows_as_typed_are_counted_before_saving(editor, matter, register):
    rule_set = matter.rule_sets.get()
    response = client_for(editor).post(reverse("admin:matters_ruleset_count", args=[rule_set.pk]), rows("1800"))
    assert response.status_code == 200
    assert response.json()["eligible"] == 2
    assert rule_set.criteria.get().value == 2000  # nothing saved


def test_an_ill_formed_row_is_explained_not_counted(editor, matter, register):
    data = rows('"很多"')
    response = client_for(editor).post(reverse("admin:matters_ruleset_count", args=[matter.rule_sets.get().pk]), data)
    assert response.status_code == 400
    assert response.json()["errors"][0].startswith("第1行：")


def test_another_departments_rule_set_is_not_counted(matter, register):
    stranger = member(DepartmentFactory(name="宜昌市商务局"), Role.EDITOR)
    url = reverse("admin:matters_ruleset_count", args=[matter.rule_sets.get().pk])
    assert client_for(stranger).get(url).status_code == 404


def test_a_rule_version_belongs_to_a_matter_of_the_users_department(editor, matter):
    other = MatterFactory(name="宜昌市外贸企业出口信用保险补贴")
    services.assign_matter_ownership(other, other.department)
    client = client_for(editor)
    form = client.get(reverse("admin:matters_ruleset_add")).context["adminform"].form
    assert list(form.fields["matter"].queryset) == [matter]
    response = client.post(
        reverse("admin:matters_ruleset_add"),
        {"matter": other.pk, "code": "other-rules", "name": "出口信保申报条件", **rows("1800")},
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in " ".join(response.context["adminform"].form.errors["matter"])
    assert not RuleSet.objects.filter(code="other-rules").exists()


def test_the_matter_page_links_to_its_draft_rules(editor, matter):
    page = client_for(editor).get(reverse("admin:matters_matter_change", args=[matter.pk])).content.decode()
    draft = matter.rule_sets.get()
    assert reverse("admin:matters_ruleset_change", args=[draft.pk]) in page and "编辑申报条件草稿" in page


def test_a_matter_without_rules_links_to_a_prefilled_rule_set(editor):
    matter = MatterFactory(department=editor.memberships.get().department)
    services.assign_matter_ownership(matter, matter.department)
    page = client_for(editor).get(reverse("admin:matters_matter_change", args=[matter.pk])).content.decode()
    assert "编写申报条件" in page and f"matter={matter.pk}" in page
    response = client_for(editor).post(
        reverse("admin:matters_ruleset_add"),
        {"matter": matter.pk, "code": matter.code.lower(), "name": "申报条件", **rows("1800")},
    )
    assert response.status_code == 302
    assert matter.rule_sets.get().criteria.count() == 1


def test_a_new_version_of_published_rules_from_the_matter(editor, matter):
    published = matter.rule_sets.get()
    services.publish_rule_set(published, valid_from=dt.date(2026, 1, 1))
    client = client_for(editor)
    url = reverse("admin:matters_matter_new_rule_version", args=[matter.pk])
    assert (
        'data-tool="new_rule_version"'
        in client.get(reverse("admin:matters_matter_change", args=[matter.pk])).content.decode()
    )
    assert client.get(url).status_code == 200
    response = client.post(url, {"confirm": "1"})
    draft = matter.rule_sets.get(version=2)
    assert response.status_code == 302 and response["Location"].endswith(f"/{draft.pk}/change/")
    assert not draft.is_published and draft.criteria.count() == 1
