"""The run command (scripts/run.sh + Procfile) serves the portal as visitors see it, and shares nothing with
another portal on the same host."""

import os
import shlex
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from gunicorn.config import Config

ROOT = Path(settings.BASE_DIR)


def _web_args(**env) -> list[str]:
    """The web process's command line as honcho's shell expands it, with `env` set."""
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    command = line.removeprefix("web:").strip()
    clean = {k: v for k, v in os.environ.items() if k not in {"PORTAL_BIND", "PORT", "GUNICORN_CONTROL_SOCKET"}}
    out = subprocess.run(
        ["bash", "-c", f"printf '%s\\n' {command}"], env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return out.stdout.split()


def _gunicorn_options(args: list[str]):
    """gunicorn's own parser (the installed version) reads the arguments: an unknown option fails here."""
    return Config().parser().parse_args(args[1:])


def test_the_web_process_listens_on_localhost_unless_told_otherwise():
    assert _gunicorn_options(_web_args()).bind == ["127.0.0.1:8000"]
    assert _gunicorn_options(_web_args(PORTAL_BIND="0.0.0.0", PORT="8123")).bind == ["0.0.0.0:8123"]


def test_each_portal_has_its_own_gunicorn_control_socket_under_var():
    options = _gunicorn_options(_web_args())
    assert options.control_socket == "var/gunicorn.ctl"
    other = _gunicorn_options(_web_args(GUNICORN_CONTROL_SOCKET="/srv/other/var/gunicorn.ctl"))
    assert other.control_socket == "/srv/other/var/gunicorn.ctl"


def test_the_run_script_turns_debug_off_and_puts_the_control_socket_in_this_projects_var():
    script = (ROOT / "scripts" / "run.sh").read_text()
    exports = dict(
        shlex.split(line.removeprefix("export "))[0].split("=", 1)
        for line in script.splitlines()
        if line.startswith("export ")
    )
    assert exports["DEBUG"] == "${DEBUG:-false}"
    assert exports["PORTAL_BIND"] == "${PORTAL_BIND:-127.0.0.1}"
    assert exports["GUNICORN_CONTROL_SOCKET"] == "${GUNICORN_CONTROL_SOCKET:-$VAR/gunicorn.ctl}"


@pytest.mark.django_db
def test_with_debug_off_a_missing_page_is_the_portals_chinese_404_with_the_language_switch(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert 'action="/i18n/setlang/"' in html
    assert "URLconf" not in html and "Using the URLconf" not in html


@pytest.mark.django_db
def test_with_debug_off_static_files_are_still_served_by_whitenoise(settings):
    """collectstatic (run by scripts/run.sh and scripts/test.sh) fills STATIC_ROOT; whitenoise serves it."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.test import Client

    settings.DEBUG = False
    settings.WHITENOISE_AUTOREFRESH = False  # as in production: the files are indexed when the middleware starts
    url = staticfiles_storage.url("css/admin.css")
    response = Client().get(url)  # a new client builds the middleware with DEBUG off
    assert response.status_code == 200
    assert b"".join(response.streaming_content)
