"""The columns of each import kind: Chinese header, English key, whether required, and how a cell is read.

A file's header row names its columns, in Chinese (统一社会信用代码), by a
common synonym of registers and templates (统一信用代码, 社会信用代码, 信用代码,
统一代码 …; full-width forms, spaces and a leading * ignored) or by the English
key (uscc), in any order. The header is the first row, among the first 20,
that has the code column; in a workbook, on the first sheet that has one (a
填表说明 sheet may come first). Unknown columns (备注, 序号) are ignored and
listed as notices. Required columns must be present and non-empty on every
row; optional columns (必填 否) may be left out of the file or left blank. The
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
* coded columns (经营状态, 登记注册类型, 信用状况): the Chinese label, the stored
  code, or the register's wording (在营（开业） → 在业); a blank cell keeps the
  archive's value (the model's default for a new enterprise), since no code
  means "empty";
* 登记联系电话: a mobile or a mainland landline with its area code (0717-6221234):
  no SMS goes to it; 联系人电话, where SMS is sent, stays mobile-only (kernel rule);
* 有效期止: 长期 / 长期有效 / 永久 … is open-ended (stored blank);
* money in 万元: a decimal number with at most two decimals, commas allowed
  only as thousands separators (1,234.50); no unit in the cell; negative only
  for 利润总额;
* integers (年度, 从业人员): whole numbers;
* a year may not be later than the current year; a date may not be in the future
  where that makes no sense (成立日期, 列入名单日期, 有效期起).
"""

import datetime as dt
import re
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
    # Other header texts that registers and templates use for this column (统一信用代码 for 统一社会信用代码).
    aliases: tuple[str, ...] = ()
    # A coded column left blank keeps the archive's value, or this default for a new enterprise.
    blank_default: str | None = None

    @property
    def staging(self) -> tuple[str, ...]:
        return self.targets or (self.key,)


