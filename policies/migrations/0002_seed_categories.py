"""The nine policy categories the portal starts with; staff maintain them (and add more) in the admin."""

from django.db import migrations

CATEGORIES = [
    ("chuangye", "创业扶持"),
    ("caizheng", "财政金融"),
    ("shichang", "市场监督"),
    ("touzi", "投资信贷"),
    ("jianshui", "减税降费"),
    ("rencai", "人才培养"),
    ("waizi", "外资外贸"),
    ("chanye", "产业发展"),
    ("keji", "科技创新"),
]


def seed(apps, schema_editor):
    PolicyCategory = apps.get_model("policies", "PolicyCategory")
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        PolicyCategory.objects.update_or_create(code=code, defaults={"name": name, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
