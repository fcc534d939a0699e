"""政策抒见互动区 (无锡 §6、§22): public questions about policies and matters, and the official answers.

An enterprise user asks a `Question` (title and content, optionally about one policy and/or one matter). Personal
data in it (mobile and fixed-line numbers, ID numbers, bank cards, e-mail addresses, a surname with 先生/经理…;
`appeals.interaction.redact`) is replaced by "［已隐去］" in the public `title` and `content`; what was typed is
kept encrypted in `original_title` / `original_content` for the moderators only. Every question is moderated
(the workflow `appeals.interaction_workflow.QUESTION`: 待审核 → 已公开 | 不予公开; 已公开 → 已答复); an answer is public
once written, by the department of the related matter or policy or by an operations-centre operator, and can be promoted
into that matter's `MatterFAQ` or policy's `PolicyFAQ` (recorded here).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.core.crypto import EncryptedCharField

__all__ = ["PersonalDataKind", "Question", "QuestionState"]


class QuestionState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("已公开")
    REJECTED = "rejected", _("不予公开")
    ANSWERED = "answered", _("已答复")


class PersonalDataKind(models.TextChoices):
    MOBILE = "mobile", _("手机号")
    LANDLINE = "landline", _("固定电话")
    ID_NUMBER = "id_number", _("身份证号")
    BANK_CARD = "bank_card", _("银行卡号")
    EMAIL = "email", _("电子邮箱")
    NAME = "name", _("姓名")


class Question(models.Model):
    """互动区提问: one public question and its official answer."""

    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提问人"), on_delete=models.PROTECT, related_name="questions"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("提问企业"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
    )
    policy = models.ForeignKey(
        "policies.Policy",
        verbose_name=_("相关政策"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
    )
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("相关事项"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
    )
    title = models.CharField(_("标题"), max_length=100, help_text=_("公开的标题（个人信息已隐去）。"))
    content = models.TextField(_("提问内容"), max_length=2000, help_text=_("公开的内容（个人信息已隐去）。"))
    original_title = EncryptedCharField(_("原始标题"), blank=True, default="")
    original_content = EncryptedCharField(_("原始内容"), blank=True, default="")
    personal_data = models.JSONField(
        _("检出的个人信息类型"), default=list, blank=True, help_text=_("只记录类型，不记录内容。")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=QuestionState.choices, default=QuestionState.SUBMITTED, db_index=True
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reject_reason = models.CharField(_("不予公开理由"), max_length=500, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True, help_text=_("审核公开时审核人员写下的意见（不公开）。"))
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    answer = models.TextField(_("答复内容"), max_length=5000, blank=True)
    answer_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("答复部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answered_questions",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    matter_faq = models.ForeignKey(
        "matters.MatterFAQ",
        verbose_name=_("已转为事项常见问题"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    policy_faq = models.ForeignKey(
        "policies.PolicyFAQ",
        verbose_name=_("已转为政策常见问题"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("转入人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    promoted_at = models.DateTimeField(_("转入常见问题时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提问时间"), auto_now_add=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["original_title", "original_content"])

    class Meta:
        verbose_name = _("互动区提问")
        verbose_name_plural = _("互动区提问")
        ordering = ["-submitted_at", "-id"]
        permissions = [
            ("moderate_question", _("审核互动区提问")),
            ("answer_question", _("答复互动区提问")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(answer=""),
                name="question_answered_has_answer",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("appeals:question", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status in (QuestionState.PUBLISHED, QuestionState.ANSWERED)

    @property
    def public_status_label(self) -> str:
        """The state as the public pages name it: a published question not answered yet is 待答复 (the back office
        keeps 已公开, the moderation's word); the others keep their label."""
        if self.status == QuestionState.PUBLISHED:
            return str(_("待答复"))
        return self.get_status_display()

    @property
    def was_redacted(self) -> bool:
        return bool(self.personal_data)

    @property
    def promoted(self) -> bool:
        return self.matter_faq_id is not None or self.policy_faq_id is not None
