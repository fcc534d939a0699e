"""Scanning the newest documents first gives the same answers as scanning them all."""

import datetime as dt

import pytest
from django.core.cache import cache

from policies.models import Policy
from portal.search import index, query
from tests.factories.search import public_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_windows(monkeypatch):
    """Windows of a few documents, so a handful of policies exercise the paths 100,000 would."""
    monkeypatch.setattr(query, "COUNT_CAP", 3)
    monkeypatch.setattr(query, "RANK_WINDOW", 2)
    monkeypatch.setattr(query, "TITLE_WINDOW", 2)


def dated_policy(title: str, days_ago: int) -> Policy:
    policy = public_policy(title=title, original_text="<p>对首次认定的高新技术企业给予奖励。</p>", summary="")
    published = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC) - dt.timedelta(days=days_ago)
    Policy.objects.filter(pk=policy.pk).update(published_at=published)
    policy.refresh_from_db()
    index.update_document(policy)
    return policy


def answers(raw: str, slice_size: int, monkeypatch):
    monkeypatch.setattr(query, "RECENT_SLICE", slice_size)
    cache.delete(query.RECENT_CUTOFF_KEY)
    results = query.search(raw)
    return results.total, results.capped, [hit.document.title for hit in results[0:10]]


def test_many_recent_matches_stop_the_scan_with_the_same_answer(small_windows, monkeypatch):
    for n in range(8):
        dated_policy(f"高新技术企业奖励办法（第{n}批）", days_ago=n)

    whole = answers("高新技术企业", slice_size=1_000_000, monkeypatch=monkeypatch)
    recent_first = answers("高新技术企业", slice_size=5, monkeypatch=monkeypatch)

    assert recent_first == whole
    assert whole[:2] == (3, True)


def test_few_recent_matches_fall_back_to_the_whole_index(small_windows, monkeypatch):
    dated_policy("高新技术企业认定奖励办法", days_ago=400)
    for n in range(6):
        public_policy(title=f"稳岗返还实施细则（第{n}批）", original_text="<p>失业保险稳岗返还。</p>", summary="")

    whole = answers("高新技术企业", slice_size=1_000_000, monkeypatch=monkeypatch)
    recent_first = answers("高新技术企业", slice_size=3, monkeypatch=monkeypatch)

    assert recent_first == whole == (1, False, ["高新技术企业认定奖励办法"])
