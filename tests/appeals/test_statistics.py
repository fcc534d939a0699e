"""诉求统计 on five appeals of March 2026 (an ordinary working week, 3-02 Monday … 3-06 Friday), counted by hand.

- A1 投诉: submitted and accepted Mon 3-02, dispatched to 市科技局, signed 3-03 (签收 due 3-03), replied Thu 3-05
  (3 working days after submission), 满意.
- A2 咨询: submitted 3-02, accepted Wed 3-04 (受理 due 3-03: late), answered by the centre itself 3-04 (2 working
  days), 基本满意.
- A3 投诉: submitted and accepted Tue 3-03, dispatched to 市财政局, returned by it 3-04 (its 签收 due 3-04), dispatched
  to 市科技局 and signed 3-04, an extension asked and approved 3-05; not answered; marked 超期督办 and 超时限三倍.
- A4 求助: submitted 3-03, not accepted (未派单).
- A5 投诉: submitted, accepted and dispatched to 市科技局 3-02, signed Thu 3-05 (签收 due 3-03: late), replied Fri 3-06
  (4 working days), 不满意 on Mon 3-09: back to 市科技局 (重办).

As of Tue 3-10 no running clock is past its due date.

市科技局: received 3; 按时受理 3; 按时签收 2 (A1, A3); 已答复 2 and 按时答复 2 (A1, A5); average (3 + 4) / 2 = 3.5;
满意 1, 不满意 1 → 满意率 50.0; 重办 1 of 2 answered → 50.0; 延期 1 (approved 1); 超时限三倍 1; 督办 1; 退单 0.
市城运中心: received 1; 按时受理 0; 已答复 1, 按时答复 1; average 2.0; 基本满意 1 → 100.0; 重办率 0.0.
市财政局: received 0, 退单 1. （未派单）: received 1.
Total: 5; 3; 2; 3; 3; (3 + 2 + 4) / 3 = 3.0; 满意率 2 / 3 = 66.7; 重办率 1 / 3 = 33.3; 退单 1; 延期 1; 三倍 1; 督办 1.
"""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from appeals import services, statistics
from appeals.models import Appeal
from portal.core.workflow import perform
from portal.org.models import Department
from tests.backoffice.conftest import demo_org, staff  # noqa: F401
from tests.factories.appeals import portal_appeal as submitted

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 3, 10)
PERIOD = statistics.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


def at(day, hour=10):
    return dt.datetime(2026, 3, day, hour, tzinfo=TZ)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def data(staff):  # noqa: F811
    operator, reviewer = staff["cyzx_operator"], staff["kjj_reviewer"]
    kjj, czj = Department.objects.get(code="yc-kjj"), Department.objects.get(code="yc-czj")
    from tests.factories.appeals import handler_of

    czj_handler = handler_of(czj)
    reply = "经核实，问题已经处理完毕，请查收。"

    def portal_appeal(kind, at):
        appeal = submitted(kind=kind, at=at)
        assert appeal.submitted_at == at
        return appeal

    a1 = portal_appeal(kind="complaint", at=at(2))
    perform(a1, "accept", by=operator, at=at(2, 11))
    perform(a1, "dispatch", by=operator, at=at(2, 12), department=kjj)
    perform(a1, "sign", by=reviewer, at=at(3))
    perform(a1, "reply", by=reviewer, at=at(5), reason=reply)
    services.evaluate(a1, satisfaction="satisfied", by=a1.submitted_by, at=at(6))

    a2 = portal_appeal(kind="consultation", at=at(2))
    perform(a2, "accept", by=operator, at=at(4))
    perform(a2, "answer", by=operator, at=at(4, 15), reason="该政策每年三月受理申报，请关注通知。")
    services.evaluate(a2, satisfaction="basic", by=a2.submitted_by, at=at(5))

    a3 = portal_appeal(kind="complaint", at=at(3))
    perform(a3, "accept", by=operator, at=at(3, 11))
    perform(a3, "dispatch", by=operator, at=at(3, 12), department=czj)
    perform(a3, "return", by=czj_handler, at=at(4), reason="不属本部门职责范围")
    perform(a3, "dispatch", by=operator, at=at(4, 11), department=kjj)
    perform(a3, "sign", by=reviewer, at=at(4, 15))
    request = services.request_extension(a3, days=5, reason="需会同财政核实拨付记录", by=reviewer, at=at(5))
    perform(request, "approve", by=operator, at=at(5, 15))
    Appeal.objects.filter(pk=a3.pk).update(escalated_on=dt.date(2026, 3, 20), triple_overdue_on=dt.date(2026, 3, 25))

    a4 = portal_appeal(kind="help", at=at(3))

    a5 = portal_appeal(kind="complaint", at=at(2))
    perform(a5, "accept", by=operator, at=at(2, 11))
    perform(a5, "dispatch", by=operator, at=at(2, 12), department=kjj)
    perform(a5, "sign", by=reviewer, at=at(5))
    perform(a5, "reply", by=reviewer, at=at(6), reason=reply)
    services.evaluate(a5, satisfaction="unsatisfied", comment="仍未解决", by=a5.submitted_by, at=at(9))
    return {"a1": a1, "a2": a2, "a3": a3, "a4": a4, "a5": a5, "kjj": kjj, "czj": czj}


