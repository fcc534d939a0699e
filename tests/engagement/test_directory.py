"""The service directory (办事服务、增值服务, 宜昌 §5): addresses, region inheritance, search, the public page."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from engagement import demo_directory, directory
from engagement.models.directory import CATEGORY_SECTION, ServiceCategory, ServiceLink, ServiceSection
from portal.org.models import Region
from portal.search import query as search_query
from portal.search.models import SearchDocument
from tests.backoffice.conftest import demo_org  # noqa: F401
from tests.factories.enterprises import EnterpriseFactory, EnterpriseMemberFactory
from tests.factories.org import EnterpriseUserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_org")]


def region(code):
    return Region.objects.get(code=code)


def make_link(
    code, category=ServiceCategory.LEGAL, title="企业法律顾问服务", url="https://law.example.gov.cn/", **more
):
    link = ServiceLink(region=region(code), category=category, title=title, url=url, **more)
    link.full_clean()
    link.save()
    return link


# Addresses


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://www.hbzwfw.gov.cn/", "https://www.hbzwfw.gov.cn/"),
        ("HTTPS://WWW.HBZWFW.GOV.CN", "https://www.hbzwfw.gov.cn/"),
        (
            "  http://zwfw.hubei.gov.cn:80/webview/fw/frfw.html?id=1  ",
            "http://zwfw.hubei.gov.cn/webview/fw/frfw.html?id=1",
        ),
        ("https://zwfw.hubei.gov.cn:8443/a", "https://zwfw.hubei.gov.cn:8443/a"),
        ("ｈｔｔｐｓ：／／ｚｗｆｗ．ｈｕｂｅｉ．ｇｏｖ．ｃｎ／", "https://zwfw.hubei.gov.cn/"),
        ("https://湖北.中国/", "https://xn--djrx74d.xn--fiqs8s/"),
    ],
)
def test_an_address_is_folded_and_normalised(typed, stored):
    assert directory.clean_service_url(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("javascript:alert(1)", "网址只能以 http:// 或 https:// 开头"),
        ("JavaScript://zwfw.hubei.gov.cn/%0aalert(1)", "网址只能以 http:// 或 https:// 开头"),
        ("data:text/html,<script>alert(1)</script>", "网址只能以 http:// 或 https:// 开头"),
        ("ftp://files.example.gov.cn/", "网址只能以 http:// 或 https:// 开头"),
        ("www.hbzwfw.gov.cn", "网址只能以 http:// 或 https:// 开头"),
        ("https://", "网址缺少域名，如 https://www.hbzwfw.gov.cn/"),
        ("https://user:pw@evil.example/", "网址中不能包含用户名或密码"),
        ("https://zwfw.hubei.gov.cn/a b", "网址中不能有空格"),
        ("https://zwfw.hubei.gov.cn:99999/", "网址的端口号不正确"),
        ("", "请填写网址"),
        ("http://192.168.1.10/admin", "网址不能是内网或本机地址，公众无法访问"),
        ("http://10.0.0.8/", "网址不能是内网或本机地址，公众无法访问"),
        ("http://127.0.0.1:8000/", "网址不能是内网或本机地址，公众无法访问"),
        ("http://localhost/", "网址不能是内网或本机地址，公众无法访问"),
        ("http://oa/", "网址不能是内网或本机地址，公众无法访问"),
        ("http://[::1]/", "网址不能是内网或本机地址，公众无法访问"),
        ("http://169.254.169.254/latest/meta-data/", "网址不能是内网或本机地址，公众无法访问"),
    ],
)
def test_other_schemes_and_broken_addresses_are_refused(typed, message):
    with pytest.raises(ValidationError) as refused:
        directory.clean_service_url(typed)
    assert refused.value.messages == [message]


def test_the_database_refuses_an_address_that_is_not_http():
    link = make_link("420500")
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceLink.objects.filter(pk=link.pk).update(url="javascript:alert(1)")


def test_each_category_belongs_to_one_of_the_two_sections():
    affairs = [c for c, s in CATEGORY_SECTION.items() if s == ServiceSection.AFFAIRS]
    value_added = [c for c, s in CATEGORY_SECTION.items() if s == ServiceSection.VALUE_ADDED]

    assert set(CATEGORY_SECTION) == set(ServiceCategory.values)
    assert affairs == ["legal_person", "one_thing", "one_licence", "personal"]
    assert value_added == ["legal", "finance", "talent", "technology", "trade"]


def test_cleaning_folds_title_provider_and_keywords():
    link = make_link(
        "420500", title="  宜昌市　企业融资  ", provider="宜昌市地方金融工作局 ", keywords="贷款，担保、 转贷  银行"
    )

    assert (link.title, link.provider, link.keywords) == (
        "宜昌市 企业融资",
        "宜昌市地方金融工作局",
        "贷款 担保 转贷 银行",
    )


# Regions


def test_a_district_shows_its_own_links_and_those_of_the_city_and_province():
    province = make_link("420000", ServiceCategory.LEGAL_PERSON, "法人服务", "https://zwfw.hubei.gov.cn/frfw")
    city = make_link("420500", ServiceCategory.FINANCE, "宜昌融资平台", "https://jrj.yichang.gov.cn/")
    own = make_link("420502", ServiceCategory.FINANCE, "西陵贴息", "https://www.xiling.gov.cn/jrfw/")
    make_link("420506", ServiceCategory.TALENT, "夷陵人才驿站", "https://www.yiling.gov.cn/rcyz/")
    make_link("420500", ServiceCategory.TRADE, "停用的外贸服务", "https://old.example.gov.cn/", active=False)

    assert set(directory.public_links(region("420502"))) == {province, city, own}
    assert set(directory.public_links(region("420500"))) == {province, city}
    assert set(directory.public_links(region("420000"))) == {province}
    assert set(directory.public_links(region("420502"), category=ServiceCategory.FINANCE)) == {city, own}


def test_within_a_category_the_order_comes_first_then_the_nearest_region():
    province = make_link("420000", ServiceCategory.FINANCE, "省级融资", "https://a.example.gov.cn/", order=10)
    city = make_link("420500", ServiceCategory.FINANCE, "市级融资", "https://b.example.gov.cn/", order=10)
    first = make_link("420000", ServiceCategory.FINANCE, "置顶融资", "https://c.example.gov.cn/", order=1)

    finance = next(
        c
        for s in directory.grouped(directory.public_links(region("420502")))
        for c in s["categories"]
        if c["value"] == "finance"
    )
    assert finance["links"] == [first, city, province]


def test_the_page_opens_on_the_signed_in_enterprises_region(client):
    user = EnterpriseUserFactory()
    EnterpriseMemberFactory(user=user, enterprise=EnterpriseFactory(region=region("420506")))
    client.force_login(user)

    response = client.get(reverse("engagement:directory"))

    assert response.context["region"].code == "420506"


def test_a_visitor_sees_the_platforms_city(client):
    assert client.get(reverse("engagement:directory")).context["region"].code == "420500"


# Search


def test_a_link_is_found_by_a_keyword_and_an_inactive_one_is_not(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        active = make_link(
            "420500", ServiceCategory.TECHNOLOGY, "宜昌科创服务", "https://kj.example.gov.cn/", keywords="专利 商标"
        )
        make_link(
            "420500",
            ServiceCategory.LEGAL,
            "旧的商标代理",
            "https://old.example.gov.cn/",
            keywords="商标",
            active=False,
        )

    hits = search_query.search("商标", kind=SearchDocument.Kind.SERVICE)

    assert [h.object_id for h in hits[:10]] == [active.pk]
    document = SearchDocument.objects.get(object_id=active.pk, kind="service")
    assert document.url == f"/services/?region=420500&category=technology#service-{active.pk}"
    assert document.facets == {"region": active.region_id, "category": "technology", "section": "value_added"}


def test_deactivating_a_link_takes_it_out_of_the_results(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        link = make_link("420500", keywords="合同审查")
    assert search_query.search("合同审查", kind="service").found == 1

    with django_capture_on_commit_callbacks(execute=True):
        link.active = False
        link.save()
    assert search_query.search("合同审查", kind="service").found == 0

    with django_capture_on_commit_callbacks(execute=True):
        link.delete()
    assert not SearchDocument.objects.filter(kind="service").exists()


def test_search_suggestions_say_a_title_is_a_service(django_capture_on_commit_callbacks, client):
    with django_capture_on_commit_callbacks(execute=True):
        make_link("420500", ServiceCategory.FINANCE, "融资担保服务", "https://db.example.gov.cn/")

    data = client.get(reverse("policies:suggest"), {"q": "融资担保"}).json()

    assert [(t["title"], t["kind"], t["kind_label"]) for t in data["titles"]] == [
        ("融资担保服务", "service", "办事服务")
    ]


# The public page


def test_the_page_lists_sections_and_categories_with_external_links(client):
    link = make_link("420000", ServiceCategory.ONE_THING, "高效办成一件事", "https://zwfw.hubei.gov.cn/yjs")

    response = client.get(reverse("engagement:directory"), {"region": "420502"})
    page = response.content.decode()

    assert [s["label"] for s in response.context["sections"]] == ["办事服务", "增值服务"]
    assert [c["label"] for c in response.context["sections"][0]["categories"]] == [
        "法人服务",
        "高效办成一件事",
        "一业一证",
        "个人服务",
    ]
    assert (
        '<a href="https://zwfw.hubei.gov.cn/yjs" target="_blank" rel="noopener noreferrer" class="external">'
        "高效办成一件事" in page
    )
    assert f'id="service-{link.pk}"' in page
    assert "（外部链接，在新窗口打开）" in page


def test_a_category_and_a_query_narrow_the_page(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        loan = make_link(
            "420500", ServiceCategory.FINANCE, "企业融资服务", "https://a.example.gov.cn/", keywords="贷款"
        )
        make_link("420500", ServiceCategory.FINANCE, "政府性融资担保", "https://b.example.gov.cn/", keywords="担保")
        make_link("420502", ServiceCategory.LEGAL, "法律顾问", "https://c.example.gov.cn/", keywords="贷款纠纷 合同")
        make_link("420506", ServiceCategory.FINANCE, "夷陵贷款贴息", "https://d.example.gov.cn/", keywords="贷款")

    response = client.get(reverse("engagement:directory"), {"region": "420502", "category": "finance", "q": "贷款"})

    shown = [link for s in response.context["sections"] for c in s["categories"] for link in c["links"]]
    assert shown == [loan]
    assert response.context["found"] == 1
    assert "找到 1 个服务" in response.content.decode()


def test_nothing_found_says_so_and_bad_parameters_are_ignored(client):
    make_link("420500")

    response = client.get(
        reverse("engagement:directory"), {"region": "999999", "category": "<script>", "q": "火星基地"}
    )

    assert response.status_code == 200
    assert response.context["region"].code == "420500"
    assert response.context["category"] == ""
    assert "没有找到相关服务" in response.content.decode()


def test_the_demo_loads_twice_without_duplicates_and_without_the_network(monkeypatch):
    import requests

    def no_network(*args, **kwargs):
        raise AssertionError("the demo must not reach the network")

    monkeypatch.setattr(requests.Session, "request", no_network)
    demo_directory.load()
    count = ServiceLink.objects.count()
    demo_directory.load()

    assert count == len(demo_directory.LINKS) == 17
    assert ServiceLink.objects.count() == 17
    value_added = ServiceLink.objects.filter(
        category__in=[c for c, s in CATEGORY_SECTION.items() if s == "value_added"]
    )
    assert value_added.count() == 12
    assert set(ServiceLink.objects.filter(region__code="420000").values_list("category", flat=True)) >= {
        "legal_person",
        "one_thing",
        "one_licence",
    }
    assert ServiceLink.history.count() == 17


# Curators


def county_bureau_editor():
    from portal.org.models import Department, Role
    from tests.factories.org import DepartmentFactory, staff_member

    bureau = DepartmentFactory(
        name="夷陵区政务服务和数据管理局", region=region("420506"), kind=Department.Kind.DATA_BUREAU
    )
    return staff_member(bureau, Role.EDITOR)


def test_each_bureau_curates_its_region_and_below_platform_admins_everything():
    from tests.backoffice.conftest import staff_by_login

    staff = staff_by_login()
    county = county_bureau_editor()
    codes = lambda ids: {r.code for r in Region.objects.filter(pk__in=ids)}  # noqa: E731

    assert directory.curated_region_ids(staff["platform_admin"]) is None
    assert codes(directory.curated_region_ids(staff["sjj_approver"])) == {"420500", "420502", "420503", "420506"}
    assert codes(directory.curated_region_ids(county)) == {"420506"}
    assert directory.curated_region_ids(staff["sjj_supervisor"]) == set()
    assert directory.curated_region_ids(staff["kjj_editor"]) == set()
    assert directory.may_view_back_office(staff["sjj_supervisor"])
    assert not directory.may_view_back_office(staff["kjj_editor"])
    assert not directory.may_curate(county, region("420500").pk)


def test_dead_links_are_told_to_the_curators_of_their_region_and_above():
    from tests.backoffice.conftest import staff_by_login

    staff = staff_by_login()
    county = county_bureau_editor()

    assert directory.curators_of(region("420506")) == sorted(
        [staff["platform_admin"].pk, staff["sjj_approver"].pk, county.pk]
    )
    assert directory.curators_of(region("420502")) == sorted([staff["platform_admin"].pk, staff["sjj_approver"].pk])
    assert directory.curators_of(region("420000")) == [staff["platform_admin"].pk]
