"""The public matter pages: the catalogue (list, facets, search, pages), the guide, its PDF and its files."""

import datetime as dt
import re
import subprocess
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from matters.models import DeliveryKind, Material, Matter, MatterFAQ, SupportKind, SupportTier, WindowKind
from portal.core.workflow import perform
from portal.org.roles import Role
from tests.factories.matters import MaterialFactory, ProcessStepFactory
from tests.factories.org import DepartmentFactory
from tests.factories.policies import StaffFactory, member
from tests.factories.search import public_policy
from tests.matters.guides import industry, manual, published_matter, size, with_template

pytestmark = pytest.mark.django_db

LIST = "/matters/"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def page_of(client, url=LIST, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def facet(body: str, name: str) -> dict[str, int]:
    """The options of one facet as {label: count}, read from the page."""
    section = re.search(rf"<h2>{name}</h2>(.*?)</section>", body, re.S)
    if section is None:
        return {}
    return {
        label.strip(): int(count)
        for label, count in re.findall(r'<a href="[^"]*"[^>]*>([^<]+) <span class="count">(\d+)</span>', section[1])
    }


def result_codes(body: str) -> list[str]:
    return re.findall(r'<a href="/matters/([A-Z0-9-]+)/">', body.split('id="results-title"', 1)[1])


def move_window(matter, opens, closes, kind=WindowKind.FIXED):
    """The window as time has moved it (a guide is published 5 working days ahead, so 'open now' comes later)."""
    Matter.objects.filter(pk=matter.pk).update(window_kind=kind, window_opens=opens, window_closes=closes)


# ---- the list -------------------------------------------------------------------------------------------


def test_the_list_shows_published_and_closed_matters_and_nothing_else(client):
    published = published_matter(name="宜昌市高新技术企业首次认定奖励")
    closed = published_matter(name="宜昌市技术改造项目补助")
    perform(closed, "close", by=None)
    draft = published_matter(name="尚在起草的事项", publish=False)
    withdrawn = published_matter(name="已经下架的事项")
    perform(withdrawn, "withdraw", by=member(withdrawn.department, Role.APPROVER), reason="政策调整")

    codes = result_codes(page_of(client))

    assert set(codes) == {published.code, closed.code}
    assert draft.code not in codes and withdrawn.code not in codes


def test_the_list_is_sorted_by_window_closing_date_with_ended_windows_last(client):
    today = timezone.localdate()
    late = published_matter()
    soon = published_matter()
    year_round = published_matter()
    ended = published_matter()
    move_window(late, today - dt.timedelta(days=5), today + dt.timedelta(days=60))
    move_window(soon, today - dt.timedelta(days=5), today + dt.timedelta(days=3))
    move_window(ended, today - dt.timedelta(days=30), today - dt.timedelta(days=1))

    assert result_codes(page_of(client)) == [soon.code, late.code, year_round.code, ended.code]


def test_the_list_pages_by_twenty(client):
    for _ in range(21):
        published_matter()

    first, second = page_of(client), page_of(client, page=2)

    assert len(result_codes(first)) == 20
    assert len(result_codes(second)) == 1
    assert "共 21 条，第 2 / 2 页" in second


def test_facets_count_departments_delivery_kinds_and_window_states(client):
    science = DepartmentFactory(name="宜昌市科学技术局", code="kjj")
    commerce = DepartmentFactory(name="宜昌市商务局", code="swj")
    today = timezone.localdate()
    published_matter(department=science, delivery_kind=DeliveryKind.AUTOMATIC)
    published_matter(department=science, delivery_kind=DeliveryKind.INSTANT)
    upcoming = published_matter(department=commerce)
    tbd = published_matter(department=commerce)
    move_window(upcoming, today + dt.timedelta(days=20), today + dt.timedelta(days=50))
    move_window(tbd, None, None, kind=WindowKind.TBD)

    body = page_of(client)

    assert facet(body, "实施部门") == {"宜昌市科学技术局": 2, "宜昌市商务局": 2}
    assert facet(body, "服务方式") == {"免申即享": 1, "即申即享": 1, "申报审批": 2}
    assert facet(body, "申报状态") == {"申报中": 2, "未开始": 1, "期限待定": 1}


def test_a_chosen_facet_narrows_the_list_and_the_other_facets_but_keeps_its_own_options(client):
    science = DepartmentFactory(name="宜昌市科学技术局", code="kjj")
    commerce = DepartmentFactory(name="宜昌市商务局", code="swj")
    mine = published_matter(department=science, delivery_kind=DeliveryKind.AUTOMATIC)
    published_matter(department=commerce, delivery_kind=DeliveryKind.REVIEWED)

    body = page_of(client, department="kjj")

    assert result_codes(body) == [mine.code]
    assert facet(body, "实施部门") == {"宜昌市科学技术局": 1, "宜昌市商务局": 1}
    assert facet(body, "服务方式") == {"免申即享": 1}
    assert 'href="?" aria-current="true"' in body or 'aria-current="true">宜昌市科学技术局' in body


def test_amount_bands_use_the_fixed_amount_the_cap_or_the_highest_tier(client):
    published_matter(support_amount=Decimal("100000"))  # 10万 → ≤10万
    published_matter(support_amount=Decimal("200000"))  # 20万 → 10–50万
    published_matter(
        support_kind=SupportKind.RATE,
        support_amount=None,
        support_rate=Decimal("10"),
        support_base_fact="rd_expense",
        support_cap=Decimal("800000"),
        support_text="按研发费用的10%补助，最高80万元。",
    )
    tiers = published_matter(
        support_kind=SupportKind.TIERS,
        support_amount=None,
        support_base_fact="revenue",
        support_text="营业收入2000万元以上奖励50万元，5000万元以上奖励150万元。",
        publish=False,
    )
    SupportTier.objects.create(matter=tiers, lower=2000, upper=5000, amount=Decimal("500000"))
    SupportTier.objects.create(matter=tiers, lower=5000, upper=None, amount=Decimal("1500000"))
    publish(tiers)
    published_matter(support_kind=SupportKind.NONE, support_amount=None, support_text="优先推荐参加展会。")

    body = page_of(client)

    assert facet(body, "扶持金额") == {
        "10万元及以下": 1,
        "10万–50万元": 1,
        "50万–100万元": 1,
        "100万元以上": 1,
        "不定额或非资金类": 1,
    }
    assert result_codes(page_of(client, amount="gt100")) == [tiers.code]
    assert "最高150万元" in body and "最高80万元" in body


def publish(matter):
    from matters.services import assign_matter_ownership

    assign_matter_ownership(matter, matter.department)
    perform(matter, "submit", by=member(matter.department, Role.EDITOR))
    perform(matter, "publish", by=member(matter.department, Role.APPROVER))


def test_industry_and_size_facets_come_from_the_criteria_and_include_unrestricted_matters(client):
    manufacturing = published_matter(criteria=[industry("C36", "C39"), size("small", "micro")])
    software = published_matter(criteria=[industry("I65")])
    anyone = published_matter()
    either = published_matter(criteria=[industry("C", group="a"), {**industry("I", group="a")}])

    body = page_of(client)

    assert facet(body, "适用行业") == {"C 制造业": 3, "I 信息传输、软件和信息技术服务业": 3}
    assert facet(body, "企业规模") == {"大型": 3, "中型": 3, "小型": 4, "微型": 4}
    assert set(result_codes(page_of(client, industry="C"))) == {manufacturing.code, anyone.code, either.code}
    assert set(result_codes(page_of(client, industry="I", size="large"))) == {software.code, anyone.code, either.code}


def test_an_or_group_mixing_industry_with_another_fact_does_not_restrict_the_industry(client):
    published_matter(
        criteria=[
            industry("C", group="g"),
            {
                "fact": "employees",
                "operator": "gte",
                "value": 50,
                "group": "g",
                "message": "从业人员不少于50人",
                "legal_reference": "第六条",
            },
        ]
    )

    assert facet(page_of(client), "适用行业") == {}


# ---- search ---------------------------------------------------------------------------------------------


@pytest.fixture
def searchable():
    policy = public_policy(title="宜昌市促进外贸稳增长若干措施")
    return {
        "name": published_matter(name="宜昌市专精特新企业认定奖励"),
        "target": published_matter(name="宜昌市某某奖励", target="首次进入规模以上工业企业库的企业"),
        "policy": published_matter(name="宜昌市出口信用保险保费补贴", policy=policy),
        "code": published_matter(code="YC-SW-2026-777", name="宜昌市展会补贴"),
    }


@pytest.mark.parametrize(
    ("query", "which"),
    [
        ("专精特新", "name"),
        ("專精特新", "name"),  # traditional characters (无锡's rules are published in them)
        ("规模以上工业", "target"),
        ("規模以上工業", "target"),
        ("外贸稳增长", "policy"),
        ("YC-SW-2026-777", "code"),
        ("ｙｃ－ｓｗ－２０２６－７７７", "code"),  # full-width input, lower case
        ("专精特新 奖励", "name"),
    ],
)
def test_search_finds_name_target_policy_title_and_code_folding_input(client, searchable, query, which):
    assert result_codes(page_of(client, q=query)) == [searchable[which].code]


def test_search_by_words_jieba_cuts_when_the_phrase_is_not_written_so(client):
    matter = published_matter(name="宜昌市高新技术企业首次认定奖励")
    published_matter(name="宜昌市外贸企业展会补贴")

    assert result_codes(page_of(client, q="高新技术企业奖励")) == [matter.code]


def test_a_search_with_no_result_says_so(client, searchable):
    body = page_of(client, q="火星基地建设补贴")

    assert result_codes(body) == []
    assert "没有找到相关事项" in body


def test_search_and_facets_combine(client):
    science = DepartmentFactory(name="宜昌市科学技术局", code="kjj")
    mine = published_matter(name="宜昌市研发投入奖励", department=science)
    published_matter(name="宜昌市研发平台奖励")

    body = page_of(client, q="研发", department="kjj")

    assert result_codes(body) == [mine.code]
    assert 'name="department" value="kjj"' in body  # the search box keeps the filter


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999999999999999999"},
        {"department": "不存在的部门"},
        {"delivery": "'; DROP TABLE matters_matter; --"},
        {"window": "<script>alert(1)</script>"},
        {"amount": "１２３"},
        {"industry": "ZZ"},
        {"size": "gigantic"},
        {"q": "\x00\x01%_\\"},
        {"q": "高" * 5000},
        {"q": "　"},
        {"sort": "nonsense", "unknown": "x"},
    ],
)
def test_nonsense_in_the_query_string_never_breaks_the_page(client, params):
    matter = published_matter()

    body = page_of(client, **params)

    assert "政策事项" in body
    if set(params) & {"department", "delivery", "window", "amount", "industry", "size"}:
        assert "部分筛选条件无效，已忽略。" in body
        assert result_codes(body) == [matter.code]


