"""SMS templates (短信模板) and the back office."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.notify.models import OutboxMessage, SmsTemplate
from portal.notify.services import ensure_template
from tests.factories.notify import OutboxMessageFactory, SmsTemplateFactory

pytestmark = pytest.mark.django_db


def test_a_template_lists_its_named_parameters():
    template = SmsTemplate(code="t", name="t", text="{name}您好，{matter}已受理，金额{amount}元。")

    assert template.parameters == {"name", "matter", "amount"}


@pytest.mark.parametrize(
    "text", ["您好{", "您好}", "{0}已受理", "{}已受理", "{user.password}", "{amount:.2f}元", "{name!r}", "{a b}"]
)
def test_a_malformed_template_text_is_refused(text):
    template = SmsTemplate(code="t", name="t", text=text)

    with pytest.raises(ValidationError) as refused:
        template.full_clean()

    assert "text" in refused.value.message_dict


def test_literal_braces_are_allowed_when_doubled():
    template = SmsTemplate(code="t", name="t", text="回复{{TD}}退订，{name}")

    template.full_clean()
    assert template.render({"name": "张三"}) == "回复{TD}退订，张三"


def test_sample_params_must_match_the_text():
    template = SmsTemplate(code="t", name="t", text="{name}您好", sample_params={"nmae": "张三"})

    with pytest.raises(ValidationError) as refused:
        template.full_clean()

    assert "sample_params" in refused.value.message_dict


def test_the_preview_uses_sample_params_or_placeholders():
    template = SmsTemplate(code="t", name="t", text="{name}您好，{matter}已受理", sample_params={"name": "张三"})

    assert template.preview() == "张三您好，〈matter〉已受理"


def test_ensure_template_creates_once_and_keeps_staff_edits():
    ensure_template("payout-paid", "兑付到账通知", "您的{matter}补贴{amount}元已拨付。")
    SmsTemplate.objects.filter(code="payout-paid").update(text="【惠企】您的{matter}补贴{amount}元已到账。")

    again = ensure_template("payout-paid", "兑付到账通知", "您的{matter}补贴{amount}元已拨付。")

    assert again.text == "【惠企】您的{matter}补贴{amount}元已到账。"
    assert SmsTemplate.objects.filter(code="payout-paid").count() == 1


def test_ensure_template_refuses_a_malformed_text():
    with pytest.raises(ValidationError):
        ensure_template("bad", "坏模板", "您好{")


def test_template_edits_are_kept_in_history():
    template = SmsTemplateFactory(text="{name}您好")
    template.text = "尊敬的{name}您好"
    template.save()

    assert [h.text for h in template.history.all()] == ["尊敬的{name}您好", "{name}您好"]


@pytest.fixture
def staff_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("notify-admin", "admin@example.cn", "x-Secret-2026")
    client.force_login(admin)
    return client


def test_the_outbox_list_shows_masked_phones_only(staff_client):
    OutboxMessageFactory(phone="13812345678")

    response = staff_client.get(reverse("admin:notify_outboxmessage_changelist"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "138****5678" in page
    assert "13812345678" not in page


def test_the_outbox_detail_shows_the_masked_phone_only(staff_client):
    message = OutboxMessageFactory(phone="13812345678")

    response = staff_client.get(reverse("admin:notify_outboxmessage_change", args=[message.pk]))

    page = response.content.decode()
    assert "138****5678" in page
    assert "13812345678" not in page


def test_the_outbox_is_searched_by_full_phone_number(staff_client):
    OutboxMessageFactory(phone="13812345678")
    OutboxMessageFactory(phone="13900001111")

    response = staff_client.get(reverse("admin:notify_outboxmessage_changelist"), {"q": "138 1234 5678"})

    assert response.context["cl"].result_count == 1


def test_the_outbox_is_read_only_in_the_admin(staff_client):
    message = OutboxMessageFactory()

    response = staff_client.post(
        reverse("admin:notify_outboxmessage_change", args=[message.pk]), {"status": OutboxMessage.Status.SENT}
    )

    message.refresh_from_db()
    assert response.status_code in (200, 403)
    assert message.status == OutboxMessage.Status.QUEUED


def test_resend_puts_failed_messages_back_in_the_queue(staff_client, clock):
    failed = OutboxMessageFactory(status=OutboxMessage.Status.FAILED, attempts=8, last_error="timeout")
    sent = OutboxMessageFactory(status=OutboxMessage.Status.SENT, sent_at=clock.now)

    staff_client.post(
        reverse("admin:notify_outboxmessage_changelist"),
        {"action": "resend", "_selected_action": [failed.pk, sent.pk]},
    )

    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.status == OutboxMessage.Status.QUEUED
    assert failed.attempts == 0
    assert failed.next_attempt_at == clock.now
    assert sent.status == OutboxMessage.Status.SENT


def test_the_template_admin_shows_a_preview(staff_client):
    template = SmsTemplateFactory(text="{name}您好", sample_params={"name": "张三"})

    response = staff_client.get(reverse("admin:notify_smstemplate_change", args=[template.pk]))

    assert "张三您好" in response.content.decode()


def test_the_outbox_detail_hides_verification_codes(staff_client, code_template):
    message = OutboxMessageFactory(template=code_template, params={"code": "483920"})

    response = staff_client.get(reverse("admin:notify_outboxmessage_change", args=[message.pk]))

    page = response.content.decode()
    assert "您的验证码为******，5分钟内有效。" in page
    assert "483920" not in page


def test_a_webhook_endpoint_is_added_in_the_admin_with_a_secret_never_shown_again(staff_client):
    from portal.notify.models import WebhookEndpoint

    response = staff_client.post(
        reverse("admin:notify_webhookendpoint_add"),
        {"code": "hotline-12345", "name": "12345热线", "url": "https://12345.example.cn/hook", "secret": "s3cret-Key"},
    )

    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get(code="hotline-12345")
    assert endpoint.secret == "s3cret-Key"
    page = staff_client.get(reverse("admin:notify_webhookendpoint_change", args=[endpoint.pk])).content.decode()
    assert "s3cret-Key" not in page


def test_leaving_the_secret_empty_keeps_the_old_one(staff_client):
    from portal.notify.models import WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(
        code="dept", name="部门系统", url="https://a.example.cn/", secret="old-Key"
    )

    staff_client.post(
        reverse("admin:notify_webhookendpoint_change", args=[endpoint.pk]),
        {"code": "dept", "name": "部门系统", "url": "https://b.example.cn/", "secret": "", "active": "on"},
    )

    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.secret) == ("https://b.example.cn/", "old-Key")


def test_a_new_webhook_endpoint_needs_a_secret(staff_client):
    response = staff_client.post(
        reverse("admin:notify_webhookendpoint_add"),
        {"code": "dept", "name": "部门系统", "url": "https://a.example.cn/", "secret": ""},
    )

    assert response.status_code == 200
    assert "请填写签名密钥" in response.content.decode()