def figures(row, *names):
    return tuple(row[name] for name in names)


NAMES = (
    "received",
    "accepted_in_time",
    "signed_in_time",
    "replied",
    "replied_in_time",
    "avg_days",
    "satisfied",
    "basic",
    "unsatisfied",
    "unevaluated",
    "satisfaction_rate",
    "reopened",
    "reopen_rate",
    "returns",
    "extensions",
    "extensions_approved",
    "triple",
    "escalated",
)


def test_per_department_per_kind_and_total(data, staff):  # noqa: F811
    result = statistics.Statistics(staff["cyzx_operator"], PERIOD, today=TODAY)
    rows = {row.label: row for row in result.by_department()}
    D = Decimal  # noqa: N806
    assert figures(rows["宜昌市科学技术局"], *NAMES) == (
        3,
        3,
        2,
        2,
        2,
        D("3.5"),
        1,
        0,
        1,
        0,
        D("50.0"),
        1,
        D("50.0"),
        0,
        1,
        1,
        1,
        1,
    )
    centre = rows["宜昌市城市运行管理中心"]
    assert figures(centre, *NAMES) == (1, 0, 0, 1, 1, D("2.0"), 0, 1, 0, 0, D("100.0"), 0, D("0.0"), 0, 0, 0, 0, 0)
    assert figures(rows[data["czj"].name], "received", "returns", "satisfaction_rate") == (0, 1, None)
    assert figures(rows["（未派单）"], "received", "accepted_in_time", "replied") == (1, 0, 0)
    total = result.total()
    assert figures(total, *NAMES) == (5, 3, 2, 3, 3, D("3.0"), 1, 1, 1, 0, D("66.7"), 1, D("33.3"), 1, 1, 1, 1, 1)
    kinds = {row.key: row for row in result.by_kind()}
    assert figures(kinds["complaint"], "received", "signed_in_time", "returns", "extensions", "triple") == (
        3,
        2,
        1,
        1,
        1,
    )
    assert figures(kinds["consultation"], "received", "basic") == (1, 1)
    assert figures(kinds["help"], "received", "replied") == (1, 0)


def test_a_department_sees_its_own_row(data, staff):  # noqa: F811
    result = statistics.Statistics(staff["kjj_reviewer"], PERIOD, today=TODAY)
    assert [row.label for row in result.by_department()] == ["宜昌市科学技术局"]
    assert result.total()["received"] == 3
    assert {row.key for row in result.by_kind()} == {"complaint"}
    page = client_for(staff["kjj_reviewer"]).get(reverse("admin:appeals_statistics"), {"from": "2026-03-01"})
    assert page.status_code == 200 and "您只能查看本部门的统计" in page.content.decode()


