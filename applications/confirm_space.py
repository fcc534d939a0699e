"""The enterprise space's 免申即享待确认 block: the confirmations waiting for the enterprise's answer."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Confirmation
from enterprises.space import space_blocks


def confirmation_block(enterprise, user) -> dict | None:
    """The pushed confirmations of `enterprise` still open (nothing shown when there are none)."""
    rows = list(
        Confirmation.objects.filter(
            enterprise=enterprise,
            state=Confirmation.State.PENDING,
            notified_at__isnull=False,
            due_on__gte=timezone.localdate(),
        )
        .select_related("confirmation_list__matter")
        .order_by("due_on", "pk")
    )
    if not rows:
        return None
    return {"enterprise": enterprise, "rows": rows}


space_blocks.add(
    "confirmations",
    confirmation_block,
    label=_("免申即享待确认"),
    order=5,
    template="applications/confirm/space_block.html",
)