def test_repeated_parameters_take_one_value(client):
    matter = published_matter(delivery_kind=DeliveryKind.INSTANT)

    assert result_codes(page_of(client, url=LIST + "?delivery=nonsense&delivery=instant")) == [matter.code]


# ---- the guide --------------------------------------------------------------------------------------------


@pytest.fixture
def full_guide():
    """A rate matter with a cap, OR-grouped and manual criteria, every kind of material, steps, FAQs and a
    就高不重复 partner."""
    science = DepartmentFactory(name="宜昌市科学技术局", code="kjj")
    finance = DepartmentFactory(name="宜昌市财政局", code="czj")
    policy = public_policy(title="宜昌市支持企业加大研发投入若干措施", document_number="宜府规〔2026〕9号")
    matter = published_matter(
        code="YC-KJ-2026-100",
        name="宜昌市企业研发投入后补助",
        policy=policy,
        clause="第七条第（二）款",
        department=science,
        delivery_kind=DeliveryKind.REVIEWED,
        support_kind=SupportKind.RATE,
        support_amount=None,
        support_rate=Decimal("10"),
        support_base_fact="rd_expense",
        support_cap=Decimal("500000"),
        support_text="按上一年度研发费用的10%给予后补助，单个企业最高50万元。",
        exclusive_group="yfhbz",
        channel="网上办理：惠企服务平台；窗口：宜昌市民中心三楼",
        notes="同一企业同一年度只能申报一次。",
        consult_phone="0717-6450001",
        supervise_phone="0717-6450002",
        criteria=[
            industry("C", group="hy"),
            {**industry("I65", group="hy")},
            manual("近三年未发生重大安全生产事故"),
        ],
        publish=False,
    )
    shared = MaterialFactory(
        matter=matter,
        name="上一年度财务审计报告",
        form=Material.Form.COPY,
        required=False,
        source="会计师事务所",
        shared=True,
    )
    with_template(MaterialFactory(matter=matter, name="研发投入后补助申请表", form=Material.Form.ORIGINAL))
    ProcessStepFactory(matter=matter, name="财政复核", department=finance, days=5)
    MatterFAQ.objects.create(matter=matter, question="亏损企业能否申报？", answer="可以，条件中未限制利润。")
    publish(matter)
    partner = published_matter(code="YC-KJ-2026-101", name="宜昌市企业研发平台奖励", exclusive_group="yfhbz")
    matter.refresh_from_db()
    return {"matter": matter, "partner": partner, "shared": shared}


