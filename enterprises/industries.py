"""The industrial classification for national economic activities (国民经济行业分类, GB/T 4754-2017).

Codes are written with their section letter, as the portal stores them:
``C`` (门类 section), ``C39`` (大类 division), ``C391`` (中类 group),
``C3911`` (小类 class).

The data file ``data/gbt4754_2017.csv`` holds every section and division of
the standard, and groups and classes only for the divisions whose complete
breakdown has been sourced and checked against a public copy of the
standard's table (now C36–C39, G55–G60, H61–H62, I63–I65, J66–J69, K70, L71–L72 and M73).
Adding a division means adding all of
its groups and classes; from then on its codes are checked exactly. What `is_valid_industry` accepts, exactly:

* a section letter A–T or a division in the file;
* a 3- or 4-digit code whose division's breakdown is in the file: only if that
  exact code is in the file;
* a 3- or 4-digit code whose division's breakdown is not in the file: if its
  division exists and its digits are well formed (a group digit 1–9; a class
  digit 0–9). Such a code has no name of its own: `industry_name` gives the
  division's name.

The file is read once per process, when this module is first imported.
"""

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "gbt4754_2017.csv"

# ASCII digits only, matched in full: Python's \d also takes Arabic-Indic digits, and "$" a trailing newline.
_SHAPE = re.compile(r"([A-T])(?:([0-9]{2})(?:([1-9])([0-9])?)?)?")
_SHAPE_SQL = "^[A-T]([0-9]{2}([1-9][0-9]?)?)?$"


@dataclass(frozen=True)
class Industry:
    code: str
    name: str
    level: str  # section / division / group / class
    parent: str


@dataclass(frozen=True)
class _Classification:
    by_code: dict[str, Industry]
    detailed_divisions: frozenset[str]


@cache
def _classification() -> _Classification:
    by_code: dict[str, Industry] = {}
    with DATA_FILE.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            by_code[row["code"]] = Industry(row["code"], row["name"], row["level"], row["parent"])
    detailed = frozenset(code[:3] for code, ind in by_code.items() if ind.level in {"group", "class"})
    return _Classification(by_code, detailed)


def normalize_industry(code: str | None) -> str:
    """Upper-cases and strips spaces: ' c3911 ' → 'C3911'."""
    return "".join((code or "").split()).upper()


def is_valid_industry(code: str) -> bool:
    """True when `code` (with its section letter) is a GB/T 4754-2017 code; see the module docstring."""
    if not isinstance(code, str):
        return False
    match = _SHAPE.fullmatch(code)
    if not match:
        return False
    data = _classification()
    if code in data.by_code:
        return True
    division = code[:3]
    if len(code) <= 3 or division not in data.by_code:
        return False
    return division not in data.detailed_divisions


def is_valid_industry_sql(code: str) -> str:
    """`is_valid_industry` compiled to a SQL boolean over the text expression `code` (NULL → false).

    The same rule from the same data file, so the size classifier's SQL
    compilation refuses exactly the codes the Python one refuses.
    """
    data = _classification()

    def array(codes) -> str:
        return "ARRAY[" + ", ".join(f"'{c}'" for c in sorted(codes)) + "]::text[]"

    divisions = [c for c, ind in data.by_code.items() if ind.level == "division"]
    listed = f"{code} = ANY({array(data.by_code)})"
    # A 3- or 4-digit code under a division whose breakdown is not in the file: its division must exist.
    undetailed = (
        f"length({code}) > 3 AND left({code}, 3) = ANY({array(divisions)})"
        f" AND NOT left({code}, 3) = ANY({array(data.detailed_divisions)})"
    )
    return f"coalesce({code} ~ '{_SHAPE_SQL}' AND ({listed} OR ({undetailed})), false)"


def industry_error(code: str) -> str | None:
    """Why `code` is not a valid industry code, in Chinese, or None."""
    from django.utils.translation import gettext as _

    if is_valid_industry(code):
        return None
    if not _SHAPE.fullmatch(code or ""):
        return _("行业代码“%(code)s”格式不正确，应为门类字母加2–4位数字，如C3911") % {"code": code}
    return _("行业代码“%(code)s”不在《国民经济行业分类》（GB/T 4754-2017）中") % {"code": code}


def section_of(code: str) -> str:
    """The section letter: 'C3911' → 'C'."""
    return code[:1]


def division_of(code: str) -> str | None:
    """The division: 'C3911' → 'C39'; None for a bare section."""
    return code[:3] if len(code) >= 3 else None


def industry_name(code: str) -> str | None:
    """The name of the code, or of its nearest listed ancestor; None for an invalid code."""
    if not is_valid_industry(code):
        return None
    by_code = _classification().by_code
    for length in (len(code), 4, 3, 1):
        found = by_code.get(code[:length])
        if found:
            return found.name
    return None


def get_industry(code: str) -> Industry | None:
    """The listed entry for exactly this code."""
    return _classification().by_code.get(code)


def industries(level: str | None = None) -> list[Industry]:
    """Every listed entry in code order, optionally of one level."""
    return [ind for ind in _classification().by_code.values() if level is None or ind.level == level]


def _choices() -> list[tuple[str, list[tuple[str, str]]]]:
    grouped: list[tuple[str, list[tuple[str, str]]]] = []
    for ind in industries():
        if ind.level == "section":
            grouped.append((f"{ind.code} {ind.name}", [(ind.code, f"{ind.code} {ind.name}")]))
        else:
            grouped[-1][1].append((ind.code, f"{ind.code} {ind.name}"))
    return grouped


# Grouped by section, for a form's ChoiceField/Select: [("C 制造业", [("C", "C 制造业"), ("C13", …), …]), …]
INDUSTRY_CHOICES = _choices()
