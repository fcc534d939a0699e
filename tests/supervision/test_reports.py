"""The monthly report (月度督查报告) and quarterly joint-meeting pack (联席会议材料): contents, archive, beat, admin.

Known data: two departments' policies counted by a measure registered for the test ("印发政策数" by issue date and
lead department, and "市政府发文占比" over it), and the kernel's platform.enterprise_users. September 2026:

    department      印发政策数 Sep / Aug   环比       市政府发文占比 Sep / Aug       环比
    督查测试甲局      3 / 2                 +50.0%     2/3 = 66.7% / 1/2 = 50.0%    +16.7个百分点
    督查测试乙局      1 / 0                 上期为0     0/1 = 0.0% / —               —
    whole platform  4 / 2                 +100.0%    2/4 = 50.0% / 1/2 = 50.0%    持平

    新注册企业用户 (enterprise users who joined, local time): Sep 3, Aug 1 (one at 08-31 23:30) → +200.0%;
    one at 10-01 00:10 counts in October. Q3 (Jul–Sep) against Q2 (Apr–Jun): 印发政策数 7 (甲局 3 + 2, 乙局 1 + one in
    July) / 0; 新注册企业用户 4 / 0.
"""

import datetime as dt
import hashlib
import subprocess
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse

from policies.models import Policy
from portal import workdays
from portal.accounts.models import User
from portal.org.models import Role
from portal.supervision import compute, reports, tasks
from portal.supervision.measures import Figure, Measure, figures, measures
from portal.supervision.models import Report
from portal.supervision.periods import Period
from tests.factories.accounts import EnterpriseUserFactory
from tests.factories.org import DepartmentFactory, staff_member
from tests.factories.policies import PolicyFactory

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
SEPTEMBER = Period.month(2026, 9)
THIRD_QUARTER = Period.quarter(2026, 3)
GOVERNMENT = "宜昌市人民政府"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


@pytest.fixture
def policy_figures():
    """A measure and two figures registered for the test, as a domain's `supervision` module would."""
    registered = [
        measures.register(
            Measure(
                key="tests.policies_issued",
                label="测试印发政策",
                records=lambda: Policy.objects.all(),
                date="issue_date",
                department="lead_department",
                description="测试口径：统计期内印发的政策，按牵头部门。",
            )
        ),
        measures.register(
            Measure(
                key="tests.policies_by_government",
                label="测试市政府印发政策",
                records=lambda: Policy.objects.filter(issuing_authority=GOVERNMENT),
                date="issue_date",
                department="lead_department",
                description="测试口径：其中以市政府名义印发的。",
            )
        ),
        figures.register(
            Figure(
                key="tests.policies_issued",
                label="印发政策数",
                section="policies",
                kind=Figure.COUNT,
                measure="tests.policies_issued",
                ranking=True,
                trend=True,
                headline=True,
                article="测试 §1",
            )
        ),
        figures.register(
            Figure(
                key="tests.government_share",
                label="市政府发文占比",
                section="policies",
                kind=Figure.RATIO,
                measure="tests.policies_by_government",
                base="tests.policies_issued",
                better=Figure.HIGHER,
                ranking=True,
            )
        ),
    ]
    yield
    for entry in registered:
        (figures if isinstance(entry, Figure) else measures).unregister(entry.key)


