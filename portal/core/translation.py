"""Names kept as data in two languages (ADR 0006): the Chinese value, and an English one for readers who chose English.

Interface text is translated through the gettext catalogues (ADR 0002). Names
that staff maintain as data — a policy category, the platform's own name from
settings — cannot be in a catalogue, so they carry an English value beside the
Chinese one, and an empty English value falls back to the Chinese.
"""

from dataclasses import dataclass

from django.utils.translation import get_language


def reader_prefers_english() -> bool:
    return (get_language() or "").startswith("en")


def in_reader_language(chinese: str, english: str) -> str:
    """The English value for a reader who chose English when there is one, else the Chinese."""
    return english if english and reader_prefers_english() else chinese


@dataclass(frozen=True)
class Bilingual:
    """A name in Chinese and English that renders in the reader's language when shown (str()).

    It can be cached (it pickles as the two strings) and still shows each
    reader their own language.
    """

    zh: str
    en: str = ""

    def __str__(self) -> str:
        return in_reader_language(self.zh, self.en)
