"""输入规范化: the one place where what people and spreadsheets send is folded before it is validated.

A value typed with a Chinese input method in full-width mode (全角), pasted
from a document, or read from a spreadsheet cell reaches the portal in many
spellings of the same thing: ``９１４２０５０２ＭＡ００２１０００７``, ``１３８ ００１３ ８０００``,
``２０１９年３月８日``, ``1,234.50``. Every parser of an identifier, a phone number,
an amount or a date starts here, so they all fold the same way:

* Unicode NFKC (full-width letters, digits and punctuation to their ASCII
  forms; the ideographic space U+3000 to a space);
* zero-width characters and byte-order marks removed;
* every kind of whitespace, stray line breaks included, removed from
  identifiers, phone numbers, amounts and dates (none of them contains a
  meaningful space), collapsed to one space in `text`;
* identifiers upper-cased (统一社会信用代码, 行业代码 and ID numbers are written in capitals),
  with hyphen and dash separators removed: people copy codes with separators
  (``91420502MA0021000-7``, ``4205-0219-8001``), and no identifier the portal reads
  has a hyphen as a meaningful character (the USCC alphabet has none).

A number cell of a spreadsheet is not text: Excel keeps 15 significant
digits of a number, so an 18-digit code typed into a General cell arrives
as ``9.14205027109322e+17``. Identifiers and phone numbers read from such a
cell raise `RoundedNumberError` (which says what happened and how to fix the
file) instead of a misleading check-character error.

Digits are matched as ASCII ``[0-9]`` only after folding: Python's ``\\d``
also matches Arabic-Indic and other digits that NFKC does not fold.

Every refusal is a `NormalizeError` whose message is Chinese.
"""

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _

# Not whitespace to str.split(), but invisible in every editor and common in pasted text.
_INVISIBLE = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}
# Minus signs that NFKC leaves alone (U+2212 MINUS SIGN, U+2012–U+2014 dashes people type for "-").
_MINUS = {ord(c): "-" for c in "\u2212\u2012\u2013\u2014\ufe63"}

# Excel keeps 15 significant digits of a number (IEEE 754 double as Excel displays it).
EXCEL_DIGITS = 15
_SCIENTIFIC = re.compile(r"^[+-]?[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]+$")


class NormalizeError(ValueError):
    """A value that cannot be read; ``str(exc)`` is a Chinese message for the person who typed it."""


class RoundedNumberError(NormalizeError):
    """A spreadsheet number cell that held a long code: Excel has already lost its last digits."""


def rounded_number_message() -> str:
    return _("该单元格是数字格式，Excel只保留了15位有效数字，后几位已丢失；请把该列设置为文本格式，重新填写后再导出")


def fold(value: object) -> str:
    """NFKC, invisible characters removed, whitespace collapsed to single spaces and trimmed."""
    if value is None:
        return ""
    s = unicodedata.normalize("NFKC", str(value)).translate(_INVISIBLE)
    return " ".join(s.split())


def text(value: object) -> str:
    """Free text on one line (a name, an address): `fold` and nothing more."""
    return fold(value)


def prose(value: object) -> str:
    """Prose people write (an explanation, an opinion, a comment): invisible characters removed, line ends unified,
    trailing spaces and blank lines at either end trimmed. Not NFKC: Chinese punctuation（，。：）stays as typed."""
    if value is None:
        return ""
    s = str(value).translate(_INVISIBLE).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in s.split("\n")).strip()


def compact(value: object) -> str:
    """`fold` with every space removed: the form of codes, numbers and dates."""
    return "".join(fold(value).split())