@pytest.fixture
def world(policy_figures):
    first = DepartmentFactory(name="督查测试甲局", short_name="甲局", code="sv-report-a")
    second = DepartmentFactory(name="督查测试乙局", short_name="乙局", code="sv-report-b")
    issued = [
        (first, dt.date(2026, 9, 1), GOVERNMENT),
        (first, dt.date(2026, 9, 15), GOVERNMENT),
        (first, dt.date(2026, 9, 30), "宜昌市科学技术局"),
        (second, dt.date(2026, 9, 25), "宜昌市经济和信息化局"),
        (first, dt.date(2026, 8, 3), GOVERNMENT),
        (first, dt.date(2026, 8, 31), "宜昌市科学技术局"),
        (second, dt.date(2026, 7, 10), GOVERNMENT),
        (second, dt.date(2026, 10, 9), GOVERNMENT),
    ]
    for department, day, authority in issued:
        PolicyFactory(lead_department=department, issue_date=day, issuing_authority=authority)
    joined = [
        dt.datetime(2026, 9, 1, 9, 0),
        dt.datetime(2026, 9, 18, 15, 0),
        dt.datetime(2026, 9, 30, 23, 50),
        dt.datetime(2026, 8, 31, 23, 30),
        dt.datetime(2026, 10, 1, 0, 10),
    ]
    for moment in joined:
        user = EnterpriseUserFactory()
        User.objects.filter(pk=user.pk).update(date_joined=moment.replace(tzinfo=SHANGHAI))
    return first, second


