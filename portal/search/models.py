from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Synonym(models.Model):
    """A synonym (同义词) staff maintain: a colloquial or short word and the official term it stands for.

    Searching either word finds documents that use the other (高企 ⇄ 高新技术企业).
    """

    word = models.CharField(_("检索词"), max_length=64, unique=True, help_text=_("群众常用的说法或简称，如“高企”。"))
    canonical = models.CharField(_("规范用语"), max_length=64, help_text=_("政策文件中的正式用语，如“高新技术企业”。"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("同义词")
        verbose_name_plural = _("同义词")
        ordering = ["word"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(word=models.F("canonical")), name="synonym_not_itself"),
            models.CheckConstraint(condition=~models.Q(word=""), name="synonym_word_not_empty"),
            models.CheckConstraint(condition=~models.Q(canonical=""), name="synonym_canonical_not_empty"),
        ]

    def __str__(self):
        return f"{self.word} → {self.canonical}"

    def clean(self):
        from django.core.exceptions import ValidationError

        self.word = self.word.strip()
        self.canonical = self.canonical.strip()
        if self.word and self.word == self.canonical:
            raise ValidationError({"canonical": _("规范用语不能与检索词相同")})


class SearchDocument(models.Model):
    """One searchable thing (检索文档) — a policy, matter, FAQ, answered public question, feature article,
    service-directory link, draft open for comment or online session — as the index sees it.

    Written only by `portal.search.registry` when the source object is published or
    changed, never while searching. The tokens are jieba's segmentation, space-joined,
    so PostgreSQL's `simple` configuration needs no Chinese parser.
    """

    class Kind(models.TextChoices):
        POLICY = "policy", _("政策")
        MATTER = "matter", _("事项")
        FAQ = "faq", _("常见问题")
        QUESTION = "question", _("互动问答")
        ARTICLE = "article", _("专题文章")
        SERVICE = "service", _("办事服务")
        CONSULTATION = "consultation", _("征求意见")
        SESSION = "session", _("政策咨询会")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("对象类型"))
    object_id = models.BigIntegerField(_("对象编号"))
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=500)
    body = models.TextField(_("正文（纯文本）"), blank=True, help_text=_("用于生成检索摘要。"))
    url = models.CharField(_("链接"), max_length=500)
    published = models.BooleanField(_("公开"), default=False, db_index=True)
    facets = models.JSONField(_("分面"), default=dict, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    title_tokens = models.TextField(_("标题分词"), blank=True)
    body_tokens = models.TextField(_("正文分词"), blank=True)
    vector = models.GeneratedField(
        expression=SearchVector("title_tokens", config="simple", weight="A")
        + SearchVector("body_tokens", config="simple", weight="B"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # The title alone, small enough to stay in the row: finding title matches must not
    # read (and decompress) every matching document's full vector.
    title_vector = models.GeneratedField(
        expression=SearchVector("title_tokens", config="simple"), output_field=SearchVectorField(), db_persist=True
    )
    updated_at = models.DateTimeField(_("索引时间"), auto_now=True)

    class Meta:
        verbose_name = _("检索文档")
        verbose_name_plural = _("检索文档")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="searchdocument_unique_object"),
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=["policy", "matter", "faq", "question", "article", "service", "consultation", "session"]
                ),
                name="searchdocument_kind",
            ),
        ]
        # The GIN indexes hold the publication date too (btree_gin), so "matches published
        # since D" is answered inside the index, without a bitmap of every match.
        indexes = [
            GinIndex(fields=["vector", "published_at"], name="searchdocument_vector_date"),
            GinIndex(fields=["title_vector", "published_at"], name="searchdocument_title_date"),
            models.Index(fields=["kind", "published"], name="searchdocument_kind_pub"),
        ]

    def __str__(self):
        return self.title