def _number_cell(value: object) -> str | None:
    """The digits of a spreadsheet number cell, or None when `value` is not a number.

    Raises RoundedNumberError when the number is too long for Excel to have kept it exactly.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    if isinstance(value, float) and not value.is_integer():
        return repr(value)
    number = int(value)
    if len(str(abs(number))) > EXCEL_DIGITS:
        raise RoundedNumberError(rounded_number_message())
    return str(number)


def _not_scientific(s: str) -> str:
    if _SCIENTIFIC.match(s):
        # What a CSV saved by Excel holds for a long code typed into a General cell: 9.14205027109322E+17.
        raise RoundedNumberError(rounded_number_message())
    return s


# Hyphens and dashes people put between the groups of a code: ASCII and full-width hyphen (NFKC makes
# U+FF0D "-"), the Unicode hyphens and dashes U+2010–U+2015, the minus sign and the small hyphen-minus.
_CODE_SEPARATORS = re.compile("[-\u2010-\u2015\u2212\ufe58\ufe63]")


def code_text(value: object) -> str:
    """Typed or pasted text of a code: folded, no spaces, no hyphen or dash separators, upper case.

    ``"91420502MA0021000-7"`` and ``"91420502 MA00 2100 07"`` → ``"91420502MA00210007"``.
    """
    return _CODE_SEPARATORS.sub("", compact(value)).upper()


def identifier(value: object) -> str:
    """An identifier (统一社会信用代码, 行业代码, 身份证号码, 账号): folded, no spaces, no hyphen or dash
    separators, upper case.

    ``"９１４２０５０２ＭＡ００２１０００７ "`` and ``"91420502MA0021000-7"`` → ``"91420502MA00210007"``.
    A spreadsheet number of more than 15 digits, or its scientific notation in a CSV (checked before
    separators are removed, so ``9.1e-05`` is not read as ``9.1e05``), raises RoundedNumberError.
    Whether the result is a valid code is the caller's rule.
    """
    digits = _number_cell(value)
    if digits is not None:
        return digits
    return _CODE_SEPARATORS.sub("", _not_scientific(compact(value))).upper()


_PHONE_SEPARATORS = re.compile(r"[\-().]")
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def invalid_phone_message() -> str:
    return _("请输入正确的11位中国大陆手机号码。")


def phone(value: object) -> str:
    """A mainland mobile number (手机号) as its 11 ASCII digits.

    Accepted: full-width digits, spaces, hyphens, brackets and dots between
    the digits, and the country code as ``+86``, ``0086`` or ``86``:
    ``"+86 138-0013-8000"``, ``"１３８ ００１３ ８０００"`` and the number cell
    13800138000 are all ``"13800138000"``.
    """
    digits = _number_cell(value)
    s = digits if digits is not None else _not_scientific(_PHONE_SEPARATORS.sub("", compact(value)))
    for prefix in ("+86", "0086"):
        if s.startswith(prefix):
            s = s[len(prefix) :]
            break
    else:
        if len(s) == 13 and s.startswith("86"):
            s = s[2:]
    if not MOBILE.match(s):
        raise NormalizeError(invalid_phone_message())
    return s


def digits(value: object) -> str:
    """A code made of digits only (a 6-digit SMS code): folded, spaces removed; not checked."""
    return compact(value)


BANK_ACCOUNT_DIGITS = (8, 30)
# Bank cards (银行卡) carry an ISO/IEC 7812 check digit (Luhn); corporate settlement accounts (对公账户) and
# treasury accounts do not, and some of them are 16–19 digits opening with 4 or 5 too. Only a number of 16–19
# digits opening with 62 (银联, the cards issued in China) is read as a card and must pass it.
_CARD = re.compile(r"^(?=[0-9]{16,19}$)62")


def luhn_ok(number: str) -> bool:
    """The Luhn (mod 10) check of ISO/IEC 7812-1 over a string of ASCII digits."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def bank_account(value: object) -> str:
    """A bank account number (银行账号) as ASCII digits.

    Accepted: full-width digits, spaces and hyphens between groups, a spreadsheet
    number cell (refused when Excel has already rounded it). 8–30 digits; a 银联 card
    number (16–19 digits opening with 62, see ``_CARD``) must pass the Luhn check
    digit. Errors: ``NormalizeError`` with a Chinese message.
    """
    number = _number_cell(value)
    s = number if number is not None else _not_scientific(compact(value).replace("-", ""))
    low, high = BANK_ACCOUNT_DIGITS
    if not s.isascii() or not s.isdigit() or not low <= len(s) <= high:
        raise NormalizeError(_("银行账号应为%(low)d至%(high)d位数字") % {"low": low, "high": high})
    if _CARD.match(s) and not luhn_ok(s):
        raise NormalizeError(_("银行卡号“%(number)s”校验位不正确，请核对后重新填写") % {"number": s})
    return s


