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
from functools import cache
from pathlib import Path

import jieba

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


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits to half-width) and lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


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
