"""Settings come from the environment; the production profile is strict."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "PORTAL_PROFILE": "production",
    "SECRET_KEY": "k3J9-vQ2#pL8zR5wX1mN7cT4yB6hF0dS-aG2eU9iO3rW8qZ5tY7uI1oP4aS6dF8gH0",
    "ALLOWED_HOSTS": "portal.example.gov.cn",
    "FIELD_ENCRYPTION_KEYS": "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc=",
}


def run_settings(env_overrides: dict, code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"PORTAL_PROFILE", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    env.update(env_overrides)
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'portal.settings'); django.setup(); "
        f"from django.conf import settings as s; {code}"
    )
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_database_and_redis_urls_are_parsed():
    result = run_settings(
        {"DATABASE_URL": "postgres://u:p@db.internal:5433/huiqi", "REDIS_URL": "redis://cache.internal:6380/2"},
        "d = s.DATABASES['default']; print(d['HOST'], d['PORT'], d['NAME'], d['USER'], s.CELERY_BROKER_URL)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["db.internal", "5433", "huiqi", "u", "redis://cache.internal:6380/2"]


def test_development_is_the_default_profile_with_debug_on():
    result = run_settings({}, "print(s.PROFILE, s.DEBUG, s.STAFF_OTP_REQUIRED)")
    assert result.stdout.split() == ["development", "True", "False"]


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_settings(env, "print(s.SECRET_KEY)")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_is_strict_about_transport_and_second_factor():
    result = run_settings(
        PRODUCTION,
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, "
        "s.STAFF_OTP_REQUIRED)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True"]


def test_production_passes_check_deploy_with_no_issues():
    # The browser tests allow Django's async-unsafe calls for Playwright; a deployment never does.
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(PRODUCTION)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_unknown_profile_is_refused():
    result = run_settings({"PORTAL_PROFILE": "staging"}, "print(1)")
    assert result.returncode != 0
    assert "PORTAL_PROFILE" in result.stderr


def test_sms_settings_come_from_the_environment():
    result = run_settings(
        {"SMS_PROVIDER": "http", "SMS_HTTP_URL": "https://sms.gov.example/send", "SMS_QUIET_HOURS": "21:30-07:30"},
        "print(s.SMS_PROVIDER, s.SMS_HTTP_URL, s.SMS_QUIET_HOURS)",
    )
    assert result.stdout.split() == ["http", "https://sms.gov.example/send", "21:30-07:30"]


def test_language_and_time_zone():
    result = run_settings({}, "print(s.LANGUAGE_CODE, s.TIME_ZONE)")
    assert result.stdout.split() == ["zh-hans", "Asia/Shanghai"]
