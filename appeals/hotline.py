"""The outbound half of the 12345 integration (12345热线对接): every status change told to the city's platform.

Every transition of an appeal carries the effect `HotlineSync`, which writes one webhook row to the kernel
outbox (`portal.notify.services.queue_webhook`) in the same transaction as the change. The dispatcher POSTs it,
HMAC-signed, to the endpoint with code `ENDPOINT` (推送接收端 in the admin: its address and secret), retries with
back-off until the platform answers 2xx, and delivers one ticket's changes strictly in order (ordering key
"12345:<ticket>"). So a Redis or endpoint outage delays the changes but loses none; the dedupe key (the
appeal's history row) makes each change one delivery, whatever is retried.

Without an endpoint `ENDPOINT` configured nothing is queued (a city not connected to 12345); an endpoint that
is configured but disabled keeps the rows queued until it is enabled again.

Body (`event` "appeal.status"), all strings:

    {"ticket": "SQ20261009000001", "hotline_number": "YC2026100900012" or "", "sequence": 1234,
     "status": "replied", "status_label": "已答复待评价", "kind": "complaint", "department": "市科技局" or "",
     "at": "2026-10-09T10:00:00+08:00", "action": "reply", "action_label": "答复",
     "reply": "…" (the latest answer, when the status is replied), "satisfaction": "satisfied" or ""}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

ENDPOINT = "12345"
EVENT = "appeal.status"


def connected() -> bool:
    from portal.notify.models import WebhookEndpoint

    return WebhookEndpoint.objects.filter(code=ENDPOINT).exists()


def ordering_key(appeal) -> str:
    return f"12345:{appeal.hotline_number or appeal.number}"


def payload(appeal, *, action: str, action_label: str, at: datetime, sequence: int) -> dict:
    reply = ""
    if appeal.status == "replied":
        latest = appeal.replies.order_by("-replied_at", "-id").first()
        reply = latest.content if latest else ""
    return {
        "ticket": appeal.number,
        "hotline_number": appeal.hotline_number or "",
        "sequence": sequence,
        "status": appeal.status,
        "status_label": str(appeal.get_status_display()),
        "kind": appeal.kind,
        "department": appeal.department.name if appeal.department_id else "",
        "at": timezone.localtime(at).isoformat(),
        "action": action,
        "action_label": str(action_label),
        "reply": reply,
        "satisfaction": appeal.satisfaction or "",
    }


def queue_status(appeal, *, action: str, action_label: str, at: datetime):
    """Queues the appeal's current status for 12345 (the caller holds the transaction); None when not connected."""
    from portal.notify.services import queue_webhook

    if not connected():
        return None
    latest = appeal.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
    return queue_webhook(
        ENDPOINT,
        EVENT,
        payload(appeal, action=action, action_label=action_label, at=at, sequence=latest),
        dedupe_key=f"appeal-12345:{appeal.pk}:{latest}",
        ordering_key=ordering_key(appeal),
    )


@dataclass(frozen=True)
class HotlineSync:
    """Transition effect: the new status after transition `action` queued for the 12345 platform, in the
    transition's own transaction."""

    action: str

    def apply(self, obj, *, at: datetime, by=None, reason: str = ""):
        from appeals.workflow import APPEAL

        return queue_status(obj, action=self.action, action_label=APPEAL[self.action].label, at=at)

    def __str__(self):
        return "推送12345平台"
