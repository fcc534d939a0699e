"""The outbound half of the 12345 integration: every status change of a ticket reaches the 12345 platform once it
answers again — in order per ticket, exactly once per change — however long the platform or the broker was down.

The receiver below plays the 12345 platform as docs/12345.md describes it: it checks the signature, answers 503
while it is "down", and acknowledges a repeated Idempotency-Key without acting on it again (counted as a
duplicate). `portal.notify.gateway_stub.StubGateway` speaks the SMS gateway's protocol (its own signature and
body), not the webhook's, so it cannot stand in for the 12345 endpoint.
"""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest

from appeals import services
from appeals.models import Appeal, AppealState, Channel, EvaluationSource
from portal.core.workflow import perform
from portal.notify.channels import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, backoff, verify_webhook
from portal.notify.models import OutboxMessage, WebhookEndpoint
from portal.notify.tasks import dispatch_due, dispatch_outbox
from tests.factories.appeals import centre_of, department, handler_of, operator_of

pytestmark = pytest.mark.django_db

SECRET = "hotline-secret"
TZ = ZoneInfo("Asia/Shanghai")
Status = OutboxMessage.Status
LOOP = ["submitted", "accepted", "dispatched", "handling", "replied", "closed"]


class Platform:
    """The 12345 platform's receiving end: 503 while down; acknowledges each message id once, repeats as duplicates."""

    def __init__(self):
        self.down = False
        self.attempts = 0
        self.refused = 0
        self.bad_signatures = 0
        self.duplicates = 0
        self.accepted = []  # the bodies acted on, in arrival order
        self.seen = set()
        self.lock = threading.Lock()
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(platform.receive(raw, self.headers))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/12345/notify"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def receive(self, raw: bytes, headers) -> int:
        with self.lock:
            self.attempts += 1
            if self.down:
                self.refused += 1
                return 503
            if not verify_webhook(SECRET, headers[TIMESTAMP_HEADER], raw, headers[SIGNATURE_HEADER]):
                self.bad_signatures += 1
                return 401
            key = headers[IDEMPOTENCY_HEADER]
            if key in self.seen:
                self.duplicates += 1
                return 200
            self.seen.add(key)
            self.accepted.append(json.loads(raw))
            return 200

    def changes_of(self, ticket: str) -> list[dict]:
        return [body["data"] for body in self.accepted if body["data"]["ticket"] == ticket]


class Clock:
    """A fixed `timezone.now()`, moved by hand (the outbox's back-off is read against it)."""

    def __init__(self, monkeypatch, start):
        self.now = start
        monkeypatch.setattr("django.utils.timezone.now", lambda: self.now)

    def advance(self, **delta):
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, dt.datetime(2026, 10, 12, 9, 0, tzinfo=TZ))


@pytest.fixture
def platform():
    platform = Platform()
    yield platform
    platform.server.shutdown()
    platform.server.server_close()


@pytest.fixture
def endpoint(platform):
    return WebhookEndpoint.objects.create(code="12345", name="12345政务服务便民热线", url=platform.url, secret=SECRET)


@pytest.fixture
def published(monkeypatch):
    """The dispatcher starts asked of the broker after each commit (none reaches a real broker here)."""
    calls = []
    monkeypatch.setattr("portal.core.tasks.publish", lambda task, *args, **kwargs: calls.append(task.name) or True)
    return calls


def hotline_ticket(number: str, centre) -> Appeal:
    return services.submit(
        services.NewAppeal(
            kind="complaint",
            title=f"工单{number}：奖励资金未到账",
            content="我公司2025年认定为高新技术企业，按政策应获奖励，至今未到账，请协助催办。",
            channel=Channel.HOTLINE,
            contact_phone="13800138000",
            region=centre.region,
            hotline_number=number,
        )
    )


def counts() -> dict:
    rows = OutboxMessage.objects.filter(channel="webhook", target="12345")
    return {state: rows.filter(status=state).count() for state in Status.values} | {"total": rows.count()}


