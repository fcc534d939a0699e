"""The curators' back office of the service directory: forms, who may change which region's links, link health."""

import pytest
from django.utils import timezone

from engagement.models.directory import ServiceLink
from portal.org.models import Region
from tests.backoffice.conftest import demo_org, staff_by_login  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_org")]

ADD = "/admin/engagement/servicelink/add/"
LIST = "/admin/engagement/servicelink/"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


def signed_in(client, login):
    client.force_login(staff_by_login()[login])
    return client


def region(code):
    return Region.objects.get(code=code)


def form(**changes):
    data = {
        "region": str(region("420502").pk),
        "category": "legal",
        "title": "西陵区公共法律服务",
        "url": "https://www.xiling.gov.cn/flfw/",
        "description": "合同审查、商事调解。",
        "provider": "西陵区司法局",
        "keywords": "合同 调解",
        "order": "10",
        "active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def saved_link(code, title="省级链接", url="https://zwfw.hubei.gov.cn/frfw"):
    return ServiceLink.objects.create(region=region(code), category="legal_person", title=title, url=url)


def test_a_curator_adds_a_link_of_a_district(client):
    response = signed_in(client, "sjj_approver").post(ADD, form())

    assert response.status_code == 302
    link = ServiceLink.objects.get()
    assert (link.region.code, link.category, link.url, link.keywords) == (
        "420502",
        "legal",
        "https://www.xiling.gov.cn/flfw/",
        "合同 调解",
    )
    assert link.history.get().history_user.username == "sjj_approver"


def test_full_width_input_is_folded(client):
    typed = form(url="ＨＴＴＰＳ：／／ＷＷＷ．ＸＩＬＩＮＧ．ＧＯＶ．ＣＮ／ｆｌｆｗ", keywords="合同，调解")

    assert signed_in(client, "sjj_approver").post(ADD, typed).status_code == 302
    link = ServiceLink.objects.get()
    assert (link.url, link.keywords) == ("https://www.xiling.gov.cn/flfw", "合同 调解")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(document.cookie)", "网址只能以 http:// 或 https:// 开头"),
        ("  JAVASCRIPT:alert(1)", "网址只能以 http:// 或 https:// 开头"),
        ("www.xiling.gov.cn", "网址只能以 http:// 或 https:// 开头"),
        ("https://", "网址缺少域名，如 https://www.hbzwfw.gov.cn/"),
        ("https://a b.cn/", "网址中不能有空格"),
        ("", "该字段是必填项。"),
    ],
)
def test_a_bad_address_is_refused_with_a_chinese_message_and_nothing_saved(client, url, message):
    response = signed_in(client, "sjj_approver").post(ADD, form(url=url))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"] == [message]
    assert not ServiceLink.objects.exists()


def test_an_empty_title_and_an_unknown_category_are_refused(client):
    response = signed_in(client, "sjj_approver").post(ADD, form(title="", category="lottery"))

    errors = response.context["adminform"].form.errors
    assert errors["title"] == ["该字段是必填项。"]
    assert errors["category"] == ["选择一个有效的选项。 lottery 不在可用的选项中。"]
    assert not ServiceLink.objects.exists()


def test_the_same_address_twice_in_one_category_and_region_is_refused(client):
    signed_in(client, "sjj_approver").post(ADD, form())
    response = client.post(ADD, form(title="重复"))

    assert response.status_code == 200
    assert ServiceLink.objects.count() == 1


def test_the_city_data_bureau_may_not_choose_the_province(client):
    response = signed_in(client, "sjj_approver").post(ADD, form(region=str(region("420000").pk)))

    assert response.context["adminform"].form.errors["region"] == ["选择一个有效的选项： 该选择不在可用的选项中。"]
    choices = {r.code for r in response.context["adminform"].form.fields["region"].queryset}
    assert choices == {"420500", "420502", "420503", "420506"}
    assert not ServiceLink.objects.exists()