def test_the_page_links_each_number_to_its_appeals(data, staff):  # noqa: F811
    client = client_for(staff["cyzx_operator"])
    response = client.get(reverse("admin:appeals_statistics"), {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200
    row = next(r for r in response.context["departments"] if r["label"] == "宜昌市科学技术局")
    cells = {cell["key"]: cell for cell in row["cells"]}
    triple = cells["triple"]
    listing = client.get(triple["url"])
    assert [a.pk for a in listing.context["cl"].result_list] == [data["a3"].pk]
    listing = client.get(cells["received"]["url"])
    assert {a.pk for a in listing.context["cl"].result_list} == {data["a1"].pk, data["a3"].pk, data["a5"].pk}


def test_bad_dates_are_a_message_and_the_year_is_counted(staff):  # noqa: F811
    client = client_for(staff["cyzx_operator"])
    response = client.get(reverse("admin:appeals_statistics"), {"from": "2026-13-01"})
    assert response.status_code == 200
    assert any("不是有效日期" in str(m) for m in response.context["messages"])


def test_refused_to_those_without_appeals(staff):  # noqa: F811
    assert client_for(staff["czj_finance"]).get(reverse("admin:appeals_statistics")).status_code == 403


def test_export_opens_in_openpyxl(data, staff):  # noqa: F811
    from openpyxl import load_workbook

    response = client_for(staff["sjj_supervisor"]).get(
        reverse("admin:appeals_statistics"), {"from": "2026-03-01", "to": "2026-03-31", "export": "xlsx"}
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["按部门", "按诉求类型"]
    sheet = book["按部门"]
    header = [cell.value for cell in sheet[2]]
    assert header[0] == "名称" and "超时限三倍" in header
    last = [cell.value for cell in sheet[sheet.max_row]]
    assert last[0] == "合计" and last[header.index("受理数")] == 5


def test_on_time_figures_belong_to_the_department_that_signed_and_answered(staff):  # noqa: F811
    """April 2026, as of Wed 4-29, counted by hand.

    - B1 投诉: dispatched to 市科技局 Mon 4-27; returned by it unsigned Tue 4-28 (its 签收 due 4-28, so the 签收 clock
      stopped "on time" by the 退单); dispatched to 市人社局 4-28 16:00, still 待签收 (due 4-29).
    - B2 投诉: dispatched to 市科技局 Wed 4-01 and signed the same day; kept past its 办理 due date (13 working days)
      and returned Tue 4-28 (its 办理 clock stopped late); dispatched to 市人社局, signed 4-28 and answered 4-29.

    市人社局: received 2; 按时签收 1 (B2 only: B1 is not signed yet); 已答复 1, 按时答复 1 (市科技局's late 办理 clock
    is not 市人社局's). 市科技局: received 0, 按时签收 0, 退单 2. Total: 按时签收 1, 按时答复 1.
    """
    from tests.factories.appeals import handler_of

    operator = staff["cyzx_operator"]
    kjj, rsj = Department.objects.get(code="yc-kjj"), Department.objects.get(code="yc-rsj")
    kjj_handler, rsj_handler = handler_of(kjj), handler_of(rsj)

    def on(month_day, hour=10):
        return dt.datetime(2026, 4, month_day, hour, tzinfo=TZ)

    b1 = submitted(kind="complaint", at=on(27, 9))
    perform(b1, "accept", by=operator, at=on(27))
    perform(b1, "dispatch", by=operator, at=on(27, 11), department=kjj)
    perform(b1, "return", by=kjj_handler, at=on(28), reason="不属本部门职责范围")
    perform(b1, "dispatch", by=operator, at=on(28, 16), department=rsj)

    b2 = submitted(kind="complaint", at=on(1, 9))
    perform(b2, "accept", by=operator, at=on(1))
    perform(b2, "dispatch", by=operator, at=on(1, 11), department=kjj)
    perform(b2, "sign", by=kjj_handler, at=on(1, 15))
    perform(b2, "return", by=kjj_handler, at=on(28, 9), reason="经核实属人社部门职责")
    perform(b2, "dispatch", by=operator, at=on(28, 11), department=rsj)
    perform(b2, "sign", by=rsj_handler, at=on(28, 15))
    perform(b2, "reply", by=rsj_handler, at=on(29), reason="经核实，问题已经处理完毕，请查收。")

    period = statistics.Period(dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    result = statistics.Statistics(operator, period, today=dt.date(2026, 4, 29))
    rows = {row.label: row for row in result.by_department()}
    names = ("received", "signed_in_time", "replied", "replied_in_time", "returns")
    assert figures(rows[rsj.name], *names) == (2, 1, 1, 1, 0)
    assert figures(rows[kjj.name], *names) == (0, 0, 0, 0, 2)
    assert figures(result.total(), *names) == (2, 1, 1, 1, 2)
    # the list behind 市人社局's 按时签收 is B2 alone
    client = client_for(operator)
    response = client.get(reverse("admin:appeals_statistics"), {"from": "2026-04-01", "to": "2026-04-30"})
    row = next(r for r in response.context["departments"] if r["label"] == rsj.name)
    signed = next(cell for cell in row["cells"] if cell["key"] == "signed_in_time")
    listing = client.get(signed["url"])
    assert [a.pk for a in listing.context["cl"].result_list] == [b2.pk]