def pdf_text(data: bytes, tmp_path) -> str:
    """The PDF's text as pdftotext extracts it in reading order, without whitespace (table cells wrap)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return "".join(text.split())


def report_text(report: Report, tmp_path) -> str:
    with report.file.open("rb") as handle:
        return pdf_text(handle.read(), tmp_path)


# ------------------------------------------------------------------------------------------------ contents


@pytest.mark.parametrize(
    ("period", "previous"),
    [
        (Period.month(2026, 9), ("2026-08-01", "2026-08-31")),
        (Period.month(2026, 3), ("2026-02-01", "2026-02-28")),
        (Period.month(2026, 1), ("2025-12-01", "2025-12-31")),
        (Period.quarter(2026, 3), ("2026-04-01", "2026-06-30")),
        (Period.quarter(2026, 1), ("2025-10-01", "2025-12-31")),
        (Period(dt.date(2026, 9, 3), dt.date(2026, 9, 12)), ("2026-08-24", "2026-09-02")),
    ],
)
def test_month_on_month_compares_with_the_calendar_month_or_quarter_before(period, previous):
    before = period.previous()
    assert (before.start.isoformat(), before.end.isoformat()) == previous


def test_the_numbers_the_report_prints_agree_with_the_hand_computed_table(world):
    compute.refresh()
    first, second = world
    chosen = [figures.get("tests.policies_issued"), figures.get("tests.government_share")]
    expected = {
        "tests.policies_issued": {first.pk: 3, second.pk: 1},
        "tests.government_share": {first.pk: Decimal("66.7"), second.pk: Decimal("0.0")},
    }
    assert compute.figure_values(chosen, SEPTEMBER, by="department") == expected
    assert compute.figure_values(chosen, SEPTEMBER, by="department", live=True) == expected
    assert reports.change(figures.get("tests.policies_issued"), 4, 2) == "+100.0%"
    assert reports.change(figures.get("tests.government_share"), 66.7, 50) == "+16.7个百分点"
    assert reports.change(figures.get("tests.policies_issued"), 1, 0) == "上期为0"
    assert reports.change(figures.get("tests.policies_issued"), 2, 3) == "-33.3%"
    assert reports.change(figures.get("tests.government_share"), 50, 50) == "持平"
    assert reports.change(figures.get("tests.government_share"), 0, None) == "—"


def test_the_monthly_report_prints_sections_departments_values_and_month_on_month_change(world, tmp_path):
    compute.refresh()
    report = reports.generate(Report.Kind.MONTHLY, SEPTEMBER)
    text = report_text(report, tmp_path)

    assert "惠企服务平台督查月度报告" in text and "2026年9月" in text
    assert "联席会议材料" not in text
    assert "环比期间2026年8月（2026-08-01—2026-08-31）" in text
    for heading in ("一、主要指标", "二、运行预警", "三、政策发布", "五、申报办理", "十、平台运行", "附件：指标口径"):
        assert heading in text
    # Whole platform: figure, unit, this month, last month, 环比.
    assert "印发政策数件42+100.0%" in text
    assert "市政府发文占比%50.050.0持平" in text
    assert "新注册企业用户人31+200.0%" in text
    # Per department: this month and 环比 under each figure.
    assert "督查测试甲局3环比+50.0%66.7环比+16.7个百分点" in text
    assert "督查测试乙局1环比上期为00.0环比—" in text
    # The trend chart's numbers, the last twelve months up to September: Jul 1, Aug 2, Sep 4, none before.
    months = "2025-102025-112025-122026-012026-022026-032026-042026-052026-062026-072026-082026-09"
    assert f"印发政策数（件）各月数值{months}000000000124" in text
    assert f"新注册企业用户（人）各月数值{months}000000000013" in text
    # The annex: each figure's definition.
    assert "测试口径：统计期内印发的政策，按牵头部门。" in text
    assert "测试市政府印发政策÷测试印发政策×100%" in text
    assert "统计期内注册的企业用户（不含工作人员）。" in text


def test_the_report_embeds_the_trend_and_ranking_charts_and_the_active_warnings(world, monkeypatch):
    from portal.supervision import warnings

    compute.refresh()
    monkeypatch.setattr(warnings, "active", lambda **kw: [warnings.Warning("测试预警：消息积压", level="danger")])
    context = reports.build(Report.Kind.MONTHLY, SEPTEMBER)
    policies = next(s for s in context["sections"] if s.key == "policies")
    # (the policies app's own figures are charted too; these are the test's)
    assert [c.figure.key for c in policies.trend_charts if c.figure.key.startswith("tests.")] == [
        "tests.policies_issued"
    ]
    assert [c.figure.key for c in policies.ranking_charts if c.figure.key.startswith("tests.")] == [
        "tests.policies_issued",
        "tests.government_share",
    ]
    assert next(c for c in policies.trend_charts if c.figure.key == "tests.policies_issued").values[-2:] == ["2", "4"]
    for chart in (*policies.trend_charts, *policies.ranking_charts):
        assert chart.uri.startswith("data:image/png;base64,iVBORw0KGgo")
    platform = next(s for s in context["sections"] if s.key == "platform")
    assert [c.figure.key for c in platform.trend_charts][:2] == ["platform.visit", "platform.enterprise_users"]
    assert platform.department_tables == []  # platform-wide figures belong to no department
    assert [w.message for w in context["warnings"]] == ["测试预警：消息积压"]
    assert reports.chart_font() == "WenQuanYi Micro Hei"


def test_the_quarterly_pack_is_the_same_report_over_the_quarter_named_for_the_joint_meeting(world, tmp_path):
    compute.refresh()
    report = reports.generate(Report.Kind.QUARTERLY, THIRD_QUARTER)
    text = report_text(report, tmp_path)
    assert "联席会议材料" in text
    assert "惠企服务平台督查季度报告" in text and "2026年第三季度" in text
    assert "环比期间2026年第二季度（2026-04-01—2026-06-30）" in text
    assert "印发政策数件70上期为0" in text
    assert "新注册企业用户人40上期为0" in text
    assert "督查测试甲局5环比上期为0" in text and "督查测试乙局2环比上期为0" in text
    assert reports.download_name(report) == "惠企服务平台督查季度报告（2026年第三季度）.pdf"


def test_generating_again_replaces_the_file_and_keeps_one_row(world, django_capture_on_commit_callbacks):
    compute.refresh()
    with django_capture_on_commit_callbacks(execute=True):
        first = reports.generate(Report.Kind.MONTHLY, SEPTEMBER)
    old_name = first.file.name
    storage = first.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        second = reports.generate(Report.Kind.MONTHLY, SEPTEMBER)

    assert Report.objects.filter(kind=Report.Kind.MONTHLY).count() == 1
    assert second.pk == first.pk
    assert not storage.exists(old_name)
    with second.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF-")
    assert (second.sha256, second.size) == (hashlib.sha256(content).hexdigest(), len(content))
    assert second.file.name.startswith("supervision/reports/2026/monthly-20260901-20260930")


# ---------------------------------------------------------------------------------------------------- beat


def test_the_2026_calendar_puts_october_first_working_day_on_the_8th():
    # 国务院办公厅 2026 安排: 国庆 10-01 (Thu) to 10-07 (Wed) off, 9-20 (Sun) and 10-10 (Sat) worked.
    assert [workdays.is_workday(dt.date(2026, 10, d)) for d in range(1, 11)] == [
        False, False, False, False, False, False, False, True, True, True,
    ]  # fmt: skip
    assert reports.first_workday(2026, 10) == dt.date(2026, 10, 8)
    assert reports.first_workday(2026, 1) == dt.date(2026, 1, 4)  # Sunday 1-4 worked after 元旦


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2026-10-07", []),
        (
            "2026-10-08",
            [
                ("monthly", "2026-09-01", "2026-09-30"),
                ("quarterly", "2026-07-01", "2026-09-30"),
            ],
        ),
        ("2026-09-01", [("monthly", "2026-08-01", "2026-08-31"), ("quarterly", "2026-04-01", "2026-06-30")]),
        ("2026-08-31", [("monthly", "2026-07-01", "2026-07-31"), ("quarterly", "2026-04-01", "2026-06-30")]),
        ("2026-01-03", []),  # 元旦: 1-01..1-03 off
        ("2026-01-04", [("monthly", "2025-12-01", "2025-12-31"), ("quarterly", "2025-10-01", "2025-12-31")]),
    ],
)
def test_what_is_due_on_a_day(today, expected):
    due = reports.due(dt.date.fromisoformat(today))
    assert [(kind, p.start.isoformat(), p.end.isoformat()) for kind, p in due] == expected


def test_beat_generates_september_and_the_third_quarter_on_the_first_working_day_of_october(world, tmp_path):
    # No compute.refresh() here: the task refreshes the facts before it reports.
    assert tasks.monthly_reports("2026-10-07") == 0
    assert not Report.objects.exists()

    assert tasks.monthly_reports("2026-10-08") == 2
    archived = {(r.kind, r.period_start, r.period_end, r.generated_by_id) for r in Report.objects.all()}
    assert archived == {
        ("monthly", dt.date(2026, 9, 1), dt.date(2026, 9, 30), None),
        ("quarterly", dt.date(2026, 7, 1), dt.date(2026, 9, 30), None),
    }
    monthly = Report.objects.get(kind=Report.Kind.MONTHLY)
    assert "督查测试甲局3环比+50.0%" in report_text(monthly, tmp_path)
    stamp = monthly.generated_at

    assert tasks.monthly_reports("2026-10-08") == 0
    assert tasks.monthly_reports("2026-10-09") == 0
    assert Report.objects.count() == 2
    assert Report.objects.get(kind=Report.Kind.MONTHLY).generated_at == stamp


def test_beat_makes_up_a_missed_first_working_day(world):
    assert tasks.monthly_reports("2026-11-03") == 2  # beat was down on 11-02: October's report, Q3's pack
    assert sorted(Report.objects.values_list("kind", "period_start")) == [
        ("monthly", dt.date(2026, 10, 1)),
        ("quarterly", dt.date(2026, 7, 1)),
    ]


def test_beat_runs_the_task_every_morning(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["supervision-monthly-reports"]
    assert entry["task"] == "supervision.monthly_reports"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {0})


# --------------------------------------------------------------------------------------------------- admin


@pytest.fixture
def archived(world):
    compute.refresh()
    return reports.generate(Report.Kind.MONTHLY, SEPTEMBER)


def login(client, role):
    user = staff_member(DepartmentFactory(), role)
    client.force_login(user)
    return user


def test_a_supervisor_lists_filters_and_downloads_reports_but_does_not_generate(client, archived):
    login(client, Role.SUPERVISOR)
    page = client.get(reverse("admin:supervision_report_changelist"), {"kind__exact": "monthly"})
    assert page.status_code == 200
    download = reverse("admin:supervision_report_download", args=[archived.pk])
    assert download in page.content.decode()
    assert reverse("admin:supervision_report_generate") not in page.content.decode()
    assert client.get(reverse("admin:supervision_report_change", args=[archived.pk])).status_code == 200

    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    assert client.get(reverse("admin:supervision_report_generate")).status_code == 403
    assert client.post(reverse("admin:supervision_report_generate"), {"kind": "monthly"}).status_code == 403


def test_a_department_editor_may_not_see_or_download_reports(client, archived):
    login(client, Role.EDITOR)
    assert client.get(reverse("admin:supervision_report_changelist")).status_code == 403
    assert client.get(reverse("admin:supervision_report_download", args=[archived.pk])).status_code == 403
    assert client.get(reverse("admin:supervision_report_generate")).status_code == 403


def test_an_enterprise_user_is_sent_to_the_staff_login(client, archived):
    client.force_login(EnterpriseUserFactory())
    response = client.get(reverse("admin:supervision_report_download", args=[archived.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_platform_admin_generates_a_report_from_the_form(client, world, tmp_path):
    admin = login(client, Role.ADMIN)
    compute.refresh()
    page = client.get(reverse("admin:supervision_report_changelist"))
    assert reverse("admin:supervision_report_generate") in page.content.decode()
    form = client.get(reverse("admin:supervision_report_generate"))
    assert form.status_code == 200 and "生成督查报告" in form.content.decode()

    response = client.post(
        reverse("admin:supervision_report_generate"), {"kind": "quarterly", "year": "2026", "quarter": "3"}
    )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:supervision_report_change", args=[report.pk])
    assert (report.kind, report.period_start, report.period_end) == (
        "quarterly",
        dt.date(2026, 7, 1),
        dt.date(2026, 9, 30),
    )
    assert report.generated_by == admin
    assert "联席会议材料" in report_text(report, tmp_path)

    # The same quarter again replaces the file, one row.
    client.post(reverse("admin:supervision_report_generate"), {"kind": "quarterly", "year": "2026", "quarter": "3"})
    assert Report.objects.count() == 1


def _this_month():
    from django.utils import timezone

    today = timezone.localdate()
    return today.year, today.month


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "monthly", "year": "2099", "month": "1"}, "年份应在2000年至"),
        ({"kind": "monthly", "year": "", "month": "1"}, "请填写年份。"),
        ({"kind": "monthly", "year": "二〇二六", "month": "1"}, "年份请填写数字，如 2026。"),
        ({"kind": "", "year": "2026", "month": "1"}, "请选择报告类型。"),
        ({"kind": "monthly", "year": "2026"}, "月度报告请选择月份。"),
        ({"kind": "quarterly", "year": "2026", "month": "9"}, "季度联席会议材料请选择季度。"),
        ("this month", "尚未结束，"),
        ("next month", "尚未开始，不能生成未来期间的报告。"),
    ],
)
def test_the_generate_form_refuses_with_a_chinese_message(client, data, message):
    login(client, Role.ADMIN)
    year, month = _this_month()
    if data == "this month":
        data = {"kind": "monthly", "year": str(year), "month": str(month)}
    elif data == "next month":
        if month == 12:
            pytest.skip("next month is in next year, refused by the year's range")
        data = {"kind": "monthly", "year": str(year), "month": str(month + 1)}
    response = client.post(reverse("admin:supervision_report_generate"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Report.objects.exists()


def test_roles_give_supervisors_the_view_and_platform_admins_the_generation():
    from portal.org.permissions import can

    supervisor = staff_member(DepartmentFactory(), Role.SUPERVISOR)
    admin = staff_member(DepartmentFactory(), Role.ADMIN)
    editor = staff_member(DepartmentFactory(), Role.EDITOR)
    assert can(supervisor, "supervision.view_report") and not can(supervisor, "supervision.generate_report")
    assert can(admin, "supervision.view_report") and can(admin, "supervision.generate_report")
    assert not can(editor, "supervision.view_report") and not can(editor, "supervision.generate_report")
    assert admin.groups.filter(permissions__codename="generate_report").exists()
    assert supervisor.groups.filter(permissions__codename="view_report").exists()
