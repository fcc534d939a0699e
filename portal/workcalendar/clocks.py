"""Clocks (办理时限) as rows: start, pause, resume, extend and stop a time limit on any business object.

A clock counts working days (工作日, `portal.workdays`) on one object for one
kind of limit (`kinds`). Several clocks of different kinds may run on one
object at once; a kind has at most one clock on an object that is not stopped.
Workflows start, pause, resume and stop clocks through their transitions (the
effect objects `Start`, `Pause`, `Resume`, `Stop`), never in a model's `save()`.

    from portal.workcalendar import clocks

    clocks.register_kind("policy_publish", label="政策发布时限", days=3, article="宜昌 §17")

    clocks.start(policy, "policy_publish", on=policy.issue_date, by=user)
    clocks.pause(policy, "policy_publish", on=day, reason="补正材料", by=user)
    clocks.resume(policy, "policy_publish", on=later, by=user)
    clocks.extend(policy, "policy_publish", days=2, reason="情况复杂", by=approver)
    clocks.stop(policy, "policy_publish", at=timezone.now(), by=user)

The due-date rule (`compute_due`)
---------------------------------
Let N = `limit_days` + the sum of the approved extensions. The start day never
counts, as in `portal.workdays.add_workdays`: a day counts when it is a
working day after `started_on` and does not lie inside a pause. A pause from
day A with resumption on day B suspends the clock on the working days in
[A, B): the pause day does not count, the resume day does. The due date
(截止日期) is the day on which the N-th counted working day falls; the work is
on time when it is done on or before that day. Without pauses this is exactly
`add_workdays(started_on, N)`; each pause that begins on or before the day the
count would otherwise end shifts the due date by the working days it covers,
and a pause beginning after that day moves nothing. While a pause is open, the
due date is unknown (`due_on` empty) unless the pause began after the count
ended. `provisional` is set when the span from `started_on` to the due date
touches a year whose official schedule is not entered (`workdays.covered`).

A clock is overdue (超期) from the day after its due date: `overdue_since` is
that day, set for running clocks by the daily task `mark_overdue_clocks`, and
on stopping late. Entering or correcting a year of the calendar recomputes
every clock not stopped whose span touches the year (`recompute_for_years`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal import workdays
from portal.core.registry import Registry

from .models import CalendarDay, Clock, ClockExtension, ClockPause

WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class ClockKind:
    """A kind of time limit (时限类型): its Chinese label, default limit and the article it implements.

    `days` is the default limit in working days: an int, or a callable
    `obj -> int` reading the limit from the object (the matter's or the
    process step's limit). `pausable` says whether the rules allow stopping
    the clock, e.g. for 补正.
    """

    key: str
    label: str
    days: int | Callable[[Any], int]
    article: str
    pausable: bool = False

    def limit_for(self, obj) -> int:
        return int(self.days(obj)) if callable(self.days) else int(self.days)

    def check(self) -> list:
        messages = []
        if not callable(self.days) and (not isinstance(self.days, int) or self.days <= 0):
            messages.append(
                checks.Error(f"clock kind {self.key!r}: days must be a positive int or a callable", id="clocks.E001")
            )
        if not self.article:
            messages.append(checks.Error(f"clock kind {self.key!r}: name the article of the rules", id="clocks.E002"))
        return messages


kinds: Registry[ClockKind] = Registry("clock_kinds", label="办理时限类型")


def register_kind(
    key: str, *, label: str, days: int | Callable[[Any], int], article: str, pausable: bool = False, order: int = 0
) -> ClockKind:
    """Registers a kind of clock in `kinds` and returns it."""
    kind = ClockKind(key=key, label=label, days=days, article=article, pausable=pausable)
    kinds.add(key, kind, label=label, order=order)
    return kind


def _kind(kind: str | ClockKind) -> ClockKind:
    return kinds.get(kind.key if isinstance(kind, ClockKind) else kind)


# --- reads -------------------------------------------------------------------------------------------------------


def of(obj, kind: str | ClockKind | None = None) -> QuerySet[Clock]:
    """Every clock of `obj` (all states, oldest first), or only those of one kind."""
    if obj.pk is None:
        raise ValueError(f"{type(obj).__name__} must be saved before it carries clocks")
    rows = Clock.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    if kind is not None:
        rows = rows.filter(kind=_kind(kind).key)
    return rows.order_by("started_on", "id")


def _active(obj, kind: ClockKind, *, lock: bool) -> Clock | None:
    rows = of(obj, kind).exclude(state=Clock.State.STOPPED)
    if lock:
        rows = rows.select_for_update()
    return rows.first()


def _require_active(obj, kind: ClockKind) -> Clock:
    clock = _active(obj, kind, lock=True)
    if clock is None:
        if of(obj, kind).filter(state=Clock.State.STOPPED).exists():
            raise ValidationError(_("“%(kind)s”办理时限已停止，不能再变更。") % {"kind": kind.label})
        raise ValidationError(_("“%(kind)s”办理时限尚未开始计时。") % {"kind": kind.label})
    return clock


# --- the rule ----------------------------------------------------------------------------------------------------


def compute_due(started_on: date, days: int, pauses: list[tuple[date, date | None]]) -> date | None:
    """The due date of `days` working days from `started_on` with `pauses` [(paused_on, resumed_on)], as above.

    None when an open pause (resumed_on None) began on or before the day the
    count would end: the due date is known only once the clock resumes.
    """
    cursor, remaining = started_on, days  # counting continues on the working days after `cursor`
    for paused_on, resumed_on in sorted(pauses):
        candidate = workdays.add_workdays(cursor, remaining)
        if paused_on > candidate:
            break
        last_counted = paused_on - timedelta(days=1)
        if last_counted > cursor:
            remaining -= workdays.workdays_between(cursor, last_counted)
        if resumed_on is None:
            return None
        cursor = max(cursor, resumed_on - timedelta(days=1))
    return workdays.add_workdays(cursor, remaining)


def _pauses(clock: Clock) -> list[tuple[date, date | None]]:
    return [(p.paused_on, p.resumed_on) for p in clock.pauses.all()]


def _extension_days(clock: Clock) -> int:
    if "extensions" in getattr(clock, "_prefetched_objects_cache", {}):
        return sum(e.days for e in clock.extensions.all())
    return clock.extensions.aggregate(n=Sum("days"))["n"] or 0


def _span_end(started_on: date, due: date | None, pauses: list[tuple[date, date | None]]) -> date:
    """The last day the clock's span reaches: the due date, or while it is open, today or the open pause's day."""
    if due is not None:
        return due
    return max([started_on, timezone.localdate(), *(a for a, b in pauses if b is None)])


def _overdue_since(due: date | None, today: date) -> date | None:
    return due + timedelta(days=1) if due is not None and due < today else None


def _computed(started_on: date, days: int, pauses, state: str, overdue_since: date | None, today: date) -> dict:
    """The stored values the rule gives: `due_on`, `provisional` and `overdue_since` (kept unless running)."""
    due = compute_due(started_on, days, pauses)
    return {
        "due_on": due,
        "provisional": not workdays.years_covered(started_on, _span_end(started_on, due, pauses)),
        "overdue_since": _overdue_since(due, today) if state == Clock.State.RUNNING else overdue_since,
    }


def _mark_stopped(clock: Clock, *, at: datetime, by) -> None:
    """The stop's own values: when and by whom, and whether (and since when) it stopped late."""
    day = timezone.localdate(at)
    clock.stopped_at = at
    clock.stopped_by = by
    clock.stopped_late = clock.due_on is not None and day > clock.due_on
    clock.overdue_since = (clock.overdue_since or clock.due_on + timedelta(days=1)) if clock.stopped_late else None


def _refresh(clock: Clock, *, today: date | None = None) -> list[str]:
    """Sets `due_on`, `provisional` and, for a running clock, `overdue_since`; returns the fields that changed."""
    values = _computed(
        clock.started_on,
        clock.limit_days + _extension_days(clock),
        _pauses(clock),
        clock.state,
        clock.overdue_since,
        today or timezone.localdate(),
    )
    changed = [name for name, value in values.items() if getattr(clock, name) != value]
    for name in changed:
        setattr(clock, name, values[name])
    return changed


# --- writes ------------------------------------------------------------------------------------------------------


def _save(instance, reason: str, by) -> None:
    """Saves with the history's reason and, outside a request too, the person who acted."""
    instance._change_reason = reason
    if by is not None:
        instance._history_user = by
    instance.save()


@transaction.atomic
def start(obj, kind: str | ClockKind, *, on: date, days: int | None = None, by=None) -> Clock:
    """Starts a clock of `kind` on `obj` counted from `on` (the start day itself does not count).

    `days` is the limit in working days; by default the kind's limit for
    `obj`. It is copied onto the clock, so later changes to the kind's or the
    matter's limit never move a running clock. Refused while a clock of the
    kind is running or paused on the object.
    """
    kind = _kind(kind)
    limit = kind.limit_for(obj) if days is None else int(days)
    if limit <= 0:
        raise ValidationError(_("办理时限必须是正整数个工作日。"))
    if _active(obj, kind, lock=True) is not None:
        raise ValidationError(_("“%(kind)s”办理时限已在计时，不能重复开始。") % {"kind": kind.label})
    clock = Clock(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        kind=kind.key,
        started_on=on,
        limit_days=limit,
        started_by=by,
    )
    clock.due_on = compute_due(on, limit, [])
    clock.provisional = not workdays.years_covered(on, clock.due_on)
    clock.overdue_since = _overdue_since(clock.due_on, timezone.localdate())
    try:
        with transaction.atomic():
            _save(clock, _("开始计时"), by)
    except IntegrityError:
        # Another request started the same kind on the same object a moment ago (the partial unique index).
        raise ValidationError(_("“%(kind)s”办理时限已在计时，不能重复开始。") % {"kind": kind.label}) from None
    return clock


@transaction.atomic
def stop(obj, kind: str | ClockKind, *, at: datetime, by=None) -> Clock | None:
    """Stops the running or paused clock of `kind` on `obj` at `at` (an aware datetime; 办结); None when there is none.

    An open pause ends on the stop day. The clock records whether it stopped
    late (`stopped_late`: the stop day is after the due date) and, if so,
    since when it was overdue.
    """
    kind = _kind(kind)
    clock = _active(obj, kind, lock=True)
    if clock is None:
        return None
    day = timezone.localdate(at)
    open_pause = clock.pauses.filter(resumed_on__isnull=True).first()
    if open_pause is not None:
        open_pause.resumed_on = max(day, open_pause.paused_on)
        open_pause.resumed_by = by
        _save(open_pause, _("停止计时"), by)
    clock.state = Clock.State.STOPPED
    _refresh(clock)
    _mark_stopped(clock, at=at, by=by)
    _save(clock, _("停止计时"), by)
    return clock


def start_many(model, starts: list[tuple[int, date, int]], kind: str | ClockKind, *, by=None) -> int:
    """Starts a clock of `kind` on many objects of `model` at once: `starts` is [(object id, started_on, limit
    days)]. The set-based form of `start` for transitions applied to thousands of rows (a payout batch): one
    insert, history rows written alongside. Objects that already carry an active clock of the kind are skipped
    (the partial unique index); returns the number started."""
    from simple_history.utils import bulk_create_with_history

    kind = _kind(kind)
    content_type = ContentType.objects.get_for_model(model)
    active = set(
        Clock.objects.filter(content_type=content_type, kind=kind.key, object_id__in=[s[0] for s in starts])
        .exclude(state=Clock.State.STOPPED)
        .values_list("object_id", flat=True)
    )
    today = timezone.localdate()
    computed: dict[tuple[date, int], dict] = {}  # the rule's values, once per start day and limit
    rows = []
    for object_id, on, limit in starts:
        if object_id in active:
            continue
        if limit <= 0:
            raise ValidationError(_("办理时限必须是正整数个工作日。"))
        if (on, limit) not in computed:
            computed[on, limit] = _computed(on, limit, [], Clock.State.RUNNING, None, today)
        rows.append(
            Clock(
                content_type=content_type,
                object_id=object_id,
                kind=kind.key,
                started_on=on,
                limit_days=limit,
                started_by=by,
                **computed[on, limit],
            )
        )
    bulk_create_with_history(rows, Clock, batch_size=2000, default_user=by, default_change_reason=_("开始计时"))
    return len(rows)


def stop_many(model, object_ids, kind: str | ClockKind, *, at: datetime, by=None) -> int:
    """Stops the running clocks of `kind` on many objects of `model` at `at`: the set-based form of `stop` for
    clocks that are never paused (a paused one is left to `stop`). Returns the number stopped."""
    from portal.core.bulk import update_with_history

    kind = _kind(kind)
    rows = list(
        Clock.objects.select_for_update()
        .filter(
            content_type=ContentType.objects.get_for_model(model),
            kind=kind.key,
            object_id__in=list(object_ids),
            state=Clock.State.RUNNING,
        )
        .order_by("pk")
    )
    for clock in rows:
        clock.state = Clock.State.STOPPED
        _mark_stopped(clock, at=at, by=by)
    fields = ["state", "stopped_at", "stopped_by", "stopped_late", "overdue_since"]
    update_with_history(rows, Clock, fields, by=by, reason=_("停止计时"))
    return len(rows)


@transaction.atomic
def pause(obj, kind: str | ClockKind, *, on: date, reason: str, by=None) -> ClockPause:
    """Pauses the running clock of `kind` on `obj` from `on` (that day no longer counts), e.g. for 补正.

    Refused when the kind's rules do not allow pausing, without a reason,
    when the clock is not running, or before its start or its last resumption.
    """
    kind = _kind(kind)
    if not kind.pausable:
        raise ValidationError(_("按规定“%(kind)s”办理时限不能暂停计时。") % {"kind": kind.label})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("暂停计时须填写原因。"))
    clock = _require_active(obj, kind)
    if clock.state == Clock.State.PAUSED:
        raise ValidationError(_("“%(kind)s”办理时限已暂停计时。") % {"kind": kind.label})
    if on < clock.started_on:
        raise ValidationError(_("暂停日期不能早于起算日期（%(day)s）。") % {"day": f"{clock.started_on:%Y-%m-%d}"})
    last = clock.pauses.order_by("-paused_on").first()
    if last is not None and on < last.resumed_on:
        raise ValidationError(
            _("暂停日期不能早于上次恢复计时的日期（%(day)s）。") % {"day": f"{last.resumed_on:%Y-%m-%d}"}
        )
    paused = ClockPause(clock=clock, paused_on=on, reason=reason[:200], paused_by=by)
    _save(paused, reason[:100], by)
    clock.state = Clock.State.PAUSED
    _refresh(clock)
    _save(clock, _("暂停计时"), by)
    return paused


