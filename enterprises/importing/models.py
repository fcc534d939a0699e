"""The import job (导入任务) of the data-sharing exchange (数据共享交换)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.models import Source


class ImportKind(models.TextChoices):
    ENTERPRISES = "enterprises", _("企业基本信息")
    FIGURES = "figures", _("年度经营数据")
    QUALIFICATIONS = "qualifications", _("资质荣誉")


class ImportJob(models.Model):
    """导入任务: one uploaded file, validated as a whole, then imported all at once or not at all."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        VALIDATING = "validating", _("校验中")
        IMPORTING = "importing", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("未导入")

    kind = models.CharField(_("数据类型"), max_length=16, choices=ImportKind.choices)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    file_format = models.CharField(_("文件格式"), max_length=8, choices=[("csv", "CSV"), ("xlsx", "Excel")])
    source = models.CharField(_("数据来源"), max_length=20, choices=Source.choices)
    source_updated_at = models.DateTimeField(_("数据截至时间"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    bad_row_count = models.PositiveIntegerField(_("错误行数"), default=0)
    errors = models.JSONField(_("错误报告"), default=list, blank=True)
    # Rows imported with a code that fails its check characters (存量赋码), listed for staff to confirm.
    flagged = models.JSONField(_("校验位不符（存量赋码）"), default=list, blank=True)
    flagged_count = models.PositiveIntegerField(_("存量赋码待确认数"), default=0)
    # Read but not imported, without refusing the file: ignored columns, rows older than the archive.
    notices = models.JSONField(_("提示"), default=list, blank=True)
    notice_count = models.PositiveIntegerField(_("提示数"), default=0)
    message = models.CharField(_("结果说明"), max_length=255, blank=True)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变化"), default=0)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="import_job_progress_percent"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.original_name}"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
