"""Fan-outs (群发) and login codes: chunks commit on their own, and a login code never waits behind one."""

import threading
import time

import pytest
from django.db import connection, transaction

from portal.accounts import verification
from portal.notify.models import FanOut, OutboxMessage, SiteMessage
from portal.notify.services import ensure_template, queue_sms, queue_sms_batch, run_fanout, send_site_message_batch
from tests.factories.notify import RecipientFactory

PARAMS = {"matter": "研发费用补助", "step": "审核"}


@pytest.mark.django_db
def test_a_batch_skips_keys_already_queued(clock, progress_template):
    queue_sms("13812345678", "application-progress", PARAMS, dedupe_key="a")

    written = queue_sms_batch("application-progress", [("13812345678", PARAMS, "a"), ("13812345679", PARAMS, "b")])

    assert written == 1
    assert sorted(OutboxMessage.objects.values_list("dedupe_key", flat=True)) == ["a", "b"]


@pytest.mark.django_db
def test_a_batch_counts_the_daily_cap_within_itself(clock, progress_template, settings):
    settings.SMS_DAILY_CAP_PER_PHONE = 2
    queue_sms_batch("application-progress", [("13812345678", PARAMS, f"k{n}") for n in range(3)])

    statuses = list(OutboxMessage.objects.order_by("dedupe_key").values_list("status", flat=True))
    assert statuses == ["queued", "queued", "suppressed"]


@pytest.mark.django_db
def test_a_site_message_batch_skips_recipients_who_already_have_it(clock):
    users = RecipientFactory.create_batch(2)
    send_site_message_batch([(users[0].pk, "k")], "通知", "正文")

    assert send_site_message_batch([(u.pk, "k") for u in users], "通知", "正文") == 1
    assert SiteMessage.objects.count() == 2


@pytest.mark.django_db
def test_run_fanout_advances_its_cursor_chunk_by_chunk_and_finishes_once(clock):
    told = []

    def next_chunk(cursor, size):
        return [(n, n) for n in range(cursor + 1, min(cursor + size, 7) + 1)]

    fanout, count = run_fanout("demo", next_chunk, told.extend, chunk_size=3)

    assert count == 7 and told == list(range(1, 8))
    assert (fanout.cursor, fanout.chunks, fanout.recipients) == (7, 3, 7)
    assert run_fanout("demo", next_chunk, told.extend, chunk_size=3)[1] == 0
    assert FanOut.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_login_code_does_not_wait_for_an_uncommitted_fanout_chunk_to_the_same_phone(settings):
    settings.SMS_QUIET_HOURS = ""
    phone = "13812345678"
    ensure_template("notice", "通知", "您订阅的政策已发布：{title}")
    verification.ensure_sms_templates()
    chunk_open = threading.Event()

    def fanout_chunk():
        # a chunk of ordinary messages, one of them to the phone, its transaction left open for 3 s
        with transaction.atomic():
            queue_sms_batch("notice", [(f"1390000{n:04d}", {"title": "政策"}, f"n{n}") for n in range(50)])
            queue_sms(phone, "notice", {"title": "政策"}, dedupe_key="n-phone")
            chunk_open.set()
            time.sleep(3)
        connection.close()

    thread = threading.Thread(target=fanout_chunk)
    thread.start()
    assert chunk_open.wait(10)
    started = time.monotonic()
    verification.issue_code(phone, verification.Purpose.LOGIN)
    waited = time.monotonic() - started
    thread.join(10)

    assert waited < 1.0
    assert OutboxMessage.objects.filter(template__code=verification.SMS_TEMPLATE).count() == 1
