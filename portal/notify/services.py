"""Writing to the outbox (发件箱) — SMS (短信), webhooks (推送) — and site messages (站内信).

All only write rows in the caller's transaction; nothing is sent from a web
request. The dispatcher (`tasks.dispatch_outbox`) is started after commit.
"""

import datetime as dt
import json
import logging
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.phones import normalize_phone
from portal.core.crypto import digest
from portal.core.tasks import enqueue_once_on_commit

from .models import FanOut, OutboxMessage, SiteMessage, SmsTemplate, WebhookEndpoint

log = logging.getLogger(__name__)

# Mainland China: quiet hours and the daily cap follow the recipient's clock.
SMS_TZ = ZoneInfo("Asia/Shanghai")


def parse_quiet_hours(spec: str) -> tuple[dt.time, dt.time] | None:
    """'22:00-08:00' → (22:00, 08:00); an empty spec turns quiet hours off."""
    spec = (spec or "").strip()
    if not spec:
        return None
    start, end = (dt.time.fromisoformat(part.strip()) for part in spec.split("-"))
    return start, end


def quiet_hours_end(moment: dt.datetime) -> dt.datetime | None:
    """The end of the quiet hours (夜间免打扰时段) `moment` falls in, or None outside them.

    The window may wrap past midnight (22:00-08:00); its start is included,
    its end is not.
    """
    window = parse_quiet_hours(settings.SMS_QUIET_HOURS)
    if window is None:
        return None
    start, end = window
    local = moment.astimezone(SMS_TZ)
    now = local.time()
    if start <= end:
        inside = start <= now < end
        end_day = local.date()
    else:
        inside = now >= start or now < end
        end_day = local.date() + dt.timedelta(days=1) if now >= start else local.date()
    if not inside:
        return None
    return dt.datetime.combine(end_day, end, tzinfo=SMS_TZ)


def earliest_send_time(moment: dt.datetime, *, urgent: bool) -> dt.datetime:
    """`moment`, or for a non-urgent message inside quiet hours the morning after."""
    if urgent:
        return moment
    return quiet_hours_end(moment) or moment


def _counted_today(phone_digest: str, now: dt.datetime) -> int:
    """The phone's messages that count towards today's cap: by creation day, whatever became of them.

    Queued, sending, sent and failed rows created since midnight (Asia/Shanghai)
    count; suppressed ones do not. A message queued at 23:00 and held until
    08:00 counts on the day it was queued, not the day it goes out.
    """
    local_midnight = dt.datetime.combine(now.astimezone(SMS_TZ).date(), dt.time(), tzinfo=SMS_TZ)
    return (
        OutboxMessage.objects.filter(phone_digest=phone_digest, created_at__gte=local_midnight)
        .exclude(status=OutboxMessage.Status.SUPPRESSED)
        .count()
    )


def _active_template(code: str) -> SmsTemplate:
    try:
        template = SmsTemplate.objects.get(code=code)
    except SmsTemplate.DoesNotExist:
        raise ValidationError(_("短信模板“%(code)s”不存在"), params={"code": code}, code="no_template") from None
    if not template.active:
        raise ValidationError(_("短信模板“%(code)s”已停用"), params={"code": code}, code="inactive_template")
    return template


def _start_dispatcher_after_commit() -> None:
    """Starts the dispatcher after the current transaction commits, at most once per transaction.

    One dispatcher drains every due row, so a transaction that queues fifty
    messages needs one broker message, not fifty.
    """
    from .tasks import dispatch_outbox

    enqueue_once_on_commit(dispatch_outbox)


