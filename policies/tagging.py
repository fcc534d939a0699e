"""Tag suggestions (标签建议) from the policy text: jieba TF-IDF keywords mapped onto the enterprise tag taxonomy.

Suggestions are only offers: an editor confirms or rejects each in the admin,
and only confirmed ones become the policy's tags (which feed matching, §27–28).
"""

import threading
from decimal import Decimal

from django.db import transaction
from django.utils.html import strip_tags

from policies.models import Policy, PolicyTagSuggestion

TOP_KEYWORDS = 30
MIN_TERM_LENGTH = 2
# Everyday shorthand in policy texts for the names the tag taxonomy uses.
ALIASES = {
    "高企": "高新技术企业",
    "小巨人": "专精特新",
    "规上": "规模以上",
    "小微": "小型",
    "外贸": "进出口",
}

_lock = threading.Lock()
_extractor = None


def extractor():
    """jieba's TF-IDF extractor, built once per process, segmenting with the portal's policy dictionary."""
    global _extractor
    if _extractor is None:
        with _lock:
            if _extractor is None:
                import jieba.analyse

                built = jieba.analyse.TFIDF()
                try:
                    from portal.search.segment import tokenizer
                except ImportError:
                    pass
                else:
                    built.tokenizer = tokenizer()
                _extractor = built
    return _extractor


def keywords(policy: Policy) -> list[tuple[str, float]]:
    """Keywords of the text folded as search folds it, so a policy in traditional characters (無錫's)
    meets the simplified tag names."""
    from portal.search.segment import normalise

    text = f"{policy.title}\n{policy.title}\n{policy.summary}\n{strip_tags(policy.original_text)}"
    return extractor().extract_tags(normalise(text), topK=TOP_KEYWORDS, withWeight=True)


def _tag_index():
    from enterprises.models import Tag

    return [(tag, tag.name) for tag in Tag.objects.filter(is_active=True).select_related("category")]


def _matching_tags(keyword: str, tags) -> list:
    term = ALIASES.get(keyword, keyword)
    found = []
    for tag, name in tags:
        if len(name) < MIN_TERM_LENGTH:
            continue
        if term == name or (len(term) >= MIN_TERM_LENGTH and (term in name or name in term)):
            found.append(tag)
    return found


@transaction.atomic
def suggest_tags(policy: Policy) -> list[PolicyTagSuggestion]:
    """Writes (or refreshes) the open suggestions for `policy`; decided ones are left as the editor left them."""
    tags = _tag_index()
    best: dict[int, tuple] = {}
    for keyword, weight in keywords(policy):
        for tag in _matching_tags(keyword, tags):
            if tag.pk not in best or weight > best[tag.pk][1]:
                best[tag.pk] = (tag, weight, keyword)
    decided = set(
        policy.tag_suggestions.exclude(status=PolicyTagSuggestion.Status.SUGGESTED).values_list("tag_id", flat=True)
    )
    policy.tag_suggestions.filter(status=PolicyTagSuggestion.Status.SUGGESTED).exclude(tag_id__in=best).delete()
    suggestions = []
    for tag_id, (tag, weight, keyword) in best.items():
        if tag_id in decided or policy.tags.filter(pk=tag_id).exists():
            continue
        suggestion, _created = PolicyTagSuggestion.objects.update_or_create(
            policy=policy,
            tag=tag,
            defaults={"keyword": keyword[:50], "score": Decimal(str(round(min(weight, 99.0), 4)))},
        )
        suggestions.append(suggestion)
    return suggestions


@transaction.atomic
def confirm(suggestion: PolicyTagSuggestion, *, by) -> PolicyTagSuggestion:
    suggestion.status = PolicyTagSuggestion.Status.CONFIRMED
    suggestion.decided_by = by
    suggestion._history_user = by
    suggestion.save()
    suggestion.policy.tags.add(suggestion.tag)
    return suggestion


@transaction.atomic
def reject(suggestion: PolicyTagSuggestion, *, by) -> PolicyTagSuggestion:
    suggestion.status = PolicyTagSuggestion.Status.REJECTED
    suggestion.decided_by = by
    suggestion._history_user = by
    suggestion.save()
    suggestion.policy.tags.remove(suggestion.tag)
    return suggestion
