"""Which policy uploads the portal serves (附件下载): those of public policies, and every one to staff.

Registered with the kernel's `served_uploads` under the `policies/` storage prefix,
so `/media/policies/…` is answered by `portal.core.views.media`. Drafts' files stay
unseen by the public until the policy is published.
"""

from pathlib import PurePath

from .models import Interpretation, PolicyAttachment


def download_name(request, name: str) -> str | None:
    """The name to offer for the stored file `name`, or None when this request may not read it."""
    staff = request.user.is_authenticated and request.user.is_staff
    attachment = PolicyAttachment.objects.filter(file=name).select_related("policy").first()
    if attachment is not None:
        if staff or attachment.policy.is_public:
            return attachment.original_name or PurePath(name).name
        return None
    interpretation = Interpretation.objects.filter(media=name).select_related("policy").first()
    if interpretation is not None and (
        staff or (interpretation.policy.is_public and interpretation.status == Interpretation.Status.APPROVED)
    ):
        return PurePath(name).name
    return None
