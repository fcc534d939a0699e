"""Both translation catalogues are complete and up to date with the source (ADR 2)."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIP = shutil.ignore_patterns(".venv", "var", ".git", "tests", "bench", "docs", "__pycache__", "*.mo", "node_modules")


def catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_every_message_is_translated(lang):
    po = catalogue(lang)
    untranslated = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert untranslated == []


def test_the_chinese_catalogue_maps_every_id_to_itself():
    """A fuzzy match from a changed id must not leave its old text behind (the id is the Chinese text)."""
    wrong = [
        e.msgid
        for e in catalogue("zh_Hans")
        if not e.obsolete and (e.msgstr_plural.get(0) != e.msgid_plural if e.msgid_plural else e.msgstr != e.msgid)
    ]
    assert wrong == []


def test_catalogues_hold_every_message_of_the_source(tmp_path):
    """makemessages over a copy of the source finds no message id the committed catalogue lacks."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v", "0"],
        cwd=copy,
        check=True,
        capture_output=True,
        timeout=120,
    )
    extracted = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale/en/LC_MESSAGES/django.po"))}
    committed = {(e.msgctxt, e.msgid) for e in catalogue("en") if not e.obsolete}
    missing = sorted(m for _, m in extracted - committed)
    assert missing == [], "run `python manage.py sync_catalogues` and translate: " + "; ".join(missing[:10])


def test_english_page_is_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Skip to main content" in html
