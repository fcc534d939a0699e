"""Chinese word segmentation (分词) with jieba and the portal's dictionary of policy terms.

jieba takes about a second to build its prefix dictionary, so the tokenizer is built
lazily, once per process, behind a lock; every later call reuses it. A private
`jieba.Tokenizer` keeps the policy terms out of jieba's global instance, which
other code (keyword extraction) may configure differently.
"""

import logging
import re
import threading
import time
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jieba
import opencc

log = logging.getLogger(__name__)

DICTIONARY_PATH = Path(__file__).with_name("dictionary.txt")

# Words that carry no meaning for search; dropping them keeps AND queries from
# demanding them and keeps the index small.
STOPWORDS = frozenset(
    {
        *"的了和与及或在是对为等之其于以由将把被并而且也就都向从到中上下有无这那个各该本",
        *("关于", "有关", "进行", "按照", "根据", "通过", "一个", "我们", "可以", "以及", "或者", "并且"),
        *("如何", "什么", "哪些"),
    }
)

WORD_RE = re.compile(r"\w", re.UNICODE)

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def tokenizer() -> jieba.Tokenizer:
    """The process's jieba tokenizer with the policy dictionary loaded (built on first use)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                started = time.perf_counter()
                built = jieba.Tokenizer()
                built.initialize()
                built.load_userdict(str(DICTIONARY_PATH))
                _tokenizer = built
                log.info("jieba ready", extra={"seconds": round(time.perf_counter() - started, 3)})
    return _tokenizer


@cache
def dictionary_terms() -> tuple[str, ...]:
    """The policy terms of the user dictionary, in file order."""
    terms = []
    for line in DICTIONARY_PATH.read_text(encoding="utf-8").splitlines():
        word = line.split(" ", 1)[0].strip()
        if word:
            terms.append(word)
    return tuple(terms)


@cache
def _t2s() -> opencc.OpenCC:
    """OpenCC's traditional → simplified conversion (config `t2s`, phrases first, then characters)."""
    return opencc.OpenCC("t2s")


# A single character in brackets inside a term, as official texts write 首台(套) or 首台（套）.
BRACKETED_CHAR = re.compile(r"\(([\u3400-\u9fff])\)")


@cache
def _bracketable() -> dict[str, tuple[tuple[str, str], ...]]:
    """For each character: the (before, after) contexts in which it completes a dictionary term."""
    found: dict[str, list[tuple[str, str]]] = {}
    for term in dictionary_terms():
        for i in range(1, len(term)):
            found.setdefault(term[i], []).append((term[:i], term[i + 1 :]))
    return {char: tuple(contexts) for char, contexts in found.items()}


def _bracket_folds(text: str) -> list[re.Match]:
    """The bracketed characters of `text` whose brackets, dropped, give a dictionary term."""
    if "(" not in text:
        return []
    folds = []
    reach = max(map(len, dictionary_terms()), default=0)
    for match in BRACKETED_CHAR.finditer(text):
        before = text[max(0, match.start() - reach) : match.start()]
        after = text[match.end() : match.end() + reach]
        contexts = _bracketable().get(match.group(1), ())
        if any(before.endswith(b) and after.startswith(a) for b, a in contexts):
            folds.append(match)
    return folds


def fold_brackets(text: str) -> str:
    """首台(套) → 首台套: brackets around one character are dropped where the result is a dictionary term.

    Decided over listing bracketed variants in the dictionary: every term gets the rule at
    once, and index and query meet on the plain term (the dictionary's form).
    """
    folds = _bracket_folds(text)
    if not folds:
        return text
    out, last = [], 0
    for match in folds:
        out += [text[last : match.start()], match.group(1)]
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def normalise(text: str) -> str:
    """The form both index and query are compared in (检索归一化).

    NFKC (full-width letters, digits and brackets to half-width), lower case, traditional
    characters to simplified (OpenCC t2s: 無錫 → 无锡; 无锡's rules are published in
    traditional characters) and bracketed one-character insertions in dictionary terms
    (首台(套) → 首台套). Snippets and highlights stay on the original text (`fold_with_spans`).
    """
    return fold_brackets(_t2s().convert(_nfkc_lower(text or "")))


# NFKC of the full-width forms (Ｕ+FF01–FF5E) and the ideographic space, as a table: Chinese text is
# full of full-width punctuation, which makes `unicodedata.normalize` take its slow path (0.6 ms
# for 2,000 characters); after this table most texts pass its quick check untouched.
FULL_WIDTH = {0xFF01 + i: 0x21 + i for i in range(0x5E)} | {0x3000: 0x20}


def _nfkc_lower(text: str) -> str:
    text = text.translate(FULL_WIDTH)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


@dataclass(frozen=True)
class Folded:
    """A text in its normalised form, and for each of its characters the span of the original it came from.

    `starts`/`ends` are None when the text folded character for character (the usual case),
    so no map is built for it.
    """

    text: str
    starts: list[int] | None = None
    ends: list[int] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that the normalised text[start:end] came from."""
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def fold_with_spans(text: str) -> Folded:
    """`normalise(text)` with a map back to `text`, so a match in the folded text marks the original words."""
    text = text or ""
    simple = _nfkc_lower(text)
    starts = None
    if len(simple) != len(text):
        # A character folded to several (㈱ → (株)): every piece points to it.
        pieces = [unicodedata.normalize("NFKC", ch).lower() for ch in text]
        simple = "".join(pieces)
        starts = [i for i, piece in enumerate(pieces) for _ in piece]
    converted = _t2s().convert(simple)
    if len(converted) != len(simple):
        # t2s maps character to character; a phrase of another length is converted piece by piece.
        converted = "".join(_t2s().convert(ch) or ch for ch in simple)
        if len(converted) != len(simple):
            converted = simple
    folds = _bracket_folds(converted)
    if not folds:
        return Folded(converted, starts, None if starts is None else [i + 1 for i in starts])
    starts = starts if starts is not None else list(range(len(converted)))
    ends = [i + 1 for i in starts]
    keep, last = [], 0
    for match in folds:
        open_at, char_at, close_at = match.start(), match.start() + 1, match.start() + 2
        keep += [(last, open_at), (char_at, char_at + 1)]
        last = close_at + 1
        # The character keeps the span of its brackets too, so a mark covers 首台(套) whole.
        starts[char_at], ends[char_at] = starts[open_at], ends[close_at]
    keep.append((last, len(converted)))
    return Folded(
        "".join(converted[a:b] for a, b in keep),
        [i for a, b in keep for i in starts[a:b]],
        [i for a, b in keep for i in ends[a:b]],
    )


def is_meaningful(token: str) -> bool:
    return bool(WORD_RE.search(token)) and token not in STOPWORDS


def index_tokens(text: str) -> list[str]:
    """The tokens stored for a text: search-engine mode, so both 高新技术企业 and 高新, 技术 … are kept."""
    return [t for t in (s.strip() for s in tokenizer().cut_for_search(normalise(text))) if is_meaningful(t)]


def words(text: str) -> list[str]:
    """Precise-mode words of an already normalised text, without stop words and punctuation."""
    return [t for t in (s.strip() for s in tokenizer().cut(text)) if is_meaningful(t)]


def subwords(word: str) -> list[str]:
    """The shorter dictionary words inside `word` that the index also holds (专精特新 → 专精, 特新)."""
    return [t for t in dict.fromkeys(index_tokens(word)) if t != word]