def test_the_guide_shows_every_field_the_rules_list(client, full_guide):
    matter = full_guide["matter"]

    body = page_of(client, matter.get_absolute_url())

    for text in (
        "宜昌市企业研发投入后补助",  # 事项名称
        "服务方式",
        "申报审批",
        "适用区域",
        "宜昌市",
        "实施主体",
        "宜昌市科学技术局",
        "服务对象",
        matter.target,
        "申报时间",
        "常年申报",
        "申报中",
        "政策依据",
        "宜昌市支持企业加大研发投入若干措施",
        "第七条第（二）款",
        "按上一年度研发费用的10%给予后补助",
        "按比例奖补：研发费用 × 10%，最高不超过50万元。",
        "承诺办理时限",
        "15个工作日",
        "网上办理：惠企服务平台",
        "同一企业同一年度只能申报一次。",
        "0717-6450001",
        "0717-6450002",
        "亏损企业能否申报？",
        "可以，条件中未限制利润。",
    ):
        assert text in body, text
    assert matter.policy.get_absolute_url() in body


def test_the_guide_lists_conditions_with_references_or_groups_and_manual_review(client, full_guide):
    body = page_of(client, full_guide["matter"].get_absolute_url())

    assert "上一年度营业收入不低于2000万元" in body
    assert "依据：宜政发〔2024〕5号 第十二条" in body
    assert "满足其一：" in body
    assert re.search(r"近三年未发生重大安全生产事故</span> <span class=\"tag status-warning\">需人工审核</span>", body)
    assert "行业：C 制造业、I65 软件和信息技术服务业" in body


