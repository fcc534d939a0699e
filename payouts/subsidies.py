"""奖补汇聚: subsidies departments paid outside the platform, gathered in one data standard (宜昌 §37, 常州 §30).

The data standard (统一数据标准), the same for a file (Excel .xlsx from Excel or WPS, CSV in UTF-8 with or
without BOM or GB18030) and for the API (`payouts.subsidy_api`, English keys):

    记录编号            record_id        required  the department's own id of the record (its key)
    统一社会信用代码     uscc             required  GB 32100-2015, check characters verified
    企业名称            enterprise_name  required
    政策名称            policy           required  linked to the platform's policy when the title matches exactly
    事项或项目名称       item             required  linked to the platform's matter when the name matches exactly
    金额（元）          amount           required  元, above 0, at most two decimals, no unit in the cell
    发放日期            paid_on          required  year first (2026-09-30, 2026/9/30, 2026年9月30日, a date cell),
                                                   not in the future
    资金来源            funding_source   required  e.g. 2026年市级科技创新专项资金
    资金层级            funding_level    optional  中央 / 省级 / 市级 / 县级（区级） (`FundingLevel`; also 中央级,
                                                   国家级, 省, 市, 县, 区, 县级, 区级, 县区级, 县（区）级)
    是否更正            correction       optional  是 to correct a record submitted before (see below)

The paying department (发放部门) is not a column: it is the department that submits — the uploader's
department, or the department of the API key.

Reading and folding reuse the enterprise import (`enterprises.importing`): its reader (content-based format
detection, GB18030, Excel dates like 2019/3/8, WPS sheets whose dimension lies, a title row above the header),
its header matching (full-width, a leading *, bracket shapes, synonyms and English keys) and its cell rules
(`portal.core.normalize` underneath: full-width digits, a code typed in a number cell, 9.14E+17 refused).

Whole-submission validation, as in the enterprise import: every row is read and checked; any bad row — bad
USCC check character, an amount with three decimals, zero, negative or with a unit, a date that is not a
date or lies in the future, a required value missing, the same 记录编号 twice in the file, a record that
contradicts one submitted before — is reported with its row number (the API: its position) and a Chinese
message, and then nothing at all is stored.

Resubmission (the department's 记录编号 is the key, per department):

* the same record with the same content changes nothing (the same file twice leaves the state of once;
  a submission that brings nothing new is not even recorded);
* the same 记录编号 with different content is **refused**, naming the record and what differs, unless the row
  says 是否更正 = 是 (API: ``"correction": true``). A finance office does not let a payment record change
  because a spreadsheet was re-exported with a reused number; a real correction (a mistyped amount) is a
  deliberate act, and then the record is updated in place and its previous content stays in its history
  (simple-history, with the uploader and "更正" as reason). Its original 报送时间 — and so its lateness —
  stays that of the first submission.

Flags, shown to staff, never a refusal:

* 疑似重复 (`duplicate_of`): another record — another department's, another upload's, or another row of the
  same file — for the same enterprise (USCC), amount, payment date and item (compared folded: full-width,
  spaces and case ignored). The earliest such record is the original; later ones point to it.
* 与平台兑付重复: a payout of the platform (`Payout`, not cancelled) for the same enterprise, matter and
  amount — computed when shown (`with_flags`), so a payout made after the record was submitted is caught too.
* 逾期报送 (`late`): submitted more than 5 working days after payment (常州 §30), counted on the official
  working-day calendar (`portal.workdays`), never Monday–Friday.
* 企业名称与档案不一致 (`name_mismatch`): the USCC is in the archive but the name the department wrote is not the
  archive enterprise's (compared NFKC-folded, spaces and case ignored). The record keeps the name the
  department paid under and stays linked to the archive enterprise by its USCC; computed when shown
  (`with_flags`), so a renamed archive enterprise is caught too.

Who sees what (`visible_records`, `visible_submissions`): a department's staff see their department's
submissions and records; finance staff, supervisors (督查) and platform admins see all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from enterprises.importing import columns as cells
from enterprises.importing.columns import Column, Context, header_key
from enterprises.importing.pipeline import Report
from enterprises.importing.reading import Rows, UnreadableFileError, detect_format
from enterprises.importing.services import max_import_bytes, too_large_message
from portal import workdays
from portal.core import normalize
from portal.org.models import Role

from .models import FundingLevel, Payout, PayoutState, SubsidyRecord, SubsidySubmission

# 常州 §30: a subsidy is reported within 5 working days of payment.
LATE_AFTER_WORKDAYS = 5
MAX_ROWS = 20000
MAX_API_RECORDS = 2000
EXAMPLE_PREFIX = "示例"
# In a row's raw values: the keys whose problem was already reported before the cell rules ran.
REPORTED = "__reported__"
# pg_advisory_xact_lock(namespace, department id): one submission of a department at a time.
LOCK_NAMESPACE = 0x5B1D


class SubsidyFileError(ValueError):
    """The file as a whole cannot be read (not .xlsx or .csv by name and content, too large, no header); the
    message is Chinese."""


# Cell rules of the standard ---------------------------------------------------------------------------------

_SCIENTIFIC = re.compile(r"^[+-]?[0-9]+(?:\.[0-9]+)?E[+-]?[0-9]+$")


def parse_record_id(value, ctx) -> str:
    """记录编号: text as typed (folded, no spaces, upper case; hyphens kept); a number cell as its digits."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        code = cells._kernel(normalize.identifier, value)
    else:
        code = normalize.compact(value).upper()
        if _SCIENTIFIC.match(code):
            raise cells.CellError(normalize.rounded_number_message())
    if len(code) > 64:
        raise cells.CellError(_("长度不能超过%(n)d个字符") % {"n": 64})
    if code.startswith(EXAMPLE_PREFIX):
        raise cells.CellError(_("这是模板中的示例行，请删除后再上传"))
    return code