def test_the_province_link_is_hidden_from_the_city_and_open_to_the_platform_admin(client):
    province = saved_link("420000")
    city = saved_link("420500", "宜昌市企业专区", "https://zwfw.yichang.gov.cn/qyzq/")

    signed_in(client, "sjj_approver")
    assert [link.pk for link in client.get(LIST).context["cl"].result_list] == [city.pk]
    assert client.get(f"{LIST}{province.pk}/change/").status_code == 404
    assert client.post(f"{LIST}{province.pk}/change/", form(region=str(province.region_id))).status_code == 404
    assert client.post(f"{LIST}{province.pk}/delete/", {"post": "yes"}).status_code == 404
    assert ServiceLink.objects.filter(pk=province.pk, title="省级链接").exists()

    signed_in(client, "platform_admin")
    changed = form(region=str(province.region_id), category="legal_person", title="法人服务专区")
    assert client.post(f"{LIST}{province.pk}/change/", changed).status_code == 302
    assert ServiceLink.objects.get(pk=province.pk).title == "法人服务专区"


def test_a_supervisor_reads_every_link_and_changes_none(client):
    province = saved_link("420000")

    signed_in(client, "sjj_supervisor")
    assert [link.pk for link in client.get(LIST).context["cl"].result_list] == [province.pk]
    assert client.get(f"{LIST}{province.pk}/change/").status_code == 200
    assert client.post(f"{LIST}{province.pk}/change/", form(title="改")).status_code == 403
    assert client.get(ADD).status_code == 403
    assert ServiceLink.objects.get(pk=province.pk).title == "省级链接"


@pytest.mark.parametrize("login", ["kjj_editor", "czj_finance", "zwfw_clerk", "cyzx_operator"])
def test_other_staff_do_not_see_the_directory(client, login):
    link = saved_link("420500")

    signed_in(client, login)
    assert client.get(LIST).status_code == 403
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, form()).status_code == 403
    assert client.post(f"{LIST}{link.pk}/change/", form(title="改")).status_code in (403, 404)
    assert "servicelink" not in client.get("/admin/").content.decode()
    assert ServiceLink.objects.count() == 1


def test_the_list_flags_dead_links_and_filters_them(client):
    alive = saved_link("420500", "正常链接", "https://ok.example.gov.cn/")
    dead = saved_link("420502", "失效链接", "https://dead.example.gov.cn/")
    now = timezone.now()
    ServiceLink.objects.filter(pk=alive.pk).update(last_checked_at=now, last_status=200)
    ServiceLink.objects.filter(pk=dead.pk).update(
        last_checked_at=now, last_status=404, consecutive_failures=1, failing_since=now
    )

    signed_in(client, "sjj_approver")
    failing = client.get(LIST, {"health": "failing"})
    assert [link.pk for link in failing.context["cl"].result_list] == [dead.pk]
    assert '<strong class="status-overdue">失效</strong>' in failing.content.decode()
    assert [link.pk for link in client.get(LIST, {"health": "ok"}).context["cl"].result_list] == [alive.pk]
    detail = client.get(f"{LIST}{dead.pk}/change/").content.decode()
    assert '<strong class="status-overdue">失效</strong>（状态码 404）' in detail


def test_correcting_the_address_of_a_dead_link_clears_its_failure(client):
    dead = saved_link("420502", "失效链接", "https://dead.example.gov.cn/")
    now = timezone.now()
    ServiceLink.objects.filter(pk=dead.pk).update(
        last_checked_at=now, last_status=404, consecutive_failures=3, failing_since=now
    )

    fixed = form(
        region=str(dead.region_id), category="legal_person", title="失效链接", url="https://new.example.gov.cn/"
    )
    assert signed_in(client, "sjj_approver").post(f"{LIST}{dead.pk}/change/", fixed).status_code == 302

    dead.refresh_from_db()
    assert (dead.url, dead.consecutive_failures, dead.failing_since, dead.last_checked_at, dead.last_status) == (
        "https://new.example.gov.cn/",
        0,
        None,
        None,
        None,
    )


def test_changing_only_the_title_keeps_the_links_health(client):
    dead = saved_link("420502", "失效链接", "https://dead.example.gov.cn/")
    now = timezone.now()
    ServiceLink.objects.filter(pk=dead.pk).update(
        last_checked_at=now, last_status=404, consecutive_failures=3, failing_since=now
    )

    renamed = form(
        region=str(dead.region_id), category="legal_person", title="改名", url="https://dead.example.gov.cn/"
    )
    assert signed_in(client, "sjj_approver").post(f"{LIST}{dead.pk}/change/", renamed).status_code == 302

    dead.refresh_from_db()
    assert (dead.title, dead.consecutive_failures, dead.failing_since) == ("改名", 3, now)