def _serialise_cap(phone_digests: list[str]) -> None:
    """Serialises the writers of ordinary messages to these phones until commit, so no two slip under the daily cap.

    Only messages that count towards the cap take these locks: urgent ones
    (verification codes) are exempt from the cap and take none, so a login
    code never waits behind a transaction that queues ordinary messages to
    the same phone — such as a fan-out chunk. Several phones are locked in
    one statement, in sorted order, so two batches cannot deadlock each other.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(%s::text[]) AS k ORDER BY k",
            [sorted({"notify.sms:" + d for d in phone_digests})],
        )


def queue_sms(phone: str, template_code: str, params: dict, *, dedupe_key: str, urgent: bool = False):
    """Queues one SMS in the outbox and returns its `OutboxMessage`.

    A dedupe key already in the outbox returns that row untouched, with
    `duplicate = True` on the returned instance: the same key is never sent
    twice, also when two transactions race (INSERT … ON CONFLICT DO NOTHING).
    A non-urgent message is held until quiet hours end; beyond the per-phone
    daily cap it is written as `suppressed`, never sent. The cap counts the
    messages queued for the phone since local midnight, not those delivered
    (see `_counted_today`); an urgent message is exempt and never waits for
    another transaction (see `_serialise_cap`). Bad input raises
    ValidationError and writes nothing. However many messages one
    transaction queues, it starts the dispatcher once, after commit.
    """
    if not dedupe_key:
        raise ValidationError(_("短信必须提供去重键"), code="no_dedupe_key")
    existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        existing.duplicate = True
        return existing

    phone = normalize_phone(phone)
    template = _active_template(template_code)
    text = template.render(params)
    urgent = urgent or template.urgent
    now = timezone.now()
    phone_digest = digest(phone)

    # Everything above only reads, so a refusal leaves the caller's transaction usable; the
    # writes below need no savepoint of their own (saving two round trips per message).
    with transaction.atomic(savepoint=False):
        message = OutboxMessage(
            channel="sms",
            phone=phone,
            phone_digest=phone_digest,
            template=template,
            params={key: str(value) for key, value in params.items()},
            text=text,
            dedupe_key=dedupe_key,
            urgent=urgent,
            next_attempt_at=earliest_send_time(now, urgent=urgent),
        )
        if not urgent:
            _serialise_cap([phone_digest])
            if _counted_today(phone_digest, now) >= settings.SMS_DAILY_CAP_PER_PHONE:
                _suppress(message)

        # ON CONFLICT DO NOTHING: a concurrent writer of the same key wins; we
        # then return its row. The UUID tells us whose row we read back.
        OutboxMessage.objects.bulk_create([message], ignore_conflicts=True)
        stored = OutboxMessage.objects.get(dedupe_key=dedupe_key)
        stored.duplicate = stored.message_id != message.message_id
        if not stored.duplicate and stored.status == OutboxMessage.Status.QUEUED and stored.next_attempt_at <= now:
            _start_dispatcher_after_commit()
        return stored


def _suppress(message: OutboxMessage) -> None:
    message.status = OutboxMessage.Status.SUPPRESSED
    message.last_error = str(_("超过每个手机号每日%(cap)d条的上限，未发送") % {"cap": settings.SMS_DAILY_CAP_PER_PHONE})


def queue_sms_batch(template_code: str, recipients: list[tuple[str, dict, str]], *, urgent: bool = False) -> int:
    """Queues one SMS per (phone, params, dedupe key) with the same rules as `queue_sms`, in a few set-based
    statements; returns how many new messages it wrote (a key another transaction wrote meanwhile is counted
    but, by ON CONFLICT DO NOTHING, not written twice).

    For fan-outs (群发): a key already in the outbox is skipped, so a retried
    batch writes nothing twice; a malformed phone is skipped and logged, not
    raised, so one bad number does not stop the rest. The daily cap is
    counted per phone over the batch as well as what was queued before.
    """
    template = _active_template(template_code)
    urgent = urgent or template.urgent
    now = timezone.now()
    known = set(
        OutboxMessage.objects.filter(dedupe_key__in=[key for _, _, key in recipients]).values_list(
            "dedupe_key", flat=True
        )
    )
    messages, malformed = [], 0
    for phone, params, dedupe_key in recipients:
        if not dedupe_key or dedupe_key in known:
            continue
        try:
            phone = normalize_phone(phone)
        except ValidationError:
            malformed += 1
            continue
        known.add(dedupe_key)
        messages.append(
            OutboxMessage(
                channel="sms",
                phone=phone,
                phone_digest=digest(phone),
                template=template,
                params={key: str(value) for key, value in params.items()},
                text=template.render(params),
                dedupe_key=dedupe_key,
                urgent=urgent,
                next_attempt_at=earliest_send_time(now, urgent=urgent),
            )
        )
    if malformed:
        log.warning("sms batch skipped malformed phones", extra={"template": template_code, "count": malformed})
    if not messages:
        return 0
    with transaction.atomic(savepoint=False):
        if not urgent:
            digests = [message.phone_digest for message in messages]
            _serialise_cap(digests)
            counted = _counted_today_many(digests, now)
            for message in messages:
                if counted.get(message.phone_digest, 0) >= settings.SMS_DAILY_CAP_PER_PHONE:
                    _suppress(message)
                else:
                    counted[message.phone_digest] = counted.get(message.phone_digest, 0) + 1
        written = OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True)
        if any(m.status == OutboxMessage.Status.QUEUED and m.next_attempt_at <= now for m in messages):
            _start_dispatcher_after_commit()
    return len(written)


def _counted_today_many(phone_digests: list[str], now: dt.datetime) -> dict[str, int]:
    """`_counted_today` for many phones in one GROUP BY query."""
    local_midnight = dt.datetime.combine(now.astimezone(SMS_TZ).date(), dt.time(), tzinfo=SMS_TZ)
    rows = (
        OutboxMessage.objects.filter(phone_digest__in=set(phone_digests), created_at__gte=local_midnight)
        .exclude(status=OutboxMessage.Status.SUPPRESSED)
        .values_list("phone_digest")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def _lock_ordering_key(ordering_key: str) -> None:
    """Serialises writers of one ordering key until commit, so ids of a key are committed in the order given.

    The dispatcher delivers a key's rows by id; without this, a row queued
    later by a faster transaction could commit, and go out, before an earlier
    one. Only writers of the same key (one 12345 ticket) ever wait here.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", ["notify.order:" + ordering_key])