def parse_amount(value, ctx) -> Decimal:
    """金额（元）: above zero, at most two decimals, no unit (the kernel refuses 1234元 and 1,23)."""
    amount = cells._kernel(normalize.amount, value)
    if isinstance(value, float):
        # A number cell: Excel's binary value may carry noise beyond the cents it displays.
        amount = amount.quantize(Decimal("0.000001")).normalize()
    if amount.as_tuple().exponent < -2:
        raise cells.CellError(_("“%(value)s”不是有效金额（元，最多两位小数）") % {"value": cells._str(value)})
    if amount <= 0:
        raise cells.CellError(_("金额须大于0"))
    if amount >= Decimal("1e14"):
        raise cells.CellError(_("金额过大"))
    return amount.quantize(Decimal("0.01"))


YES = {"是", "y", "yes", "true", "1", "更正", "√"}
NO = {"否", "n", "no", "false", "0", ""}


def parse_yes_no(value, ctx) -> bool:
    if isinstance(value, bool):
        return value
    word = normalize.compact(value).casefold()
    if word in YES:
        return True
    if word in NO:
        return False
    raise cells.CellError(_("请填写“是”或“否”"))


# 资金层级 as departments write it → FundingLevel (the stored values and the labels are accepted as well).
FUNDING_LEVEL_WORDINGS = {
    "中央": FundingLevel.CENTRAL,
    "中央级": FundingLevel.CENTRAL,
    "国家级": FundingLevel.CENTRAL,
    "省": FundingLevel.PROVINCE,
    "省级": FundingLevel.PROVINCE,
    "市": FundingLevel.CITY,
    "市级": FundingLevel.CITY,
    "县": FundingLevel.COUNTY,
    "区": FundingLevel.COUNTY,
    "县级": FundingLevel.COUNTY,
    "区级": FundingLevel.COUNTY,
    "县区级": FundingLevel.COUNTY,
    "县（区）级": FundingLevel.COUNTY,
    "县级（区级）": FundingLevel.COUNTY,
}

