"""政策计算器 (宜昌 §29): a visitor's short form or a signed-in enterprise's archive, judged by the one engine."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from matters.calculator import declared_enterprise, open_matters, self_test, window_of
from matters.forms import CalculatorForm
from matters.models import Matter, MatterStatus
from matters.services import new_rule_version, publish_rule_set
from tests.factories.enterprises import AnnualFigureFactory, EnterpriseMemberFactory
from tests.factories.org import CountyFactory
from tests.matters.calculator_data import (
    EMPLOYEES_50,
    HITECH,
    RD_100,
    REVENUE_2000,
    SAFETY,
    fixed_window,
    listed,
    rate_matter,
    today,
)

pytestmark = pytest.mark.django_db
URL = reverse("matters:calculator")


@pytest.fixture
def region():
    return CountyFactory()


def form_data(region, **values):
    data = {"region": region.code, "credit": "normal"}
    data.update(values)
    return data


def declared(region, **values):
    form = CalculatorForm(form_data(region, **values))
    assert form.is_valid(), form.errors
    return declared_enterprise(form.cleaned_data, on=today())


def by_name(result):
    return {group: [r.matter.name for r in getattr(result, group)] for group in ("eligible", "unknown", "ineligible")}


# ---------------------------------------------------------------- the form


def test_the_form_asks_for_industry_region_figures_age_qualifications_and_credit(client, region):
    page = client.get(URL).content.decode()
    year = today().year - 1
    labels = ("所属行业", "注册地", "成立日期", f"{year}年营业收入", f"{year}年从业人员", "高新技术企业", "信用状况")
    for label in labels:
        assert label in page
    assert 'value="420502"' in page
    assert 'list="industry-options"' in page and '<option value="C3911">' in page


def test_full_width_digits_and_thousands_commas_are_read_as_numbers(region):
    form = CalculatorForm(
        form_data(
            region,
            revenue_wan="５，０００．５",
            employees="１２０",
            rd_expense_wan="1,234.50",
            industry="ｃ３９１１",
            registration_date="２０１９年３月８日",
        )
    )
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    figures = (data["revenue_wan"], data["employees"], data["rd_expense_wan"])
    assert figures == (Decimal("5000.5"), 120, Decimal("1234.5"))
    assert (data["industry"], data["registration_date"]) == ("C3911", dt.date(2019, 3, 8))


def test_an_industry_picked_from_the_list_keeps_only_its_code(region):
    form = CalculatorForm(form_data(region, industry="C3911 计算机整机制造"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["industry"] == "C3911"


def test_an_industry_typed_by_its_name_is_read_as_its_code(region):
    form = CalculatorForm(form_data(region, industry="计算机整机制造"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["industry"] == "C3911"
    assert not CalculatorForm(form_data(region, industry="造电脑")).is_valid()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("revenue_wan", "-100", "营业收入不能为负数"),
        ("revenue_wan", "5000元", "含有单位或货币符号"),
        ("revenue_wan", "1,23", "不是有效金额"),
        ("revenue_wan", "1000000000000000", "营业收入超出合理范围"),
        ("rd_expense_wan", "12.345", "最多保留两位小数"),
        ("employees", "1000000000000000", "从业人员超出合理范围"),
        ("employees", "12.5", "从业人员须为整数"),
        ("employees", "-3", "从业人员不能为负数"),
        ("employees", "很多", "从业人员请填写人数"),
        ("industry", "Z99", "格式不正确"),
        ("industry", "C99", "不在《国民经济行业分类》"),
        ("registration_date", "3/8/2019", "请把年份写在最前"),
        ("registration_date", "2999-01-01", "成立日期不能晚于今天"),
        ("registration_date", "2019-02-30", "不存在"),
    ],
)
def test_nonsense_is_refused_with_a_chinese_message_and_no_result(client, region, field, value, message):
    response = client.post(URL, form_data(region, **{field: value}))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "填写内容有误" in page
    assert "测算结果" not in page


def test_a_region_outside_the_list_is_refused(client, region):
    response = client.post(URL, {**form_data(region), "region": "999999"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "填写内容有误" in page and "测算结果" not in page


def test_a_negative_profit_is_a_loss_not_an_error(region):
    form = CalculatorForm(form_data(region, profit_wan="－35"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["profit_wan"] == Decimal("-35.00")


# ---------------------------------------------------------------- grouping and explanations


def test_matters_are_grouped_eligible_possibly_eligible_and_not_yet(region):
    listed([REVENUE_2000], name="营收奖励")
    listed([REVENUE_2000, RD_100], name="研发奖励")
    listed([REVENUE_2000, SAFETY], name="安全生产奖励")
    listed([EMPLOYEES_50], name="稳岗奖励")
    result = self_test(declared(region, revenue_wan="5000", employees="30"), on=today())
    assert by_name(result) == {
        "eligible": ["营收奖励"],
        "unknown": ["安全生产奖励", "研发奖励"],
        "ineligible": ["稳岗奖励"],
    }


def test_each_criterion_quotes_the_declared_value_its_source_and_date(region):
    listed([REVENUE_2000], name="营收奖励")
    (item,) = self_test(declared(region, revenue_wan="５，０００"), on=today()).eligible
    year = today().year - 1
    assert item.criteria[0].message == f"{year}年营业收入 5,000万元（企业自报，{today().isoformat()}）≥ 2,000万元 ✓"


def test_every_no_is_explained_with_the_failed_condition_and_the_gap(region):
    listed([REVENUE_2000, EMPLOYEES_50], name="规上奖励")
    (item,) = self_test(declared(region, revenue_wan="1820", employees="80"), on=today()).ineligible
    assert [c.message for c in item.failed] == [
        f"{today().year - 1}年营业收入 1,820万元（企业自报，{today().isoformat()}）≥ 2,000万元 ✗"
    ]
    assert item.near_miss.gap_text == "营业收入还差 180万元"


def test_missing_data_and_staff_judgement_are_said_for_a_possible_match(region):
    listed([REVENUE_2000, RD_100, SAFETY], name="研发奖励")
    (item,) = self_test(declared(region, revenue_wan="5000"), on=today()).unknown
    assert [c.message for c in item.missing] == [f"缺少{today().year - 1}年研发费用数据"]
    assert [c.message for c in item.manual] == ["需人工审核：近三年未发生重大安全生产事故"]


def test_a_ticked_qualification_is_quoted_as_declared_and_an_unticked_one_fails(region):
    listed([HITECH], name="高企奖励")
    (item,) = self_test(declared(region, qualifications=["hitech"]), on=today()).eligible
    assert item.criteria[0].message == "资质荣誉：持有高新技术企业（企业自报）✓"
    (item,) = self_test(declared(region), on=today()).ineligible
    assert item.criteria[0].message == "资质荣誉：未持有高新技术企业 ✗"


def test_a_tag_a_visitor_cannot_state_is_unknown_not_a_fail(region):
    from tests.matters.build import tag

    tag("zhuanjing")
    listed([{"fact": "tag", "operator": "has_tag", "value": "zhuanjing", "message": "专精特新标签"}], name="标签事项")
    (item,) = self_test(declared(region), on=today()).unknown
    assert item.missing[0].message.startswith("缺少企业标签数据")


def test_size_age_region_and_credit_come_from_the_form(region):
    listed(
        [
            {"fact": "size", "operator": "in", "value": ["small", "micro"], "message": "小微企业"},
            {"fact": "registration_date", "operator": "years_since_gte", "value": 3, "message": "成立满3年"},
            {"fact": "region", "operator": "within_region", "value": ["420500"], "message": "注册在宜昌市"},
            {"fact": "credit_good", "operator": "is_true", "value": None, "message": "未列入严重失信名单"},
        ],
        name="小微企业奖励",
    )
    good = declared(region, industry="C3911", employees="50", revenue_wan="1500", registration_date="2019-03-08")
    assert by_name(self_test(good, on=today()))["eligible"] == ["小微企业奖励"]
    listed_dishonest = declared(
        region,
        industry="C3911",
        employees="50",
        revenue_wan="1500",
        registration_date="2019-03-08",
        credit="serious_dishonest",
    )
    (item,) = self_test(listed_dishonest, on=today()).ineligible
    assert [c.criterion.message for c in item.failed] == ["未列入严重失信名单"]


def test_only_published_matters_with_a_rule_version_valid_today_are_judged(region):
    shown = listed([REVENUE_2000], name="已上架")
    listed([REVENUE_2000], name="已下架").__class__.objects.filter(name="已下架").update(status=MatterStatus.WITHDRAWN)
    future = listed([REVENUE_2000], name="尚未生效")
    future.rule_sets.update(valid_from=today() + dt.timedelta(days=3))
    assert [m.name for m in open_matters(today())] == ["已上架"]
    assert open_matters(today()).get().current_rule_set_id == shown.rule_set_on(today()).pk


def test_a_new_rule_version_is_the_one_judged(region):
    matter = listed([REVENUE_2000], name="营收奖励")
    draft = new_rule_version(matter.rule_sets.get())
    draft.matter = matter
    draft.save(update_fields=["matter"])
    draft.criteria.update(value=6000, message="上一年度营业收入不低于6000万元")
    publish_rule_set(draft, valid_from=today())
    assert open_matters(today()).get().current_rule_set_id == matter.rule_set_on(today()).pk == draft.pk
    (item,) = self_test(declared(region, revenue_wan="5000"), on=today()).ineligible
    assert item.evaluation.rule_version == 2
    assert item.near_miss.gap_text == "营业收入还差 1,000万元"


# ---------------------------------------------------------------- amounts and windows


def test_the_amount_says_how_it_was_computed(region):
    listed([REVENUE_2000], name="定额奖励")
    rate_matter([RD_100], name="研发补助")
    result = self_test(declared(region, revenue_wan="5000", rd_expense_wan="300"), on=today())
    amounts = {r.matter.name: (r.estimate.amount, r.estimate.text) for r in result.eligible}
    year = today().year - 1
    assert amounts == {
        "定额奖励": (Decimal("200000.00"), "定额奖补20万元"),
        "研发补助": (Decimal("300000.00"), f"{year}年研发费用300万元 × 10% = 30万元"),
    }
    assert result.total == Decimal("500000.00") and result.total_text == "50万元"


def test_a_rate_above_the_cap_is_paid_at_the_cap(region):
    rate_matter([RD_100], name="研发补助")
    (item,) = self_test(declared(region, rd_expense_wan="8000"), on=today()).eligible
    assert item.estimate.amount == Decimal("500000.00")
    assert item.estimate.text.endswith("超过上限50万元，按上限计")


def test_tiers_pick_the_band_of_the_base_figure(region):
    listed(
        [REVENUE_2000],
        name="分档奖励",
        support_kind="tiers",
        support_amount=None,
        support_base_fact="revenue",
        tiers=[("2000", "10000", "100000"), ("10000", None, "300000")],
    )
    (item,) = self_test(declared(region, revenue_wan="12000"), on=today()).eligible
    assert item.estimate.amount == Decimal("300000.00")
    assert "属10,000万元以上档" in item.estimate.text


def test_an_exclusive_group_is_marked_and_counted_once_at_its_highest(client, region):
    low = listed([REVENUE_2000], name="首次认定奖励", exclusive_group="hitech", support_amount=Decimal("200000"))
    high = listed([REVENUE_2000], name="重新认定奖励", exclusive_group="hitech", support_amount=Decimal("500000"))
    result = self_test(declared(region, revenue_wan="5000"), on=today())
    marks = {r.matter.name: (r.exclusive_best.pk, [p.pk for p in r.exclusive_peers]) for r in result.eligible}
    assert marks == {"首次认定奖励": (high.pk, [high.pk]), "重新认定奖励": (high.pk, [low.pk])}
    assert result.total == Decimal("500000.00")
    page = client.post(URL, form_data(region, revenue_wan="5000")).content.decode()
    assert "就高不重复" in page and "按金额最高的“重新认定奖励”享受" in page


def test_windows_say_how_long_is_left_and_sort_the_eligible_by_closing_day(region):
    listed([REVENUE_2000], name="常年事项")
    listed([REVENUE_2000], name="晚截止", **fixed_window(-10, 40))
    soon = listed([REVENUE_2000], name="早截止", **fixed_window(-10, 12))
    result = self_test(declared(region, revenue_wan="5000"), on=today())
    assert [r.matter.name for r in result.eligible] == ["早截止", "晚截止", "常年事项"]
    assert window_of(soon, today()).state_text == "申报中，还剩12天"
    upcoming = Matter(window_kind="fixed", window_opens=today() + dt.timedelta(days=7), window_closes=None)
    assert window_of(upcoming, today()).state_text == "7天后开始申报"


# ---------------------------------------------------------------- the page


def test_a_visitor_sees_the_groups_reasons_amounts_windows_and_guide_links(client, region):
    matter = listed([REVENUE_2000], name="营收奖励", **fixed_window(-3, 20))
    listed([EMPLOYEES_50], name="稳岗奖励")
    page = client.post(URL, form_data(region, revenue_wan="５０００", employees="10")).content.decode()
    for text in ("可申报", "可能符合（缺少数据）", "暂不符合", "营收奖励", "预计可获", "20万元", "定额奖补20万元"):
        assert text in page
    assert "从业人员还差 40人" in page
    assert "申报中，还剩20天" in page
    assert matter.get_absolute_url() in page
    assert "上一年度营业收入不低于2000万元 · 测试依据 第一条" in page


def test_a_signed_in_enterprise_is_judged_on_its_archive_without_typing(client, region):
    member = EnterpriseMemberFactory(enterprise__region=region)
    year = today().year - 1
    AnnualFigureFactory(enterprise=member.enterprise, year=year, revenue_wan=Decimal("5000"), source="tax")
    listed([REVENUE_2000], name="营收奖励")
    client.force_login(member.user)
    page = client.get(URL).content.decode()
    assert '<form method="post" action="/matters/calculator/"' not in page
    assert member.enterprise.name in page
    assert f"{year}年营业收入 5,000万元（税务，" in page
    correction = reverse("enterprises:correction_new", kwargs={"uscc": member.enterprise.uscc})
    assert f"{correction}?field=annual_figures" in page
    assert f"{correction}?field=industry_code" in page
    assert "测算所用的档案数据" in page


def test_the_archive_facts_carry_their_source_and_date(client, region):
    member = EnterpriseMemberFactory(enterprise__region=region)
    AnnualFigureFactory(enterprise=member.enterprise, year=today().year - 1, source="statistics")
    client.force_login(member.user)
    response = client.get(URL)
    lines = {line.key: line for line in response.context["facts"]}
    assert (lines["revenue"].value, lines["revenue"].source) == ("5,000万元", "统计")
    assert lines["revenue"].as_of is not None
    assert lines["region"].value == "西陵区"


def test_a_signed_in_user_may_still_fill_the_form(client, region):
    member = EnterpriseMemberFactory(enterprise__region=region)
    listed([REVENUE_2000], name="营收奖励")
    client.force_login(member.user)
    assert 'name="revenue_wan"' in client.get(URL + "?manual=1").content.decode()
    page = client.post(URL, form_data(region, revenue_wan="5000")).content.decode()
    assert "企业自报" in page


def test_another_enterprises_archive_is_a_404(client, region):
    member = EnterpriseMemberFactory(enterprise__region=region)
    other = EnterpriseMemberFactory(enterprise__region=region)
    client.force_login(member.user)
    assert client.get(URL, {"enterprise": other.enterprise.uscc}).status_code == 404
    assert client.get(URL, {"enterprise": member.enterprise.uscc}).status_code == 200


def test_the_self_test_costs_a_fixed_number_of_queries(region, django_assert_max_num_queries):
    for n in range(30):
        listed([REVENUE_2000, RD_100], name=f"事项{n}")
    visitor = declared(region, revenue_wan="5000", rd_expense_wan="200")
    with django_assert_max_num_queries(6):
        result = self_test(visitor, on=today())
    assert len(result.eligible) == 30
