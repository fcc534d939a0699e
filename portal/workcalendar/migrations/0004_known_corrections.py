from django.db import migrations


def correct(apps, schema_editor):
    """Writes `seed.KNOWN_CORRECTIONS` (days chinese-calendar states wrongly) into calendars already seeded."""
    from portal.workcalendar.seed import apply_corrections

    apply_corrections(apps.get_model("workcalendar", "CalendarDay"), apps.get_model("workcalendar", "CalendarYear"))


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0003_clocks")]

    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
