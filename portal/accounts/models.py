from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.core import crypto

from .phones import normalize_phone

CODE_MAX_ATTEMPTS = 5


class UserManager(DjangoUserManager):
    """Infers the kind from the staff flag, so a back-office account is never an enterprise user by accident."""

    def create_user(self, username=None, email=None, password=None, **extra_fields):
        extra_fields.setdefault("kind", User.Kind.STAFF if extra_fields.get("is_staff") else User.Kind.ENTERPRISE)
        return super().create_user(username, email, password, **extra_fields)

    def create_superuser(self, username=None, email=None, password=None, **extra_fields):
        extra_fields.setdefault("kind", User.Kind.STAFF)
        return super().create_superuser(username, email, password, **extra_fields)

    def get_by_phone(self, phone: str):
        """The account registered with this mobile number (any accepted spelling); DoesNotExist otherwise."""
        return self.get(phone_digest=crypto.digest(normalize_phone(phone)))


class User(AbstractUser):
    """A person who signs in: an enterprise user (企业用户) or a member of staff (工作人员).

    Enterprise users sign in with their mobile number; staff with a user name
    and a second factor. What a user may do comes from groups (roles) and
    object permissions, never from this kind alone. The mobile number is
    encrypted at rest; `phone_digest` (a keyed hash) finds an account by it.
    """

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", "企业用户"
        STAFF = "staff", "工作人员"

    kind = models.CharField("用户类型", max_length=16, choices=Kind.choices, default=Kind.ENTERPRISE)
    name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = crypto.EncryptedCharField(_("手机号"), blank=True, default="")
    phone_digest = models.CharField(_("手机号摘要"), max_length=64, null=True, blank=True, unique=True, editable=False)
    # Password hashes and login times do not belong in an audit trail.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = "用户"
        verbose_name_plural = "用户"
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(phone_digest__isnull=True) & models.Q(phone=""))
                | (models.Q(phone_digest__isnull=False) & ~models.Q(phone="")),
                name="user_phone_and_digest_together",
            ),
        ]

    def __str__(self):
        return self.name or self.username

    def set_phone(self, phone: str | None) -> None:
        """Stores the number encrypted with its lookup digest; an empty value clears both."""
        if phone:
            phone = normalize_phone(phone)
            self.phone, self.phone_digest = phone, crypto.digest(phone)
        else:
            self.phone, self.phone_digest = "", None

    @property
    def masked_phone(self) -> str:
        return crypto.mask_phone(self.phone)

    @property
    def display_name(self) -> str:
        """How the user is named to themselves (页头、提示): their name, else their masked phone; the
        internal username only when neither is kept."""
        return self.name or self.masked_phone or self.username

    @property
    def is_enterprise(self) -> bool:
        return self.kind == self.Kind.ENTERPRISE

    def get_full_name(self):
        return self.name or super().get_full_name()

    def get_short_name(self):
        return self.name or super().get_short_name()

    def clean(self):
        super().clean()
        if self.kind == self.Kind.ENTERPRISE:
            # Not tied to a field: the phone is never edited in a form that also shows these flags.
            if not self.phone_digest:
                raise ValidationError(_("企业用户必须绑定手机号"), code="phone_required")
            if self.is_staff or self.is_superuser:
                raise ValidationError(_("企业用户不能进入管理后台"), code="enterprise_not_staff")


class VerificationCode(models.Model):
    """An SMS verification code (短信验证码) sent to one phone for one purpose.

    Only a keyed hash of the code is stored, never the code; the phone is
    known only by its digest. Each row is itself the record of a sending, and
    is never edited except to count attempts and close it, so it has no
    separate history.
    """

    class Purpose(models.TextChoices):
        REGISTER = "register", _("注册")
        LOGIN = "login", _("登录")
        RESET = "reset", _("重置密码")
        CLAIM = "claim", _("认领企业")
        CHANGE_PHONE = "change_phone", _("更换手机号")

    phone_digest = models.CharField(_("手机号摘要"), max_length=64)
    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices)
    code_hash = models.CharField(_("验证码摘要"), max_length=128)
    nonce = models.CharField(_("随机标识"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("发送时间"))
    expires_at = models.DateTimeField(_("过期时间"))
    attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True, help_text=_("发送新验证码时旧验证码作废"))

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["phone_digest", "purpose", "-created_at"], name="vcode_phone_purpose_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")), name="vcode_expires_after"
            ),
            models.CheckConstraint(
                condition=models.Q(attempts__lte=CODE_MAX_ATTEMPTS), name="vcode_attempts_at_most_max"
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class RequestCounter(models.Model):
    """A fixed-window request counter (请求计数), e.g. the verification codes one IP address asked for this hour.

    Kept in the database, not the cache: a limit that stops abuse (SMS
    bombing) must still hold while Redis is down. `key` carries no address in
    clear (a keyed digest of it). Old windows are purged daily.
    """

    key = models.CharField(_("计数键"), max_length=128)
    window_start = models.DateTimeField(_("时段开始"))
    hits = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        verbose_name = _("请求计数")
        verbose_name_plural = _("请求计数")
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="request_counter_one_per_window")]
        indexes = [models.Index(fields=["window_start"], name="request_counter_window_idx")]

    def __str__(self):
        return f"{self.key} · {self.window_start:%Y-%m-%d %H:%M} · {self.hits}"
