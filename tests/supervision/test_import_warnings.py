"""数据共享交换预警: an import job stuck for more than an hour, and last year's annual figures missing after the due
day (30 June unless configured) — warnings on the supervision dashboards."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from enterprises.importing import supervision as imports
from enterprises.importing.models import ImportJob, ImportKind
from enterprises.models import Source
from portal.supervision import warnings
from tests.factories.enterprises import AnnualFigureFactory
from tests.factories.policies import StaffFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 7, 1, 12, 0, tzinfo=TZ)


def job(status, *, uploaded, started=None, kind=ImportKind.ENTERPRISES, finished=None) -> ImportJob:
    created = ImportJob.objects.create(
        kind=kind,
        file="imports/2026/07/x.csv",
        original_name="企业基本信息.csv",
        file_format="csv",
        source=Source.MARKET_REGULATION,
        source_updated_at=uploaded,
        uploaded_by=StaffFactory(),
        status=status,
        started_at=started,
        finished_at=finished,
    )
    ImportJob.objects.filter(pk=created.pk).update(created_at=uploaded)  # auto_now_add on create
    return created


def test_both_warnings_are_registered_with_the_kernel():
    assert {"enterprise_imports.stuck", "enterprise_imports.figures_late", "payouts.subsidies_late"} <= set(
        warnings.warnings.keys()
    )


def test_a_job_open_more_than_an_hour_after_it_started_or_was_uploaded_is_stuck():
    S = ImportJob.Status  # noqa: N806
    job(S.IMPORTING, uploaded=NOW - dt.timedelta(hours=3), started=NOW - dt.timedelta(hours=2, minutes=59))
    job(S.QUEUED, uploaded=NOW - dt.timedelta(minutes=61))
    job(S.VALIDATING, uploaded=NOW - dt.timedelta(hours=2), started=NOW - dt.timedelta(minutes=59))  # not yet
    job(S.DONE, uploaded=NOW - dt.timedelta(days=1), started=NOW - dt.timedelta(days=1), finished=NOW)
    job(S.FAILED, uploaded=NOW - dt.timedelta(days=1), started=NOW - dt.timedelta(days=1), finished=NOW)
    (warning,) = imports.stuck_imports(NOW)
    assert warning.level == "danger"
    assert "有2个数据导入任务超过1小时仍未完成（最早自2026-07-01 09:01起）" in warning.message
    assert warning.link == "/admin/enterprise_imports/importjob/"
    assert imports.stuck_imports(NOW - dt.timedelta(hours=2)) == []


def test_last_years_figures_are_due_by_the_end_of_june():
    assert imports.figures_late(dt.date(2026, 6, 29)) == []
    (warning,) = imports.figures_late(dt.date(2026, 7, 1))
    assert "已过2026-06-30，企业档案中仍没有2025年度经营数据" in warning.message
    assert "上次完成" not in warning.message


def test_figures_an_enterprise_declared_do_not_stand_in_for_the_import():
    AnnualFigureFactory(year=2025, source=Source.SELF_DECLARED)
    AnnualFigureFactory(year=2024, source=Source.STATISTICS)
    job(
        ImportJob.Status.DONE,
        kind=ImportKind.FIGURES,
        uploaded=dt.datetime(2025, 6, 1, 9, tzinfo=TZ),
        started=dt.datetime(2025, 6, 1, 9, tzinfo=TZ),
        finished=dt.datetime(2025, 6, 1, 10, tzinfo=TZ),
    )
    (warning,) = imports.figures_late(dt.date(2026, 7, 1))
    assert "上次完成的年度经营数据导入：2025-06-01" in warning.message


def test_imported_figures_of_last_year_end_the_warning():
    AnnualFigureFactory(year=2025, source=Source.TAX)
    assert imports.figures_late(dt.date(2026, 7, 1)) == []


def test_the_due_day_is_configurable(settings):
    settings.ENTERPRISE_FIGURES_DUE = (7, 15)
    assert imports.figures_late(dt.date(2026, 7, 14)) == []
    assert len(imports.figures_late(dt.date(2026, 7, 15))) == 1