COLUMNS: list[Column] = [
    Column(
        "record_id",
        "记录编号",
        parse_record_id,
        required=True,
        help=gettext_lazy("本部门对该笔奖补的唯一编号，重复报送以此识别"),
        aliases=("记录号", "业务编号", "发放编号", "序列号"),
    ),
    Column(
        "uscc",
        "统一社会信用代码",
        cells.parse_uscc,
        required=True,
        help=gettext_lazy("18位，如 91420502MA00210007；请设为文本格式"),
        aliases=cells.USCC_ALIASES,
    ),
    Column(
        "enterprise_name", "企业名称", cells.text(200), required=True, aliases=("名称", "单位名称", "企业（单位）名称")
    ),
    Column(
        "policy",
        "政策名称",
        cells.text(300),
        required=True,
        help=gettext_lazy("与平台政策标题一致时自动关联"),
        aliases=("政策",),
    ),
    Column(
        "item",
        "事项或项目名称",
        cells.text(300),
        required=True,
        help=gettext_lazy("与平台事项名称一致时自动关联"),
        aliases=("事项名称", "项目名称", "事项", "项目", "奖补项目"),
    ),
    Column(
        "amount",
        "金额（元）",
        parse_amount,
        required=True,
        help=gettext_lazy("单位为元，大于0，最多两位小数，不写单位"),
        text=False,
        aliases=("金额", "发放金额（元）", "奖补金额（元）", "兑付金额（元）"),
    ),
    Column(
        "paid_on",
        "发放日期",
        cells.date(not_future=True),
        required=True,
        help=cells.DATE_HELP,
        text=False,
        aliases=("发放时间", "拨付日期", "兑付日期", "支付日期"),
    ),
    Column(
        "funding_source",
        "资金来源",
        cells.text(128),
        required=True,
        help=gettext_lazy("如：2026年市级科技创新专项资金"),
    ),
    Column(
        "funding_level",
        "资金层级",
        cells.choice(FundingLevel, FUNDING_LEVEL_WORDINGS),
        help=gettext_lazy("中央、省级、市级、县级（区级），可不填；上级转移支付的资金按其来源层级填写"),
        aliases=("资金级次",),
    ),
    Column(
        "correction",
        "是否更正",
        parse_yes_no,
        help=gettext_lazy("更正此前已报送的同一记录编号时填“是”，其余留空"),
        text=False,
        aliases=("更正",),
    ),
]
BY_KEY = {column.key: column for column in COLUMNS}
# The stored fields a row sets, compared to tell an unchanged resubmission from a different one.
CONTENT = {
    "uscc": "uscc",
    "enterprise_name": "enterprise_name",
    "policy": "policy_title",
    "item": "item",
    "amount": "amount",
    "paid_on": "paid_on",
    "funding_source": "funding_source",
    "funding_level": "funding_level",
}

EXAMPLE_ROW = {
    "record_id": "示例-2026-0001（请删除本行）",
    "uscc": "91420502MA00210007",
    "enterprise_name": "宜昌示例科技有限公司",
    "policy": "宜昌市促进科技创新若干政策",
    "item": "高新技术企业认定奖励",
    # A number (a number cell formatted 0.00 in the .xlsx template, 200000.00 in the CSV), as a sum should be.
    "amount": Decimal("200000.00"),
    "paid_on": dt.date(2026, 9, 30),
    "funding_source": "2026年市级科技创新专项资金",
    "funding_level": "市级",
    "correction": "",
}


def header_lookup() -> dict[str, Column]:
    lookup = {}
    for column in COLUMNS:
        for name in (column.header, column.key, *column.aliases):
            lookup.setdefault(header_key(name), column)
    return lookup


def item_key(text: str) -> str:
    """An item's name folded for comparing (full-width, spaces, case and bracket shape ignored)."""
    return normalize.compact(text).casefold().replace("（", "(").replace("）", ")")


def name_key(name: str) -> str:
    """An enterprise name folded for comparing with the archive's: NFKC (full-width letters and brackets), spaces
    and case ignored — as `NameKey` does in the database."""
    return unicodedata.normalize("NFKC", name or "").replace(" ", "").lower()


class NameKey(Func):
    """`name_key` in SQL (PostgreSQL's normalize(…, NFKC); the database is UTF-8)."""

    template = "LOWER(REPLACE(NORMALIZE(%(expressions)s, NFKC), ' ', ''))"
    output_field = CharField()