def _str(value) -> str:
    """A free-text cell: folded spaces and line breaks, otherwise as typed (names keep their full-width brackets).

    A NUL character (a damaged export) is dropped: PostgreSQL text cannot hold it, and COPY would fail."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).translate({0xFEFF: None, 0x200B: None, 0: None}).split())


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


# What registers write for a validity with no end (长期有效); the model stores it as blank.
OPEN_ENDED = {"长期", "长期有效", "永久", "永久有效", "无期限", "不限期", "无固定期限"}


def date(*, not_future: bool = False, open_ended: bool = False):
    def parse(value, ctx):
        if open_ended and normalize.compact(value) in OPEN_ENDED:
            return None
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


def choice(choices, synonyms: dict[str, str] | None = None):
    """Accepts the stored value (``operating``), its Chinese label (在业) or a register's wording (`synonyms`),
    folded (full-width, case, brackets). A blank cell is None: the column is optional (必填 否), and the
    loader keeps the archive's value (or the model's default for a new row), since there is no "empty" code."""
    lookup = {_choice_key(label): value for value, label in choices.choices}
    lookup |= {value.casefold(): value for value in choices.values}
    lookup |= {_choice_key(word): value for word, value in (synonyms or {}).items()}

    def parse(value, ctx):
        s = _choice_key(value)
        if not s:
            return None
        if s not in lookup:
            allowed = "、".join(str(label) for label in choices.labels)
            raise CellError(
                _("“%(value)s”不是有效选项，可选：%(allowed)s") % {"value": _str(value), "allowed": allowed}
            )
        return lookup[s]

    return parse


def _choice_key(value) -> str:
    """A coded cell folded for lookup: full-width, case and bracket shape ignored (在营（开业） = 在营(开业))."""
    return normalize.compact(value).casefold().replace("（", "(").replace("）", ")")


# 经营状态 as 市场监管 registers and exports write it → the stored code.
OPERATING_STATUS_WORDINGS = {
    "在营": OperatingStatus.OPERATING,
    "开业": OperatingStatus.OPERATING,
    "在营（开业）": OperatingStatus.OPERATING,
    "在营（开业）企业": OperatingStatus.OPERATING,
    "在业（开业）": OperatingStatus.OPERATING,
    "营业": OperatingStatus.OPERATING,
    "存续（在营、开业、在册）": OperatingStatus.EXISTING,
    "存续（在营）": OperatingStatus.EXISTING,
    "在册": OperatingStatus.EXISTING,
    "吊销，未注销": OperatingStatus.REVOKED,
    "吊销未注销": OperatingStatus.REVOKED,
    "吊销营业执照": OperatingStatus.REVOKED,
    "已注销": OperatingStatus.CANCELLED,
    "注销企业": OperatingStatus.CANCELLED,
    "已迁出": OperatingStatus.MOVED_OUT,
    "歇业": OperatingStatus.SUSPENDED,
}

# A mainland landline with its area code (0717-6221234, (0717)6221234, 010-12345678, an extension dropped).
LANDLINE = re.compile(r"^0[1-9][0-9]{1,2}[2-9][0-9]{6,7}$")


def parse_phone(value, ctx):
    """A mobile number (SMS may be sent to it): 11 digits, as the kernel reads it."""
    if value is None or not normalize.compact(value):
        return ("", "")
    phone = _kernel(normalize.phone, value)
    return (encrypt(phone), digest(phone))


def parse_registered_phone(value, ctx):
    """登记联系电话: the phone the register holds, a mobile or a landline with its area code (区号-号码).

    Registers record whatever the enterprise declared, often the office landline; no SMS is sent to this
    number (SMS goes to 联系人电话, the contact's mobile, which stays mobile-only), so a landline is kept.
    Stored as digits (07176221234) for a landline, as the kernel's 11 digits for a mobile.
    """
    if value is None or not normalize.compact(value):
        return ("", "")
    try:
        phone = normalize.phone(value)
    except normalize.RoundedNumberError as exc:
        raise CellError(str(exc)) from None
    except normalize.NormalizeError:
        s = re.sub(r"(转|ext\.?)\d{1,6}$", "", normalize.compact(value), flags=re.IGNORECASE)
        s = re.sub(r"[\s\-().（）]", "", s)
        if s.startswith("+86"):
            s = "0" + s[3:].lstrip("0")
        if not LANDLINE.match(s):
            raise CellError(_("请填写手机号或带区号的固定电话（如 0717-6221234）")) from None
        phone = s
    return (encrypt(phone), digest(phone))


def parse_qualification_type(value, ctx):
    s = _str(value)
    if s not in ctx.qualification_types:
        raise CellError(_("资质类型“%(value)s”不存在") % {"value": s})
    return ctx.qualification_types[s]


USCC_ALIASES = ("统一信用代码", "社会信用代码", "信用代码", "统一代码", "社会统一信用代码", "统一社会信用代码证号")
USCC = Column(
    "uscc", "统一社会信用代码", parse_uscc, required=True, help="18位，如 91110108772551611J", aliases=USCC_ALIASES
)
ENTERPRISE_USCC = Column(
    "uscc",
    "统一社会信用代码",
    parse_enterprise_uscc,
    required=True,
    help="18位，如 91110108772551611J",
    targets=("uscc", "uscc_check"),
    aliases=USCC_ALIASES,
)

COLUMNS: dict[str, list[Column]] = {
    ImportKind.ENTERPRISES: [
        ENTERPRISE_USCC,
        Column("name", "企业名称", text(200), required=True, aliases=("名称", "企业（机构）名称", "市场主体名称")),
        Column("legal_rep_name", "法定代表人", text(64), required=True, aliases=("法定代表人姓名", "法人代表", "法人")),
        Column(
            "region_code",
            "登记地区划代码",
            parse_region,
            required=True,
            targets=("region_id",),
            text=False,
            aliases=("行政区划代码", "区划代码", "登记地行政区划代码"),
        ),
        Column(
            "registration_date",
            "成立日期",
            date(not_future=True),
            help=DATE_HELP,
            text=False,
            aliases=("成立时间", "注册日期", "登记日期"),
        ),
        Column("address", "住所", text(255), aliases=("注册地址", "住所（经营场所）", "地址")),
        Column(
            "industry_code",
            "行业代码",
            parse_industry,
            help="GB/T 4754-2017，带门类字母，如 C3911",
            aliases=("国民经济行业代码", "行业分类代码"),
        ),
        Column(
            "ownership_type",
            "登记注册类型",
            choice(OwnershipType),
            help="如 有限责任公司；留空则保留档案原值",
            aliases=("企业类型", "企业登记注册类型"),
            blank_default=OwnershipType.LIMITED_LIABILITY,
        ),
        Column(
            "operating_status",
            "经营状态",
            choice(OperatingStatus, OPERATING_STATUS_WORDINGS),
            help="存续、在业、吊销、注销、迁出、停业（在营、开业等登记机关写法亦可）；留空则保留档案原值",
            aliases=("登记状态", "企业状态"),
            blank_default=OperatingStatus.EXISTING,
        ),
        Column(
            "registered_phone",
            "登记联系电话",
            parse_registered_phone,
            help="手机号或带区号的固定电话，如 0717-6221234",
            targets=("registered_phone", "registered_phone_digest"),
            aliases=("联系电话", "登记电话"),
        ),
        Column(
            "credit_status",
            "信用状况",
            choice(CreditStatus),
            help="正常、严重失信；留空则保留档案原值",
            blank_default=CreditStatus.NORMAL,
        ),
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
        Column("valid_to", "有效期止", date(open_ended=True), help=DATE_HELP + "，长期有效留空或填“长期”", text=False),
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


def header_key(text: str) -> str:
    """A header cell folded for lookup: full-width forms, spaces, line breaks, the 必填 marker (*) and the
    bracket shape ignored, so ``*统一社会信用代码``, ``营业收入(万元)`` and ``统一社会 信用代码`` all match."""
    s = "".join(normalize.fold(text).split()).lstrip("*").rstrip("*").casefold()
    return s.replace("（", "(").replace("）", ")")


def header_lookup(kind: str) -> dict[str, Column]:
    """Every accepted header text (Chinese header, English key, or a common synonym), folded → its column."""
    lookup = {}
    for column in COLUMNS[kind]:
        for name in (column.header, column.key, *column.aliases):
            lookup.setdefault(header_key(name), column)
    return lookup
