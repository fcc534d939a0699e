"""The documented default time limits (诉求办理时限) as rows the platform admin can change."""

from django.db import migrations

BASIS = "12345热线工单办理规范（受理、签收1个工作日；咨询3个、求助5个、意见建议10个、投诉13个工作日）"
HANDLE = {"consultation": 3, "help": 5, "suggestion": 10, "complaint": 13}
PAUSABLE = {"consultation": False, "help": True, "suggestion": True, "complaint": True}


def create(apps, schema_editor):
    limit = apps.get_model("appeals", "AppealTimeLimit")
    rows = []
    for kind, days in HANDLE.items():
        rows += [
            limit(kind=kind, stage="accept", days=1, basis=BASIS),
            limit(kind=kind, stage="sign", days=1, basis=BASIS),
            limit(kind=kind, stage="handle", days=days, pausable=PAUSABLE[kind], basis=BASIS),
            limit(kind=kind, stage="evaluate", days=5, basis="回访评价期限"),
        ]
    limit.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