def _context(today: dt.date) -> Context:
    from enterprises.models import Enterprise, UsccCheck

    return Context(
        regions={},
        qualification_types={},
        today=today,
        # A code already in the archive whose check characters fail (存量赋码, confirmed by staff) is accepted.
        legacy_codes=dict(Enterprise.objects.exclude(uscc_check=UsccCheck.PASSED).values_list("uscc", "uscc_check")),
    )


# Outcome ------------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one submission did, or why it was refused (`report.error_count`)."""

    report: Report = field(default_factory=Report)
    total: int = 0
    created: int = 0
    corrected: int = 0
    unchanged: int = 0
    submission: SubsidySubmission | None = None
    # One entry per row: line, record_id, result (created / corrected / unchanged), the record.
    rows: list[dict] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.report.error_count > 0

    @property
    def changed(self) -> list[dict]:
        """The rows this submission created or corrected: what its result tells (an unchanged row was told of
        when it was first submitted)."""
        return [row for row in self.rows if row["result"] != "unchanged"]

    @property
    def duplicates(self) -> list[dict]:
        return [row for row in self.changed if row.get("duplicate")]

    @property
    def late(self) -> list[dict]:
        return [row for row in self.changed if row.get("late")]

    @property
    def name_mismatches(self) -> list[dict]:
        return [row for row in self.changed if row.get("name_mismatch")]


@dataclass
class _Row:
    line: int
    values: dict
    result: str = ""
    record: SubsidyRecord | None = None
    payout: str | None = None


# Reading a file ------------------------------------------------------------------------------------------------


FILE_TYPES = {".xlsx": "xlsx", ".csv": "csv"}


def unsupported_type_message() -> str:
    return _("文件类型不支持：请上传.xlsx或.csv")


def file_type(f, name: str) -> str:
    """'xlsx' or 'csv' when the file is called so and its content is so (a .txt, .xls or .json is refused by its
    name, a .csv that holds a workbook by its content); SubsidyFileError or UnreadableFileError otherwise."""
    suffix = "." + name.rsplit(".", 1)[-1].strip().lower() if "." in name else ""
    if suffix not in FILE_TYPES:
        raise SubsidyFileError(unsupported_type_message())
    found = detect_format(f, name)
    if found != FILE_TYPES[suffix]:
        raise SubsidyFileError(
            _("文件类型不支持：请上传.xlsx或.csv（该文件名为%(suffix)s，内容却是%(kind)s）")
            % {"suffix": suffix, "kind": _("Excel工作簿") if found == "xlsx" else _("文本")}
        )
    return found


def read_file(f, name: str, report: Report) -> list[tuple[int, dict]]:
    """The rows of an uploaded file as (line, {key: cell}); file-level problems raise SubsidyFileError."""
    try:
        file_format = file_type(f, name)
        rows = Rows(f, file_format)
        lookup = header_lookup()
        header = rows.open(
            accept=lambda row: any(getattr(lookup.get(header_key(c)), "key", None) == "uscc" for c in row)
        )
        line = rows.header_line
        if rows.note:
            report.notice(line, "", rows.note)
        positions: dict[str, int] = {}
        for position, name_ in enumerate(header):
            if not name_:
                continue
            column = lookup.get(header_key(name_))
            if column is None:
                report.notice(line, name_, _("未知的列“%(name)s”，已忽略") % {"name": name_})
            elif column.key in positions:
                report.add(line, column.key, column.header, name_, _("列“%(name)s”重复") % {"name": column.header})
            else:
                positions[column.key] = position
        for column in COLUMNS:
            if column.required and column.key not in positions:
                report.add(line, column.key, column.header, "", _("缺少必填列“%(name)s”") % {"name": column.header})
        if report.error_count:
            return []
        width = len(header)
        result = []
        for line, values in rows:
            if not any(v is not None and str(v).strip() for v in values):
                continue
            if len(result) >= MAX_ROWS:
                raise SubsidyFileError(_("文件超过%(n)d行，请拆分后分批上传") % {"n": MAX_ROWS})
            if len(values) > width and any(v not in (None, "") for v in values[width:]):
                report.add(line, "", "", "", _("本行的列数多于表头"))
                continue
            result.append((line, {key: values[p] if p < len(values) else None for key, p in positions.items()}))
        return result
    except UnreadableFileError as exc:
        raise SubsidyFileError(str(exc)) from None


