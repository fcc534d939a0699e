"""The outbox (发件箱) for every outbound delivery — SMS (短信) and webhooks (推送) — and site messages (站内信).

Nothing is sent from a web request: a caller writes an `OutboxMessage` in its
own transaction, and the dispatcher (`tasks.dispatch_outbox`) sends it later
through the row's delivery channel (`channels.channels`).
"""

import re
import string
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.core.crypto import EncryptedCharField, EncryptedJSONField, mask_phone

_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def template_parameters(text: str) -> set[str]:
    """The named `{param}` parameters of a template text; ValidationError when the text is malformed.

    Only plain names are allowed: no positional `{}`, no attribute or index
    access, no format spec — staff write these texts, and a template must never
    reach into the objects it is rendered with.
    """
    names = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValidationError(_("短信内容的花括号不成对：参数写作 {参数名}，字面花括号写作 {{ 或 }}")) from exc
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not _PARAM_NAME.match(name) or spec or conversion:
            raise ValidationError(
                _("短信参数“{%(name)s}”不合法：参数名只能由字母、数字和下划线组成，且不能以数字开头"),
                params={"name": name},
            )
        names.add(name)
    return names


class SmsTemplate(models.Model):
    """An SMS template (短信模板): Chinese text with named `{param}` parameters, edited by staff."""

    code = models.SlugField(_("模板编码"), max_length=64, unique=True)
    name = models.CharField(_("模板名称"), max_length=100)
    text = models.TextField(_("短信内容"), help_text=_("参数写作 {参数名}，例如：您的验证码为{code}，5分钟内有效。"))
    urgent = models.BooleanField(
        _("紧急"), default=False, help_text=_("紧急短信不受夜间免打扰时段和每日条数上限限制，例如验证码。")
    )
    active = models.BooleanField(_("启用"), default=True)
    provider_template_code = models.CharField(
        _("服务商模板编号"),
        max_length=64,
        blank=True,
        help_text=_("云短信服务商审核通过的模板编号，例如 SMS_123456789。"),
    )
    sample_params = models.JSONField(_("示例参数"), default=dict, blank=True, help_text=_("用于后台预览的示例参数。"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("短信模板")
        verbose_name_plural = _("短信模板")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def parameters(self) -> set[str]:
        return template_parameters(self.text)

    def clean(self):
        super().clean()
        try:
            names = self.parameters
        except ValidationError as exc:
            raise ValidationError({"text": exc.messages}) from exc
        if self.sample_params:
            try:
                self.check_params(self.sample_params, names)
            except ValidationError as exc:
                raise ValidationError({"sample_params": exc.messages}) from exc

    def check_params(self, params: dict, names: set[str] | None = None) -> None:
        """Refuses parameters that do not match the template's exactly (none missing, none extra)."""
        names = self.parameters if names is None else names
        if not isinstance(params, dict):
            raise ValidationError(_("短信参数必须是键值对"))
        missing = sorted(names - params.keys())
        extra = sorted(params.keys() - names)
        problems = []
        if missing:
            problems.append(_("缺少参数：%(names)s") % {"names": "、".join(missing)})
        if extra:
            problems.append(_("多余参数：%(names)s") % {"names": "、".join(extra)})
        if problems:
            raise ValidationError(
                _("短信模板“%(code)s”的参数不匹配（%(problems)s）"),
                params={"code": self.code, "problems": "；".join(str(p) for p in problems)},
            )

    def render(self, params: dict) -> str:
        self.check_params(params)
        return self.text.format_map({key: str(value) for key, value in params.items()})

    def preview(self) -> str:
        """The text with the sample parameters, or with 〈name〉 placeholders where none are given."""
        names = self.parameters
        values = {name: self.sample_params.get(name, f"〈{name}〉") for name in names}
        return self.text.format_map(values)


class WebhookEndpoint(models.Model):
    """A receiving system for webhooks (推送接收端), e.g. the 12345 hotline or a department's case system.

    Deliveries name the endpoint by `code`; its URL and secret are read at
    each attempt, so a corrected address applies to the rows still queued.
    The secret signs every request (HMAC-SHA256) and is stored encrypted.
    """

    code = models.SlugField(_("接收端编码"), max_length=64, unique=True)
    name = models.CharField(_("接收端名称"), max_length=100)
    url = models.URLField(_("推送地址"), max_length=500)
    secret = EncryptedCharField(_("签名密钥"), help_text=_("用于 HMAC-SHA256 签名，接收端用同一密钥验证请求。"))
    active = models.BooleanField(
        _("启用"), default=True, help_text=_("停用后推送暂不发送，留在发件箱中，重新启用后继续发送。")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        verbose_name = _("推送接收端")
        verbose_name_plural = _("推送接收端")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"


class OutboxMessage(models.Model):
    """One outbound delivery in the outbox (发件箱), from queued to sent, failed or suppressed.

    `channel` names its delivery channel (`sms`, `webhook`, see
    `channels.channels`). The rows are their own log (no history table):
    every attempt updates `attempts`, `last_error` and the receiver's answer
    in place. `next_attempt_at` is when the row is next due: for a `queued`
    row the earliest send time (after quiet hours, after a back-off), for a
    `sending` row the end of the dispatcher's lease.

    An SMS row carries the phone, template, parameters and text, all but the
    template encrypted at rest (they carry verification codes), so none of
    them can be filtered on: find a phone's rows by `phone_digest`. A webhook
    row carries the endpoint's code in `target` and the event and its data in
    `params` (encrypted too). Rows sharing an `ordering_key` (one 12345
    ticket) are delivered strictly in the order they were queued: a row is not
    claimed while an earlier one with its key is queued or sending.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        SUPPRESSED = "suppressed", _("已拦截")

    message_id = models.UUIDField(_("消息编号"), default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("投递渠道"), max_length=32, default="sms")
    target = models.CharField(_("接收端"), max_length=64, blank=True, default="")
    ordering_key = models.CharField(
        _("顺序键"), max_length=200, blank=True, default="", help_text=_("顺序键相同的推送按排队先后逐条送达。")
    )
    phone = EncryptedCharField(_("手机号码"), blank=True, default="")
    phone_digest = models.CharField(
        _("手机号码摘要"), max_length=64, blank=True, default="", db_index=True, editable=False
    )
    template = models.ForeignKey(
        SmsTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("模板"),
    )
    # encrypted like the phone: both carry verification codes, which must never be readable in the database
    params = EncryptedJSONField(_("参数"), default=dict, blank=True)
    text = EncryptedCharField(_("短信内容"), blank=True, default="")
    dedupe_key = models.CharField(_("去重键"), max_length=200, unique=True)
    urgent = models.BooleanField(_("紧急"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送时间"))
    provider = models.CharField(_("服务商"), max_length=64, blank=True)
    provider_message_id = models.CharField(_("服务商消息编号"), max_length=128, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发件箱")
        verbose_name_plural = _("发件箱")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notify_outbox_due_idx"),
            models.Index(fields=["phone_digest", "created_at"], name="notify_outbox_phone_day_idx"),
            # the claim's "no earlier row of this key still pending" probe
            models.Index(
                fields=["ordering_key", "id"], condition=~Q(ordering_key=""), name="notify_outbox_ordering_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sending", "sent", "failed", "suppressed"]),
                name="notify_outbox_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="notify_outbox_sent_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(channel="sms") | (Q(template__isnull=False) & ~Q(phone_digest="")),
                name="notify_outbox_sms_has_phone_and_template",
            ),
            models.CheckConstraint(
                condition=~Q(channel="webhook") | ~Q(target=""), name="notify_outbox_webhook_has_target"
            ),
        ]

    def __str__(self):
        if self.channel == "sms":
            return f"{self.masked_phone} · {self.template.code} · {self.get_status_display()}"
        return f"{self.channel} · {self.target} · {self.get_status_display()}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class SiteMessage(models.Model):
    """A site message (站内信) in one user's inbox in the enterprise space."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="site_messages", verbose_name=_("收件人")
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("站内信")
        verbose_name_plural = _("站内信")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notify_sitemsg_unread_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=Q(dedupe_key__isnull=False),
                name="notify_sitemsg_dedupe_per_user",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class FanOut(models.Model):
    """A fan-out (群发): one notice to many recipients, worked through in chunks, each its own transaction.

    The row is the job and its bookmark: `cursor` is the position (an
    ordering key of the recipients, e.g. a subscription id) of the last
    recipient whose messages are committed, advanced in the same transaction
    as that chunk's messages. A crash loses at most the chunk in progress,
    which is rolled back whole and done again from the cursor.
    """

    key = models.CharField(_("群发编号"), max_length=200, unique=True)
    cursor = models.BigIntegerField(_("已处理到"), default=0)
    recipients = models.PositiveIntegerField(_("已通知人数"), default=0)
    chunks = models.PositiveIntegerField(_("已完成批次"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("群发任务")
        verbose_name_plural = _("群发任务")
        ordering = ["-created_at"]

    def __str__(self):
        return self.key
