from django.db import migrations

# Every deployment needs these rows, not only the demo: the importer refers to
# qualification types by code, and a claim queues the welcome SMS.
QUALIFICATION_TYPES = [
    ("hitech", "高新技术企业", "qualification", "省科学技术厅、省财政厅、国家税务总局湖北省税务局"),
    ("sme_specialised", "专精特新中小企业", "qualification", "省经济和信息化厅"),
    ("little_giant", "专精特新“小巨人”企业", "qualification", "工业和信息化部"),
    ("tech_sme", "科技型中小企业", "qualification", "省科学技术厅"),
    ("above_scale", "规模以上工业企业", "qualification", "统计部门"),
    ("gazelle", "瞪羚企业", "honour", "省科学技术厅"),
    ("unicorn", "独角兽企业", "honour", "省科学技术厅"),
    ("tech_centre", "省级企业技术中心", "honour", "省经济和信息化厅"),
]

WELCOME = {
    "code": "new_enterprise_welcome",
    "name": "新注册企业首次政策推送",
    "text": "{name}：欢迎使用惠企服务平台。平台将根据企业档案为您匹配惠企政策，请登录企业空间查看“为您推荐的政策”。",
    "urgent": False,
}


def seed(apps, schema_editor):
    QualificationType = apps.get_model("enterprises", "QualificationType")
    for order, (code, name, kind, issuer) in enumerate(QUALIFICATION_TYPES, start=1):
        QualificationType.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "default_issuer": issuer, "sort_order": order * 10}
        )
    SmsTemplate = apps.get_model("notify", "SmsTemplate")
    SmsTemplate.objects.get_or_create(
        code=WELCOME["code"], defaults={"name": WELCOME["name"], "text": WELCOME["text"], "urgent": WELCOME["urgent"]}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_alter_enterprise_options"),
        ("notify", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
