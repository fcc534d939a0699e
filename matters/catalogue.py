"""政策资金上架目录清单: the catalogue of matters as one Excel workbook (宜昌 §21–22, 常州 §12).

    catalogue_workbook(matters) -> bytes   # an .xlsx, one row per matter, in the order given

Columns (`COLUMNS`): 事项编码, 事项名称, 政策依据 (文号 and title), 政策条款, 实施部门,
适用区域, 兑现方式, 申报时间 (kind and dates), 扶持标准 (the legal text, with the
computed standard in brackets: 定额20万元 / 按研发费用的10%，最高50万元 / 分档),
承诺办理时限 (working days, a number), 状态, 上架时间 (Asia/Shanghai), 指南逾期公开
(是/否). Dates are real Excel dates, the time limit a number: the department's
staff sort and filter the sheet.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from matters.amounts import base_fact, money_text
from matters.models import Matter, SupportKind, WindowKind


def _window(matter: Matter) -> str:
    label = matter.get_window_kind_display()
    if matter.window_kind == WindowKind.YEAR_ROUND or matter.window_opens is None:
        return label
    closes = matter.window_closes.isoformat() if matter.window_closes else _("另行通知")
    return f"{label}（{matter.window_opens.isoformat()}至{closes}）"


def _standard(matter: Matter) -> str:
    """The support standard as the matter computes it, e.g. 按研发费用的10%，最高50万元."""
    if matter.support_kind == SupportKind.FIXED:
        return _("定额%(amount)s") % {"amount": money_text(matter.support_amount)}
    if matter.support_kind == SupportKind.RATE:
        fact = base_fact(matter)
        text = _("按%(base)s的%(rate)s%%") % {
            "base": fact.label if fact else matter.support_base_fact,
            "rate": f"{matter.support_rate.normalize():f}" if matter.support_rate is not None else "—",
        }
        if matter.support_cap is not None:
            text += _("，最高%(cap)s") % {"cap": money_text(matter.support_cap)}
        return text
    if matter.support_kind == SupportKind.TIERS:
        return _("分档：%(tiers)s") % {"tiers": "；".join(money_text(t.amount) for t in matter.tiers.all())}
    return matter.get_support_kind_display()


def _support(matter: Matter) -> str:
    return f"{matter.support_text}（{_standard(matter)}）"


def _policy(matter: Matter) -> str:
    return f"{matter.policy.document_number} {matter.policy.title}".strip()


COLUMNS = [
    (gettext_lazy("事项编码"), 18, lambda m: m.code),
    (gettext_lazy("事项名称"), 36, lambda m: m.name),
    (gettext_lazy("政策依据（文号）"), 40, _policy),
    (gettext_lazy("政策条款"), 16, lambda m: m.clause),
    (gettext_lazy("实施部门"), 20, lambda m: m.department.name),
    (gettext_lazy("适用区域"), 12, lambda m: m.region.name),
    (gettext_lazy("兑现方式"), 12, lambda m: m.get_delivery_kind_display()),
    (gettext_lazy("申报时间"), 30, _window),
    (gettext_lazy("扶持标准"), 50, _support),
    (gettext_lazy("承诺办理时限（工作日）"), 12, lambda m: m.time_limit_days),
    (gettext_lazy("状态"), 10, lambda m: m.get_status_display()),
    (
        gettext_lazy("上架时间"),
        18,
        lambda m: timezone.localtime(m.published_at).replace(tzinfo=None) if m.published_at else None,
    ),
    (gettext_lazy("指南逾期公开"), 10, lambda m: _("是") if m.guide_published_late else _("否")),
]

PUBLISHED_AT_COLUMN = 11


def catalogue_rows(matters: Iterable[Matter]) -> list[list]:
    """The sheet's rows after its heading: one list of cell values per matter."""
    return [[value(matter) for _label, _width, value in COLUMNS] for matter in matters]


def catalogue_workbook(matters: Iterable[Matter]) -> bytes:
    """The catalogue as an .xlsx file (bytes): a heading row, frozen, then one row per matter."""
    if hasattr(matters, "select_related"):
        matters = matters.select_related("policy", "department", "region").prefetch_related("tiers")
    book = Workbook()
    sheet = book.active
    sheet.title = _("政策资金上架目录清单")
    sheet.append([str(label) for label, _width, _value in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in catalogue_rows(matters):
        sheet.append(row)
    for index, (_label, width, _value) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    published = PUBLISHED_AT_COLUMN + 1
    for (cell,) in sheet.iter_rows(min_row=2, min_col=published, max_col=published):
        cell.number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
