from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in: an enterprise user (企业用户) or a member of staff (工作人员).

    Enterprise users sign in with their mobile number; staff with a user name
    and a second factor. What a user may do comes from groups (roles) and
    object permissions, never from this kind alone.
    """

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", "企业用户"
        STAFF = "staff", "工作人员"

    kind = models.CharField("用户类型", max_length=16, choices=Kind.choices, default=Kind.ENTERPRISE)

    class Meta(AbstractUser.Meta):
        verbose_name = "用户"
        verbose_name_plural = "用户"
        swappable = "AUTH_USER_MODEL"
