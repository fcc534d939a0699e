from django.db import migrations


def seed(apps, schema_editor):
    from portal.workcalendar.seed import exceptions_for, package_years

    CalendarYear = apps.get_model("workcalendar", "CalendarYear")
    CalendarDay = apps.get_model("workcalendar", "CalendarDay")
    for year in package_years():
        if CalendarYear.objects.filter(pk=year).exists():
            continue
        CalendarDay.objects.bulk_create(
            CalendarDay(date=d, is_workday=on_duty, name=name) for d, on_duty, name in exceptions_for(year)
        )
        CalendarYear.objects.create(year=year, covered=True, source="chinese-calendar（国务院办公厅节假日安排通知）")


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
