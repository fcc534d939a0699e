"""What the 12345 platform sent (12345来件记录): each ticket pushed and each event relayed, for idempotence.

One `HotlineEvent` of kind "create" per ticket holds the canonical content the platform pushed (its SHA-256 is
also the appeal's `hotline_digest`): a second push of the same 12345 ticket number is compared with it, field by
field, so a conflict names what differs. One row per relayed event (评价, 补充信息, 撤回) holds the platform's
`event_id`, the digest of its body and the outcome answered the first time: the same event again gets that
outcome back and changes nothing. Rows are written in the transaction of the change they record.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.core.crypto import EncryptedJSONField


class HotlineEventKind(models.TextChoices):
    CREATE = "create", _("来件")
    EVALUATION = "evaluation", _("评价回传")
    SUPPLEMENT = "supplement", _("补充信息")
    WITHDRAW = "withdraw", _("撤回")


class HotlineEvent(models.Model):
    """12345来件记录: one ticket push or one relayed event, with the digest of what was sent."""

    appeal = models.ForeignKey(
        "appeals.Appeal", verbose_name=_("诉求工单"), on_delete=models.CASCADE, related_name="hotline_events"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=HotlineEventKind.choices)
    event_id = models.CharField(_("12345事件编号"), max_length=64)
    digest = models.CharField(_("内容摘要"), max_length=64, help_text=_("推送内容（规范化后）的 SHA-256。"))
    # the caller's phone is in a ticket's content: stored encrypted, as the appeal's own contact phone is
    payload = EncryptedJSONField(_("推送内容"), default=dict, blank=True)
    outcome = models.JSONField(_("处理结果"), default=dict, blank=True)
    client = models.ForeignKey(
        "applications.ApiClient",
        verbose_name=_("接入标识"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["payload"])

    class Meta:
        verbose_name = _("12345来件记录")
        verbose_name_plural = _("12345来件记录")
        ordering = ["appeal", "received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appeal"], condition=Q(kind="create"), name="appeal_hotline_one_create"),
            models.UniqueConstraint(
                fields=["appeal", "event_id"], condition=~Q(kind="create"), name="appeal_hotline_event_once"
            ),
        ]

    def __str__(self):
        return f"{self.appeal_id} {self.get_kind_display()} {self.event_id}"