def queue_webhook(endpoint: str, event: str, data: dict, *, dedupe_key: str, ordering_key: str = "") -> OutboxMessage:
    """Queues one webhook (推送) of `event` with `data` to the endpoint `endpoint` and returns its `OutboxMessage`.

    `data` must be JSON (dates as ISO strings). The dispatcher POSTs it,
    signed, and retries with back-off until the endpoint acknowledges with a
    2xx (see `channels`). Deliveries sharing an `ordering_key` — e.g.
    "12345:<ticket number>" — reach the endpoint strictly in the order they
    were queued: a later one waits while an earlier one is pending or being
    retried. A dedupe key already in the outbox returns that row untouched,
    with `duplicate = True`, also when two transactions race. An unknown
    endpoint or data that is not JSON raises ValidationError and writes nothing.
    """
    if not dedupe_key:
        raise ValidationError(_("推送必须提供去重键"), code="no_dedupe_key")
    existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        existing.duplicate = True
        return existing
    if not WebhookEndpoint.objects.filter(code=endpoint).exists():
        raise ValidationError(_("推送接收端“%(code)s”不存在"), params={"code": endpoint}, code="no_endpoint")
    try:
        json.dumps(data)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("推送内容必须是 JSON 数据"), code="not_json") from exc

    now = timezone.now()
    message = OutboxMessage(
        channel="webhook",
        target=endpoint,
        ordering_key=ordering_key,
        params={"event": event, "data": data},
        dedupe_key=dedupe_key,
        next_attempt_at=now,
    )
    with transaction.atomic(savepoint=False):
        if ordering_key:
            _lock_ordering_key(ordering_key)
        OutboxMessage.objects.bulk_create([message], ignore_conflicts=True)
        stored = OutboxMessage.objects.get(dedupe_key=dedupe_key)
        stored.duplicate = stored.message_id != message.message_id
        if not stored.duplicate:
            _start_dispatcher_after_commit()
        return stored


@transaction.atomic
def resend(message: OutboxMessage) -> bool:
    """Puts a failed message back in the queue (staff action). Returns False for any other status.

    The message keeps its id, which the receiver gets as idempotency key,
    so a message that in fact reached the gateway or endpoint is not delivered twice.
    """
    updated = OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.FAILED).update(
        status=OutboxMessage.Status.QUEUED,
        attempts=0,
        next_attempt_at=earliest_send_time(timezone.now(), urgent=message.urgent),
    )
    if updated:
        _start_dispatcher_after_commit()
    return bool(updated)


@transaction.atomic
def ensure_template(code: str, name: str, text: str, urgent: bool = False) -> SmsTemplate:
    """Creates the template `code` if it does not exist; an existing one (perhaps edited by staff) is kept.

    Other apps call this from their demo and seed loaders, so it is idempotent.
    """
    template = SmsTemplate.objects.filter(code=code).first()
    if template is not None:
        return template
    template = SmsTemplate(code=code, name=name, text=text, urgent=urgent)
    template.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        # created a moment ago by a concurrent caller (two workers telling enterprises at once)
        return SmsTemplate.objects.get(code=code)
    return template


def _unread_cache_key(user_id) -> str:
    return f"notify:unread:{user_id}"


def _forget_unread_count(user_id) -> None:
    key = _unread_cache_key(user_id)
    transaction.on_commit(lambda: cache.delete(key))


