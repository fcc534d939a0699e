"""Excel exports of the supervision tables (openpyxl): what is on the page, with its period and definitions."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .measures import measures

BOLD = Font(bold=True)


def _plain(value):
    """A cell value openpyxl writes as a number or text (never a lazy string or a date with a time zone)."""
    if value is None:
        return ""
    if isinstance(value, int | float) or value.__class__.__name__ == "Decimal":
        return value
    return str(value)


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _title(sheet, title: str, note: str = "") -> None:
    sheet.append([title])
    sheet["A1"].font = BOLD
    sheet.append([_("导出时间：%(time)s") % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")}, note])
    sheet.append([])


def table_workbook(title: str, headers: list[str], rows, *, note: str = "") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("明细")
    _title(sheet, title, note)
    sheet.append(headers)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for row in rows:
        sheet.append([_plain(v) for v in row])
    return _save(book)


def _figure_row(cell) -> list:
    figure = cell.figure
    row = [str(figure.label), _plain(cell.value), str(cell.unit)]
    row.append(cell.numerator if figure.base else "")
    row.append(cell.base if figure.base else "")
    row.append(str(measures.get(figure.measure).description))
    row.append(figure.article)
    return row


def sections_workbook(sections, *, title: str) -> bytes:
    """Every figure per section: name, value, unit, numerator and base of a ratio, definition, clause."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("指标")
    _title(sheet, title)
    sheet.append([_("板块"), _("指标"), _("数值"), _("单位"), _("分子"), _("分母"), _("统计口径"), _("依据")])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for section in sections:
        for cell in section.cells:
            sheet.append([section.label, *_figure_row(cell)])
    return _save(book)


def ranking_workbook(columns, rows, *, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("部门排名")
    _title(sheet, title)
    sheet.append([_("综合排名"), _("部门"), _("平均名次"), *[f"{f.label}（{f.display_unit()}）" for f in columns]])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for row in rows:
        sheet.append(
            [
                _plain(row.position),
                row.department.name,
                _plain(row.rank),
                *[_plain(cell.value) for cell in row.cells],
            ]
        )
    return _save(book)