def submit_file(uploaded_file, *, department, user, now=None) -> Outcome:
    """Validates and stores an uploaded file for `department`, all or nothing (see the module's docstring)."""
    if uploaded_file.size > max_import_bytes():
        raise SubsidyFileError(too_large_message())
    report = Report()
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    rows = read_file(uploaded_file, uploaded_file.name, report)
    if not rows and not report.error_count:
        raise SubsidyFileError(_("文件中没有数据行"))
    return submit(
        department,
        rows,
        channel=SubsidySubmission.Channel.FILE,
        user=user,
        file_name=uploaded_file.name[:255],
        sha256=digest.hexdigest(),
        now=now,
        report=report,
    )


def submit_records(department, records: list, *, now=None) -> Outcome:
    """Validates and stores records sent by a department's system (JSON objects with the English keys).

    Row numbers in the report are positions in the list, from 1."""
    report = Report()
    rows = []
    for position, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            report.add(position, "", "", "", _("每条记录须为JSON对象"))
            continue
        unknown = sorted(set(record) - set(BY_KEY))
        for key in unknown:
            report.add(position, str(key)[:32], str(key)[:32], "", _("未知的字段“%(key)s”") % {"key": str(key)[:32]})
        values = {key: record.get(key) for key in BY_KEY}
        amount = record.get("amount")
        if amount is not None and not isinstance(amount, str):
            report.add(position, "amount", "金额（元）", amount, _('金额须以字符串传递，如 "12000.50"，不能使用数值'))
            values[REPORTED] = {"amount"}
        rows.append((position, values))
    return submit(department, rows, channel=SubsidySubmission.Channel.API, user=None, now=now, report=report)


# The submission ------------------------------------------------------------------------------------------------


DATE_COLUMNS = {"paid_on"}


def shown_cell(value):
    """A cell as a message shows it: an Excel date cell (read as a datetime at midnight) as 2026-12-15, one with
    a time of day as 2026-12-15 08:30; anything else unchanged."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _parse(rows: list[tuple[int, dict]], ctx: Context, report: Report) -> list[_Row]:
    parsed = []
    first_lines: dict[str, int] = {}
    for line, raw in rows:
        values = {}
        ok = True
        for column in COLUMNS:
            value = raw.get(column.key)
            if column.key not in DATE_COLUMNS:
                # A date cell where text or a number belongs: its messages name the date as the sheet shows it.
                value = shown_cell(value)
            if column.key in raw.get(REPORTED, ()):
                ok = False
                continue
            if column.required and (value is None or not str(value).strip()):
                report.add(line, column.key, column.header, "", _("不能为空"))
                ok = False
                continue
            try:
                values[column.key] = column.parse(value, ctx)
            except cells.CellError as exc:
                report.add(line, column.key, column.header, shown_cell(value), str(exc))
                ok = False
        record_id = values.get("record_id")
        if record_id:
            first = first_lines.setdefault(record_id, line)
            if first != line:
                report.add(
                    line, "record_id", "记录编号", record_id, _("记录编号与第%(first)d行重复") % {"first": first}
                )
                ok = False
        if ok and line not in report.bad_lines:
            values["funding_level"] = values.get("funding_level") or ""
            values["correction"] = bool(values.get("correction"))
            parsed.append(_Row(line, values))
    return parsed


def _shown(name: str, value) -> str:
    if value in (None, ""):
        return _("（空）")
    if name == "funding_level":
        return str(FundingLevel(value).label)
    return str(value)


def _differences(record: SubsidyRecord, values: dict) -> list[str]:
    """'金额（元）：原 12000.00，现 13000.00' for each stored field the row would change."""
    found = []
    for key, attr in CONTENT.items():
        old, new = getattr(record, attr), values[key]
        if old != new:
            found.append(
                _("%(column)s：原“%(old)s”，现“%(new)s”")
                % {"column": BY_KEY[key].header, "old": _shown(key, old), "new": _shown(key, new)}
            )
    return found


def submit(
    department, rows, *, channel, user=None, file_name="", sha256="", now=None, report: Report | None = None
) -> Outcome:
    """Checks every row, then stores them all or none; see the module's docstring for the rules."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    outcome = Outcome(report=report or Report(), total=len(rows))
    parsed = _parse(rows, _context(today), outcome.report)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, department.pk])
        existing = {
            r.record_id: r
            for r in SubsidyRecord.objects.select_for_update().filter(
                department=department, record_id__in=[row.values["record_id"] for row in parsed]
            )
        }
        for row in parsed:
            record = existing.get(row.values["record_id"])
            if record is None:
                row.result = "created"
                continue
            differences = _differences(record, row.values)
            if not differences:
                row.result, row.record = "unchanged", record
            elif row.values["correction"]:
                row.result, row.record = "corrected", record
            else:
                outcome.report.add(
                    row.line,
                    "record_id",
                    "记录编号",
                    row.values["record_id"],
                    _(
                        "记录编号“%(id)s”已于%(day)s报送，本次内容不同（%(changes)s）；如确为更正，请在“是否更正”列填“是”后重新报送"
                    )
                    % {
                        "id": row.values["record_id"],
                        "day": timezone.localdate(record.submitted_at).isoformat(),
                        "changes": "；".join(differences[:4]),
                    },
                )
        if outcome.report.error_count:
            return outcome
        outcome.unchanged = sum(1 for row in parsed if row.result == "unchanged")
        writing = [row for row in parsed if row.result != "unchanged"]
        if writing:
            outcome.submission = _store(department, writing, channel, user, file_name, sha256, now)
        _match_payouts([row for row in parsed if row.result == "unchanged"])
        outcome.created = sum(1 for row in writing if row.result == "created")
        outcome.corrected = len(writing) - outcome.created
    outcome.rows = _summaries(parsed)
    return outcome


