"""The columns of each import kind: Chinese header, English key, whether required, and how a cell is read.

A file's first row names its columns, in Chinese (统一社会信用代码) or by the
English key (uscc), in any order. Required columns must be present and
non-empty on every row; optional columns may be left out of the file. The
file is authoritative for the columns it has: a column that is present
overwrites the archive (an empty cell empties the value), a column that is
absent leaves the archive's value as it is.

Cell rules, the same for CSV and Excel. Every code, phone, amount and date
cell is first folded by the kernel (`portal.core.normalize`: full-width
characters, spaces and stray line breaks, letter case), so what a person
typed in full-width mode reads the same as what they typed in half-width:

* dates: any year-first form (2019-03-08, 2019/3/8, 2019.3.8, 2019年3月8日,
  20190308), a real Excel date cell, or an Excel date serial in a number
  cell; a date whose year is not first (3/8/2019, 19/3/8) is refused as
  ambiguous;
* codes (统一社会信用代码, 行业代码, 区划代码) and phone numbers: text. A number
  cell holding more than 15 digits (or its scientific notation in a CSV,
  9.14205027109322E+17) is reported as what it is — Excel kept 15 digits —
  not as a wrong check character;
* 统一社会信用代码: valid under GB 32100-2015. In a file whose source is the
  market-regulation register (市场监管), the authority that issues the codes, a
  code that is well formed but fails its check characters is imported
  flagged 校验位不符（存量赋码） for staff to confirm (codes issued before the
  standard was enforced); from any other source it is refused, unless the
  archive already holds it;
* coded columns (经营状态, 登记注册类型, 信用状况): the Chinese label or the stored
  code; when such a column is in the file, every row must fill it;
* money in 万元: a decimal number with at most two decimals, commas allowed
  only as thousands separators (1,234.50); no unit in the cell; negative only
  for 利润总额;
* integers (年度, 从业人员): whole numbers;
* a year may not be later than the current year; a date may not be in the future
  where that makes no sense (成立日期, 列入名单日期, 有效期起).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.industries import industry_error
from enterprises.models import CreditStatus, OperatingStatus, OwnershipType, UsccCheck
from enterprises.uscc import uscc_check_error, uscc_shape_error
from portal.core import normalize
from portal.core.crypto import digest, encrypt

from .models import ImportKind


class CellError(ValueError):
    """A cell that cannot be accepted; the message is Chinese and shown to staff."""


@dataclass
class Context:
    """What parsing needs from the database and the job, loaded once per job."""

    regions: dict[str, int]
    qualification_types: dict[str, int]
    today: dt.date = field(default_factory=timezone.localdate)
    # The file comes from the register that issues the codes (市场监管):
    # a code failing its check is flagged, not refused.
    authoritative: bool = False
    # Codes already in the archive whose check characters fail (存量赋码) → their UsccCheck state.
    legacy_codes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: Callable[[object, Context], object]
    required: bool = False
    help: str = ""
    # Staging columns this column fills, in order; parse returns one value per target.
    targets: tuple[str, ...] = ()
    text: bool = True

    @property
    def staging(self) -> tuple[str, ...]:
        return self.targets or (self.key,)


def _str(value) -> str:
    """A free-text cell: folded spaces and line breaks, otherwise as typed (names keep their full-width brackets)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).translate({0xFEFF: None, 0x200B: None}).split())


def _kernel(fold, value):
    """Runs a kernel normaliser, its refusal becoming this cell's error."""
    try:
        return fold(value)
    except normalize.NormalizeError as exc:
        raise CellError(str(exc)) from None


def text(max_length: int):
    def parse(value, ctx):
        s = _str(value)
        if len(s) > max_length:
            raise CellError(_("长度不能超过%(n)d个字符") % {"n": max_length})
        return s

    return parse


def _uscc(value, ctx) -> tuple[str, str]:
    """The code and its UsccCheck state, or CellError."""
    code = _kernel(normalize.identifier, value)
    error = uscc_shape_error(code)
    if error:
        raise CellError(error)
    error = uscc_check_error(code)
    if not error:
        return code, UsccCheck.PASSED
    if code in ctx.legacy_codes:
        return code, ctx.legacy_codes[code]
    if ctx.authoritative:
        return code, UsccCheck.LEGACY_PENDING
    raise CellError(error)


