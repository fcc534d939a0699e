"""Every business model keeps its history (django-simple-history), so every change says who made it.

A new model without `history = HistoricalRecords()` fails here. The few tables
that are themselves records, or too short-lived to be business data, are
allowed on the list below, each with its reason; keep it short.
"""

import pytest
from django.apps import apps

APPS = [
    "org",
    "accounts",
    "workcalendar",
    "notify",
    "audit",
    "policies",
    "matters",
    "enterprises",
    "applications",
    "payouts",
    "appeals",
    "supervision",
    "engagement",
]

WITHOUT_HISTORY = {
    # The access log is itself the audit record, and the database forbids changing it.
    "audit.SensitiveAccessLog",
    # Outbox rows: each row records its own sending (status, attempts, provider answer, times);
    # a history table would copy every retry of every SMS.
    "notify.OutboxMessage",
    # A fan-out's bookmark, advanced once per chunk of 500 messages; the messages are the record.
    "notify.FanOut",
    # Session-like: a hashed SMS code that lives minutes; its attempts are counted on the row.
    "accounts.VerificationCode",
    # A per-address counter of requests in one hour; bumped on every code request, purged daily.
    "accounts.RequestCounter",
    # Outbox of enterprise changes for the matching work; append-only, the row is the record.
    "enterprises.ChangeEvent",
    # Match results: rewritten by every matching run over the register (millions of rows a night); the rule
    # version, first-matched, first-eligible and notified times on the row are what must be kept.
    "matters.MatchResult",
    # A push told once (unique per matter, enterprise and kind); append-only, the row is the record.
    "matters.PushRecord",
    # An impact preview is a stored computation, never changed after it is made; the row is the record.
    "matters.ImpactPreview",
    # A replay guard: one row per signed API call, swept after the timestamp window; the call is logged.
    "applications.ApiNonce",
    # Suspected near-duplicate catalogue names: rewritten daily by the finder from the matters' names (which keep
    # their history); the row keeps when the pair was first found.
    "matters.NearDuplicateName",
    # Supervision facts: sums recomputed from the domains' records every 10 minutes and nightly; the records
    # they count keep their history, and `Refresh` says when each measure was last recomputed.
    "supervision.Fact",
    "supervision.MonthFact",
    "supervision.RegionFact",
    "supervision.Refresh",
    # Daily counts of visits, searches and calculator uses, only ever incremented.
    "supervision.ActivityCount",
}


def _business_models():
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            # Historical models (they have `instance_type`) and auto-created m2m tables are not business models.
            if hasattr(model, "instance_type") or model._meta.auto_created:
                continue
            yield model


@pytest.mark.parametrize("model", list(_business_models()), ids=lambda model: model._meta.label)
def test_the_model_keeps_history_unless_it_is_on_the_justified_list(model):
    has_history = hasattr(model._meta, "simple_history_manager_attribute")
    assert has_history != (model._meta.label in WITHOUT_HISTORY), (
        f"{model._meta.label}: add `history = HistoricalRecords()`"
        if not has_history
        else f"{model._meta.label} has history now: take it off WITHOUT_HISTORY"
    )


def test_the_allow_list_names_only_models_that_exist():
    existing = {model._meta.label for model in _business_models()}
    assert WITHOUT_HISTORY.issubset(existing)