def _links(department, rows: list[_Row]) -> tuple[dict, dict, dict]:
    """Enterprise by USCC, policy by exact title, matter by exact name (the department's own first)."""
    from enterprises.models import Enterprise
    from matters.models import Matter
    from policies.models import Policy

    usccs = {row.values["uscc"] for row in rows}
    enterprises = dict(Enterprise.objects.filter(uscc__in=usccs).values_list("uscc", "pk"))
    titles = {row.values["policy"] for row in rows}
    titles |= {normalize.text(t) for t in titles}
    by_title = defaultdict(set)
    for pk, title in Policy.objects.filter(title__in=titles).values_list("pk", "title"):
        by_title[title].add(pk)
    names = {row.values["item"] for row in rows}
    names |= {normalize.text(n) for n in names}
    by_name = defaultdict(list)
    for pk, name, owner in Matter.objects.filter(name__in=names).values_list("pk", "name", "department_id"):
        by_name[name].append((pk, owner))

    def policy_for(title):
        found = by_title.get(title) or by_title.get(normalize.text(title)) or set()
        return next(iter(found)) if len(found) == 1 else None

    def matter_for(name):
        found = by_name.get(name) or by_name.get(normalize.text(name)) or []
        own = [pk for pk, owner in found if owner == department.pk]
        if len(own) == 1:
            return own[0]
        return found[0][0] if len(found) == 1 else None

    return enterprises, policy_for, matter_for


def _apply(record: SubsidyRecord, values: dict, enterprises, policy_for, matter_for) -> None:
    record.uscc = values["uscc"]
    record.enterprise_name = values["enterprise_name"]
    record.enterprise_id = enterprises.get(values["uscc"])
    record.policy_title = values["policy"]
    record.policy_id = policy_for(values["policy"])
    record.item = values["item"]
    record.matter_id = matter_for(values["item"])
    record.amount = values["amount"]
    record.paid_on = values["paid_on"]
    record.funding_source = values["funding_source"]
    record.funding_level = values["funding_level"]
    record.late = is_late(record.paid_on, record.submitted_at)


