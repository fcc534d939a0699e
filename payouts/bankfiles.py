"""The payment file (支付文件) a batch exports for the treasury or bank, and the result file (回单) read back.

Payment file — Excel (.xlsx) or CSV (UTF-8 with BOM, so Excel and WPS open it in Chinese). Above the table:

    政策资金拨付文件
    批次号 | PC20261130000001        资金来源 | 2026年市级科技创新专项资金     预算科目 | 2060499
    付款户名 | 宜昌市财政局国库存款      付款账号 | …                           付款银行 | …
    笔数 | 3                          合计金额（元） | 1250000.00                 批次校验码 | <64 hex>

then the table (header row, one line per payout, in 兑付编号 order):

    序号 | 兑付编号 | 收款户名 | 收款账号 | 开户银行 | 开户网点 | 金额（元） | 用途 | 统一社会信用代码

金额 is text with two decimals (never a float cell); 收款账号 is text (a number cell would lose digits).
批次校验码 is the SHA-256 (hex) of the lines "兑付编号|收款账号|金额" joined by "\\n" in 兑付编号 order — the
bank or treasury recomputes it to prove the file was not altered.

Result file — Excel or CSV (UTF-8 or GB18030), a header row (title lines above it are skipped) with:

    兑付编号 | 金额（元） | 支付结果 | 银行流水号 | 支付日期 | 失败原因

支付结果: 成功 / 失败 (also 已支付, 支付成功, S, 1 / 支付失败, 退票, F, 0). A paid line needs 银行流水号 and
支付日期 (2026-11-30, 2026/11/30, 2026年11月30日 or an Excel date); a failed line needs 失败原因. Column
order is free; other columns are ignored.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from portal.core import normalize

PAYMENT_COLUMNS = [
    "序号",
    "兑付编号",
    "收款户名",
    "收款账号",
    "开户银行",
    "开户网点",
    "金额（元）",
    "用途",
    "统一社会信用代码",
]
RESULT_COLUMNS = {
    "number": "兑付编号",
    "amount": "金额（元）",
    "outcome": "支付结果",
    "reference": "银行流水号",
    "paid_on": "支付日期",
    "reason": "失败原因",
}
RESULT_SYNONYMS = {
    "金额": "amount",
    "金额(元)": "amount",
    "交易流水号": "reference",
    "流水号": "reference",
    "结果": "outcome",
}
PAID_WORDS = {"成功", "已支付", "支付成功", "S", "1", "Y"}
FAILED_WORDS = {"失败", "支付失败", "退票", "F", "0", "N"}
MAX_RESULT_BYTES = 20 * 1024 * 1024


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _lines(batch):
    return batch.lines.select_related("payout__enterprise", "payout__matter").order_by("position")


def checksum(batch) -> str:
    """批次校验码 of `batch`: SHA-256 of its lines "兑付编号|收款账号|金额" in 兑付编号 order."""
    rows = sorted(f"{line.payout.number}|{line.account_number}|{line.amount:.2f}" for line in _lines(batch))
    return sha256("\n".join(rows).encode())


def _rows(batch):
    for line in _lines(batch):
        yield [
            str(line.position),
            line.payout.number,
            line.payee_name,
            line.account_number,
            line.bank_name,
            line.branch,
            f"{line.amount:.2f}",
            line.payout.matter.name[:60],
            line.payout.enterprise.uscc,
        ]


def _heading(batch) -> list[list[str]]:
    source = batch.funding_source
    return [
        [_("政策资金拨付文件")],
        [_("批次号"), batch.number, _("资金来源"), source.name, _("预算科目"), source.budget_line],
        [_("付款户名"), source.payer_name, _("付款账号"), source.payer_account, _("付款银行"), source.payer_bank],
        [_("笔数"), str(batch.count), _("合计金额（元）"), f"{batch.total:.2f}", _("批次校验码"), batch.checksum],
        [],
    ]


def payment_file(batch, fmt: str = "xlsx") -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of `batch`'s payment file in `fmt` ("xlsx" or "csv")."""
    name = f"{batch.number}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        for row in _heading(batch):
            writer.writerow(row)
        writer.writerow(PAYMENT_COLUMNS)
        writer.writerows(_rows(batch))
        return f"{name}.csv", "text/csv; charset=utf-8", out.getvalue().encode("utf-8-sig")
    if fmt != "xlsx":
        raise ValueError(fmt)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("支付明细"))
    for row in _heading(batch):
        sheet.append(row)
    sheet.append(PAYMENT_COLUMNS)
    for row in _rows(batch):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return f"{name}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", out.getvalue()


# --- results -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultLine:
    row: int
    number: str
    amount: Decimal
    paid: bool
    reference: str
    paid_on: dt.date | None
    reason: str


