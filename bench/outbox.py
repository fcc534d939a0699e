"""Outbox throughput: messages per second through the `http` provider against the local gateway stub.

    .venv/bin/python -m bench.outbox [--messages 2000] [--workers 4]

Queues the messages with `queue_sms` (rows tagged `bench-`, removed again at
the end), then runs `--workers` dispatcher processes — what each Celery
worker process does — until every message is sent, and prints the rate.
The stub answers at once, so the figure is the outbox's own cost: claiming,
signing, one HTTP round trip and recording the answer per message.
"""

import argparse
import multiprocessing
import sys
import time
from unittest import mock

from django.conf import settings
from django.db import connections, transaction

from bench import _django  # noqa: F401
from portal.notify.gateway_stub import StubGateway
from portal.notify.models import OutboxMessage
from portal.notify.services import ensure_template, queue_sms
from portal.notify.tasks import dispatch_due, dispatch_outbox

PREFIX = "bench-"
SECRET = "bench-secret"


def _dispatch() -> None:
    dispatch_due()
    connections.close_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    gateway = StubGateway(SECRET).start()
    settings.SMS_PROVIDER = "http"
    settings.SMS_HTTP_URL = gateway.url
    settings.SMS_HTTP_APP_ID = "bench"
    settings.SMS_HTTP_SECRET = SECRET
    settings.SMS_QUIET_HOURS = ""

    OutboxMessage.objects.filter(dedupe_key__startswith=PREFIX).delete()
    ensure_template("bench-progress", "压测通知", "【惠企服务平台】您申报的{matter}已进入{step}环节。")
    started = time.perf_counter()
    # no broker needed: the dispatcher processes below do the work the enqueued task would
    with mock.patch.object(dispatch_outbox, "apply_async"), transaction.atomic():
        for n in range(args.messages):
            queue_sms(
                f"137{n:08d}", "bench-progress", {"matter": f"事项{n}", "step": "审核"}, dedupe_key=f"{PREFIX}{n}"
            )
    queued = time.perf_counter() - started
    print(f"queue_sms: n={args.messages} seconds={queued:.2f} msgs_per_s={args.messages / queued:.0f}")

    connections.close_all()
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    processes = [context.Process(target=_dispatch) for _ in range(args.workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started

    sent = OutboxMessage.objects.filter(dedupe_key__startswith=PREFIX, status=OutboxMessage.Status.SENT).count()
    OutboxMessage.objects.filter(dedupe_key__startswith=PREFIX).delete()
    gateway.stop()
    if sent != args.messages or len(gateway.delivered) != args.messages:
        sys.exit(f"only {sent} of {args.messages} sent, gateway delivered {len(gateway.delivered)}")
    print(f"workers={args.workers} seconds={elapsed:.2f} gateway_requests={gateway.received}")
    print(f"outbox: n={args.messages} msgs_per_s={args.messages / elapsed:.0f}")


if __name__ == "__main__":
    main()
