"""可申报事项 in the enterprise space: matched matters with amounts and deadlines, near misses with the gap."""

import dataclasses
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from matters.models import MatchResult
from matters.space import enterprise_matters
from tests.factories.enterprises import AnnualFigureFactory, EnterpriseMemberFactory
from tests.matters.calculator_data import EMPLOYEES_50, REVENUE_2000, fixed_window, listed, rate_matter, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    member = EnterpriseMemberFactory()
    AnnualFigureFactory(enterprise=member.enterprise, year=today().year - 1, revenue_wan=Decimal("1820"), employees=120)
    client.force_login(member.user)
    return member


def page_url(enterprise):
    return reverse("matters:enterprise_matters", kwargs={"uscc": enterprise.uscc})


def test_matched_matters_are_sorted_by_window_closing_day_with_amounts(member):
    listed([EMPLOYEES_50], name="常年事项")
    listed([EMPLOYEES_50], name="晚截止", **fixed_window(-5, 60))
    listed([EMPLOYEES_50], name="早截止", **fixed_window(-5, 9))
    summary = enterprise_matters(member.enterprise, on=today())
    assert [i.matter.name for i in summary.eligible] == ["早截止", "晚截止", "常年事项"]
    assert [i.estimate.amount_text for i in summary.eligible] == ["20万元"] * 3
    assert summary.eligible[0].window.state_text == "申报中，还剩9天"
    assert summary.total == Decimal("600000.00")


def test_near_misses_say_what_is_lacking(member):
    listed([REVENUE_2000, EMPLOYEES_50], name="规上奖励")
    summary = enterprise_matters(member.enterprise, on=today())
    assert summary.eligible == []
    (item,) = summary.near_misses
    assert (item.matter.name, item.gap) == ("规上奖励", "营业收入还差 180万元")
    assert item.estimate.amount_text == "20万元"


def test_stored_match_results_are_used_when_they_are_current(member):
    matter = listed([REVENUE_2000], name="规上奖励")
    moment = timezone.now()
    MatchResult.objects.create(
        enterprise=member.enterprise,
        matter=matter,
        rule_set=matter.rule_set_on(today()),
        status="ineligible",
        near_miss=True,
        gap="营业收入还差 180万元（存储）",
        matched_at=moment,
    )
    (item,) = enterprise_matters(member.enterprise, on=today()).near_misses
    assert (item.gap, item.matched_at) == ("营业收入还差 180万元（存储）", moment)


def test_a_stored_result_of_an_older_rule_version_is_judged_again(member):
    from matters.services import new_rule_version, publish_rule_set

    matter = listed([REVENUE_2000], name="规上奖励")
    old = matter.rule_set_on(today())
    MatchResult.objects.create(
        enterprise=member.enterprise, matter=matter, rule_set=old, status="ineligible", near_miss=True, gap="旧"
    )
    draft = new_rule_version(old)
    draft.matter = matter
    draft.save(update_fields=["matter"])
    draft.criteria.update(value=1000, message="上一年度营业收入不低于1000万元")
    publish_rule_set(draft, valid_from=today())
    (item,) = enterprise_matters(member.enterprise, on=today()).eligible
    assert (item.matter.pk, item.matched_at) == (matter.pk, None)


def test_the_page_lists_amounts_deadlines_and_gaps(client, member):
    rate_matter([EMPLOYEES_50], name="研发补助", base="revenue", cap="100000", **fixed_window(-2, 30))
    listed([REVENUE_2000], name="规上奖励")
    page = client.get(page_url(member.enterprise)).content.decode()
    for text in (
        "可申报事项",
        "研发补助",
        "10万元",
        "按上限计",
        "申报中，还剩30天",
        "差一条即可申报",
        "营业收入还差 180万元",
    ):
        assert text in page


def test_the_space_page_shows_the_block_with_a_link_to_the_full_list(client, member):
    listed([EMPLOYEES_50], name="稳岗奖励")
    listed([REVENUE_2000], name="规上奖励")
    page = client.get(reverse("enterprises:space", kwargs={"uscc": member.enterprise.uscc})).content.decode()
    assert 'id="matters"' in page and "稳岗奖励" in page
    assert "预计可获合计20万元" in page
    assert "另有1项只差一个条件" in page
    assert page_url(member.enterprise) in page


def test_another_enterprises_matters_are_a_404(client, member):
    other = EnterpriseMemberFactory()
    assert client.get(page_url(other.enterprise)).status_code == 404
    assert client.get(page_url(member.enterprise)).status_code == 200


def test_visitors_are_sent_to_sign_in(client):
    client.logout()
    member = EnterpriseMemberFactory()
    response = client.get(page_url(member.enterprise))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_failing_block_never_takes_the_space_down(client, member, monkeypatch):
    from enterprises.space import space_blocks

    def broken(enterprise, user):
        raise RuntimeError("boom")

    entry = space_blocks.entry("matters")
    monkeypatch.setitem(space_blocks._entries, "matters", dataclasses.replace(entry, obj=broken))
    response = client.get(reverse("enterprises:space", kwargs={"uscc": member.enterprise.uscc}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "基本信息" in page and 'id="matters"' not in page