def _key(header: str) -> str | None:
    text = normalize.text(header).replace(" ", "")
    for key, label in RESULT_COLUMNS.items():
        if text == label or text == label.replace("（", "(").replace("）", ")"):
            return key
    return RESULT_SYNONYMS.get(text)


def read_results(content: bytes, file_name: str) -> tuple[list[ResultLine], list[str]]:
    """The lines of a bank result file, and every bad line as "第N行：…" (Chinese). An unreadable file is one
    error; a file without the 兑付编号, 金额 and 支付结果 columns is one error."""
    from enterprises.importing.reading import Rows, UnreadableFileError, detect_format

    if len(content) > MAX_RESULT_BYTES:
        return [], [_("回单文件超过20MB，请分批导入")]
    stream = io.BytesIO(content)
    try:
        fmt = detect_format(stream, file_name)
        rows = Rows(stream, fmt)
        header = rows.open(accept=lambda cells: "兑付编号" in [normalize.text(c) for c in cells])
    except UnreadableFileError as error:
        return [], [str(error)]
    keys = [_key(h) for h in header]
    missing = [RESULT_COLUMNS[k] for k in ("number", "amount", "outcome") if k not in keys]
    if missing:
        return [], [_("回单缺少必需的列：%(columns)s") % {"columns": "、".join(missing)}]
    lines, errors = [], []
    today = timezone.localdate()
    try:
        for number, values in rows:
            cells = {key: values[i] if i < len(values) else None for i, key in enumerate(keys) if key}
            if all(v in (None, "") or not str(v).strip() for v in values):
                continue
            line, problems = _line(number, cells, today)
            if problems:
                errors.extend(_("第%(row)d行：%(problem)s") % {"row": number, "problem": p} for p in problems)
            else:
                lines.append(line)
    except UnreadableFileError as error:
        return [], [str(error)]
    if not lines and not errors:
        errors.append(_("回单没有数据行"))
    return lines, errors


def _line(row: int, cells: dict, today: dt.date) -> tuple[ResultLine | None, list[str]]:
    problems = []
    number = normalize.identifier(cells.get("number") or "")
    if not number:
        problems.append(_("缺少兑付编号"))
    amount = None
    try:
        amount = normalize.amount(cells.get("amount") if cells.get("amount") is not None else "")
        if amount.as_tuple().exponent < -2:
            problems.append(_("金额%(amount)s超过两位小数") % {"amount": amount})
        elif amount <= 0:
            problems.append(_("金额必须大于零"))
        amount = amount.quantize(Decimal("0.01"))
    except normalize.NormalizeError as error:
        problems.append(str(error))
    outcome = normalize.text(cells.get("outcome") or "").upper()
    paid = outcome in PAID_WORDS
    if not paid and outcome not in FAILED_WORDS:
        problems.append(_("支付结果“%(value)s”无法识别，应为“成功”或“失败”") % {"value": outcome})
    reference = normalize.identifier(cells.get("reference") or "")[:64]
    reason = normalize.text(cells.get("reason") or "")
    paid_on = None
    if paid:
        if not reference:
            problems.append(_("支付成功的记录须有银行流水号"))
        try:
            paid_on = normalize.date(cells.get("paid_on"))
        except normalize.NormalizeError as error:
            problems.append(str(error))
        if paid_on is None:
            problems.append(_("支付成功的记录须有支付日期"))
        elif paid_on > today:
            problems.append(_("支付日期%(date)s晚于今天") % {"date": paid_on.isoformat()})
    elif outcome in FAILED_WORDS and not reason:
        problems.append(_("支付失败的记录须写明失败原因"))
    if problems:
        return None, problems
    return ResultLine(
        row=row, number=number, amount=amount, paid=paid, reference=reference, paid_on=paid_on, reason=reason
    ), []


def results_template(batch, outcomes: dict[str, tuple] | None = None, fmt: str = "xlsx") -> bytes:
    """A result file for `batch` in the layout above (every line 成功 unless `outcomes` says otherwise:
    {number: (paid, reference, date, reason)}) — the bank's side in tests, the bench and the demo."""
    outcomes = outcomes or {}
    header = list(RESULT_COLUMNS.values())
    rows = []
    for line in _lines(batch):
        p, index = line.payout, line.position
        paid, reference, day, reason = outcomes.get(
            p.number, (True, f"BK{batch.number[2:]}{index:06d}", timezone.localdate(), "")
        )
        rows.append(
            [
                p.number,
                f"{line.amount:.2f}",
                "成功" if paid else "失败",
                reference,
                day.isoformat() if day else "",
                reason,
            ]
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue().encode("utf-8")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("回单")
    sheet.append([_("银行回单")])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


__all__ = ["PAYMENT_COLUMNS", "RESULT_COLUMNS", "ResultLine", "checksum", "payment_file", "read_results"]
