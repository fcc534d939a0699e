"""Never paid twice (the issue's check): 50 simultaneous attempts to batch, approve and settle the same payouts,
in threads against the real PostgreSQL, end with each payout in exactly one batch, paid once, and the sum paid
equal to the sum approved to the fen."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.db.models import Sum

from payouts import bankfiles, services
from payouts.models import BankResultImport, BatchState, Payout, PayoutBatch, PayoutState
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.payouts import finance_of, finance_officers, to_payout

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]

ATTEMPTS = 50
CASES = 40


def _at_once(calls):
    """Runs every call at the same moment (a barrier) in its own thread and connection; returns the outcomes:
    the result, or the Chinese refusal."""
    barrier = threading.Barrier(len(calls))

    def one(call):
        try:
            barrier.wait()
            return call()
        except (ValidationError, PermissionDenied) as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(one, calls))


def test_fifty_simultaneous_attempts_pay_each_payout_once():
    matter = published_matter()
    amounts = [Decimal("1000.01") * (n + 1) for n in range(CASES)]
    for amount in amounts:
        to_payout(matter, enterprise_with_user(), amount=str(amount))
    officers = finance_officers(finance_of(matter.region), 4)
    services.open_payouts()
    source = Payout.objects.first().funding_source
    approved_total = sum(amounts)
    connections.close_all()

    # 50 makers batch the same pending payouts at once: each payout lands in exactly one batch
    makers = [officers[n % 2] for n in range(ATTEMPTS)]
    outcomes = _at_once([lambda by=by: services.create_batch(by=by, funding_source=source, limit=3) for by in makers])
    batches = [o for o in outcomes if isinstance(o, PayoutBatch)]
    assert all(isinstance(o, PayoutBatch | ValidationError) for o in outcomes)
    assert sum(b.count for b in batches) == CASES == Payout.objects.filter(state=PayoutState.BATCHED).count()
    assert Payout.objects.filter(batch__isnull=True).count() == 0
    assert sum(PayoutBatch.objects.values_list("total", flat=True)) == approved_total

    # 50 checkers approve those batches at once, several times each: each batch is approved once, never by its maker
    checks = [(batch, officers[2 + n % 2]) for n in range(ATTEMPTS) for batch in [batches[n % len(batches)]]]
    _at_once([lambda b=b, by=by: services.approve_batch(b, by=by) for b, by in checks])
    makers_own = _at_once([lambda b=b: services.approve_batch(b, by=b.created_by) for b in batches[:5]])
    assert all(isinstance(o, PermissionDenied | ValidationError) for o in makers_own)
    assert set(PayoutBatch.objects.values_list("state", flat=True)) == {BatchState.APPROVED}
    assert not PayoutBatch.objects.filter(approved_by__in=[officers[0], officers[1]]).exists()

    # every batch is exported, then its bank file imported 50 times at once: paid once each
    for batch in batches:
        services.export_batch(batch, by=batch.created_by)
    files = {batch.pk: bankfiles.results_template(batch) for batch in PayoutBatch.objects.all()}
    imports = [(batch, files[batch.pk]) for n in range(ATTEMPTS) for batch in [batches[n % len(batches)]]]
    outcomes = _at_once(
        [lambda b=b, c=c: services.import_results(b, c, file_name="回单.xlsx", by=b.created_by) for b, c in imports]
    )
    assert all(not isinstance(o, Exception) and not o.errors for o in outcomes)
    assert BankResultImport.objects.count() == len(batches)
    assert sum(o.paid for o in outcomes) == CASES
    assert Payout.objects.filter(state=PayoutState.PAID).count() == CASES
    assert Payout.objects.filter(state=PayoutState.PAID).aggregate(s=Sum("amount"))["s"] == approved_total
    assert Payout.history.model.objects.filter(state=PayoutState.PAID).count() == CASES
