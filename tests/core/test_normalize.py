"""The kernel normaliser (输入规范化): one folding for every identifier, phone number, amount and date."""

import datetime as dt
from decimal import Decimal

import pytest

from portal.core import normalize
from portal.core.normalize import NormalizeError, RoundedNumberError

ROUNDED = "该单元格是数字格式，Excel只保留了15位有效数字"


def test_a_full_width_code_with_an_ideographic_space_and_a_line_break_folds_to_the_code():
    assert normalize.identifier("９１４２０５０２ＭＡ\u3000００２１\n０００７ ") == "91420502MA00210007"


def test_identifiers_are_upper_cased_and_lose_zero_width_characters():
    assert normalize.identifier("\ufeffｃ３９１１\u200b") == "C3911"


@pytest.mark.parametrize(
    "typed", ["91420502MA0021000-7", "914205-02MA-0021-0007", "91420502MA0021000－7", "91420502MA0021000–7"]
)
def test_hyphen_and_dash_separators_in_a_copied_code_are_dropped(typed):
    assert normalize.identifier(typed) == "91420502MA00210007"
    assert normalize.code_text(typed) == "91420502MA00210007"


def test_a_scientific_notation_with_a_minus_is_still_refused_not_read_as_digits():
    with pytest.raises(RoundedNumberError, match=ROUNDED):
        normalize.identifier("9.14205027109322E-17")


@pytest.mark.parametrize(
    "cell",
    [9.14205027109322e17, 914205027109322000, "9.14205027109322E+17", "９．１４２０５０２７１０９３２２Ｅ＋１７"],
)
def test_a_long_code_that_excel_stored_as_a_number_is_reported_as_rounded(cell):
    with pytest.raises(RoundedNumberError, match=ROUNDED):
        normalize.identifier(cell)


@pytest.mark.parametrize(
    "typed", ["１３８ ００１３ ８０００", "+86 138-0013-8000", "(０086)13800138000", "138.0013.8000", 13800138000.0]
)
def test_every_spelling_of_a_mobile_number_is_its_11_digits(typed):
    assert normalize.phone(typed) == "13800138000"


def test_digits_that_nfkc_does_not_fold_are_not_a_phone_number():
    # Arabic-Indic digits match Python's \d but are not a number anyone can dial here.
    with pytest.raises(NormalizeError, match="请输入正确的11位中国大陆手机号码"):
        normalize.phone("١٣٨٠٠١٣٨٠٠٠")


def test_a_phone_number_in_scientific_notation_is_reported_as_rounded():
    with pytest.raises(RoundedNumberError):
        normalize.phone("1.38001E+10")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,234.50", Decimal("1234.50")),
        ("１２３４．５", Decimal("1234.5")),
        ("－１２.３", Decimal("-12.3")),
        ("\u22125", Decimal("-5")),
        (" 1 234 ", Decimal("1234")),
        (1234.5, Decimal("1234.5")),
        (0.1, Decimal("0.1")),
    ],
)
def test_amounts_fold_full_width_and_thousands_separators(typed, expected):
    assert normalize.amount(typed) == expected


@pytest.mark.parametrize("typed", ["1234元", "1,234万元", "¥12", "1,23", "1.234,50", "1.2.3", "(12)", "abc", "NaN"])
def test_an_amount_that_can_be_read_two_ways_or_carries_a_unit_is_refused(typed):
    with pytest.raises(NormalizeError):
        normalize.amount(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "2019/3/8",
        "2019-03-08",
        "2019.3.8",
        "2019年3月8日",
        "2019年3月8",
        "20190308",
        "２０１９／３／８",
        "２０１９年３月８日",
        "2019/3/8 0:00",
        "2019-03-08T00:00:00",
        " 2019 - 03 - 08\n",
        20190308,
        43532,
        43532.0,
        dt.date(2019, 3, 8),
        dt.datetime(2019, 3, 8, 10, 30),
    ],
)
def test_every_year_first_date_is_read(typed):
    assert normalize.date(typed) == dt.date(2019, 3, 8)


@pytest.mark.parametrize("typed", ["3/8/2019", "19/3/8", "08.03.2019", "2019/3-8", "三月八日", "2019"])
def test_an_ambiguous_date_is_refused_listing_the_accepted_forms(typed):
    with pytest.raises(NormalizeError) as refused:
        normalize.date(typed)
    assert "2019-03-08、2019/3/8、2019.3.8、2019年3月8日、20190308" in str(refused.value)


@pytest.mark.parametrize("cell", [2019, 99, 1e9])
def test_a_number_cell_that_is_not_clearly_a_date_serial_is_refused(cell):
    with pytest.raises(NormalizeError, match="是一个数字"):
        normalize.date(cell)


def test_a_date_that_does_not_exist_is_refused():
    with pytest.raises(NormalizeError, match="不存在"):
        normalize.date("2019年2月30日")


def test_an_empty_date_is_none():
    assert normalize.date(" \u3000") is None