def test_every_change_reaches_the_platform_once_it_answers_again_in_order_exactly_once(
    clock, platform, endpoint, published
):
    centre = centre_of()
    operator = operator_of(centre)
    kjj, rsj = department("市科技局"), department("市人社局")
    kjj_handler, rsj_handler = handler_of(kjj), handler_of(rsj)
    platform.down = True

    # Two tickets' whole loops, interleaved, while the platform answers 503.
    a, b = hotline_ticket("YC-A-0001", centre), hotline_ticket("YC-B-0002", centre)
    dispatch_due()  # what the dispatcher started after each commit would do: nothing gets through
    perform(a, "accept", by=operator)
    perform(b, "accept", by=operator)
    perform(a, "dispatch", by=operator, department=kjj)
    perform(b, "dispatch", by=operator, department=rsj)
    clock.advance(minutes=1)
    dispatch_due()
    perform(b, "sign", by=rsj_handler)
    perform(a, "sign", by=kjj_handler)
    perform(b, "reply", by=rsj_handler, reason="已协调财政部门，奖励资金本周拨付。")
    perform(a, "reply", by=kjj_handler, reason="经核实，奖励资金已于本周拨付到账，请查收。")
    services.evaluate(a, satisfaction="satisfied", by=None, source=EvaluationSource.HOTLINE)
    services.evaluate(b, satisfaction="basic", by=None, source=EvaluationSource.HOTLINE)
    assert published, "each commit asks for the dispatcher"

    # Down for a while: every attempt refused, backing off 1, 2, 4 … minutes; nothing lost, nothing sent.
    for _attempt in range(6):
        clock.advance(hours=2)
        dispatch_due()
    before = counts()
    print(f"\n12345 down: outbox {before}; platform refused {platform.refused} attempts, acknowledged 0")
    assert before["total"] == 12  # one row per change: 6 per ticket
    assert before["queued"] == 12 and before["sent"] == 0 and before["failed"] == 0
    assert platform.accepted == []
    # only the oldest change of each ticket is tried; the later ones wait behind it
    heads = OutboxMessage.objects.filter(channel="webhook", attempts__gt=0)
    assert {row.ordering_key for row in heads} == {"12345:YC-A-0001", "12345:YC-B-0002"}
    for row in heads:
        assert row.attempts == 8
        assert row.next_attempt_at == clock.now + backoff(row.attempts)
        assert "HTTP 503" in row.last_error
    assert platform.refused == 16

    # Back up: once the back-off has run out, every change arrives, in order per ticket, exactly once.
    platform.down = False
    clock.advance(hours=3)
    dispatch_due()
    after = counts()
    print(
        f"12345 back: outbox {after}; platform acknowledged {len(platform.accepted)} changes, "
        f"{platform.duplicates} duplicates, {platform.bad_signatures} bad signatures"
    )
    assert after["sent"] == 12 and after["queued"] == 0 and after["sending"] == 0 and after["failed"] == 0
    assert len(platform.accepted) == 12
    assert len({body["id"] for body in platform.accepted}) == 12
    assert platform.duplicates == 0 and platform.bad_signatures == 0
    for appeal in (a, b):
        changes = platform.changes_of(appeal.number)
        assert [change["status"] for change in changes] == LOOP
        sequences = [change["sequence"] for change in changes]
        assert sequences == sorted(sequences) and len(set(sequences)) == 6
        assert [change["action"] for change in changes] == [
            "submit",
            "accept",
            "dispatch",
            "sign",
            "reply",
            "evaluate",
        ]
        assert changes[-1]["satisfaction"] in {"satisfied", "basic"}
        assert changes[4]["reply"]
        assert {change["hotline_number"] for change in changes} == {appeal.hotline_number}
    # the two tickets did interleave at the platform (each waits only behind its own earlier changes)
    tickets = [body["data"]["ticket"] for body in platform.accepted]
    assert tickets != sorted(tickets)

    # A sweep later finds nothing left; the platform hears nothing twice.
    clock.advance(days=1)
    assert dispatch_due() == 0
    assert len(platform.accepted) == 12 and platform.duplicates == 0


def test_a_change_made_while_the_broker_is_unreachable_is_kept_and_delivered_by_the_sweep(
    clock, platform, endpoint, caplog
):
    from portal.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there: the broker is down
    try:
        centre = centre_of()
        appeal = hotline_ticket("YC-C-0003", centre)
        perform(appeal, "accept", by=operator_of(centre))
    finally:
        app.conf.broker_url = previous
    assert "broker unavailable" in caplog.text
    rows = OutboxMessage.objects.filter(channel="webhook", ordering_key="12345:YC-C-0003")
    assert rows.count() == 2 and set(rows.values_list("status", flat=True)) == {Status.QUEUED}
    assert platform.attempts == 0

    # beat's sweep (every minute) runs the dispatcher without anyone having asked the broker
    clock.advance(minutes=1)
    dispatch_outbox()
    assert set(rows.values_list("status", flat=True)) == {Status.SENT}
    assert [body["data"]["status"] for body in platform.accepted] == ["submitted", "accepted"]
    assert Appeal.objects.get(pk=appeal.pk).status == AppealState.ACCEPTED


def test_a_ticket_of_a_city_not_connected_to_12345_queues_nothing(clock, published):
    centre = centre_of()
    appeal = hotline_ticket("YC-D-0004", centre)
    perform(appeal, "accept", by=operator_of(centre))
    assert not OutboxMessage.objects.filter(channel="webhook").exists()
