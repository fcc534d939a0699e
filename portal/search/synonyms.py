"""The synonym table (同义词表) as a lookup, cached until staff change it."""

from django.core.cache import cache

from . import segment

CACHE_KEY = "search:synonyms"


def _clean(word: str) -> str:
    """Quotes in official terms (专精特新“小巨人”) do not matter to a reader's query."""
    return "".join(ch for ch in segment.normalise(word) if segment.WORD_RE.match(ch))


def groups() -> dict[str, frozenset[str]]:
    """Each word (cleaned) → every word it is interchangeable with, itself included."""
    table = cache.get(CACHE_KEY)
    if table is None:
        table = _build()
        cache.set(CACHE_KEY, table, timeout=3600)
    return table


def _build() -> dict[str, frozenset[str]]:
    from .models import Synonym

    related: dict[str, set[str]] = {}
    for word, canonical in Synonym.objects.values_list("word", "canonical"):
        a, b = _clean(word), _clean(canonical)
        if not a or not b or a == b:
            continue
        related.setdefault(a, {a}).add(b)
        related.setdefault(b, {b}).add(a)
    # A canonical term with several colloquial names links them all (小巨人, 专精特新小巨人 …).
    for word in list(related):
        closure = set(related[word])
        for other in list(closure):
            closure |= related.get(other, set())
        related[word] = closure
    return {word: frozenset(others) for word, others in related.items()}


def invalidate() -> None:
    cache.delete(CACHE_KEY)
