"""Use cases of the import: accept an upload (上传), run a job (执行导入)."""

import logging
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.tasks import enqueue_on_commit

from .models import ImportJob
from .pipeline import Loader, Report, Validator, load_context
from .reading import Rows, UnreadableFileError, detect_format

log = logging.getLogger(__name__)


class UploadRejectedError(ValueError):
    """The upload is refused before any job exists; the message is Chinese."""


def max_import_bytes() -> int:
    return settings.MAX_IMPORT_MB * 1024 * 1024


def too_large_message() -> str:
    return _("文件超过%(mb)d MB，不能导入；请拆分后分批上传") % {"mb": settings.MAX_IMPORT_MB}


def submit_import(*, uploaded_file, kind: str, source: str, source_updated_at=None, user) -> ImportJob:
    """Checks the file's size and real type, stores it as a queued job, and starts the job after commit."""
    if uploaded_file.size > max_import_bytes():
        raise UploadRejectedError(too_large_message())
    try:
        file_format = detect_format(uploaded_file, uploaded_file.name)
    except UnreadableFileError as exc:
        raise UploadRejectedError(str(exc)) from None
    with transaction.atomic():
        job = ImportJob(
            kind=kind,
            original_name=uploaded_file.name[:255],
            file_format=file_format,
            source=source,
            source_updated_at=source_updated_at or timezone.now(),
            uploaded_by=user,
        )
        # Stored under the detected format's extension; the uploader's name is kept in original_name.
        job.file.save(f"{PurePath(uploaded_file.name).stem or 'import'}.{file_format}", uploaded_file, save=False)
        job.save()
        from .tasks import run_import_job_task

        enqueue_on_commit(run_import_job_task, job.pk)
    return job


def _set(job: ImportJob, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def run_import_job(job_id: int) -> ImportJob:
    """Validates the whole file, then imports it all at once, or nothing. Idempotent: a finished job is left alone."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
        if job is None or job.status != ImportJob.Status.QUEUED:
            return job or ImportJob.objects.get(pk=job_id)
        _set(job, status=ImportJob.Status.VALIDATING, started_at=timezone.now(), progress=1)
    report = Report()
    validator = None
    try:
        with job.file.open("rb") as f:
            rows = Rows(f, job.file_format)
            validator = Validator(
                job.kind,
                rows,
                load_context(job.source),
                report,
                on_progress=lambda fraction: _set(job, progress=max(1, min(60, int(fraction * 60)))),
            )
            try:
                outcome = None
                # A file whose header is refused (no 统一社会信用代码 column, …) or that has no data row is
                # reported as such: nothing is staged or loaded for it.
                if validator.check_header() and validator.run() and not report.error_count:
                    _set(job, status=ImportJob.Status.IMPORTING, progress=60, total_rows=validator.total_rows)
                    with transaction.atomic():
                        loader = Loader(job, validator, report)
                        outcome = loader.run()
                        if outcome is None:
                            transaction.set_rollback(True)
                        else:
                            _after_import(loader.changed_enterprises)
            finally:
                validator.out.close()
    except UnreadableFileError as exc:
        report.add(1, "", "", "", str(exc))
        outcome = None
    except Exception:
        log.exception("import job failed", extra={"job": job.pk})
        _set(
            job,
            status=ImportJob.Status.FAILED,
            message=_("导入过程中发生系统错误，未导入任何数据，请联系管理员"),
            finished_at=timezone.now(),
        )
        raise
    total = validator.total_rows if validator is not None else 0
    if outcome is None and not report.error_count:
        # The header was read but no data row follows it.
        report.add(report_line(validator), "", "", "", _("文件中没有数据行"))
        message = _("文件中没有数据行，未导入任何数据；请在表头下填写数据后重新上传")
    else:
        message = _("读取数据%(total)d行，发现%(rows)d行共%(n)d处错误，未导入任何数据；请修改后重新上传整个文件") % {
            "total": total,
            "rows": len(report.bad_lines),
            "n": report.error_count,
        }
    if outcome is None:
        _set(
            job,
            status=ImportJob.Status.FAILED,
            errors=report.sorted_errors(),
            error_count=report.error_count,
            bad_row_count=len(report.bad_lines),
            notices=report.notices,
            notice_count=report.notice_count,
            total_rows=total,
            message=message,
            finished_at=timezone.now(),
        )
    else:
        _set(
            job,
            status=ImportJob.Status.DONE,
            progress=100,
            total_rows=outcome.total_rows,
            created_count=outcome.created,
            updated_count=outcome.updated,
            unchanged_count=outcome.unchanged,
            flagged=report.flagged,
            flagged_count=report.flagged_count,
            notices=report.notices,
            notice_count=report.notice_count,
            message=_done_message(outcome, report),
            finished_at=timezone.now(),
        )
    return job


def report_line(validator) -> int:
    """The header's line, where a file-level finding is reported."""
    return validator.rows.header_line if validator is not None else 1


def _done_message(outcome, report: Report) -> str:
    """导入完成: how many data rows were read, what they did, and how many codes await confirmation."""
    message = _("导入完成：读取数据%(rows)d行，新增%(c)d，更新%(u)d，未变化%(n)d") % {
        "rows": outcome.total_rows,
        "c": outcome.created,
        "u": outcome.updated,
        "n": outcome.unchanged,
    }
    if outcome.stale:
        message += _("；%(s)d行数据早于档案现有数据，未更新") % {"s": outcome.stale}
    if report.flagged_count:
        message += _("；其中%(f)d个统一社会信用代码校验位不符（存量赋码），已标记，待工作人员确认") % {
            "f": report.flagged_count
        }
    return message


def _after_import(enterprise_ids: list[int]) -> None:
    """Rule tags follow the new facts in the same transaction (the archive's services own the rules)."""
    if enterprise_ids:
        from enterprises.services import refresh_rule_tags

        refresh_rule_tags(enterprise_ids)


def abandon_import_job(job_id: int) -> None:
    """Marks a job whose worker died as failed; its transaction was rolled back, so nothing was imported."""
    ImportJob.objects.filter(pk=job_id, status__in=[ImportJob.Status.VALIDATING, ImportJob.Status.IMPORTING]).update(
        status=ImportJob.Status.FAILED,
        message=_("导入任务中断，未导入任何数据；请重新上传"),
        finished_at=timezone.now(),
    )
