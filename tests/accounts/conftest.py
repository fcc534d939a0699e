import pytest
from django.core.cache import cache
from django.db import connection

from portal.accounts import verification

CODE = "907513"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The per-address send limit lives in the cache (this engineer's own Redis database)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sms_template(db):
    verification.ensure_sms_templates()


@pytest.fixture
def known_code(monkeypatch, sms_template):
    """Every code issued in the test is CODE, so the test can type it like the person who got the SMS."""
    monkeypatch.setattr(verification, "generate_code", lambda: CODE)
    return CODE


def tables_containing(text: str) -> list[str]:
    """Every `table.column` (text-like columns of every table) whose value contains `text`."""
    hits = []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json')
            """
        )
        for table, column in cursor.fetchall():
            cursor.execute(f'SELECT 1 FROM "{table}" WHERE "{column}"::text LIKE %s LIMIT 1', [f"%{text}%"])
            if cursor.fetchone():
                hits.append(f"{table}.{column}")
    return hits


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing strength is not what these tests are about; PBKDF2 would make them slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
