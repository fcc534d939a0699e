"""Two transactions queueing the same dedupe key at the same moment produce one message."""

import threading
import time

import pytest
from django.db import connection, transaction

from portal.notify.models import OutboxMessage
from portal.notify.services import ensure_template, queue_sms


@pytest.mark.django_db(transaction=True)
def test_a_dedupe_key_racing_in_two_transactions_gives_one_row(settings):
    settings.SMS_QUIET_HOURS = ""
    ensure_template("race", "并发", "{step}")
    first_inserted = threading.Event()
    results = {}

    def first():
        with transaction.atomic():
            results["first"] = queue_sms("13812345678", "race", {"step": "一"}, dedupe_key="race-1")
            first_inserted.set()
            time.sleep(0.5)  # the second caller's insert now waits on the unique index
        connection.close()

    def second():
        first_inserted.wait(5)
        with transaction.atomic():
            results["second"] = queue_sms("13900001111", "race", {"step": "二"}, dedupe_key="race-1")
        connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert OutboxMessage.objects.filter(dedupe_key="race-1").count() == 1
    assert results["second"].pk == results["first"].pk
    assert results["second"].duplicate is True
    assert results["second"].text == "一"