def is_late(paid_on: dt.date, submitted_at) -> bool:
    """Submitted more than LATE_AFTER_WORKDAYS working days after payment (常州 §30)."""
    return workdays.workdays_between(paid_on, timezone.localdate(submitted_at)) > LATE_AFTER_WORKDAYS


def _store(department, rows: list[_Row], channel, user, file_name, sha256, now) -> SubsidySubmission:
    submission = SubsidySubmission(
        department=department,
        channel=channel,
        file_name=file_name,
        sha256=sha256,
        records=len(rows),
        submitted_at=now,
        submitted_by=user,
    )
    submission._history_user = user
    submission.save()
    enterprises, policy_for, matter_for = _links(department, rows)
    new, corrected = [], []
    for row in rows:
        if row.result == "created":
            row.record = SubsidyRecord(
                submission=submission, department=department, record_id=row.values["record_id"], submitted_at=now
            )
            new.append(row.record)
        else:
            corrected.append(row.record)
            row.record.submission = submission
        _apply(row.record, row.values, enterprises, policy_for, matter_for)
    reason = _("文件导入：%(name)s") % {"name": file_name} if file_name else _("接口报送")
    if new:
        bulk_create_with_history(new, SubsidyRecord, default_user=user, default_change_reason=reason, default_date=now)
    if corrected:
        fields = ["submission", "late", *(f"{name}_id" for name in ("enterprise", "policy", "matter"))]
        fields += list(CONTENT.values())
        bulk_update_with_history(
            corrected,
            SubsidyRecord,
            fields,
            default_user=user,
            default_change_reason=_("更正（%(reason)s）") % {"reason": reason},
            default_date=now,
        )
    _mark_duplicates([row.record for row in rows])
    _match_payouts(rows)
    submission.duplicates = sum(1 for row in rows if row.record.duplicate_of_id or row.payout)
    submission.late = sum(1 for row in rows if row.record.late)
    SubsidySubmission.objects.filter(pk=submission.pk).update(duplicates=submission.duplicates, late=submission.late)
    return submission


def _mark_duplicates(records: list[SubsidyRecord]) -> None:
    """Sets `duplicate_of` for `records` (and for records that pointed to one of them, which may have changed):
    the earliest other record with the same USCC, payment date, amount and folded item."""
    touched = {r.pk for r in records}
    usccs = {r.uscc for r in records}
    days = {r.paid_on for r in records}
    # A corrected record may have stopped matching: whatever pointed to it is looked at again.
    pointing = list(SubsidyRecord.objects.filter(duplicate_of_id__in=touched).exclude(pk__in=touched))
    usccs |= {r.uscc for r in pointing}
    days |= {r.paid_on for r in pointing}
    groups = defaultdict(list)
    candidates = SubsidyRecord.objects.filter(uscc__in=usccs, paid_on__in=days).values_list(
        "pk", "uscc", "paid_on", "amount", "item"
    )
    for pk, uscc, paid_on, amount, item in candidates:
        groups[(uscc, paid_on, amount, item_key(item))].append(pk)
    changed = []
    for record in [*records, *pointing]:
        group = sorted(groups[(record.uscc, record.paid_on, record.amount, item_key(record.item))])
        original = group[0] if group and group[0] != record.pk else None
        if record.duplicate_of_id != original:
            record.duplicate_of_id = original
            changed.append(record)
    # A platform flag, not what the department sent: not a version of the record in its history.
    SubsidyRecord.objects.bulk_update(changed, ["duplicate_of"], batch_size=1000)


def _match_payouts(rows: list[_Row]) -> None:
    """Sets `row.payout` to the number of a platform payout (not cancelled) for the same enterprise, matter and
    amount as the row's record, if there is one."""
    keyed = [row for row in rows if row.record.enterprise_id and row.record.matter_id]
    if not keyed:
        return
    query = Q()
    for row in keyed:
        query |= Q(enterprise_id=row.record.enterprise_id, matter_id=row.record.matter_id, amount=row.record.amount)
    numbers = {}
    for number, enterprise, matter, amount in (
        Payout.objects.filter(query)
        .exclude(state=PayoutState.CANCELLED)
        .order_by("created_at", "id")
        .values_list("number", "enterprise_id", "matter_id", "amount")
    ):
        numbers.setdefault((enterprise, matter, amount), number)
    for row in keyed:
        row.payout = numbers.get((row.record.enterprise_id, row.record.matter_id, row.record.amount))