@transaction.atomic
def resume(obj, kind: str | ClockKind, *, on: date, by=None) -> Clock:
    """Resumes the paused clock of `kind` on `obj` from `on` (that day counts again) and sets its new due date."""
    kind = _kind(kind)
    clock = _require_active(obj, kind)
    open_pause = clock.pauses.filter(resumed_on__isnull=True).first()
    if clock.state != Clock.State.PAUSED or open_pause is None:
        raise ValidationError(_("“%(kind)s”办理时限没有暂停，无需恢复计时。") % {"kind": kind.label})
    if on < open_pause.paused_on:
        raise ValidationError(_("恢复日期不能早于暂停日期（%(day)s）。") % {"day": f"{open_pause.paused_on:%Y-%m-%d}"})
    open_pause.resumed_on = on
    open_pause.resumed_by = by
    _save(open_pause, _("恢复计时"), by)
    clock.state = Clock.State.RUNNING
    _refresh(clock)
    _save(clock, _("恢复计时"), by)
    return clock


@transaction.atomic
def extend(obj, kind: str | ClockKind, *, days: int, reason: str, by) -> ClockExtension:
    """Extends the running or paused clock of `kind` on `obj` by `days` working days (延长), approved by `by`.

    Refused for days <= 0, without a reason or an approver, and for a stopped clock.
    """
    kind = _kind(kind)
    if not isinstance(days, int) or days <= 0:
        raise ValidationError(_("延长的天数必须是正整数个工作日。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("延长办理时限须填写理由。"))
    if by is None:
        raise ValidationError(_("延长办理时限须由批准人批准。"))
    clock = _require_active(obj, kind)
    extension = ClockExtension(clock=clock, days=days, reason=reason[:200], approved_by=by)
    _save(extension, reason[:100], by)
    _refresh(clock)
    _save(clock, _("延长办理时限"), by)
    return extension


def recompute_for_years(years) -> int:
    """Recomputes every clock not stopped whose span touches one of `years` (after the calendar changed).

    Final clocks move too: a corrected year changes their due dates. A
    stopped clock is a record of what happened and keeps its dates. The clocks
    are taken in chunks of `CHUNK`, each locked in its own transaction (so a
    concurrent pause or extension is not overwritten); each clock's due date is
    computed in memory from plain values (no model instances), and the chunk's
    changed rows are written by one UPDATE … FROM (VALUES …) with one bulk
    insert of their history. Returns how many clocks changed.
    """
    years = sorted(set(years))
    if not years:
        return 0
    workdays.reload()
    low, high = years[0], years[-1]
    ids = list(
        Clock.objects.exclude(state=Clock.State.STOPPED)
        .filter(started_on__lte=date(high, 12, 31))
        .exclude(due_on__lt=date(low, 1, 1))
        .order_by("id")
        .values_list("id", flat=True)
    )
    today = timezone.localdate()
    changed = 0
    for i in range(0, len(ids), CHUNK):
        with transaction.atomic():
            changed += _recompute_chunk(ids[i : i + CHUNK], today)
    return changed


CHUNK = 1000
_FIELDS = ("due_on", "provisional", "overdue_since")


def _recompute_chunk(ids: list[int], today: date) -> int:
    rows = list(
        Clock.objects.select_for_update()
        .filter(id__in=ids)
        .exclude(state=Clock.State.STOPPED)
        .values_list("id", "started_on", "limit_days", "state", *_FIELDS)
    )
    pauses: dict[int, list] = defaultdict(list)
    for clock_id, paused_on, resumed_on in ClockPause.objects.filter(clock_id__in=ids).values_list(
        "clock_id", "paused_on", "resumed_on"
    ):
        pauses[clock_id].append((paused_on, resumed_on))
    extended = dict(
        ClockExtension.objects.filter(clock_id__in=ids)
        .values("clock_id")
        .annotate(n=Sum("days"))
        .values_list("clock_id", "n")
    )
    moved = []
    for clock_id, started_on, limit_days, state, *stored in rows:
        values = _computed(
            started_on, limit_days + extended.get(clock_id, 0), pauses[clock_id], state, stored[2], today
        )
        if tuple(values[name] for name in _FIELDS) != tuple(stored):
            moved.append((clock_id, values["due_on"], values["provisional"], values["overdue_since"]))
    _write(moved)
    return len(moved)


def _write(moved: list[tuple]) -> None:
    """Writes (id, due_on, provisional, overdue_since) rows in one statement, and their history."""
    if not moved:
        return
    values = ", ".join(["(%s::bigint, %s::date, %s::boolean, %s::date)"] * len(moved))
    params = [v for row in moved for v in row]
    table = connection.ops.quote_name(Clock._meta.db_table)
    # The table name comes from the model and the VALUES rows are placeholders only: hence the S608 exemption.
    sql = (
        f"UPDATE {table} AS c SET due_on = v.due_on, provisional = v.provisional, overdue_since = v.overdue_since "  # noqa: S608
        f"FROM (VALUES {values}) AS v(id, due_on, provisional, overdue_since) WHERE c.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    Clock.history.bulk_history_create(
        list(Clock.objects.filter(id__in=[row[0] for row in moved])),
        default_change_reason=_("工作日历变更，重新计算截止日期"),
    )


# --- effects for workflow transitions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Start:
    """Transition effect: starts a clock of `kind`, counted from `on(obj)` (by default the transition's day)."""

    kind: str
    on: Callable[[Any], date] | None = None
    days: int | Callable[[Any], int] | None = None

    def apply(self, obj, *, at: datetime, by=None, reason: str = "") -> Clock:
        on = self.on(obj) if self.on is not None else timezone.localdate(at)
        days = self.days(obj) if callable(self.days) else self.days
        return start(obj, self.kind, on=on, days=days, by=by)

    def __str__(self):
        return _("开始计时：%(kind)s") % {"kind": _kind(self.kind).label}


@dataclass(frozen=True)
class Stop:
    """Transition effect: stops the clock of `kind` at the transition's time (nothing if none runs)."""

    kind: str

    def apply(self, obj, *, at: datetime, by=None, reason: str = "") -> Clock | None:
        return stop(obj, self.kind, at=at, by=by)

    def __str__(self):
        return _("停止计时：%(kind)s") % {"kind": _kind(self.kind).label}


@dataclass(frozen=True)
class Pause:
    """Transition effect: pauses the clock of `kind` from the transition's day, with the transition's reason."""

    kind: str

    def apply(self, obj, *, at: datetime, by=None, reason: str = "") -> ClockPause:
        return pause(obj, self.kind, on=timezone.localdate(at), reason=reason, by=by)

    def __str__(self):
        return _("暂停计时：%(kind)s") % {"kind": _kind(self.kind).label}


@dataclass(frozen=True)
class Resume:
    """Transition effect: resumes the clock of `kind` from the transition's day."""

    kind: str

    def apply(self, obj, *, at: datetime, by=None, reason: str = "") -> Clock:
        return resume(obj, self.kind, on=timezone.localdate(at), by=by)

    def __str__(self):
        return _("恢复计时：%(kind)s") % {"kind": _kind(self.kind).label}


# --- the derivation ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    """One calendar day of the derivation.

    `status` is one of: "start" (起算日, not counted), "counted" (a working
    day that counts; `count` is its number), "makeup" (a 调休 make-up working
    day that counts), "weekend", "holiday" (`name` says which), "paused" (a
    working day inside a pause, not counted; `name` set for a make-up day). `provisional` marks a day of a
    year without official schedule (Monday–Friday assumed).
    """

    day: date
    status: str
    name: str = ""
    count: int | None = None
    paused: bool = False
    provisional: bool = False


@dataclass(frozen=True)
class PauseLine:
    paused_on: date
    resumed_on: date | None
    reason: str
    working_days: int | None  # None while open
    by: str


@dataclass(frozen=True)
class ExtensionLine:
    days: int
    reason: str
    approved_by: str
    approved_at: datetime


@dataclass(frozen=True)
class Explanation:
    """How a clock's due date was computed (截止日期的推算): see `explain`."""

    kind: str
    kind_label: str
    article: str
    started_on: date
    limit_days: int
    extensions: list[ExtensionLine]
    total_days: int
    pauses: list[PauseLine]
    days: list[Day]
    due_on: date | None
    provisional: bool
    provisional_years: list[int] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The derivation as readable Chinese lines, for the admin."""
        out = [
            _("时限类型：%(label)s（%(article)s）") % {"label": self.kind_label, "article": self.article or "—"},
            _("起算日期：%(day)s（当日不计入）") % {"day": _fmt(self.started_on)},
            ngettext("办理时限：%(n)s个工作日", "办理时限：%(n)s个工作日", self.limit_days) % {"n": self.limit_days},
        ]
        for e in self.extensions:
            out.append(
                ngettext(
                    "延长%(n)s个工作日：%(reason)s（批准人：%(who)s，%(at)s）",
                    "延长%(n)s个工作日：%(reason)s（批准人：%(who)s，%(at)s）",
                    e.days,
                )
                % {
                    "n": e.days,
                    "reason": e.reason,
                    "who": e.approved_by,
                    "at": f"{timezone.localtime(e.approved_at):%Y-%m-%d}",
                }
            )
        out.append(ngettext("合计：%(n)s个工作日", "合计：%(n)s个工作日", self.total_days) % {"n": self.total_days})
        for p in self.pauses:
            if p.resumed_on is None:
                out.append(
                    _("暂停计时：自%(a)s起（%(reason)s），尚未恢复") % {"a": _fmt(p.paused_on), "reason": p.reason}
                )
            elif not p.working_days and p.resumed_on == p.paused_on:
                # Resumed the day it was paused: nothing to add, and "from 11-30 to 11-30, 0 days" reads as a slip.
                out.append(
                    _("暂停计时：%(a)s当日恢复（%(reason)s），不影响截止日期")
                    % {"a": _fmt(p.paused_on), "reason": p.reason}
                )
            elif not p.working_days:
                out.append(
                    _("暂停计时：%(a)s至%(b)s恢复（%(reason)s），其间没有工作日，不影响截止日期")
                    % {"a": _fmt(p.paused_on), "b": _fmt(p.resumed_on), "reason": p.reason}
                )
            else:
                out.append(
                    ngettext(
                        "暂停计时：%(a)s至%(b)s恢复（%(reason)s），顺延%(n)s个工作日",
                        "暂停计时：%(a)s至%(b)s恢复（%(reason)s），顺延%(n)s个工作日",
                        p.working_days or 0,
                    )
                    % {"a": _fmt(p.paused_on), "b": _fmt(p.resumed_on), "reason": p.reason, "n": p.working_days}
                )
        for d in self.days:
            out.append(f"{_fmt(d.day)} {_day_text(d)}")
        if self.due_on is None:
            out.append(_("截止日期：暂停中，恢复计时后确定"))
        else:
            out.append(_("截止日期：%(day)s") % {"day": _fmt(self.due_on)})
        if self.provisional:
            out.append(
                _("暂定：%(years)s年的节假日安排尚未录入工作日历，按周一至周五计算，录入后自动重算。")
                % {"years": "、".join(str(y) for y in self.provisional_years)}
            )
        return out


def _fmt(d: date) -> str:
    return f"{d:%Y-%m-%d}（周{WEEKDAYS[d.weekday()]}）"


def _day_text(d: Day) -> str:
    texts = {
        "start": _("起算日，不计入"),
        "counted": _("工作日，第%(n)s个") % {"n": d.count},
        "makeup": _("调休上班（%(name)s），工作日，第%(n)s个") % {"name": d.name, "n": d.count},
        "weekend": _("周末休息") if not d.name else _("周末休息（%(name)s假期）") % {"name": d.name},
        "holiday": _("法定节假日（%(name)s），不计入") % {"name": d.name},
        "paused": _("暂停计时，不计入")
        if not d.name
        else _("调休上班（%(name)s），暂停计时，不计入") % {"name": d.name},
    }
    text = texts[d.status]
    if d.paused and d.status in ("weekend", "holiday"):
        text += _("；暂停计时中")
    if d.provisional:
        text += _("（该年安排未录入，暂按周一至周五）")
    return text


def explain(clock: Clock) -> Explanation:
    """The structured derivation of `clock`'s due date: each day from the start to the due date, classified.

    Holidays and make-up days are named from the calendar table
    (`CalendarDay`); a weekend inside a holiday (both neighbouring weekdays
    are holidays of one name) carries that name.
    """
    kind = kinds.entry(clock.kind).obj if clock.kind in kinds else None
    pauses = list(clock.pauses.all())
    extensions = list(clock.extensions.select_related("approved_by"))
    end = _span_end(clock.started_on, clock.due_on, [(p.paused_on, p.resumed_on) for p in pauses])
    names = {
        row.date: (row.is_workday, row.name)
        for row in CalendarDay.objects.filter(
            date__gte=clock.started_on - timedelta(days=3), date__lte=end + timedelta(days=3)
        )
    }

    def paused(d: date) -> bool:
        return any(p.paused_on <= d and (p.resumed_on is None or d < p.resumed_on) for p in pauses)

    def holiday_name(d: date) -> str:
        found = names.get(d)
        return found[1] if found and not found[0] and workdays.covered(d.year) else ""

    def weekend_holiday(d: date) -> str:
        before, after = d - timedelta(days=1), d + timedelta(days=1)
        while before.weekday() >= 5:
            before -= timedelta(days=1)
        while after.weekday() >= 5:
            after += timedelta(days=1)
        name = holiday_name(before)
        return name if name and name == holiday_name(after) else ""

    days = [Day(clock.started_on, "start", provisional=not workdays.covered(clock.started_on.year))]
    count = 0
    d = clock.started_on + timedelta(days=1)
    while d <= end:
        provisional = not workdays.covered(d.year)
        is_paused = paused(d)
        if workdays.is_workday(d):
            # A working Saturday or Sunday is a 调休 make-up day; it is named, paused or not.
            name = names.get(d, (True, ""))[1] if d.weekday() >= 5 else ""
            if is_paused:
                days.append(Day(d, "paused", name, paused=True, provisional=provisional))
            else:
                count += 1
                days.append(
                    Day(d, "makeup" if name or d.weekday() >= 5 else "counted", name, count, provisional=provisional)
                )
        elif d.weekday() >= 5:
            days.append(Day(d, "weekend", weekend_holiday(d), paused=is_paused, provisional=provisional))
        else:
            days.append(Day(d, "holiday", holiday_name(d), paused=is_paused, provisional=provisional))
        d += timedelta(days=1)

    low, high = clock.started_on.year, end.year
    return Explanation(
        kind=clock.kind,
        kind_label=clock.kind_label,
        article=kind.article if kind else "",
        started_on=clock.started_on,
        limit_days=clock.limit_days,
        extensions=[ExtensionLine(e.days, e.reason, _user(e.approved_by), e.created_at) for e in extensions],
        total_days=clock.limit_days + sum(e.days for e in extensions),
        pauses=[
            PauseLine(
                p.paused_on,
                p.resumed_on,
                p.reason,
                None
                if p.resumed_on is None
                else workdays.workdays_between(p.paused_on - timedelta(days=1), p.resumed_on - timedelta(days=1)),
                _user(p.paused_by),
            )
            for p in pauses
        ],
        days=days,
        due_on=clock.due_on,
        provisional=clock.provisional,
        provisional_years=[y for y in range(low, high + 1) if not workdays.covered(y)],
    )


def _user(user) -> str:
    if user is None:
        return "—"
    return getattr(user, "name", "") or user.get_username()
