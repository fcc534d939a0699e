"""专题文章 (feature articles attached to policies, 无锡 §22(三)): models.

After a policy is issued its department explains it "以政策评论、专题文章等形式": an `Article` is written by an
editor of the department (标题、摘要、正文、封面图), names the policies it explains (at least one) and optionally the
matters, and goes through the workflow `engagement.articles.ARTICLE`:

    draft（草稿）─提交审核→ pending（待审核）─审核发布→ published（已发布）─撤下（理由）→ withdrawn（已撤下）
                            └─退回修改（理由）→ draft          withdrawn ─重新编辑→ draft

The body is rich text sanitised when saved (`policies.sanitize.clean_html`); the cover is an image judged by
its content (`portal.core.uploads`). Only published articles are public.
"""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies.sanitize import clean_html
from portal.core import uploads

__all__ = ["Article", "ArticleState"]

TITLE_MAX = 200
SUMMARY_MAX = 500
COVER_MAX_MB = 5


class ArticleState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待审核")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤下")


def validate_cover(upload) -> None:
    """A PNG, JPEG or GIF image by content (not by its name), up to COVER_MAX_MB."""
    uploads.check_size(upload, COVER_MAX_MB)
    if uploads.detect_key(upload) not in uploads.IMAGE_KINDS:
        raise ValidationError(_("封面图须为PNG、JPEG或GIF图片（按文件内容判断，改扩展名无效）。"), code="cover_type")


def cover_path(instance: Article, filename: str) -> str:
    """engagement/articles/<random>/cover.<detected extension>: the stored name never comes from the uploader."""
    import secrets

    kind = uploads.detect(instance.cover.file) if instance.cover else None
    extension = kind.extension if kind else PurePath(filename).suffix.lower()
    return f"engagement/articles/{secrets.token_hex(8)}/cover{extension}"


class Article(models.Model):
    """专题文章: an explanatory article on one or more policies, by the department that wrote it."""

    title = models.CharField(_("标题"), max_length=TITLE_MAX)
    summary = models.TextField(_("摘要"), max_length=SUMMARY_MAX, help_text=_("列表和检索结果中显示，不超过500字。"))
    body = models.TextField(_("正文"), help_text=_("可从文字处理软件粘贴；脚本、样式和外部图片会被清除。"))
    cover = models.FileField(
        _("封面图"),
        upload_to=cover_path,
        max_length=255,
        blank=True,
        validators=[validate_cover],
        help_text=_("可选；PNG、JPEG或GIF图片，不超过5MB。"),
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("撰稿部门"), on_delete=models.PROTECT, related_name="articles"
    )
    policies = models.ManyToManyField(
        "policies.Policy",
        verbose_name=_("解读的政策"),
        related_name="articles",
        help_text=_("至少选择一项政策；文章将显示在这些政策的页面上。"),
    )
    matters = models.ManyToManyField("matters.Matter", verbose_name=_("相关事项"), related_name="articles", blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ArticleState.choices, default=ArticleState.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撰稿人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    withdraw_reason = models.TextField(_("撤下理由"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[policies])

    class Meta:
        verbose_name = _("专题文章")
        verbose_name_plural = _("专题文章")
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("submit_article", _("可提交专题文章审核")),
            ("publish_article", _("可审核发布、退回、撤下专题文章")),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="article_title_not_empty"),
            models.CheckConstraint(condition=~Q(body=""), name="article_body_not_empty"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False), name="article_published_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdraw_reason=""), name="article_withdrawn_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_public_newest")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Sanitised whenever it is written, whatever wrote it (admin, service, demo): never at render time.
        self.body = clean_html(self.body)
        uploads.save_with_upload(self, "cover", lambda: super(Article, self).save(*args, **kwargs))

    def get_absolute_url(self):
        return reverse("engagement:article", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status == ArticleState.PUBLISHED

    def clean(self):
        self.title = " ".join((self.title or "").split())
        self.body = clean_html(self.body)
        if not self.title:
            raise ValidationError({"title": _("请填写标题。")})
        if not _has_text(self.body):
            raise ValidationError({"body": _("正文不能为空（脚本、样式等内容已被清除）。")})


def _has_text(html: str) -> bool:
    from django.utils.html import strip_tags

    return bool(strip_tags(html or "").strip()) or "<img src=" in (html or "")
