"""统一社会信用代码 (GB 32100-2015): normalising, validating, explaining, building."""

import pytest
from django.core.exceptions import ValidationError

from enterprises.uscc import (
    CHARSET,
    is_valid_uscc,
    make_uscc,
    normalize_uscc,
    org_code_check_char,
    uscc_error,
    validate_uscc,
)

VALID = ["91110108772551611J", "91440101MA5CJQ4N59"]


@pytest.mark.parametrize("code", VALID)
def test_known_real_codes_are_valid(code):
    assert is_valid_uscc(code)


@pytest.mark.parametrize("code", VALID)
def test_every_single_character_change_of_a_valid_code_is_invalid(code):
    changed = 0
    for pos in range(18):
        for c in CHARSET + "IOSVZ":
            if c == code[pos]:
                continue
            variant = code[:pos] + c + code[pos + 1 :]
            assert not is_valid_uscc(variant), variant
            changed += 1
    assert changed == 18 * 35


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_a_code_with_a_letter_outside_the_charset_is_invalid_and_the_position_is_named(letter):
    code = "91110108772551611" + letter
    assert not is_valid_uscc(code)
    assert uscc_error(code) == f"统一社会信用代码第18位字符“{letter}”不合法"


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_the_excluded_letters_are_refused_in_the_subject_identifier_too(letter):
    assert uscc_error("91440101MA5" + letter + "JQ4N59") == f"统一社会信用代码第12位字符“{letter}”不合法"


def test_wrong_length_is_explained():
    assert uscc_error("91110108772551611") == "统一社会信用代码长度应为18位，实际为17位"


def test_wrong_check_character_names_the_right_one():
    assert uscc_error("91110108772551611K") == "统一社会信用代码校验位错误，请核对营业执照上的代码"


def test_unknown_registration_authority_is_explained():
    assert "登记管理部门代码“B”不存在" in uscc_error("B1110108772551611J")


def test_category_must_exist_for_the_authority():
    assert "机构类别代码“4”" in uscc_error("94110108772551611J")


def test_area_code_must_start_with_a_province():
    assert "行政区划码“991008”" in uscc_error("91991008772551611J")


def test_inner_organisation_code_check_is_verified():
    # 77255161 has GB 11714 check character 1; 2 in its place fails even with a recomputed outer check.
    body = "9111010877255161"
    from enterprises.uscc import check_char

    code = body + "2" + check_char(body + "2")
    assert "主体标识码（组织机构代码）校验码错误" in uscc_error(code)


def test_normalize_strips_ascii_and_full_width_spaces_and_upper_cases():
    assert normalize_uscc(" 9111 0108\u30007725\t51611j\n") == "91110108772551611J"


def test_is_valid_does_not_normalise():
    assert not is_valid_uscc("91110108772551611j")


def test_validator_accepts_a_normalisable_code_and_raises_the_chinese_reason():
    validate_uscc("9111 0108 7725 5161 1J")
    with pytest.raises(ValidationError) as exc:
        validate_uscc("91110108772551611K")
    assert exc.value.messages == ["统一社会信用代码校验位错误，请核对营业执照上的代码"]


def test_make_uscc_computes_the_check_character():
    assert make_uscc("9", "1", "440101", "MA5CJQ4N5") == "91440101MA5CJQ4N59"


def test_make_uscc_with_a_computed_organisation_code_is_valid():
    org = "MA1B2C3D"
    assert is_valid_uscc(make_uscc("9", "2", "420502", org + org_code_check_char(org)))


def test_make_uscc_refuses_invalid_parts():
    with pytest.raises(ValueError, match="机构类别代码"):
        make_uscc("9", "9", "440101", "MA5CJQ4N5")


@pytest.mark.parametrize("prefix", ["31", "51", "12", "N2", "Y1"])
def test_other_registration_authorities_in_use_are_accepted(prefix):
    org = "12345678"
    assert is_valid_uscc(make_uscc(prefix[0], prefix[1], "420500", org + org_code_check_char(org)))
