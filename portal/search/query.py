"""Searching (检索): a reader's words → a safe tsquery → ranked hits with highlighted snippets.

Nothing here writes to the database. A query is normalised as the index is
(`segment.normalise`: NFKC, lower case, traditional → simplified, 首台(套) → 首台套;
at most `MAX_QUERY_LENGTH` characters, every character that is not part of a
word — tsquery operators, quotes, SQL punctuation — replaced by a space),
expanded with the synonym table, segmented with jieba, and turned into
`to_tsquery('simple', …)` from quoted lexemes. Words are ANDed; when that
finds nothing, some of the words are asked for instead (`ParsedQuery.tsquery("|")`):
each phrase the reader typed (words between spaces) with all its content words,
or all but one when it has three or more, the way a search engine's "minimum
should match" works. Single characters and stop words never make a match on
their own, so `xyzzy不存在的词` or `火星基地` find nothing rather than everything
with 的 or 基地; the page then says so and offers suggestions.
"""

from __future__ import annotations

import difflib
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, lru_cache
from itertools import combinations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, Case, ExpressionWrapper, F, FloatField, Q, QuerySet, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import segment, synonyms
from .index import index_version
from .models import SearchDocument

MAX_QUERY_LENGTH = 100
NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
SNIPPET_BEFORE = 40
SNIPPET_LENGTH = 140


def clean_query(raw: str) -> str:
    """What is left of a reader's query once everything that could be an operator is gone."""
    text = segment.normalise(str(raw or ""))[:MAX_QUERY_LENGTH]
    return " ".join(NOT_WORD.sub(" ", text).split())


def lexeme(word: str, suffix: str = "") -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'" + suffix


@dataclass(frozen=True)
class Term:
    """One word of the query and the words that may stand for it (itself, its synonyms)."""

    word: str
    variants: tuple[str, ...]

    def tsquery(self, suffix: str = "") -> str:
        alternatives = [_variant_tsquery(v, suffix) for v in self.variants]
        alternatives = [a for a in dict.fromkeys(alternatives) if a]
        return alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")"


def _variant_tsquery(variant: str, suffix: str) -> str:
    parts = []
    for word in segment.words(variant) or [variant]:
        inner = segment.subwords(word)
        if inner and _covers(word, inner):
            # The text may have the term with quotes or a break inside (专精特新“小巨人”),
            # which the index holds as its parts.
            parts.append("(" + lexeme(word, suffix) + " | (" + " & ".join(lexeme(s, suffix) for s in inner) + "))")
        else:
            parts.append(lexeme(word, suffix))
    return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"


def _covers(word: str, inner: list[str]) -> bool:
    covered = [False] * len(word)
    for part in inner:
        start = word.find(part)
        while start != -1:
            for i in range(start, start + len(part)):
                covered[i] = True
            start = word.find(part, start + 1)
    return all(covered)


# A phrase of more content words than this is cut to its longest ones for the fallback (C(8,7) = 8 clauses).
MAX_FALLBACK_WORDS = 8


