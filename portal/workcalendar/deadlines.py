"""Deadlines stored on business objects, final or provisional (暂定).

Superseded by `portal.workcalendar.clocks` (clocks as rows, several per
object, with pauses, extensions and their derivation); kept while policies
still store their publish and offline deadlines here.

A deadline that spans a year whose official schedule is not entered yet is
computed Monday–Friday and stored with its provisional flag set. Models
register their deadline fields here; when staff enter a year, every
provisional deadline is recomputed and, when its years are all covered
then, becomes final.

    from portal.workcalendar import deadlines

    deadlines.register(Policy, start="issue_date", days=3, due="publish_deadline",
                       provisional="publish_deadline_provisional")

`start` names a DateField (or a callable `obj -> date | None`), `days` is an
int or the name of an integer field; `due` and `provisional` name the
stored DateField and BooleanField.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import models, transaction

from portal import workdays


@dataclass(frozen=True)
class Deadline:
    due: date
    provisional: bool


@dataclass(frozen=True)
class _Registration:
    model: type[models.Model]
    start: str | Callable
    days: int | str
    due: str
    provisional: str

    def start_of(self, obj) -> date | None:
        return self.start(obj) if callable(self.start) else getattr(obj, self.start)

    def days_of(self, obj) -> int:
        return self.days if isinstance(self.days, int) else getattr(obj, self.days)


_registry: list[_Registration] = []


def register(model, *, start, days, due: str, provisional: str) -> None:
    _registry.append(_Registration(model, start, days, due, provisional))


def compute(start: date, days: int) -> Deadline:
    """The deadline `days` working days after `start`, and whether it is provisional."""
    due = workdays.add_workdays(start, days)
    return Deadline(due, not workdays.years_covered(start, due))


def apply(obj) -> Deadline | None:
    """Sets the registered deadline fields of `obj` from its start date (does not save)."""
    for registration in _registry:
        if isinstance(obj, registration.model):
            start = registration.start_of(obj)
            if start is None:
                setattr(obj, registration.due, None)
                setattr(obj, registration.provisional, False)
                return None
            deadline = compute(start, registration.days_of(obj))
            setattr(obj, registration.due, deadline.due)
            setattr(obj, registration.provisional, deadline.provisional)
            return deadline
    raise LookupError(f"{type(obj).__name__} has no registered deadline")


def recompute_provisional() -> int:
    """Recomputes every provisional deadline of every registered model; returns how many changed."""
    workdays.reload()
    changed = 0
    for registration in _registry:
        rows = registration.model._default_manager.filter(**{registration.provisional: True})
        for obj in rows.iterator(chunk_size=500):
            start = registration.start_of(obj)
            if start is None:
                continue
            deadline = compute(start, registration.days_of(obj))
            if (getattr(obj, registration.due), getattr(obj, registration.provisional)) != (
                deadline.due,
                deadline.provisional,
            ):
                with transaction.atomic():
                    registration.model._default_manager.filter(pk=obj.pk).update(
                        **{registration.due: deadline.due, registration.provisional: deadline.provisional}
                    )
                changed += 1
    return changed


def registered_models() -> list[type[models.Model]]:
    return [r.model for r in _registry]
