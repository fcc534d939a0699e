"""Who may download a stored application material: those who may see the application (`services.may_view`).

Materials live under `applications/<查询码>/…` in private storage; the kernel's media view serves a
file only when this function names it, and logs nothing else. Anyone else gets a 404.
"""

from applications.models import SubmittedMaterial
from applications.services import may_view


def download_name(request, name: str) -> str | None:
    row = (
        SubmittedMaterial.objects.select_related("application__matter", "application__enterprise")
        .filter(file=name, superseded=False)
        .first()
    )
    if row is None or not may_view(request.user, row.application):
        return None
    return row.original_name or name.rsplit("/", 1)[-1]
