"""Which matter uploads the portal serves: a material's blank template (空白范本) and sample (示范范本).

Registered with the kernel's `served_uploads` under the `matters/` storage prefix, so
`/media/matters/…` is answered by `portal.core.views.media` (content type of what the file
is, `nosniff`, a download unless PDF or image). The files of a public matter's guide are
for everyone; those of a draft, a matter in review or a withdrawn one only for staff.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Material


def download_name(request, name: str) -> str | None:
    """The name to offer for the stored file `name` (材料名称（空白范本）), or None when this request may not
    read it."""
    material = Material.objects.filter(Q(template=name) | Q(sample=name)).select_related("matter").first()
    if material is None:
        return None
    staff = request.user.is_authenticated and request.user.is_staff
    if not (staff or material.matter.is_public):
        return None
    which = _("空白范本") if material.template.name == name else _("示范范本")
    # A name with a slash would lose its first part to the kernel's stem (营业执照/登记证书 → 登记证书).
    return f"{material.name}（{which}）".replace("/", "、").replace("\\", "、")