def test_the_guide_lists_materials_with_form_necessity_source_sharing_and_templates(client, full_guide):
    matter = full_guide["matter"]
    with_files = matter.materials.get(name="研发投入后补助申请表")

    body = page_of(client, matter.get_absolute_url())

    assert "上一年度财务审计报告" in body
    assert "免提交：通过数据共享获取" in body
    assert "复印件" in body and "原件" in body and "非必要" in body and "会计师事务所" in body
    assert f'href="{with_files.template.url}">空白范本</a>' in body
    assert f'href="{with_files.sample.url}">示范范本</a>' in body


def test_the_guide_lists_process_steps_with_department_and_days(client, full_guide):
    body = page_of(client, full_guide["matter"].get_absolute_url())

    assert "部门审核" in body and "财政复核" in body
    assert "审核部门：宜昌市财政局" in body
    assert "办理时限：5个工作日" in body


def test_the_guide_names_the_other_matters_of_its_exclusive_group(client, full_guide):
    body = page_of(client, full_guide["matter"].get_absolute_url())

    assert "就高不重复" in body
    assert f'<a href="{full_guide["partner"].get_absolute_url()}">宜昌市企业研发平台奖励</a>' in body


def test_a_tier_table_is_shown(client):
    matter = published_matter(
        support_kind=SupportKind.TIERS,
        support_amount=None,
        support_base_fact="revenue",
        support_text="分档奖励。",
        publish=False,
    )
    SupportTier.objects.create(matter=matter, lower=2000, upper=5000, amount=Decimal("300000"))
    SupportTier.objects.create(matter=matter, lower=5000, upper=None, amount=Decimal("1000000"))
    publish(matter)

    body = page_of(client, matter.get_absolute_url())

    assert "分档奖补（按营业收入）" in body
    assert "2,000万元（含）至5,000万元（不含）" in body and "30万元" in body
    assert "5,000万元及以上" in body and "100万元" in body


