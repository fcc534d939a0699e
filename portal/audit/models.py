from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SensitiveAccessLog(models.Model):
    """One staff view of personal or financial data (敏感信息访问记录): who, what, when, from where, why.

    Append-only: the database refuses UPDATE and DELETE on this table (see the
    migration), so not even a platform admin can rewrite the record.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("访问人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accessed_at = models.DateTimeField(_("访问时间"), default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT)
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200)
    target = GenericForeignKey("content_type", "object_id")
    fields = models.JSONField(_("查看的字段"), default=list)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("敏感信息访问记录")
        verbose_name_plural = _("敏感信息访问记录")
        ordering = ["-accessed_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_sal_object"),
            models.Index(fields=["user", "-accessed_at"], name="audit_sal_user_time"),
        ]

    def __str__(self):
        # Local time (Asia/Shanghai), as the field shows it: the heading and breadcrumb use this string.
        return f"{self.user} · {self.object_repr} · {timezone.localtime(self.accessed_at):%Y-%m-%d %H:%M}"
