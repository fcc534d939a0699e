"""部门批量推送 (常州 §17): the push page of a matter, through a small matter admin on its own admin site."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import include, path, reverse

from matters import matching
from matters.admin_push import MatterPushAdminMixin
from matters.models import Matter, PushRecord
from portal.core.workflow_admin import WorkflowAdmin
from portal.notify.models import FanOut, OutboxMessage, SiteMessage
from portal.org.admin_mixins import DepartmentScopedAdmin
from portal.org.roles import Role
from tests.factories.enterprises import EnterpriseMemberFactory, uscc_for
from tests.factories.org import CountyFactory
from tests.factories.policies import member
from tests.matters.test_matching import company, draft, publish, published

site = admin.AdminSite(name="push_admin")


class MatterPushTestAdmin(MatterPushAdminMixin, WorkflowAdmin, DepartmentScopedAdmin, admin.ModelAdmin):
    fields = ["name"]


site.register(Matter, MatterPushTestAdmin)
urlpatterns = [path("push-admin/", site.urls), path("", include("portal.urls"))]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def push_url(matter) -> str:
    return reverse("push_admin:matters_matter_push", args=[matter.pk])


def batch_sms():
    return OutboxMessage.objects.filter(template__code=matching.SMS_BATCH)


@pytest.fixture
def queued(monkeypatch):
    """The broker messages a request leaves for after its commit (task name, arguments)."""
    sent = []
    monkeypatch.setattr("portal.core.tasks.publish", lambda task, *args: sent.append((task.name, args)))
    return sent


@pytest.fixture
def matter(register):
    """Published after the register exists, so its near misses and unknowns are stored."""
    return published()


@pytest.fixture
def editor(client, matter):
    user = member(matter.department, Role.EDITOR)
    client.force_login(user)
    return user


@pytest.fixture
def register():
    xiling = CountyFactory()
    wujiagang = CountyFactory(code="420503", name="伍家岗区")
    return {
        "near": [company(1500, 80, region=xiling), company(1900, 60, region=wujiagang)],
        "unknown": [company(region=xiling)],
    }


def preview(client, matter, **data):
    response = client.post(push_url(matter), {"preview": "1", **data})
    assert response.status_code == 200
    return response


def confirm(client, matter, response, django_capture_on_commit_callbacks):
    data = {
        name: value
        for name, value in response.context["form"].initial.items()
        if name in ("audience", "usccs", "fingerprint")
    }
    region = response.context["form"].initial.get("region")
    if region:
        data["region"] = region.pk
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(push_url(matter), {**data, "confirm": "1"})


def test_the_change_page_offers_the_push_to_who_may_push(client, editor, matter):
    response = client.get(reverse("push_admin:matters_matter_change", args=[matter.pk]))
    assert f'href="{push_url(matter)}"' in response.text
    client.force_login(member(matter.department, Role.REVIEWER))
    response = client.get(reverse("push_admin:matters_matter_change", args=[matter.pk]))
    assert push_url(matter) not in response.text


def test_an_editor_previews_then_confirms_a_push_to_the_near_misses(
    client, editor, matter, register, queued, django_capture_on_commit_callbacks
):
    legal_rep = EnterpriseMemberFactory(enterprise=register["near"][0]).user
    assert client.get(push_url(matter)).status_code == 200

    response = preview(client, matter, audience="near_miss")
    assert "共选中2家企业，其中2家将收到推送" in response.text
    assert not PushRecord.objects.filter(kind="batch").exists(), "a preview writes nothing"

    response = confirm(client, matter, response, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("push_admin:matters_matter_change", args=[matter.pk])
    records = PushRecord.objects.filter(matter=matter, kind="batch")
    assert set(records.values_list("enterprise", flat=True)) == {e.pk for e in register["near"]}
    assert set(records.values_list("by", flat=True)) == {editor.pk}
    (_task, (key,)) = next(q for q in queued if q[0] == "matters.deliver_batch")

    assert matching.deliver_batch(key) == 2
    assert batch_sms().count() == 2
    assert str(matter.department) in batch_sms().first().text
    assert SiteMessage.objects.get(user=legal_rep).link == matter.get_absolute_url()
    assert FanOut.objects.get(key=key).finished_at is not None


def test_confirming_the_same_push_again_tells_nobody_twice(
    client, editor, matter, register, queued, django_capture_on_commit_callbacks
):
    for _attempt in range(2):
        response = confirm(
            client, matter, preview(client, matter, audience="near_miss"), django_capture_on_commit_callbacks
        )
        assert response.status_code == 302
    for _name, (key,) in [q for q in queued if q[0] == "matters.deliver_batch"]:
        matching.deliver_batch(key)
    for key in matching.unfinished_batches():
        matching.deliver_batch(key)

    assert PushRecord.objects.filter(matter=matter, kind="batch").count() == 2
    assert batch_sms().count() == 2
    response = preview(client, matter, audience="near_miss")
    assert "其中0家将收到推送，2家此前已推送过该事项" in response.text
    assert 'name="confirm"' not in response.text


def test_a_region_narrows_the_stored_results(client, editor, matter, register):
    response = preview(client, matter, audience="near_miss", region=CountyFactory(code="420503").pk)
    assert "共选中1家企业" in response.text
    assert register["near"][1].uscc in response.text
    assert register["near"][0].uscc not in response.text


def test_a_pasted_list_is_normalised_and_every_bad_line_is_reported(
    client, editor, matter, register, queued, django_capture_on_commit_callbacks
):
    first, second = register["near"]
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in first.uscc)
    wrong_check = second.uscc[:17] + ("0" if second.uscc[17] != "0" else "1")
    lines = [
        f"{fullwidth}\t宜昌测试科技有限公司",
        "",
        f"{second.uscc[:8]}-{second.uscc[8:].lower()}",
        wrong_check,
        "abc",
        first.uscc,
        "9.14205E+17",
        uscc_for(987654),
    ]
    response = preview(client, matter, audience="list", usccs="\n".join(lines))

    assert "共选中2家企业" in response.text
    bad = response.context["preview"]["bad"]
    assert [number for number, _line, _reason in bad] == [4, 5, 6, 7, 8]
    assert "校验" in bad[0][2]
    assert "长度" in bad[1][2]
    assert "与第1行重复" in bad[2][2]
    assert "15位" in bad[3][2]
    assert bad[4] == (8, uscc_for(987654), "平台企业库中没有该统一社会信用代码")
    assert "第8行" in response.text

    assert confirm(client, matter, response, django_capture_on_commit_callbacks).status_code == 302
    assert set(PushRecord.objects.filter(kind="batch").values_list("enterprise", flat=True)) == {first.pk, second.pk}


def test_a_valid_code_not_in_the_register_is_reported(client, editor, matter, register):
    stranger = uscc_for(987654)
    response = preview(client, matter, audience="list", usccs=f"{register['near'][0].uscc}\n{stranger}")
    assert response.context["preview"]["bad"] == [(2, stranger, "平台企业库中没有该统一社会信用代码")]
    assert "共选中1家企业" in response.text


def test_a_list_push_without_codes_is_refused_with_a_message(client, editor, matter):
    response = preview(client, matter, audience="list", usccs="  \n ")
    assert "请粘贴统一社会信用代码" in response.text
    assert response.context["preview"] is None


def test_confirming_something_else_than_was_previewed_shows_the_preview_again(client, editor, matter, register):
    response = preview(client, matter, audience="near_miss")
    fingerprint = response.context["form"].initial["fingerprint"]
    response = client.post(push_url(matter), {"audience": "unknown", "fingerprint": fingerprint, "confirm": "1"})
    assert response.status_code == 200
    assert "共选中1家企业" in response.text
    assert not PushRecord.objects.filter(kind="batch").exists()


def test_who_may_not_push_is_refused(client, matter, register):
    client.force_login(member(matter.department, Role.REVIEWER))
    assert client.get(push_url(matter)).status_code == 403
    assert client.post(push_url(matter), {"audience": "eligible", "confirm": "1"}).status_code == 403

    other = published()
    client.force_login(member(other.department, Role.EDITOR))
    assert client.get(push_url(matter)).status_code == 404
    assert not PushRecord.objects.filter(kind="batch").exists()


def test_a_matter_not_published_cannot_be_pushed(client):
    matter = draft()
    client.force_login(member(matter.department, Role.EDITOR))
    response = client.get(push_url(matter), follow=True)
    assert "只有已上架的事项可以批量推送" in response.text
    publish(matter)
    assert client.get(push_url(matter)).status_code == 200


def test_the_push_sms_names_the_matter_window_amount_and_link(
    client, editor, matter, register, queued, django_capture_on_commit_callbacks
):
    Matter.objects.filter(pk=matter.pk).update(support_amount=Decimal("500000"))
    confirm(client, matter, preview(client, matter, audience="unknown"), django_capture_on_commit_callbacks)
    (key,) = matching.unfinished_batches()
    matching.deliver_batch(key)
    text = batch_sms().get().text
    assert "预计可获50万元" in text and "常年申报" in text and f"/matters/{matter.code}/" in text
