from django.db import migrations

# Verification codes are sent in every deployment, not only with demo data, so
# the template must exist from the start; staff may edit its wording later.
TEMPLATE = {
    "code": "verify_code",
    "name": "短信验证码",
    "text": "您的验证码为{code}，{minutes}分钟内有效。请勿泄露给他人，工作人员不会向您索取验证码。",
    "urgent": True,
}


def create_template(apps, schema_editor):
    SmsTemplate = apps.get_model("notify", "SmsTemplate")
    SmsTemplate.objects.get_or_create(
        code=TEMPLATE["code"],
        defaults={"name": TEMPLATE["name"], "text": TEMPLATE["text"], "urgent": TEMPLATE["urgent"]},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_phone_history_verification_codes"),
        ("notify", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_template, migrations.RunPython.noop)]