_PLAIN_AMOUNT = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")
_GROUPED_AMOUNT = re.compile(r"^-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$")


def amount(value: object) -> Decimal:
    """An amount (金额) as a Decimal, in the unit the field or column names.

    Accepted: ``1234.5``, ``１２３４．５`` (full-width), ``1,234.50`` (commas only
    as thousands separators, in groups of three), a leading minus of any
    common dash, and a spreadsheet number cell. Refused, because each can be
    read two ways: a unit or currency sign in the value (``1234元`` next to a
    column in 万元 is off by ten thousand), commas not in groups of three
    (``1,23`` — a decimal comma?), more than one point, brackets for negatives.
    Places and sign are the caller's rules.
    """
    if isinstance(value, bool):
        raise NormalizeError(_("“%(value)s”不是有效金额") % {"value": value})
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        # repr is the shortest text that reads back as the same float: 0.1 → "0.1", not 0.1000000000000000055….
        result = Decimal(repr(value))
    else:
        s = compact(value).translate(_MINUS)
        if _GROUPED_AMOUNT.match(s):
            s = s.replace(",", "")
        if not _PLAIN_AMOUNT.match(s):
            if re.search(r"[元¥￥$]|万", s):
                raise NormalizeError(_("“%(value)s”含有单位或货币符号；金额只填数字，单位见栏目名称") % {"value": s})
            raise NormalizeError(
                _("“%(value)s”不是有效金额；请填写数字，如1234.5或1,234.50（逗号只作千位分隔）") % {"value": s}
            )
        result = Decimal(s)
    if not result.is_finite():
        raise NormalizeError(_("“%(value)s”不是有效金额") % {"value": value})
    return result


# Year first, then month and day, with one separator used twice; or the Chinese form; or 8 digits.
_DATE_FORMS = (
    re.compile(r"^(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})$"),
    re.compile(r"^(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日?$"),
    re.compile(r"^(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$"),
)
# A time after the date, as Excel writes a date-time cell to CSV ("2019/3/8 0:00") or ISO does ("T00:00:00").
_TIME = re.compile(r"(?:[T ]|(?<=日))[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?$")
# Excel date serials taken as dates from a number cell: 10000 (1927-05-18) to 2958465 (9999-12-31). Smaller
# numbers are refused rather than guessed: a four-digit number in a date column is a year typed alone.
SERIAL_MIN, SERIAL_MAX = 10000, 2958465


def accepted_date_forms() -> str:
    return "2019-03-08、2019/3/8、2019.3.8、2019年3月8日、20190308"


def date(value: object) -> dt.date | None:
    """A calendar date (日期), year first, or None for an empty value.

    Accepted: a real date cell; the forms of `accepted_date_forms` with
    full-width digits and spaces folded and a time part ignored; in a number
    cell, an Excel date serial (`SERIAL_MIN`–`SERIAL_MAX`) or 8 digits
    YYYYMMDD. Refused with the accepted forms listed: anything whose year
    is not first (``3/8/2019`` is 8 March in China and 3 August in the US;
    ``19/3/8`` has no century).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 10000101 <= value <= 99991231:
            value = str(int(value))
        elif SERIAL_MIN <= value <= SERIAL_MAX:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
        else:
            raise NormalizeError(
                _("日期“%(value)s”是一个数字，无法判断是哪一天；请写成：%(forms)s")
                % {"value": value, "forms": accepted_date_forms()}
            )
    s = fold(value)
    if not s:
        return None
    s = _TIME.sub("", s).strip()
    s = "".join(s.split())
    for form in _DATE_FORMS:
        m = form.match(s)
        if m:
            try:
                return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                raise NormalizeError(_("日期“%(value)s”不存在") % {"value": s}) from None
    raise NormalizeError(
        _("日期“%(value)s”无法确定年月日；请把年份写在最前，如：%(forms)s")
        % {"value": s, "forms": accepted_date_forms()}
    )