def is_content_word(word: str) -> bool:
    """A word that may carry a match alone: two characters or more and not a stop word (不, 词, 的 never do)."""
    return len(word) > 1 and word not in segment.STOPWORDS


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    text: str
    terms: tuple[Term, ...]
    # The words of each phrase the reader typed (the text between spaces), in order.
    phrases: tuple[tuple[str, ...], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.terms

    def tsquery(self, operator: str = "&", suffix: str = "") -> str:
        """Every word ("&"), or the fallback ("|"): documents with enough of the words (see the module)."""
        if operator == "&":
            return " & ".join(t.tsquery(suffix) for t in self.terms)
        return " | ".join("(" + " & ".join(t.tsquery(suffix) for t in clause) + ")" for clause in self.fallback_clauses)

    @cached_property
    def fallback_clauses(self) -> list[tuple[Term, ...]]:
        """Per phrase: all its content words (up to two), or every choice of all but one (three or more)."""
        by_word = {t.word: t for t in self.terms}
        clauses: list[tuple[Term, ...]] = []
        for phrase in self.phrases:
            content = [by_word[w] for w in dict.fromkeys(phrase) if w in by_word and is_content_word(w)]
            content = sorted(content, key=lambda t: len(t.word), reverse=True)[:MAX_FALLBACK_WORDS]
            need = len(content) if len(content) <= 2 else len(content) - 1
            if content:
                clauses.extend(combinations(content, need))
        return list(dict.fromkeys(clauses))

    @property
    def can_broaden(self) -> bool:
        """True when the fallback asks for less than every word."""
        clauses = self.fallback_clauses
        return len(clauses) > 1 or (len(clauses) == 1 and len(clauses[0]) < len(self.terms))

    @cached_property
    def content_words(self) -> list[str]:
        return [t.word for t in self.terms if is_content_word(t.word)]

    @cached_property
    def highlight_words(self) -> list[str]:
        """Words to mark in snippets, longest first so 高新技术企业 wins over 高新."""
        found: set[str] = set()
        for term in self.terms:
            for variant in term.variants:
                found.update(segment.words(variant) or [variant])
        return sorted(found, key=len, reverse=True)

    @cached_property
    def fallback_words(self) -> list[str]:
        found = {s for w in self.highlight_words for s in segment.subwords(w) if len(s) > 1}
        return sorted(found - set(self.highlight_words), key=len, reverse=True)


def parse(raw: str) -> ParsedQuery:
    text = clean_query(raw)
    table = synonyms.groups()
    keys = sorted(table, key=len, reverse=True)
    terms: dict[str, Term] = {}
    phrases = []
    for chunk in text.split(" "):
        phrase = []
        for word in _split_on_synonyms(chunk, keys):
            if word in table:
                terms.setdefault(word, Term(word, (word, *sorted(table[word] - {word}))))
                phrase.append(word)
            else:
                for piece in segment.words(word):
                    terms.setdefault(piece, Term(piece, (piece,)))
                    phrase.append(piece)
        if phrase:
            phrases.append(tuple(phrase))
    return ParsedQuery(raw=str(raw or ""), text=text, terms=tuple(terms.values()), phrases=tuple(phrases))


def _split_on_synonyms(chunk: str, keys: list[str]) -> list[str]:
    """Cut a chunk so that every synonym-table word in it stands alone (longest match first)."""
    pieces, plain, i = [], "", 0
    while i < len(chunk):
        match = next((k for k in keys if chunk.startswith(k, i)), None)
        if match:
            if plain:
                pieces.append(plain)
                plain = ""
            pieces.append(match)
            i += len(match)
        else:
            plain += chunk[i]
            i += 1
    if plain:
        pieces.append(plain)
    return pieces


@dataclass
class Hit:
    document: SearchDocument
    rank: float
    title_html: SafeString
    snippet_html: SafeString

    @property
    def object_id(self) -> int:
        return self.document.object_id


# Ranking reads every candidate's whole vector, so only a window of candidates is ranked:
# the newest documents matching in the title and the newest matching anywhere. Hits past
# the window follow in date order. Counting stops at COUNT_CAP ("1000+").
RANK_WINDOW = 200
TITLE_WINDOW = 100
COUNT_CAP = 1000
NEWEST_FIRST = F("published_at").desc(nulls_last=True)


@contextmanager
def gin_only():
    """Find matches through the GIN indexes only, never by testing rows one by one.

    The planner prices `vector @@ query` on a row as cheap, but it means reading and
    decompressing a document's multi-kilobyte vector; a GIN bitmap answers the same
    question without touching it (measured: a capped count over 3,000 documents, 77 ms
    by sequential scan, 1.5 ms by bitmap).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        yield


class OpaqueSearchQuery(SearchQuery):
    """A tsquery the planner cannot see into, so it assumes the default selectivity (0.5 %).

    Asked for "matches published since D", the planner, knowing that a common word
    matches nearly every document, would rather find the recent documents through the
    date and test each one's vector — decompressing kilobytes per row, 50 ms for 2,000
    rows — than look both up in the GIN index, which needs no vector at all (3 ms).
    """

    def as_sql(self, compiler, connection, function=None, template=None):
        sql, params = super().as_sql(compiler, connection, function, template)
        return f"(SELECT {sql})", params


# The newest public documents, searched first: a word found COUNT_CAP times among them is common.
RECENT_SLICE = 8000
RECENT_CUTOFF_KEY = "search:recent-cutoff"


def recent_cutoff() -> datetime | None:
    """The date on or after which the newest RECENT_SLICE public documents were published (None: fewer).

    A stale date only makes the slice larger or smaller, never a result wrong, so it is
    cached for a while rather than recomputed on every change.
    """
    found = cache.get(RECENT_CUTOFF_KEY)
    if found is None:
        newest = SearchDocument.objects.filter(published=True, published_at__isnull=False).order_by("-published_at")
        found = newest.values_list("published_at", flat=True)[RECENT_SLICE - 1 : RECENT_SLICE].first() or ""
        cache.set(RECENT_CUTOFF_KEY, found, timeout=600)
    return found or None


@dataclass(frozen=True)
class Scan:
    """What one pass over the matching documents found."""

    found: int
    newest: list[int]  # ids of the RANK_WINDOW newest matches
    newest_in_title: list[int]  # ids of the TITLE_WINDOW newest matches in the title


# One GIN lookup and one pass over the matching rows answer the count and both windows:
# for a query of several common words the GIN lookup alone takes about 10 ms, so it is
# not repeated per question. (Title matches are vector matches: the title is in the vector.)
SCAN_SQL = """
WITH matches (id, published_at, in_title) AS MATERIALIZED ({matches})
SELECT (SELECT count(*) FROM matches),
    ARRAY(SELECT id FROM matches ORDER BY published_at DESC NULLS LAST, id DESC LIMIT %s),
    ARRAY(SELECT id FROM matches WHERE in_title ORDER BY published_at DESC NULLS LAST, id DESC LIMIT %s)
"""


@dataclass
class SearchResults:
    """A lazily evaluated, sliceable list of hits (Django's `Paginator` takes it as is)."""

    query: ParsedQuery
    kind: str | None = None
    restrict: QuerySet | None = None
    operator: str = field(init=False, default="&")

    def base(self) -> QuerySet:
        documents = SearchDocument.objects.filter(published=True)
        if self.kind:
            documents = documents.filter(kind=self.kind)
        if self.restrict is not None:
            documents = documents.filter(object_id__in=self.restrict)
        return documents

    def tsquery(self, operator: str | None = None) -> SearchQuery:
        return SearchQuery(self.query.tsquery(operator or self.operator), search_type="raw", config="simple")

    def matching(self, operator: str | None = None) -> QuerySet:
        return self.base().filter(vector=self.tsquery(operator))

    @cached_property
    def scan(self) -> Scan:
        """The count and the newest matches, with every word or (if none has them all) some."""
        if self.query.is_empty:
            return Scan(0, [], [])
        scan = self._scan("&")
        if not scan.found and self.query.can_broaden:
            scan = self._scan("|")
            if scan.found:
                self.operator = "|"
        return scan

    def _scan(self, operator: str) -> Scan:
        """Sorting every match by date visits every matching row (60 ms for a word in all 100,000
        documents), so the newest documents are scanned first: when COUNT_CAP of them match,
        their newest matches are the newest matches overall, and counting further is not needed."""
        cutoff = recent_cutoff()
        query = OpaqueSearchQuery(self.query.tsquery(operator), search_type="raw", config="simple")
        matches = self.base().filter(vector=query)
        in_title = ExpressionWrapper(Q(title_vector=query), output_field=BooleanField())
        with gin_only(), connection.cursor() as cursor:
            for recent in [cutoff, None] if cutoff else [None]:
                found = matches if recent is None else matches.filter(published_at__gte=recent)
                sql, params = (
                    found.annotate(in_title=in_title)
                    .values_list("pk", "published_at", "in_title")
                    .query.sql_with_params()
                )
                cursor.execute(SCAN_SQL.format(matches=sql), (*params, RANK_WINDOW, TITLE_WINDOW))
                count, newest, newest_in_title = cursor.fetchone()
                if recent is None or count > COUNT_CAP:
                    break
            if recent is not None and len(newest_in_title) < TITLE_WINDOW:
                # Fewer than TITLE_WINDOW recent titles have the words, so few titles at all do.
                in_titles = self.base().filter(title_vector=self.tsquery(operator)).order_by(NEWEST_FIRST, "-pk")
                newest_in_title = list(in_titles.values_list("pk", flat=True)[:TITLE_WINDOW])
        return Scan(count, newest, newest_in_title)

    @property
    def found(self) -> int:
        """How many documents match (at least COUNT_CAP + 1 when there are more)."""
        return self.scan.found

    @property
    def total(self) -> int:
        return min(self.found, COUNT_CAP)

    @property
    def capped(self) -> bool:
        """True when there are more hits than COUNT_CAP (shown as "1000+")."""
        return self.found > COUNT_CAP

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    @property
    def broadened(self) -> bool:
        """True when no document had every word and the hits have only some of them."""
        return self.found > 0 and self.operator == "|"

    @cached_property
    def suggestions(self) -> list[dict]:
        """When nothing fits: the reader's own words that find something alone, else the commonest policy terms.

        Each is {"query", "count"}; the page links each to its own search (without the filters,
        so the count is of the whole index).
        """
        if self.found:
            return []
        own = []
        known = set(vocabulary())
        for word in self.query.content_words:
            if word in known and len(own) < SUGGESTION_COUNT:
                found = SearchResults(parse(word), kind=self.kind).found
                if found:
                    own.append({"query": word, "count": min(found, COUNT_CAP)})
        return own or popular_terms(self.kind)

    def matching_ids(self) -> QuerySet:
        """The object ids of every hit, as a subquery (for facet counts on the filtered set)."""
        self.found  # noqa: B018 - settles AND versus OR first
        return self.matching().values("object_id")

    @cached_property
    def window(self) -> list[tuple[int, float]]:
        """(document id, rank) of the ranked candidates, best first."""
        if not self.found:
            return []
        query = self.tsquery()
        candidates = {*self.scan.newest, *self.scan.newest_in_title}
        # ts_rank_cd squashed into [0, 1) (normalisation 32), so a title holding every word (+1)
        # or the query exactly as typed (+1 more) outranks any amount of body text.
        bonus = Case(When(title_vector=query, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
        if len(self.query.text) > 1:
            bonus = bonus + Case(
                When(title__icontains=self.query.text, then=Value(1.0)), default=Value(0.0), output_field=FloatField()
            )
        ranked = (
            SearchDocument.objects.filter(pk__in=candidates)
            .annotate(rank=SearchRank(F("vector"), query, cover_density=True, normalization=Value(32)) + bonus)
            .order_by("-rank", NEWEST_FIRST, "-pk")
            .values_list("pk", "rank")
        )
        return list(ranked)

    def __getitem__(self, item):
        if isinstance(item, int):
            return self[item : item + 1][0]
        start, stop = item.start or 0, min(item.stop if item.stop is not None else self.total, self.total)
        if start >= stop:
            return []
        window = self.window
        ranks = dict(window[start:stop])
        ids = list(ranks)
        if stop > len(window):
            rest = (
                self.matching()
                .exclude(pk__in=[pk for pk, _rank in window])
                .order_by(NEWEST_FIRST, "-pk")
                .values_list("pk", flat=True)[max(0, start - len(window)) : stop - len(window)]
            )
            with gin_only():
                ids += list(rest)
        documents = SearchDocument.objects.defer("title_tokens", "body_tokens", "vector", "title_vector").in_bulk(ids)
        return [self._hit(documents[pk], ranks.get(pk, 0.0)) for pk in ids if pk in documents]

    def _hit(self, document: SearchDocument, rank: float) -> Hit:
        words, fallback = self.query.highlight_words, self.query.fallback_words
        return Hit(
            document=document,
            rank=rank,
            title_html=highlight(document.title, words, fallback),
            snippet_html=snippet(document.body, words, fallback),
        )

    def hits_for(self, object_ids) -> dict[int, Hit]:
        """Highlighted hits for given objects (a page sorted by date rather than relevance)."""
        documents = self.base().filter(object_id__in=list(object_ids)).defer("title_tokens", "body_tokens", "vector")
        return {d.object_id: self._hit(d, 0.0) for d in documents}

    @cached_property
    def did_you_mean(self) -> str | None:
        return did_you_mean(self.query) if not self.found or self.broadened else None


def search(raw: str, *, kind: str | None = SearchDocument.Kind.POLICY, restrict: QuerySet | None = None):
    """The hits for a reader's query; `restrict` limits them to object ids from a subquery."""
    return SearchResults(parse(raw), kind=kind, restrict=restrict)


def _pattern(words: list[str]) -> re.Pattern | None:
    words = [w for w in words if w]
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def highlight(text: str, words: list[str], fallback: list[str] = ()) -> SafeString:
    """The text, HTML-escaped, with every occurrence of the words wrapped in <mark>.

    Words are matched in the normalised text (simplified, half-width, 首台套 for 首台(套))
    and the marks put on the original: a traditional body searched in simplified shows
    its own traditional words marked. The parts of a term (高新, 技术, 企业 for 高新技术企业)
    are marked only where the whole term does not occur, so common parts do not light up
    the whole passage.
    """
    folded = segment.fold_with_spans(text)
    pattern = _pattern(words)
    if fallback and (pattern is None or not pattern.search(folded.text)):
        pattern = _pattern(list(fallback))
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(folded.text):
        start, end = folded.span(match.start(), match.end())
        if start < last:
            continue
        out.append(escape(text[last:start]))
        out.append("<mark>" + escape(text[start:end]) + "</mark>")
        last = end
    out.append(escape(text[last:]))
    # Neighbouring parts of one term (专精 + 特新) read as one mark.
    return mark_safe("".join(out).replace("</mark><mark>", ""))  # noqa: S308 - every piece was escaped above


def snippet(text: str, words: list[str], fallback: list[str] = ()) -> SafeString:
    """A passage of the original text around the first matched word, escaped and highlighted."""
    if not text:
        return mark_safe("")
    first = None
    for candidates in (words, list(fallback)):
        pattern = _pattern(candidates)
        if pattern is None:
            continue
        # Most bodies hold the words as written; folding a whole body (0.4 ms per 2,000 characters)
        # is needed only when they do not (traditional characters, 首台(套)).
        match = pattern.search(text)
        if match:
            first = match.start()
            break
        folded = segment.fold_with_spans(text)
        match = pattern.search(folded.text)
        if match:
            first = folded.span(match.start(), match.end())[0]
            break
    start = max(0, first - SNIPPET_BEFORE) if first is not None else 0
    end = min(len(text), start + SNIPPET_LENGTH)
    passage = text[start:end]
    body = highlight(passage, list(words), list(fallback))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + body + suffix)  # noqa: S308 - the passage was escaped by highlight()


# The words of the 5,000 most recently indexed public titles, most frequent first.
VOCABULARY_SQL = (
    "SELECT word FROM ts_stat($$SELECT to_tsvector('simple', title_tokens) FROM ("
    "SELECT title_tokens FROM search_searchdocument WHERE published "
    "ORDER BY updated_at DESC LIMIT 5000) recent$$) "
    "WHERE length(word) > 1 ORDER BY ndoc DESC LIMIT 20000"
)


def vocabulary() -> list[str]:
    """Words readers may have meant: the policy dictionary, synonyms and words of recent titles."""
    key = f"search:vocabulary:{index_version()}"
    words = cache.get(key)
    if words is None:
        with connection.cursor() as cursor:
            cursor.execute(VOCABULARY_SQL)
            titles = [row[0] for row in cursor.fetchall()]
        words = list(dict.fromkeys([*segment.dictionary_terms(), *synonyms.groups(), *titles]))
        cache.set(key, words, timeout=24 * 3600)
    return words


def did_you_mean(query: ParsedQuery) -> str | None:
    """A corrected query built from title words close to the reader's words, or None."""
    if query.is_empty:
        return None
    known = vocabulary()
    known_set = set(known)
    compact = query.text.replace(" ", "")
    if compact not in known_set and len(compact) > 2:
        whole = difflib.get_close_matches(compact, [w for w in known if abs(len(w) - len(compact)) <= 2], 1, 0.7)
        if whole and search(whole[0], kind=None).found:
            return whole[0]
    corrected, changed = [], False
    for term in query.terms:
        word = term.word
        if word in known_set or len(word) < 2:
            corrected.append(word)
            continue
        near = [w for w in known if abs(len(w) - len(word)) <= 2]
        close = difflib.get_close_matches(word, near, n=1, cutoff=0.6)
        if not close:
            close = [w for w in near if len(w) > 2 and w.startswith(word[:2])][:1]
        if close:
            corrected.append(close[0])
            changed = True
        else:
            corrected.append(word)
    if not changed:
        return None
    suggestion = "".join(corrected) if all(_is_han(w) for w in corrected) else " ".join(corrected)
    return suggestion if search(suggestion, kind=None).found else None


SUGGESTION_COUNT = 5
# The dictionary's policy terms by how many recent public titles hold them.
POPULAR_SQL = (
    "SELECT word, ndoc FROM ts_stat($$SELECT to_tsvector('simple', title_tokens) FROM ("
    "SELECT title_tokens FROM search_searchdocument WHERE published "
    "ORDER BY updated_at DESC LIMIT 5000) recent$$) "
    "WHERE word = ANY(%s) ORDER BY ndoc DESC, word LIMIT %s"
)


@lru_cache(maxsize=1)
def _whole_terms() -> tuple[str, ...]:
    """Dictionary terms that are not part of a longer one (专精特新, not 特新)."""
    terms = segment.dictionary_terms()
    return tuple(t for t in terms if not any(t != other and t in other for other in terms))


def popular_terms(kind: str | None = SearchDocument.Kind.POLICY) -> list[dict]:
    """The policy terms most recent public titles hold, as {"query", "count"} with the count a search for
    each finds (cached per index version)."""
    key = f"search:popular:{kind}:{index_version()}"
    found = cache.get(key)
    if found is None:
        with connection.cursor() as cursor:
            cursor.execute(POPULAR_SQL, [list(_whole_terms()), SUGGESTION_COUNT])
            words = [row[0] for row in cursor.fetchall()]
        counted = [(word, SearchResults(parse(word), kind=kind).found) for word in words]
        found = [{"query": word, "count": min(n, COUNT_CAP)} for word, n in counted if n]
        found.sort(key=lambda s: -s["count"])
        cache.set(key, found, timeout=24 * 3600)
    return found


def _is_han(word: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in word)


SUGGEST_MAX_PREFIX = 30
SUGGEST_TERMS = 5
SUGGEST_CANDIDATES = 20


def _terms_that_find(candidates: list[str], limit: int) -> list[str]:
    """The first `limit` candidate terms that find at least one public policy when searched for, as the
    suggestion link does (a dictionary term such as 人才公寓 may be in no document at all). At most
    SUGGEST_CANDIDATES searches are run per prefix; the result is cached with the suggestion."""
    found = []
    for term in candidates[:SUGGEST_CANDIDATES]:
        if search(term).found:
            found.append(term)
            if len(found) == limit:
                break
    return found


def suggest(raw: str, limit: int = 8) -> dict:
    """Search-as-you-type (搜索联想): dictionary terms starting with what was typed that find at least one
    public policy, and published titles starting with it."""
    text = clean_query(raw)[:SUGGEST_MAX_PREFIX]
    if not text:
        return {"query": "", "terms": [], "titles": []}
    key = f"search:suggest:{index_version()}:{text}"
    found = cache.get(key)
    if found is None:
        found = _suggestions(text, limit)
        cache.set(key, found, timeout=600)
    # Each title says what it is (政策, 事项, 办事服务 …) in the reader's language.
    return {
        **found,
        "titles": [{**t, "kind_label": str(SearchDocument.Kind(t["kind"]).label)} for t in found["titles"]],
    }


def _suggestions(text: str, limit: int) -> dict:
    compact = text.replace(" ", "")
    candidates = [t for t in (*segment.dictionary_terms(), *synonyms.groups()) if t.startswith(compact)]
    terms = _terms_that_find(sorted(dict.fromkeys(candidates), key=len), SUGGEST_TERMS)
    titles = []
    words = segment.words(text)
    if words:
        prefix_query = " & ".join([*(lexeme(w, ":A") for w in words[:-1]), lexeme(words[-1], ":*A")])
        documents = (
            SearchDocument.objects.filter(published=True)
            .filter(vector=SearchQuery(prefix_query, search_type="raw", config="simple"))
            .order_by(F("published_at").desc(nulls_last=True), "-pk")
            .values("title", "url", "kind")[:limit]
        )
        titles = list(documents)
    return {"query": text, "terms": terms, "titles": titles}