@transaction.atomic
def send_site_message(user, title: str, body: str, *, link: str = "", dedupe_key: str | None = None):
    """Writes one site message to `user`'s inbox and returns the SiteMessage.

    With a dedupe key already used for this user, the existing message is
    returned unchanged.
    """
    if not title or not title.strip():
        raise ValidationError(_("站内信标题不能为空"), code="no_title")
    if dedupe_key:
        existing = SiteMessage.objects.filter(user=user, dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    message = SiteMessage(user=user, title=title.strip(), body=body, link=link, dedupe_key=dedupe_key or None)
    message.full_clean(validate_unique=False, validate_constraints=False)
    if dedupe_key:
        SiteMessage.objects.bulk_create([message], ignore_conflicts=True)
        message = SiteMessage.objects.get(user=user, dedupe_key=dedupe_key)
    else:
        message.save()
    _forget_unread_count(user.pk)
    return message


def send_site_message_batch(recipients: list[tuple[int, str]], title: str, body: str, *, link: str = "") -> int:
    """Writes the same site message to many inboxes, one per (user id, dedupe key), in one INSERT; returns how many.

    For fan-outs (群发): a (user, dedupe key) already used is skipped, so a
    retried batch writes nothing twice. Each recipient's unread count is
    forgotten after commit.
    """
    if not title or not title.strip():
        raise ValidationError(_("站内信标题不能为空"), code="no_title")
    if not recipients:
        return 0
    keys = {key for _, key in recipients}
    known = set(
        SiteMessage.objects.filter(user_id__in={user_id for user_id, _ in recipients}, dedupe_key__in=keys).values_list(
            "user_id", "dedupe_key"
        )
    )
    fresh = [(user_id, key) for user_id, key in dict.fromkeys(recipients) if (user_id, key) not in known]
    SiteMessage.objects.bulk_create(
        [
            SiteMessage(user_id=user_id, title=title.strip(), body=body, link=link, dedupe_key=key)
            for user_id, key in fresh
        ],
        ignore_conflicts=True,
    )
    stale = [_unread_cache_key(user_id) for user_id, _ in fresh]
    transaction.on_commit(lambda: cache.delete_many(stale))
    return len(fresh)


@transaction.atomic
def mark_read(user, message_id: int) -> SiteMessage:
    """Marks one of `user`'s own messages read; DoesNotExist for anyone else's."""
    message = SiteMessage.objects.select_for_update().get(pk=message_id, user=user)
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
        _forget_unread_count(user.pk)
    return message


@transaction.atomic
def mark_all_read(user) -> int:
    """Marks every unread message of `user` read; returns how many."""
    now = timezone.now()
    count = 0
    for message in SiteMessage.objects.select_for_update().filter(user=user, read_at__isnull=True):
        message.read_at = now
        message.save(update_fields=["read_at"])
        count += 1
    if count:
        _forget_unread_count(user.pk)
    return count


def unread_count(user) -> int:
    """How many unread site messages `user` has; cached until a message arrives or is read."""
    if not getattr(user, "is_authenticated", False):
        return 0
    key = _unread_cache_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = SiteMessage.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, timeout=600)
    return count


def run_fanout(
    key: str,
    next_chunk: Callable[[int, int], Sequence[tuple[int, object]]],
    deliver: Callable[[list], object],
    *,
    on_finish: Callable[[], object] | None = None,
    chunk_size: int | None = None,
) -> tuple[FanOut | None, int]:
    """Runs, or resumes, the fan-out (群发) `key` chunk by chunk; returns the fan-out and how many recipients
    this call told.

    `next_chunk(cursor, size)` gives up to `size` recipients after position
    `cursor`, in order of position, as (position, recipient) pairs;
    `deliver(recipients)` writes their messages (with dedupe keys). Each chunk
    — its messages and the advanced cursor — is one short transaction
    holding the fan-out row's lock, so no transaction ever holds more than a
    chunk's locks, a second worker on the same fan-out skips it instead of
    waiting, and a crash resumes from the last committed chunk. When no
    recipient is left, `on_finish()` runs in the same transaction that marks
    the fan-out finished. The fan-out is None when another worker holds it.
    """
    size = chunk_size or settings.NOTIFY_FANOUT_CHUNK_SIZE
    FanOut.objects.bulk_create([FanOut(key=key)], ignore_conflicts=True)
    told = 0
    while True:
        with transaction.atomic():
            fanout = FanOut.objects.select_for_update(skip_locked=True).filter(key=key).first()
            if fanout is None or fanout.finished_at is not None:
                return fanout, told
            chunk = list(next_chunk(fanout.cursor, size))
            if not chunk:
                fanout.finished_at = timezone.now()
                fanout.save(update_fields=["finished_at", "updated_at"])
                if on_finish is not None:
                    on_finish()
                return fanout, told
            deliver([recipient for _, recipient in chunk])
            fanout.cursor = chunk[-1][0]
            fanout.recipients += len(chunk)
            fanout.chunks += 1
            fanout.save(update_fields=["cursor", "recipients", "chunks", "updated_at"])
            told += len(chunk)
