"""线上政策咨询会 (online consultation sessions: 云直播、云综窗): models.

A department schedules a `ConsultationSession` on a policy and/or a matter (at least one, a DB check) in the
city's own video system; enterprises book it (`SessionBooking`, one live booking per enterprise and session, a
partial unique index) and submit questions in advance (`SessionQuestion`: the public text has personal data
hidden, the original is kept encrypted). After the session the department records the recording and answers the
questions; an answer can become one of the policy's FAQs, once.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.core.crypto import EncryptedCharField

__all__ = ["BookingState", "ConsultationSession", "SessionBooking", "SessionQuestion", "SessionState"]


class SessionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("报名中")
    HELD = "held", _("已举行")
    REPLAYED = "replayed", _("已公布回放")
    CANCELLED = "cancelled", _("已取消")


class ConsultationSession(models.Model):
    """线上政策咨询会: one online session of a department about a policy or a matter."""

    department = models.ForeignKey(
        "org.Department", verbose_name=_("举办部门"), on_delete=models.PROTECT, related_name="consultation_sessions"
    )
    policy = models.ForeignKey(
        "policies.Policy",
        verbose_name=_("相关政策"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_sessions",
    )
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("相关事项"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_sessions",
    )
    topic = models.CharField(_("主题"), max_length=100)
    description = models.TextField(_("内容简介"), max_length=2000, blank=True)
    host = models.CharField(_("主讲人/主持人"), max_length=100)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("名额"), help_text=_("最多可预约的企业数。"))
    booking_deadline = models.DateTimeField(_("报名截止时间"), help_text=_("不得晚于开始时间。"))
    conference_url = models.URLField(
        _("会议链接"), max_length=500, help_text=_("本市视频会议系统的https链接，仅向已预约企业显示。")
    )
    recording_url = models.URLField(_("回放链接"), max_length=500, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    replayed_at = models.DateTimeField(_("公布回放时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=SessionState.choices, default=SessionState.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("线上政策咨询会")
        verbose_name_plural = _("线上政策咨询会")
        ordering = ["-starts_at", "-id"]
        permissions = [
            ("submit_consultationsession", _("提交咨询会审核")),
            ("approve_consultationsession", _("审核发布或取消咨询会")),
            ("record_consultationsession", _("记录咨询会举行与回放")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(policy__isnull=False) | Q(matter__isnull=False),
                name="session_on_policy_or_matter",
                violation_error_message=_("请选择相关政策或相关事项（至少一项）。"),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("结束时间须晚于开始时间。"),
            ),
            models.CheckConstraint(
                condition=Q(booking_deadline__lte=F("starts_at")),
                name="session_booking_closes_before_start",
                violation_error_message=_("报名截止时间不得晚于开始时间。"),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="session_capacity_positive",
                violation_error_message=_("名额至少为1。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="replayed") | ~Q(recording_url=""),
                name="session_replay_has_recording",
                violation_error_message=_("请先在咨询会中填写回放链接，再公布回放。"),
            ),
        ]

    def __str__(self):
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("engagement:session", args=[self.pk])


class BookingState(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CANCELLED = "cancelled", _("已取消")


class SessionBooking(models.Model):
    """咨询会预约: an enterprise's place in a session (one live booking per enterprise and session)."""

    session = models.ForeignKey(
        ConsultationSession, verbose_name=_("咨询会"), on_delete=models.CASCADE, related_name="bookings"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="session_bookings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("预约人"), on_delete=models.PROTECT, related_name="session_bookings"
    )
    status = models.CharField(_("状态"), max_length=12, choices=BookingState.choices, default=BookingState.BOOKED)
    booked_at = models.DateTimeField(_("预约时间"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("咨询会预约")
        verbose_name_plural = _("咨询会预约")
        ordering = ["booked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enterprise"], condition=Q(status="booked"), name="session_booking_once"
            ),
        ]

    def __str__(self):
        return f"{self.session} · {self.enterprise}"


class SessionQuestion(models.Model):
    """咨询会提问: a question an enterprise submits in advance, and the department's answer after the session."""

    session = models.ForeignKey(
        ConsultationSession, verbose_name=_("咨询会"), on_delete=models.CASCADE, related_name="questions"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("提问企业"), on_delete=models.CASCADE, related_name="+"
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提问人"), on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField(_("提问内容"), max_length=500, help_text=_("公开的内容（个人信息已隐去）。"))
    original_content = EncryptedCharField(_("原始内容"), blank=True, default="")
    personal_data = models.JSONField(_("检出的个人信息类型"), default=list, blank=True)
    answer = models.TextField(_("答复内容"), max_length=5000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
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
    submitted_at = models.DateTimeField(_("提问时间"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["original_content"])

    class Meta:
        verbose_name = _("咨询会提问")
        verbose_name_plural = _("咨询会提问")
        ordering = ["submitted_at", "id"]
        permissions = [("answer_sessionquestion", _("答复咨询会提问"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""), name="session_question_answered_has_answer"
            ),
        ]

    def __str__(self):
        return self.content[:40]

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def promoted(self) -> bool:
        return self.policy_faq_id is not None
