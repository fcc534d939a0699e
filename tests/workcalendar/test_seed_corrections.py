"""Known-wrong seed data (已知错误更正): days chinese-calendar gets wrong are corrected, each with its source."""

from datetime import date

import pytest

from portal import workdays
from portal.workcalendar import seed
from portal.workcalendar.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def test_saturday_2005_12_31_is_a_working_day_after_migrating():
    # 国办发明电〔2005〕35号: "12月31日（星期六）上班"; the package says rest day.
    assert workdays.is_workday(date(2005, 12, 31))


def test_the_corrected_year_names_the_notice_as_its_source():
    assert "国办发明电〔2005〕35号" in CalendarYear.objects.get(pk=2005).source


def test_reseeding_the_year_from_the_package_keeps_the_correction():
    seed.seed_from_package([2005], overwrite=True)
    workdays.reload()
    day = CalendarDay.objects.get(date=date(2005, 12, 31))
    assert (day.is_workday, day.name) == (True, "元旦调休上班")
    assert workdays.add_workdays(date(2005, 12, 30), 1) == date(2005, 12, 31)


def test_a_calendar_loaded_before_the_correction_is_repaired():
    CalendarDay.objects.filter(date=date(2005, 12, 31)).delete()
    assert seed.apply_corrections(CalendarDay, CalendarYear) == [date(2005, 12, 31)]
    assert CalendarDay.objects.get(date=date(2005, 12, 31)).is_workday


def test_applying_the_corrections_twice_changes_nothing_the_second_time():
    seed.apply_corrections(CalendarDay, CalendarYear)
    assert seed.apply_corrections(CalendarDay, CalendarYear) == []


def test_a_correction_that_makes_a_weekday_a_holiday_is_stored_as_an_exception():
    wrong_workday = seed.Correction(date(2019, 4, 29), False, "劳动节", "国办发明电〔2019〕2号")
    seed.apply_corrections(CalendarDay, CalendarYear, corrections=[wrong_workday])
    workdays.reload()
    assert not workdays.is_workday(date(2019, 4, 29))
    assert "国办发明电〔2019〕2号" in CalendarYear.objects.get(pk=2019).source


def test_a_correction_back_to_the_weekly_rule_removes_the_exception():
    # 2019-05-02 was a holiday Thursday; a correction saying it was worked leaves an ordinary weekday.
    back_to_normal = seed.Correction(date(2019, 5, 2), True, "", "（示例）")
    seed.apply_corrections(CalendarDay, CalendarYear, corrections=[back_to_normal])
    assert not CalendarDay.objects.filter(date=date(2019, 5, 2)).exists()


def test_a_correction_for_a_year_not_loaded_waits_for_the_seed():
    CalendarYear.objects.filter(pk=2005).delete()
    CalendarDay.objects.filter(date__year=2005).delete()
    assert seed.apply_corrections(CalendarDay, CalendarYear) == []
    assert not CalendarDay.objects.filter(date__year=2005).exists()


@pytest.mark.parametrize("correction", seed.KNOWN_CORRECTIONS, ids=str)
def test_every_known_correction_cites_an_official_notice(correction):
    assert "〔" in correction.source and "号" in correction.source
    assert correction.is_workday != (correction.date.weekday() < 5) or not correction.name
