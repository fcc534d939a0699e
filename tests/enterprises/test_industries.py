"""国民经济行业分类 GB/T 4754-2017 as data."""

import pytest

from enterprises.industries import (
    INDUSTRY_CHOICES,
    division_of,
    industries,
    industry_error,
    industry_name,
    is_valid_industry,
    section_of,
)


def test_all_twenty_sections_are_listed():
    assert [i.code for i in industries("section")] == list("ABCDEFGHIJKLMNOPQRST")


def test_all_ninety_seven_divisions_are_listed_in_their_sections():
    divisions = industries("division")
    assert [int(d.code[1:]) for d in divisions] == list(range(1, 98))
    assert all(d.parent == d.code[0] for d in divisions)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("C", "制造业"),
        ("C39", "计算机、通信和其他电子设备制造业"),
        ("I65", "软件和信息技术服务业"),
        ("K70", "房地产业"),
        ("G58", "多式联运和运输代理业"),
        ("S96", "基层群众自治组织及其他组织"),
        ("T97", "国际组织"),
    ],
)
def test_names_follow_the_standard(code, name):
    assert industry_name(code) == name


@pytest.mark.parametrize("code", ["C3911", "I6513", "K7010", "C39", "C", "A0111"])
def test_codes_with_their_section_letter_are_valid(code):
    assert is_valid_industry(code)


@pytest.mark.parametrize(
    "code",
    ["3911", "c3911", "C98", "X01", "C3", "C390", "C39111", "I0113", "CC39", "", "U"],
)
def test_malformed_or_unknown_codes_are_invalid(code):
    assert not is_valid_industry(code)


def test_a_division_code_under_the_wrong_section_is_invalid():
    assert not is_valid_industry("A39")


def test_classes_of_a_division_with_its_full_breakdown_are_named_and_checked_exactly():
    assert industry_name("C3911") == "计算机整机制造"
    assert industry_name("C391") == "计算机制造"
    assert industry_name("C3735") == "船舶改装"
    assert not is_valid_industry("C3918")
    assert not is_valid_industry("C388")
    assert industry_name("G5910") == "装卸搬运"
    assert industry_name("K7010") == "房地产开发经营"
    assert not is_valid_industry("G5970")
    assert not is_valid_industry("K7050")


def test_every_listed_group_and_class_sits_under_its_parent():
    for ind in industries("group") + industries("class"):
        assert ind.parent == ind.code[: len(ind.code) - 1]


def test_a_well_formed_class_of_a_division_without_its_breakdown_takes_the_divisions_name():
    assert is_valid_industry("C1391")
    assert industry_name("C1391") == "农副食品加工业"


def test_section_and_division_of_a_code():
    assert section_of("C3911") == "C"
    assert division_of("C3911") == "C39"
    assert division_of("C") is None


def test_error_message_is_chinese_and_names_the_code():
    assert industry_error("C98") == "行业代码“C98”不在《国民经济行业分类》（GB/T 4754-2017）中"
    assert "格式不正确" in industry_error("39")
    assert industry_error("C39") is None


def test_choices_are_grouped_by_section():
    assert len(INDUSTRY_CHOICES) == 20
    label, options = INDUSTRY_CHOICES[2]
    assert label == "C 制造业"
    assert ("C39", "C39 计算机、通信和其他电子设备制造业") in options
