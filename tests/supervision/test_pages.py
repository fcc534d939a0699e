"""The supervision pages as each role uses them, on the six policies of `policy_measures` (counted by hand there):
the supervisor's overview, ranking, department page and records; a department's own staff; everyone else."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from portal.org.models import Department
from portal.supervision import compute
from tests.supervision import policy_measures

pytestmark = pytest.mark.django_db
YEAR = {"from": "2026-01-01", "to": "2026-12-31"}


@pytest.fixture
def data(monkeypatch, demo_org):
    policy_measures.register()
    policy_measures.only_these(monkeypatch)
    policy_measures.make_policies()
    compute.refresh()
    yield {code: Department.objects.get(code=code) for code in ("yc-kjj", "yc-czj")}
    policy_measures.unregister()


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_supervisor_sees_headlines_trends_sections_and_warnings(data, staff):
    response = client_of(staff["sjj_supervisor"]).get(reverse("admin:supervision_overview"), YEAR)
    assert response.status_code == 200
    page = response.content.decode()
    assert "督查总览" in page and "发布政策数" in page and "逾期发布率" in page
    cards = {cell.figure.key: cell for cell in response.context["headlines"]}
    assert cards["testpolicies.published"].value == 6
    assert str(cards["testpolicies.late_rate"].value) == "33.3"
    assert cards["testpolicies.late_rate"].missed  # the target is 0 %
    assert (cards["testpolicies.published"].previous, cards["testpolicies.published"].change) == (0, 6)
    # the late rate links to the two late policies, its base to the six published
    assert (
        f"{reverse('admin:supervision_records', args=['testpolicies.late'])}?from=2026-01-01&amp;to=2026-12-31" in page
    )
    trend = next(t for t in response.context["trends"] if t.figure.key == "testpolicies.published")
    assert trend.values == [0, 0, 3, 0, 0, 0, 0, 0, 1, 2, 0, 0]
    assert 'id="supervision-charts"' in page and "vendor/echarts/echarts.common.min.js" in page
    assert "数据更新于" in page


def test_the_ranking_puts_the_better_department_first_and_sorts_by_any_column(data, staff):
    client = client_of(staff["sjj_supervisor"])
    response = client.get(reverse("admin:supervision_ranking"), YEAR)
    rows = response.context["rows"]
    # 市财政局: late rate 0.0 (1st), mean 2.00 (1st) → 1.00; 市科技局: 50.0 (2nd), 3.00 (2nd) → 2.00
    assert [(r.position, r.department.code, str(r.rank)) for r in rows] == [
        (1, "yc-czj", "1.00"),
        (2, "yc-kjj", "2.00"),
    ]
    worst_first = client.get(reverse("admin:supervision_ranking"), {**YEAR, "sort": "rank", "dir": "desc"})
    assert [r.department.code for r in worst_first.context["rows"]] == ["yc-kjj", "yc-czj"]
    by_count = client.get(
        reverse("admin:supervision_ranking"), {**YEAR, "sort": "testpolicies.mean_days", "dir": "desc"}
    )
    assert [str(r.cells[1].value) for r in by_count.context["rows"]] == ["3.00", "2.00"]
    page = response.content.decode()
    assert reverse("admin:supervision_department", args=[data["yc-kjj"].pk]) in page


def test_the_department_page_and_the_records_behind_a_number(data, staff):
    client = client_of(staff["sjj_supervisor"])
    kjj = data["yc-kjj"]
    response = client.get(reverse("admin:supervision_department", args=[kjj.pk]), YEAR)
    assert response.status_code == 200
    cells = {c.figure.key: c for s in response.context["sections"] for c in s.cells}
    assert cells["testpolicies.published"].value == 4 and cells["testpolicies.p90_days"].value == 5
    assert f"department={kjj.pk}" in cells["testpolicies.late_rate"].link
    breakdown = {b.figure.key: dict(b.rows) for b in response.context["breakdowns"]}
    assert (
        breakdown["testpolicies.late_rate"]["P2"].value == 100 and breakdown["testpolicies.late_rate"]["P1"].value == 0
    )
    records = client.get(cells["testpolicies.late_rate"].link.replace("&amp;", "&"))
    assert records.status_code == 200 and records.context["total"] == 2
    assert sorted(row["cells"][0] for row in records.context["rows"]) == ["P2", "P4"]
    assert all(row["url"].startswith("/admin/policies/policy/") for row in records.context["rows"])


def test_every_table_exports_to_excel(data, staff):
    client = client_of(staff["sjj_supervisor"])
    overview = client.get(reverse("admin:supervision_overview"), {**YEAR, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(overview.content)).active
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[[r[1] for r in rows].index("逾期发布率")][:6] == ("政策发布", "逾期发布率", 33.3, "%", 2, 6)
    ranking = client.get(reverse("admin:supervision_ranking"), {**YEAR, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(ranking.content)).active.iter_rows(values_only=True))
    assert rows[4][:3] == (1, "宜昌市财政局", 1) and rows[5][:3] == (2, "宜昌市科学技术局", 2)
    records = client.get(reverse("admin:supervision_records", args=["testpolicies.late"]), {**YEAR, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(records.content)).active.iter_rows(values_only=True))
    assert rows[3] == ("文号", "印发日期", "发布时间")
    assert sorted(r[0] for r in rows[4:]) == ["P2", "P4"]


def test_department_staff_see_their_own_department_only(data, staff):
    editor = client_of(staff["kjj_editor"])
    kjj, czj = data["yc-kjj"], data["yc-czj"]
    overview = editor.get(reverse("admin:supervision_overview"), YEAR)
    assert overview.status_code == 302 and overview["Location"] == reverse(
        "admin:supervision_department", args=[kjj.pk]
    )
    assert editor.get(reverse("admin:supervision_department", args=[kjj.pk]), YEAR).status_code == 200
    assert editor.get(reverse("admin:supervision_department", args=[czj.pk]), YEAR).status_code == 403
    records = reverse("admin:supervision_records", args=["testpolicies.late"])
    assert editor.get(records, {**YEAR, "department": czj.pk}).status_code == 403
    # without a department: their own department's records only
    own = editor.get(records, YEAR)
    assert own.status_code == 200 and own.context["total"] == 2
    # the platform-wide figures are not theirs
    assert editor.get(reverse("admin:supervision_records", args=["platform.enterprise_users"]), YEAR).status_code == 403
    assert editor.get(reverse("admin:supervision_ranking"), YEAR).status_code == 302


def test_enterprise_users_and_strangers_never_see_it(data, enterprise_user):
    url = reverse("admin:supervision_overview")
    assert Client().get(url).status_code == 302
    response = client_of(enterprise_user).get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_unknown_measures_departments_and_dates_are_answered_plainly(data, staff):
    client = client_of(staff["sjj_supervisor"])
    assert client.get(reverse("admin:supervision_records", args=["no.such"])).status_code == 404
    assert (
        client.get(reverse("admin:supervision_records", args=["testpolicies.late"]), {"department": "x"}).status_code
        == 404
    )
    assert client.get(reverse("admin:supervision_department", args=[999999])).status_code == 404
    response = client.get(
        reverse("admin:supervision_overview"), {"from": "2026-02-30", "region": "999999"}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("起始日期“2026-02-30”不是日历上存在的日期" in m for m in messages)
    assert any("区划代码“999999”不存在" in m for m in messages)
    assert response.context["period"].start == dt.date(dt.date.today().year, 1, 1)


def test_the_index_offers_the_pages_to_those_who_may_see_them(data, staff):
    supervisor = client_of(staff["sjj_supervisor"]).get(reverse("admin:index")).content.decode()
    assert reverse("admin:supervision_overview") in supervisor and reverse("admin:supervision_ranking") in supervisor
    editor = client_of(staff["kjj_editor"]).get(reverse("admin:index")).content.decode()
    assert reverse("admin:supervision_overview") in editor and reverse("admin:supervision_ranking") not in editor
    assert "本部门督查情况" in editor


def test_the_ranking_shows_one_section_at_a_time_and_ranks_on_all(data, staff):
    client = client_of(staff["sjj_supervisor"])
    response = client.get(reverse("admin:supervision_ranking"), {**YEAR, "section": "policies"})
    assert [f.key for f, _link, _active in response.context["columns"]] == [
        "testpolicies.late_rate",
        "testpolicies.mean_days",
    ]
    assert [str(r.rank) for r in response.context["rows"]] == ["1.00", "2.00"]
    assert "全部指标" in response.content.decode()
    # an unknown section shows every column
    assert len(client.get(reverse("admin:supervision_ranking"), {**YEAR, "section": "x"}).context["columns"]) == 2


def test_far_off_and_impossible_dates_are_refused_plainly(data, staff):
    client = client_of(staff["sjj_supervisor"])
    for query in ({"from": "9999-12-01", "to": "9999-12-31"}, {"from": "0001-01-01", "to": "0001-01-31"}):
        for url in (
            reverse("admin:supervision_overview"),
            reverse("admin:supervision_ranking"),
            reverse("admin:supervision_department", args=[data["yc-kjj"].pk]),
            reverse("admin:supervision_records", args=["testpolicies.late"]),
        ):
            response = client.get(url, query)
            assert response.status_code == 200, (url, query)
            assert any("应在2000年至2099年之间" in str(m) for m in response.context["messages"])
    # one wrong date: the whole default period, never a period narrowed by half of it
    response = client.get(reverse("admin:supervision_overview"), {"from": "2026-02-30", "to": "2026-01-01"})
    assert response.context["period"].start == dt.date(dt.date.today().year, 1, 1)
    assert response.context["period"].end == dt.date.today()


def test_a_region_shows_no_platform_wide_figures_and_counts_its_own_records(data, staff):
    client = client_of(staff["sjj_supervisor"])
    response = client.get(reverse("admin:supervision_overview"), {**YEAR, "region": "420500"})
    keys = {c.figure.key for s in response.context["sections"] for c in s.cells}
    assert "platform.enterprise_users" not in keys and "testpolicies.published" in keys
    cards = {c.figure.key: c.value for c in response.context["headlines"]}
    assert cards["testpolicies.published"] == 6  # both departments are 宜昌市 (420500)
