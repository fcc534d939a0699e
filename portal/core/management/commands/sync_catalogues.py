"""Refreshes the translation catalogues from the source and reports what is missing.

Message ids are Chinese (ADR 2): `locale/zh_Hans` maps every id to itself and
`locale/en` holds the English text. This command runs `makemessages` for both,
fills the Chinese catalogue, and lists English entries still untranslated or
fuzzy (exit status 1 with --check when there are any).
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

IGNORE = [".venv/*", "var/*", "tests/*", "bench/*", "node_modules/*"]


def catalogue(lang: str, domain: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"


def missing_english(domain: str) -> list[str]:
    path = catalogue("en", domain)
    if not path.exists():
        return []
    po = polib.pofile(str(path))
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


HEADERS = {
    "zh_Hans": {"Language": "zh_Hans", "Plural-Forms": "nplurals=1; plural=0;"},
    "en": {"Language": "en", "Plural-Forms": "nplurals=2; plural=(n != 1);"},
}


def set_header(path: Path, lang: str) -> None:
    """A real header instead of makemessages' fuzzy template, so msgfmt reads the charset and plural rule."""
    po = polib.pofile(str(path))
    po.metadata_is_fuzzy = False
    po.metadata.update(
        {
            "Project-Id-Version": "huiqi-portal",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            **HEADERS[lang],
        }
    )
    for key in ("Report-Msgid-Bugs-To", "Last-Translator", "Language-Team"):
        po.metadata.pop(key, None)
    po.header = "惠企服务平台 translation catalogue. Message ids are the Chinese text (docs/adr/0002)."
    po.save()


class Command(BaseCommand):
    help = "刷新翻译目录（简体中文、英文），并列出缺少英文翻译的条目。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只检查，有缺失时以非零状态退出")

    def handle(self, *args, check=False, **options):
        if not check:
            for domain in ("django", "djangojs"):
                call_command(
                    "makemessages",
                    locale=["zh_Hans", "en"],
                    domain=domain,
                    ignore_patterns=IGNORE,
                    no_obsolete=True,
                    verbosity=0,
                )
                for lang in ("zh_Hans", "en"):
                    if catalogue(lang, domain).exists():
                        set_header(catalogue(lang, domain), lang)
                zh = catalogue("zh_Hans", domain)
                if zh.exists():
                    po = polib.pofile(str(zh))
                    for entry in po:
                        # The Chinese catalogue maps every id to itself; makemessages' fuzzy guesses
                        # (a similar older message) must never survive as the Chinese text.
                        entry.msgstr = entry.msgid
                        entry.previous_msgid = entry.previous_msgid_plural = None
                        if "fuzzy" in entry.flags:
                            entry.flags.remove("fuzzy")
                        if entry.msgid_plural:
                            entry.msgstr_plural = {0: entry.msgid_plural}
                    po.save()
        missing = [m for domain in ("django", "djangojs") for m in missing_english(domain)]
        for msgid in missing:
            self.stdout.write(f"缺少英文翻译：{msgid}")
        if check and missing:
            raise CommandError(f"{len(missing)} 条缺少英文翻译")
        self.stdout.write(f"英文目录缺少 {len(missing)} 条翻译。")
