import json
import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal.core.crypto import digest

from . import services
from .channels import channels
from .models import FanOut, OutboxMessage, SiteMessage, SmsTemplate, WebhookEndpoint


@admin.register(SmsTemplate)
class SmsTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "urgent", "active", "updated_at"]
    list_filter = ["active", "urgent"]
    search_fields = ["code", "name", "text"]
    readonly_fields = ["preview", "created_at", "updated_at"]
    fields = ["code", "name", "text", "sample_params", "preview", "urgent", "active", "provider_template_code"]

    @admin.display(description=_("预览"))
    def preview(self, obj):
        if obj is None or not obj.text:
            return "—"
        try:
            return obj.preview()
        except ValidationError as exc:
            return "；".join(exc.messages)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


_DIGIT_RUN = re.compile(r"\d{4,}")


def mask_digits(text: str) -> str:
    """Hides every run of four or more digits: verification codes, numbers and amounts stay out of the back office."""
    return _DIGIT_RUN.sub(lambda match: "*" * len(match.group()), text)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "channel_label",
        "recipient",
        "template",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "channel", "template"]
    list_select_related = ["template"]
    search_fields = ["dedupe_key", "ordering_key", "provider_message_id"]
    date_hierarchy = "created_at"
    # the clear phone number is never shown, nor digits in the text: a verification code must not
    # be readable by back-office staff
    fields = [
        "message_id",
        "channel_label",
        "target",
        "ordering_key",
        "masked_phone",
        "template",
        "masked_params",
        "masked_text",
        "dedupe_key",
        "urgent",
        "status",
        "attempts",
        "next_attempt_at",
        "provider",
        "provider_message_id",
        "last_error",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields
    actions = ["resend"]

    @admin.display(description=_("手机号码"))
    def masked_phone(self, obj):
        return obj.masked_phone

    @admin.display(description=_("投递渠道"), ordering="channel")
    def channel_label(self, obj):
        return dict(channels.choices()).get(obj.channel, obj.channel)

    @admin.display(description=_("接收方"))
    def recipient(self, obj):
        return obj.masked_phone if obj.channel == "sms" else obj.target

    @admin.display(description=_("短信内容"))
    def masked_text(self, obj):
        return mask_digits(obj.text)

    @admin.display(description=_("参数"))
    def masked_params(self, obj):
        return mask_digits(json.dumps(obj.params, ensure_ascii=False))

    def get_search_results(self, request, queryset, search_term):
        """A full phone number finds its messages through the digest (the number itself is encrypted)."""
        try:
            phone = services.normalize_phone(search_term)
        except ValidationError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(phone_digest=digest(phone)), False

    def get_actions(self, request):
        # the resend action changes rows, so it needs the permission to change them
        actions = super().get_actions(request)
        if not request.user.has_perm("notify.change_outboxmessage"):
            actions.pop("resend", None)
        return actions

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("notify.view_outboxmessage") or request.user.has_perm(
            "notify.change_outboxmessage"
        )

    @admin.action(description=_("重新发送所选的发送失败消息"))
    def resend(self, request, queryset):
        count = sum(services.resend(message) for message in queryset.filter(status=OutboxMessage.Status.FAILED))
        skipped = queryset.count() - count
        self.message_user(request, _("已重新排队 %(count)d 条消息") % {"count": count}, messages.SUCCESS)
        if skipped:
            self.message_user(
                request, _("%(count)d 条不是“发送失败”状态，未处理") % {"count": skipped}, messages.WARNING
            )


@admin.register(SiteMessage)
class SiteMessageAdmin(ReadOnlyAdmin):
    list_display = ["title", "user", "created_at", "read_at"]
    list_filter = ["read_at"]
    list_select_related = ["user"]
    search_fields = ["title", "user__username"]
    date_hierarchy = "created_at"
    readonly_fields = ["user", "title", "body", "link", "created_at", "read_at", "dedupe_key"]


class WebhookEndpointForm(forms.ModelForm):
    """The secret is write-only: never shown again, kept when the field is left empty."""

    url = forms.URLField(label=_("推送地址"), max_length=500, assume_scheme="https")
    secret = forms.CharField(
        label=_("签名密钥"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("用于 HMAC-SHA256 签名。留空则保留原密钥。"),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["code", "name", "url", "secret", "active"]

    def clean_secret(self):
        secret = self.cleaned_data.get("secret", "")
        if secret:
            return secret
        if self.instance.pk:
            return self.instance.secret
        raise ValidationError(_("请填写签名密钥"))


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(SimpleHistoryAdmin):
    form = WebhookEndpointForm
    list_display = ["code", "name", "url", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["code", "name", "url"]


@admin.register(FanOut)
class FanOutAdmin(ReadOnlyAdmin):
    list_display = ["key", "recipients", "chunks", "created_at", "updated_at", "finished_at"]
    search_fields = ["key"]
    readonly_fields = ["key", "cursor", "recipients", "chunks", "created_at", "updated_at", "finished_at"]