def _summaries(rows: list[_Row]) -> list[dict]:
    from enterprises.models import Enterprise

    originals = SubsidyRecord.objects.select_related("department").in_bulk(
        {row.record.duplicate_of_id for row in rows if row.record.duplicate_of_id}
    )
    archive_names = dict(
        Enterprise.objects.filter(pk__in={row.record.enterprise_id for row in rows}).values_list("pk", "name")
    )

    def archive_name_if_other(record):
        archive = archive_names.get(record.enterprise_id)
        return archive if archive is not None and name_key(archive) != name_key(record.enterprise_name) else None

    return [
        {
            "line": row.line,
            "record_id": row.values["record_id"],
            "result": row.result,
            "record": row.record,
            "late": row.record.late,
            "duplicate": bool(row.record.duplicate_of_id or row.payout),
            "duplicate_of": originals.get(row.record.duplicate_of_id),
            "duplicate_payout": row.payout,
            # The archive enterprise's name when the department wrote another one (imported as written).
            "name_mismatch": archive_name_if_other(row.record),
        }
        for row in rows
    ]


# Flags and scope ------------------------------------------------------------------------------------------------


def with_flags(queryset):
    """Records annotated with `payout_duplicate` (a platform payout, not cancelled, for the same enterprise,
    matter and amount exists), `later_duplicates` (how many records — any department's — are flagged as
    duplicates of this one: the original learns of its copies as they learn of it), `archive_name` (the
    linked archive enterprise's name) and `name_mismatch` (the department's name for the enterprise is not
    the archive's, see `name_key`)."""
    same = Payout.objects.filter(
        enterprise_id=OuterRef("enterprise_id"), matter_id=OuterRef("matter_id"), amount=OuterRef("amount")
    ).exclude(state=PayoutState.CANCELLED)
    later = (
        SubsidyRecord.objects.filter(duplicate_of=OuterRef("pk"))
        .order_by()
        .values("duplicate_of")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        payout_duplicate=Exists(same),
        later_duplicates=Coalesce(Subquery(later, output_field=IntegerField()), 0),
        archive_name=F("enterprise__name"),
        name_mismatch=Case(
            When(enterprise__isnull=True, then=Value(False)),
            When(Exact(NameKey("enterprise_name"), NameKey("enterprise__name")), then=Value(False)),
            default=Value(True),
            output_field=BooleanField(),
        ),
    )


def sees_all(user) -> bool:
    """Finance staff, supervisors and platform admins see every department's subsidy records."""
    from portal.org.permissions import is_platform_admin, is_supervisor
    from portal.org.selectors import roles_of

    if is_platform_admin(user) or is_supervisor(user):
        return True
    return bool(user.is_authenticated and user.is_staff and Role.FINANCE in roles_of(user))


def _visible(user, queryset, perm: str):
    from portal.org.permissions import can
    from portal.org.selectors import departments_of

    if not can(user, perm):
        return queryset.none()
    if sees_all(user):
        return queryset
    return queryset.filter(department__in=departments_of(user))


def visible_records(user, queryset=None):
    return _visible(user, SubsidyRecord.objects.all() if queryset is None else queryset, "payouts.view_subsidyrecord")


def visible_submissions(user, queryset=None):
    queryset = SubsidySubmission.objects.all() if queryset is None else queryset
    return _visible(user, queryset, "payouts.view_subsidysubmission")


def submitting_departments(user):
    """The departments `user` may submit subsidies for: where their role may add a submission; all for admins."""
    from portal.org.models import Department
    from portal.org.permissions import is_platform_admin
    from portal.org.roles import ROLE_PERMISSIONS

    if is_platform_admin(user):
        return Department.objects.all()
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return Department.objects.none()
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if "payouts.add_subsidysubmission" in perms]
    return Department.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()
