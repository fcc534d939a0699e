import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .registry import document_kinds

# No 0/O, 1/I/L: a code read aloud over the phone or typed from paper is never ambiguous.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
CODE_GROUP = 4


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """A code as typed (`abcd-efgh jklm`, full-width `ＡＢＣＤ`) in its stored form (`ABCDEFGHJKLM`)."""
    from portal.core.normalize import fold

    return "".join(ch for ch in fold(typed or "").upper() if ch.isalnum())


def grouped(code: str) -> str:
    """ABCDEFGHJKLM → ABCD-EFGH-JKLM."""
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


class _DocumentStorage(LazyObject):
    """STORAGES["documents"], looked up when first used (and again after the setting changes, as in tests)."""

    def _setup(self):
        self._wrapped = storages["documents"]


document_storage = _DocumentStorage()


@receiver(setting_changed)
def _storages_changed(setting, **kwargs):
    if setting == "STORAGES":
        document_storage._wrapped = empty


def _document_storage():
    return document_storage


def _document_path(document, filename: str) -> str:
    return f"{document.issued_at:%Y/%m}/{document.code}.pdf"


class IssuedDocument(models.Model):
    """A signed document the platform issued (签章文书): 受理回执, 一次性告知书, 决定书 ….

    The PDF is kept as signed, in private storage; its SHA-256 and verification code (核验码) let
    anyone check a copy on the public verification page without the platform ever showing the file.
    """

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        SUPERSEDED = "superseded", _("已被替代")
        REVOKED = "revoked", _("已作废")

    kind = models.CharField(_("文书种类"), max_length=64, db_index=True)
    code = models.CharField(_("核验码"), max_length=CODE_LENGTH, unique=True, editable=False)
    title = models.CharField(_("标题"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    file = models.FileField(_("签章文件"), storage=_document_storage, upload_to=_document_path, editable=False)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("出具部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    content_type = models.ForeignKey(ContentType, verbose_name=_("所属对象类型"), on_delete=models.PROTECT)
    object_id = models.CharField(_("所属对象"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    event = models.CharField(
        _("出具事由"),
        max_length=100,
        blank=True,
        default="",
        editable=False,
        help_text=_("同一对象同一事由只出具一次（如“受理”“第2次补正告知”）"),
    )
    issued_at = models.DateTimeField(_("出具时间"), db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("出具人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.VALID)
    status_reason = models.TextField(_("作废或替代原因"), blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name=_("替代文书"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("签章文书")
        verbose_name_plural = _("签章文书")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="document_target")]
        permissions = [("revoke_issueddocument", _("可作废签章文书"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[2-9A-HJKMNP-Z]{12}$"), name="document_code_alphabet"
            ),
            models.CheckConstraint(
                condition=models.Q(status="valid") | ~models.Q(status_reason=""), name="document_revoked_with_reason"
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "event"],
                condition=~models.Q(event=""),
                name="document_once_per_event",
            ),
        ]

    def __str__(self):
        return f"{self.title}（{self.grouped_code}）"

    @property
    def grouped_code(self) -> str:
        return grouped(self.code)

    @property
    def kind_label(self) -> str:
        return document_kinds.entry(self.kind).label if self.kind in document_kinds else self.kind

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID
