"""A subscription fan-out (订阅群发) to many subscribers while login codes keep being requested.

    .venv/bin/python -m bench.fanout [--subscribers 50000] [--login-processes 2] [--baseline-subscribers N]

Generates the subscribers set-based (users written in batches of 5,000,
subscriptions and their category with one INSERT … SELECT each), publishes
a policy they all subscribe to, and runs `policies.services.notify_subscribers`
— a site message and an SMS per subscriber, committed in chunks — while
`--login-processes` processes (as web workers would) call the real request-code service
(`portal.accounts.verification.issue_code`) for subscribers' phones, one
after another. It prints the longest and 95th-percentile wait of a login
code and the fan-out's duration and throughput.

The baseline is the old way, in the same run on the first
`--baseline-subscribers` of the same subscribers (default 2,000: the old way
manages about 40 a second, so 50,000 would take over 20 minutes): the whole
fan-out in one transaction, one `queue_sms` per subscriber, and every
`queue_sms` — login codes included — taking the per-phone advisory lock held
until commit. `--baseline-subscribers 0` skips it. The broker is not needed:
the dispatcher is not started (nothing is sent), only the outbox is written.
Everything the bench writes is removed at the end.
"""

import argparse
import multiprocessing
import random
import statistics
import time
from contextlib import ExitStack
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from bench import _django  # noqa: F401
from policies import services as policy_services
from policies import workflow
from policies.models import Policy, PolicyCategory, PolicySubscription
from portal.accounts import verification
from portal.accounts.models import VerificationCode
from portal.core.crypto import digest
from portal.notify import services as notify
from portal.notify.models import FanOut, OutboxMessage, SiteMessage
from portal.notify.tasks import dispatch_outbox
from portal.org.models import Department

PREFIX = "bench-fanout-"
CATEGORY = "bench-fanout"
User = get_user_model()


def phone_of(n: int) -> str:
    return f"166{n:08d}"


def make_subscribers(count: int, category: PolicyCategory) -> None:
    batch = []
    for n in range(count):
        phone = phone_of(n)
        batch.append(
            User(username=f"{PREFIX}{n}", kind="enterprise", password="!", phone=phone, phone_digest=digest(phone))
        )
        if len(batch) == 5000:
            User.objects.bulk_create(batch)
            batch = []
    User.objects.bulk_create(batch)
    subscriptions = PolicySubscription._meta.db_table
    through = PolicySubscription.categories.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {subscriptions} (user_id, keywords, sms_enabled, created_at, updated_at) "
            f"SELECT id, '{{}}', true, now(), now() FROM {User._meta.db_table} WHERE username LIKE %s",
            [PREFIX + "%"],
        )
        cursor.execute(
            f"INSERT INTO {through} (policysubscription_id, policycategory_id) "
            f"SELECT s.id, %s FROM {subscriptions} s JOIN {User._meta.db_table} u ON u.id = s.user_id "
            "WHERE u.username LIKE %s",
            [category.pk, PREFIX + "%"],
        )


def make_policy(category: PolicyCategory, title: str) -> Policy:
    department = Department.objects.filter(region__isnull=False).select_related("region").first()
    if department is None:
        raise SystemExit("no department: run `manage.py migrate && manage.py load_demo` first")
    today = timezone.localdate()
    policy = Policy.objects.create(
        title=title,
        document_number=f"压测〔{today.year}〕{random.randrange(10**6)}号",
        issuing_authority=department.name,
        level=Policy.Level.MUNICIPAL,
        region=department.region,
        lead_department=department,
        issue_date=today,
        effective_date=today,
        original_text="压测用政策原文。",
        summary="压测用政策摘要。",
        status=workflow.PUBLISHED,
        published_at=timezone.now(),
    )
    policy.categories.add(category)
    return policy


def request_codes(phones: list[str], stop, results) -> None:
    """One login code after another, as a web worker serving users signing in would, in a process of its own."""
    waits = []
    try:
        for phone in phones:
            if stop.is_set():
                break
            started = time.perf_counter()
            verification.issue_code(phone, verification.Purpose.LOGIN)
            waits.append(time.perf_counter() - started)
            time.sleep(0.02)
        results.put(("ok", waits))
    except Exception as exc:  # reported by the main process
        results.put(("error", repr(exc)))
    finally:
        connection.close()


def old_notify_subscribers(policy_id: int) -> int:
    """The fan-out before chunking: every subscriber in one transaction, one site message and one SMS each."""
    with transaction.atomic():
        notify.ensure_template(
            policy_services.SUBSCRIPTION_SMS_TEMPLATE, "政策订阅提醒", policy_services.SUBSCRIPTION_SMS_TEXT
        )
        policy = Policy.objects.select_for_update().get(pk=policy_id)
        title = f"您订阅的政策已发布：{policy.title}"
        told = 0
        for subscription in policy_services.matching_subscriptions(policy).iterator(chunk_size=500):
            user = subscription.user
            key = f"policy-sub:{policy.pk}:{user.pk}"
            notify.send_site_message(user, title, policy.summary, link=policy.get_absolute_url(), dedupe_key=key)
            if subscription.sms_enabled and user.phone:
                notify.queue_sms(
                    user.phone, policy_services.SUBSCRIPTION_SMS_TEMPLATE, {"title": policy.title}, dedupe_key=key
                )
            told += 1
        Policy.objects.filter(pk=policy.pk).update(subscribers_notified_at=timezone.now())
        return told


def old_locking(queue_sms):
    """queue_sms as it locked before: the per-phone advisory lock for every message, urgent ones included."""

    def locked(phone, template_code, params, *, dedupe_key, urgent=False):
        with transaction.atomic(savepoint=False):
            notify._serialise_cap([digest(notify.normalize_phone(phone))])
            return queue_sms(phone, template_code, params, dedupe_key=dedupe_key, urgent=urgent)

    return locked


def run(label: str, fan_out, policy: Policy, login_phones: list[str], processes: int) -> None:
    context = multiprocessing.get_context("fork")
    stop, results = context.Event(), context.Queue()
    shares = [login_phones[i::processes] for i in range(processes)]
    connections.close_all()  # each process opens its own
    workers = [context.Process(target=request_codes, args=(share, stop, results), daemon=True) for share in shares]
    for worker in workers:
        worker.start()
    time.sleep(0.5)  # the login codes are already flowing when the fan-out starts
    started = time.perf_counter()
    failure = ""
    try:
        told = fan_out(policy.pk)
    except DatabaseError as exc:
        # the old way at 50,000: one advisory lock per phone exhausts PostgreSQL's lock table
        told, failure = 0, str(exc).splitlines()[0]
    finally:
        stop.set()
    duration = time.perf_counter() - started
    waits = []
    for _ in workers:
        outcome, value = results.get()
        if outcome == "error":
            raise SystemExit(f"a login code request failed: {value}")
        waits.extend(value)
    for worker in workers:
        worker.join()
    waits.sort()
    p95 = waits[max(0, round(0.95 * len(waits)) - 1)] if waits else float("nan")
    sms = OutboxMessage.objects.filter(dedupe_key__startswith=f"policy-sub:{policy.pk}:").count()
    rate = f"{told / duration:.0f}" if told else "-"
    if failure:
        label += f" FAILED after {duration:.1f} s ({failure})"
    print(
        f"{label}: subscribers_told={told} sms={sms} fanout_seconds={duration:.1f} "
        f"recipients_per_s={rate} login_codes={len(waits)} "
        f"login_wait_max_s={max(waits, default=float('nan')):.3f} login_wait_p95_s={p95:.3f} "
        f"login_wait_median_s={statistics.median(waits) if waits else float('nan'):.3f}"
    )


def cleanup(policies: list[Policy]) -> None:
    users = User.objects.filter(username__startswith=PREFIX)
    VerificationCode.objects.filter(phone_digest__in=users.values("phone_digest")).delete()
    OutboxMessage.objects.filter(phone_digest__in=users.values("phone_digest")).delete()
    for policy in policies:
        OutboxMessage.objects.filter(dedupe_key__startswith=f"policy-sub:{policy.pk}:").delete()
        SiteMessage.objects.filter(dedupe_key__startswith=f"policy-sub:{policy.pk}:").delete()
        FanOut.objects.filter(key=f"policy-subscribers:{policy.pk}").delete()
        policy.history.all().delete()
        policy.delete()
    User.history.filter(username__startswith=PREFIX).delete()
    users.delete()
    PolicyCategory.objects.filter(code=CATEGORY).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=50_000)
    parser.add_argument("--login-processes", type=int, default=2)
    parser.add_argument("--baseline-subscribers", type=int, default=2000, help="0 skips the baseline")
    parser.add_argument("--chunk-size", type=int, default=settings.NOTIFY_FANOUT_CHUNK_SIZE)
    args = parser.parse_args()
    baseline = min(args.baseline_subscribers, args.subscribers)

    policies = []
    PolicyCategory.objects.filter(code=CATEGORY).delete()
    category = PolicyCategory.objects.create(code=CATEGORY, name="压测分类", order=999)
    with ExitStack() as stack:
        # no broker needed: nothing is sent, the outbox rows are what is measured
        stack.enter_context(mock.patch.object(dispatch_outbox, "apply_async"))
        stack.callback(cleanup, policies)
        started = time.perf_counter()
        make_subscribers(args.subscribers, category)
        print(f"setup: subscribers={args.subscribers} seconds={time.perf_counter() - started:.1f}")
        verification.ensure_sms_templates()
        phones = [phone_of(n) for n in random.sample(range(args.subscribers), args.subscribers)]

        # the same login codes with no fan-out running: what this machine gives anyway
        policies.append(make_policy(category, "压测政策：参照"))
        idle, phones = phones[-200:], phones[:-200]
        run("no fan-out (reference)", lambda pk: time.sleep(5) or 0, policies[-1], idle, args.login_processes)

        settings.NOTIFY_FANOUT_CHUNK_SIZE = args.chunk_size
        policies.append(make_policy(category, "压测政策：分批群发"))
        run(
            "chunked",
            policy_services.notify_subscribers,
            policies[-1],
            phones[: args.subscribers // 2],
            args.login_processes,
        )

        if baseline:
            # the baseline's subscribers: the first `baseline` of them, by generating fewer matches
            if baseline < args.subscribers:
                PolicySubscription.categories.through.objects.filter(
                    policycategory=category,
                    policysubscription__user__username__in=[f"{PREFIX}{n}" for n in range(baseline, args.subscribers)],
                ).delete()
            policies.append(make_policy(category, "压测政策：单事务群发"))
            in_baseline = set(range(baseline))
            spare = [p for p in phones[args.subscribers // 2 :] if int(p[3:]) in in_baseline] or phones[:baseline]
            with mock.patch.object(notify, "queue_sms", old_locking(notify.queue_sms)):
                run("single-transaction (old)", old_notify_subscribers, policies[-1], spare, args.login_processes)
    connections.close_all()


if __name__ == "__main__":
    main()
