"""诉求服务: an enterprise's consultation, complaint, suggestion or request for help, in a closed loop.

An `Appeal` (诉求工单) comes in by the portal, the 12345 hotline (its own ticket number kept in
`hotline_number`), a service-hall window or the interaction area; the operations centre (城运中心（12345）) of
its region accepts it, dispatches it (派单) to a department, which signs for it (签收), handles it and replies
(答复); the submitter evaluates the reply (满意 / 基本满意 / 不满意) and one 不满意 sends it back to the same
department once (重办). The lifecycle is `appeals.workflow.APPEAL`; the time limits (`AppealTimeLimit`, in
working days per kind and stage) run on the kernel's clocks (宜昌 §5、§11、§36；常州 §2、§29；无锡 §22；山西 9).

Every dispatch is a `DispatchRecord` (its signing, return and reply), every answer an `AppealReply`, every
extension a `ExtensionRequest` decided by the operations centre, every call-back by an operator a
`CallbackRecord`. Personal data of an anonymous contact is encrypted and shown masked.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.core.crypto import EncryptedCharField, digest, mask_phone


class AppealKind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("意见建议")
    HELP = "help", _("求助")


class Channel(models.TextChoices):
    PORTAL = "portal", _("网上诉求")
    HOTLINE = "hotline", _("12345热线")
    WINDOW = "window", _("服务大厅窗口")
    INTERACTION = "interaction", _("政策互动区")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class AppealState(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    REJECTED = "rejected", _("不予受理")
    ACCEPTED = "accepted", _("待派单")
    RETURNED = "returned", _("已退单待改派")
    DISPATCHED = "dispatched", _("待签收")
    HANDLING = "handling", _("办理中")
    WAITING = "waiting", _("待补充信息")
    REPLIED = "replied", _("已答复待评价")
    CLOSED = "closed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class EvaluationSource(models.TextChoices):
    SUBMITTER = "submitter", _("诉求人评价")
    HOTLINE = "hotline", _("12345平台回传")
    LAPSED = "lapsed", _("逾期未评价")


class Stage(models.TextChoices):
    ACCEPT = "accept", _("受理")
    SIGN = "sign", _("签收")
    HANDLE = "handle", _("办理答复")
    EVALUATE = "evaluate", _("评价")


# Working days per kind and stage when no row of `AppealTimeLimit` says otherwise: 受理 and 签收 within one
# working day, 咨询 answered within 3, 求助 5, 意见建议 10 and 投诉 13, as the published 12345 procedures set; the
# submitter has 5 working days to evaluate, after which the ticket closes as 逾期未评价.
DEFAULT_LIMITS = {
    Stage.ACCEPT: dict.fromkeys(AppealKind.values, 1),
    Stage.SIGN: dict.fromkeys(AppealKind.values, 1),
    Stage.HANDLE: {
        AppealKind.CONSULTATION: 3,
        AppealKind.HELP: 5,
        AppealKind.SUGGESTION: 10,
        AppealKind.COMPLAINT: 13,
    },
    Stage.EVALUATE: dict.fromkeys(AppealKind.values, 5),
}
# Whether the 办理 clock may stop while the department waits for information from the submitter.
DEFAULT_PAUSABLE = {
    AppealKind.CONSULTATION: False,
    AppealKind.HELP: True,
    AppealKind.SUGGESTION: True,
    AppealKind.COMPLAINT: True,
}


class AppealTimeLimit(models.Model):
    """诉求办理时限: the working days one stage may take for one kind of appeal (kept by platform admins).

    A change applies to clocks started afterwards; a running clock keeps the limit it started with.
    """

    kind = models.CharField(_("诉求类型"), max_length=16, choices=AppealKind.choices)
    stage = models.CharField(_("环节"), max_length=16, choices=Stage.choices)
    days = models.PositiveSmallIntegerField(_("时限（工作日）"))
    pausable = models.BooleanField(
        _("等待补充信息时可暂停计时"),
        default=False,
        help_text=_("仅对“办理答复”环节有效：承办部门向诉求人索要信息期间，办理时限暂停。"),
    )
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("诉求办理时限")
        verbose_name_plural = _("诉求办理时限")
        ordering = ["kind", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "stage"], name="appeal_limit_unique_kind_stage"),
            models.CheckConstraint(condition=Q(days__gte=1) & Q(days__lte=60), name="appeal_limit_days_range"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}·{self.get_stage_display()}：{self.days}个工作日"


def _tracking_code() -> str:
    """8 characters a person reads off a page and types back: no 0/O, 1/I/L."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Appeal(models.Model):
    """诉求工单: one consultation, complaint, suggestion or request for help, from submission to closing."""

    number = models.CharField(_("工单编号"), max_length=20, unique=True, editable=False)
    hotline_number = models.CharField(
        _("12345工单号"), max_length=40, null=True, blank=True, unique=True, help_text=_("来自12345平台的工单编号。")
    )
    hotline_digest = models.CharField(
        _("来件内容摘要"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("12345平台推送内容的 SHA-256：同一工单号再次推送时，据此判断内容是否一致。"),
    )
    kind = models.CharField(_("诉求类型"), max_length=16, choices=AppealKind.choices)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices, default=Channel.PORTAL)
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(
        _("状态"), max_length=16, choices=AppealState.choices, default=AppealState.SUBMITTED, db_index=True
    )
    title = models.CharField(_("诉求标题"), max_length=100)
    content = models.TextField(_("诉求内容"), max_length=5000)

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("诉求企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), blank=True, default="")
    contact_phone_digest = models.CharField(max_length=64, blank=True, default="", editable=False, db_index=True)
    tracking_code = models.CharField(
        _("查询码"), max_length=8, default=_tracking_code, editable=False, help_text=_("凭工单编号和查询码查询进度。")
    )

    region = models.ForeignKey("org.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+")
    operations_centre = models.ForeignKey(
        "org.Department",
        verbose_name=_("受理中心"),
        on_delete=models.PROTECT,
        related_name="received_appeals",
        help_text=_("受理、派单和督办本工单的城运中心（12345）。"),
    )
    service_hall = models.ForeignKey(
        "org.Department",
        verbose_name=_("登记窗口"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="window_appeals",
        help_text=_("在服务大厅窗口登记的诉求：登记的政务服务大厅。"),
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("承办部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_appeals",
    )
    policy = models.ForeignKey(
        "policies.Policy",
        verbose_name=_("相关政策"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    matter = models.ForeignKey(
        "matters.Matter", verbose_name=_("相关事项"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("相关申报"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appeals",
    )

    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    reject_reason = models.CharField(_("不予受理理由"), max_length=500, blank=True)
    satisfaction = models.CharField(_("评价"), max_length=16, choices=Satisfaction.choices, blank=True)
    evaluation_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    evaluation_source = models.CharField(_("评价来源"), max_length=16, choices=EvaluationSource.choices, blank=True)

    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Set by the daily deadline task, never in save(): the day the 办理 clock went past its due date (escalated to
    # the operations centre) and the day it went past three times its limit (超时限三倍, counted for supervisors).
    escalated_on = models.DateField(_("超期督办日期"), null=True, blank=True)
    triple_overdue_on = models.DateField(_("超时限三倍日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["contact_phone", "updated_at"])

    class Meta:
        verbose_name = _("诉求工单")
        verbose_name_plural = _("诉求工单")
        ordering = ["-submitted_at", "-id"]
        permissions = [
            ("dispatch_appeal", _("受理、派单和督办诉求")),
            ("handle_appeal", _("签收、办理和答复诉求")),
            ("callback_appeal", _("回访诉求人")),
            ("view_appeal_statistics", _("查看诉求统计")),
        ]
        indexes = [
            models.Index(fields=["operations_centre", "status"], name="appeal_centre_status"),
            models.Index(fields=["department", "status"], name="appeal_department_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False) | ~Q(contact_phone_digest=""),
                name="appeal_has_submitter_or_contact",
                violation_error_message=_("诉求须有诉求企业或联系电话。"),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        self.contact_phone_digest = digest(self.contact_phone) if self.contact_phone else ""
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("appeals:detail", args=[self.number])

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def is_open(self) -> bool:
        return self.status not in {AppealState.CLOSED, AppealState.REJECTED, AppealState.WITHDRAWN}


def attachment_path(instance, filename: str) -> str:
    return f"appeals/{instance.appeal.number}/{filename}"


class AppealAttachment(models.Model):
    """诉求附件: a file the submitter (or the department, with its reply) attached, judged by content."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("诉求工单"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=255)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField(_("SHA-256 校验值"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("诉求附件")
        verbose_name_plural = _("诉求附件")
        ordering = ["appeal", "id"]

    def __str__(self):
        return self.name


class DispatchRecord(models.Model):
    """派单记录: one dispatch of an appeal to a department, and what the department did with it.

    `round` is 1 for the first handling and 2 after 重办; a 退单 closes the record with its reason and the
    operations centre dispatches again (a new record).
    """

    appeal = models.ForeignKey(Appeal, verbose_name=_("诉求工单"), on_delete=models.CASCADE, related_name="dispatches")
    department = models.ForeignKey(
        "org.Department", verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="appeal_dispatches"
    )
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    note = models.CharField(_("派单意见"), max_length=500, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("派单人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    dispatched_at = models.DateTimeField(_("派单时间"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("退单人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("退单时间"), null=True, blank=True)
    return_reason = models.CharField(_("退单理由"), max_length=500, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("派单记录")
        verbose_name_plural = _("派单记录")
        ordering = ["appeal", "dispatched_at", "id"]

    def __str__(self):
        return f"{self.appeal.number} → {self.department}"


class AppealReply(models.Model):
    """答复: the answer a department (or the operations centre, for a consultation it answers itself) gave."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("诉求工单"), on_delete=models.CASCADE, related_name="replies")
    department = models.ForeignKey(
        "org.Department", verbose_name=_("答复部门"), on_delete=models.PROTECT, related_name="appeal_replies"
    )
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    content = models.TextField(_("答复内容"), max_length=5000)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("答复人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    replied_at = models.DateTimeField(_("答复时间"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("诉求答复")
        verbose_name_plural = _("诉求答复")
        ordering = ["appeal", "replied_at", "id"]

    def __str__(self):
        return f"{self.appeal.number} 第{self.round}次答复"


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("不同意")


class ExtensionRequest(models.Model):
    """延期申请: a department asks, before the due date, for more working days; the operations centre decides."""

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("诉求工单"), on_delete=models.CASCADE, related_name="extension_requests"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("申请部门"), on_delete=models.PROTECT, related_name="+"
    )
    days = models.PositiveSmallIntegerField(_("延长工作日数"))
    reason = models.CharField(_("延期理由"), max_length=500)
    status = models.CharField(
        _("审核状态"), max_length=16, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    due_before = models.DateField(_("申请时的截止日期"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal"], condition=Q(status="pending"), name="appeal_one_pending_extension"
            ),
            models.CheckConstraint(condition=Q(days__gte=1) & Q(days__lte=30), name="appeal_extension_days_range"),
        ]

    def __str__(self):
        return f"{self.appeal.number} 延期{self.days}个工作日"


class InformationRequest(models.Model):
    """补充信息: what the handling department asked the submitter for, and the answer (while it waits, the 办理
    clock stops where the kind allows it). Kept whole here; the history's change note is only a summary."""

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("诉求工单"), on_delete=models.CASCADE, related_name="information_requests"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("索要部门"), on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField(_("需补充的信息"), max_length=2000)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("索要人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    asked_at = models.DateTimeField(_("索要时间"))
    answer = models.TextField(_("补充的信息"), max_length=5000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("补充人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("补充时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("补充信息")
        verbose_name_plural = _("补充信息")
        ordering = ["appeal", "asked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal"], condition=Q(answered_at__isnull=True), name="appeal_one_open_information_request"
            )
        ]

    def __str__(self):
        return f"{self.appeal.number} 补充信息"


class CallbackRecord(models.Model):
    """回访记录: an operator's call to the submitter after the reply — what was heard, and when."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("诉求工单"), on_delete=models.CASCADE, related_name="callbacks")
    called_at = models.DateTimeField(_("回访时间"))
    reached = models.BooleanField(_("已联系上"), default=True)
    heard_satisfaction = models.CharField(
        _("回访了解的满意度"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    note = models.CharField(_("回访记录"), max_length=1000)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回访人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")
        ordering = ["appeal", "called_at", "id"]

    def __str__(self):
        return f"{self.appeal.number} 回访"


from appeals.models_hotline import HotlineEvent  # noqa: E402,F401
from appeals.models_interaction import *  # noqa: E402,F403