def test_window_states_on_the_guide(client):
    today = timezone.localdate()
    upcoming = published_matter()
    move_window(upcoming, today + dt.timedelta(days=20), today + dt.timedelta(days=50))
    tbd = published_matter()
    move_window(tbd, None, None, kind=WindowKind.TBD)
    closed = published_matter()
    perform(closed, "close", by=None)

    assert "未开始" in page_of(client, upcoming.get_absolute_url())
    assert "期限待定，申报期限确定后3个工作日内公布" in page_of(client, tbd.get_absolute_url())
    assert "本事项申报期已截止，指南仅供查阅。" in page_of(client, closed.get_absolute_url())


@pytest.mark.parametrize("state", ["draft", "submitted", "withdrawn"])
def test_a_matter_not_public_is_404_with_its_pdf_and_files(client, state):
    matter = published_matter(publish=False)
    material = with_template(matter.materials.get())
    from matters.services import assign_matter_ownership

    assign_matter_ownership(matter, matter.department)
    if state != "draft":
        perform(matter, "submit", by=member(matter.department, Role.EDITOR))
    if state == "withdrawn":
        approver = member(matter.department, Role.APPROVER)
        perform(matter, "publish", by=approver)
        perform(matter, "withdraw", by=approver, reason="政策调整")

    assert client.get(matter.get_absolute_url()).status_code == 404
    assert client.get(reverse("matters:guide_pdf", kwargs={"code": matter.code})).status_code == 404
    assert client.get(material.template.url).status_code == 404
    client.force_login(StaffFactory())
    assert client.get(material.template.url).status_code == 200


def test_unknown_codes_are_404(client):
    assert client.get("/matters/YC-NONE-0000/").status_code == 404
    assert client.get("/matters/yc-lower-case/").status_code == 404


def test_a_template_of_a_public_matter_downloads_safely(client, full_guide):
    material = full_guide["matter"].materials.get(name="研发投入后补助申请表")

    response = client.get(material.template.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "filename*=utf-8''" in response["Content-Disposition"]


def pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "guide.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_guide_pdf_holds_real_text(client, full_guide, tmp_path):
    matter = full_guide["matter"]

    response = client.get(reverse("matters:guide_pdf", kwargs={"code": matter.code}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdftotext(response.content, tmp_path)
    compact = "".join(text.split())
    assert "宜昌市企业研发投入后补助" in compact
    assert "研发投入后补助申请表" in compact  # a material
    assert "财政复核" in compact  # a step
    assert "需人工审核" in compact
    assert "免提交" in compact


def test_the_guide_page_prints(client, full_guide):
    body = page_of(client, full_guide["matter"].get_absolute_url())

    assert 'href="/static/css/matters-print.css" media="print"' in body or "matters-print" in body
    assert reverse("matters:guide_pdf", kwargs={"code": full_guide["matter"].code}) in body


# ---- the policy's page ------------------------------------------------------------------------------------


def test_a_policy_page_lists_its_public_matters(client):
    policy = public_policy(title="宜昌市支持科技创新若干措施")
    mine = published_matter(name="宜昌市科技型中小企业研发奖励", policy=policy)
    draft = published_matter(name="还在起草的事项", policy=policy, publish=False)

    body = page_of(client, policy.get_absolute_url())

    assert "本政策的资金事项" in body
    assert f'<a href="{mine.get_absolute_url()}">宜昌市科技型中小企业研发奖励</a>' in body
    assert draft.name not in body


def test_a_policy_without_public_matters_shows_no_block(client):
    policy = public_policy()

    assert "本政策的资金事项" not in page_of(client, policy.get_absolute_url())


def test_the_navigation_leads_to_the_catalogue(client):
    assert '<a href="/matters/"' in page_of(client, "/help/")
