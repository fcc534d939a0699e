"""The kinds of signed documents (文书种类), registered by the domains that issue them.

A domain names its kinds once, from its own `document_kinds.py` (imported when the portal starts):

    from django.utils.translation import gettext_lazy as _
    from portal.documents.registry import register_kind

    register_kind("acceptance_receipt", _("受理回执"))
"""

from portal.core.registry import Registry

document_kinds: Registry = Registry("document_kinds", label="文书种类")


def register_kind(key: str, label) -> None:
    """Registers the document kind `key` with its Chinese `label`."""
    document_kinds.add(key, key, label=label)