def parse_uscc(value, ctx):
    """统一社会信用代码 naming an enterprise of the archive (figures, qualifications)."""
    return _uscc(value, ctx)[0]


def parse_enterprise_uscc(value, ctx):
    """统一社会信用代码 of an enterprise row: the code and whether its check characters hold."""
    return _uscc(value, ctx)


def parse_region(value, ctx):
    code = _kernel(normalize.identifier, value)
    if code not in ctx.regions:
        raise CellError(_("行政区划代码“%(code)s”不存在") % {"code": code})
    return ctx.regions[code]


def parse_industry(value, ctx):
    code = _kernel(normalize.identifier, value)
    if not code:
        return ""
    error = industry_error(code)
    if error:
        raise CellError(error)
    return code


DATE_HELP = "2019-03-08、2019/3/8、2019年3月8日等年份在前的写法"


def date(*, not_future: bool = False):
    def parse(value, ctx):
        day = _kernel(normalize.date, value)
        if day is None:
            return None
        if not_future and day > ctx.today:
            raise CellError(_("日期%(value)s晚于今天") % {"value": day.isoformat()})
        return day

    return parse


def money(*, allow_negative: bool = False):
    def parse(value, ctx):
        if value is None or not normalize.compact(value):
            return None
        amount = _kernel(normalize.amount, value)
        if isinstance(value, float):
            # A number cell: Excel's binary value may carry noise beyond the cents it displays.
            amount = amount.quantize(Decimal("0.000001")).normalize()
        if amount.as_tuple().exponent < -2:
            raise CellError(_("“%(value)s”不是有效金额（万元，最多两位小数）") % {"value": _str(value)})
        if amount < 0 and not allow_negative:
            raise CellError(_("不能为负数"))
        if abs(amount) >= Decimal("1e14"):
            raise CellError(_("金额过大"))
        return amount

    return parse


def integer(*, minimum: int = 0, maximum: int = 10**9):
    def parse(value, ctx):
        if value is None or not normalize.compact(value):
            return None
        try:
            number = normalize.amount(value)
        except normalize.NormalizeError:
            number = None
        if number is None or number != number.to_integral_value():
            raise CellError(_("“%(value)s”不是整数") % {"value": _str(value)})
        n = int(number)
        if n < 0 and minimum >= 0:
            raise CellError(_("不能为负数"))
        if n < minimum or n > maximum:
            raise CellError(_("应在%(min)d至%(max)d之间") % {"min": minimum, "max": maximum})
        return n

    return parse


def parse_year(value, ctx):
    year = integer(minimum=1949, maximum=9999)(value, ctx)
    if year is not None and year > ctx.today.year:
        raise CellError(_("年度%(year)d晚于当前年度，不能导入未来年度的数据") % {"year": year})
    return year


def choice(choices):
    """Accepts the stored value (``operating``) or its Chinese label (在业), folded (full-width, case)."""
    lookup = {normalize.compact(label).casefold(): value for value, label in choices.choices}
    lookup |= {value.casefold(): value for value in choices.values}

    def parse(value, ctx):
        s = normalize.compact(value).casefold()
        if not s:
            # A code column in the file must say something: there is no "empty" status to store.
            raise CellError(_("不能为空"))
        if s not in lookup:
            allowed = "、".join(str(label) for label in choices.labels)
            raise CellError(
                _("“%(value)s”不是有效选项，可选：%(allowed)s") % {"value": _str(value), "allowed": allowed}
            )
        return lookup[s]

    return parse


def parse_phone(value, ctx):
    if value is None or not normalize.compact(value):
        return ("", "")
    phone = _kernel(normalize.phone, value)
    return (encrypt(phone), digest(phone))


def parse_qualification_type(value, ctx):
    s = _str(value)
    if s not in ctx.qualification_types:
        raise CellError(_("资质类型“%(value)s”不存在") % {"value": s})
    return ctx.qualification_types[s]


