"""Encrypts the outbox's text and parameters at rest: both carry verification codes."""

import json

from django.db import migrations

import portal.core.crypto
from portal.core.crypto import decrypt, encrypt

CHUNK = 1000


def _rewrite(schema_editor, convert) -> None:
    # Raw SQL: the historical model's fields would already decrypt on read, and the rows are not encrypted yet.
    connection = schema_editor.connection
    last_id = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, text, params FROM notify_outboxmessage WHERE id > %s ORDER BY id LIMIT %s",
                [last_id, CHUNK],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            cursor.executemany(
                "UPDATE notify_outboxmessage SET text = %s, params = %s WHERE id = %s",
                [(*convert(text, params), pk) for pk, text, params in rows],
            )
        last_id = rows[-1][0]


def encrypt_rows(apps, schema_editor):
    def convert(text, params):
        params = json.dumps(json.loads(params), ensure_ascii=False, sort_keys=True)
        return encrypt(text), encrypt(params)

    _rewrite(schema_editor, convert)


def decrypt_rows(apps, schema_editor):
    def convert(text, params):
        return decrypt(text), decrypt(params)

    _rewrite(schema_editor, convert)


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outboxmessage",
            name="params",
            field=portal.core.crypto.EncryptedJSONField(blank=True, default=dict, verbose_name="参数"),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="text",
            field=portal.core.crypto.EncryptedCharField(verbose_name="短信内容"),
        ),
        # reversed, this runs before the column becomes jsonb again, so the cast finds plain JSON
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