USCC = Column("uscc", "统一社会信用代码", parse_uscc, required=True, help="18位，如 91110108772551611J")
ENTERPRISE_USCC = Column(
    "uscc",
    "统一社会信用代码",
    parse_enterprise_uscc,
    required=True,
    help="18位，如 91110108772551611J",
    targets=("uscc", "uscc_check"),
)

COLUMNS: dict[str, list[Column]] = {
    ImportKind.ENTERPRISES: [
        ENTERPRISE_USCC,
        Column("name", "企业名称", text(200), required=True),
        Column("legal_rep_name", "法定代表人", text(64), required=True),
        Column("region_code", "登记地区划代码", parse_region, required=True, targets=("region_id",), text=False),
        Column("registration_date", "成立日期", date(not_future=True), help=DATE_HELP, text=False),
        Column("address", "住所", text(255)),
        Column("industry_code", "行业代码", parse_industry, help="GB/T 4754-2017，带门类字母，如 C3911"),
        Column("ownership_type", "登记注册类型", choice(OwnershipType), help="如 有限责任公司"),
        Column("operating_status", "经营状态", choice(OperatingStatus), help="存续、在业、吊销、注销、迁出、停业"),
        Column(
            "registered_phone",
            "登记联系电话",
            parse_phone,
            help="11位手机号",
            targets=("registered_phone", "registered_phone_digest"),
        ),
        Column("credit_status", "信用状况", choice(CreditStatus), help="正常、严重失信"),
        Column("credit_listed_on", "列入严重失信名单日期", date(not_future=True), help=DATE_HELP, text=False),
    ],
    ImportKind.FIGURES: [
        USCC,
        Column("year", "年度", parse_year, required=True, help="如 2024", text=False),
        Column("revenue_wan", "营业收入（万元）", money(), text=False),
        Column("profit_wan", "利润总额（万元）", money(allow_negative=True), text=False),
        Column("tax_paid_wan", "纳税总额（万元）", money(), text=False),
        Column("rd_expense_wan", "研发费用（万元）", money(), text=False),
        Column("employees", "从业人员（人）", integer(), text=False),
        Column("total_assets_wan", "资产总额（万元）", money(), text=False),
        Column("export_value_wan", "出口额（万元）", money(), text=False),
    ],
    ImportKind.QUALIFICATIONS: [
        USCC,
        Column(
            "qualification_type",
            "资质类型",
            parse_qualification_type,
            required=True,
            help="名称或编码，如 高新技术企业 / hitech",
            targets=("type_id",),
            text=False,
        ),
        Column("valid_from", "有效期起", date(not_future=True), required=True, help=DATE_HELP, text=False),
        Column("valid_to", "有效期止", date(), help=DATE_HELP + "，长期有效留空", text=False),
        Column("issuer", "认定机关", text(128)),
        Column("certificate_number", "证书编号", text(64)),
    ],
}

# What makes two rows of one file the same row.
ROW_KEYS: dict[str, tuple[str, ...]] = {
    ImportKind.ENTERPRISES: ("uscc",),
    ImportKind.FIGURES: ("uscc", "year"),
    ImportKind.QUALIFICATIONS: ("uscc", "type_id", "valid_from"),
}


def check_row(kind: str, row: dict) -> list[tuple[str, str]]:
    """Rules across the cells of one row: (column key, message) pairs."""
    problems = []
    dishonest = row.get("credit_status") == CreditStatus.SERIOUS_DISHONEST
    if kind == ImportKind.ENTERPRISES and dishonest and not row.get("credit_listed_on"):
        problems.append(("credit_listed_on", _("严重失信企业须填写列入名单日期")))
    if kind == ImportKind.QUALIFICATIONS and row.get("valid_to") and row["valid_to"] < row["valid_from"]:
        problems.append(("valid_to", _("有效期止不能早于有效期起")))
    return problems


def header_lookup(kind: str) -> dict[str, Column]:
    """Every accepted header text (Chinese or English key) → its column."""
    lookup = {}
    for column in COLUMNS[kind]:
        lookup[column.header] = column
        lookup[column.key] = column
        # Excel users often type the units with ASCII parentheses.
        lookup[column.header.replace("（", "(").replace("）", ")")] = column
    return lookup
