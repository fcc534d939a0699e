"""The workflow kernel (业务流程): named transitions and the one step that performs them.

Every workflow (policy, matter, application, payout, appeal) is a table of
`Transition`s keyed by name — 提交、审核通过、退回、发布、申请下线 … — each
declaring its source states, its target, who may perform it, whether a reason
(理由、意见) is required, the clocks (办理时限) it starts, pauses or stops, and the
article of the rules it implements. A domain declares its table once and
registers it:

    POLICY = Workflow(Policy, key="policy", label="政策发布流程", transitions=[
        Transition("submit", _("提交审核"), sources={DRAFT}, target=SUBMITTED,
                   permission="policies.submit_policy", article="宜昌 §17"),
        ...
    ])

and every change of state goes through `perform(obj, "submit", by=user)`:

1. in one transaction, lock the row (`SELECT … FOR UPDATE`) and read its state;
2. refuse with `TransitionNotAllowed` unless the state is a source,
3. `PermissionDenied` unless `by` may (a person: the role's model permission
   and the department's object permission, `portal.org.permissions.can`; the
   platform, `by=None`: only for automatic transitions),
4. `ValidationError` for a missing or too short reason, or from the guard;
5. run the transition's own effect function, set the state, save with the
   actor and "label：reason" in the history (django-simple-history), apply
   the clock effects, and queue the side effects for after the commit.

Every refusal is a Chinese message (ValidationError or PermissionDenied), so
the admin and the public pages show it instead of failing. `available(obj,
user)` lists what a user may do to an object now — the only transitions any
screen offers. Why a kernel module rather than django-fsm-2: docs/adr/0005.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.registry import Registry
from portal.org.permissions import can

log = logging.getLogger(__name__)

workflows: Registry[Workflow] = Registry("workflows", label="业务流程")

# django-simple-history's change reason column holds 100 characters.
HISTORY_REASON_LENGTH = 100


class Effect(Protocol):
    """A clock effect of a transition (start, pause, resume or stop a 办理时限), applied after the state is saved."""

    def apply(self, obj, *, at: datetime, by, reason: str) -> Any: ...


class TransitionNotAllowed(ValidationError):  # noqa: N818 - the name says what the actor is told
    """The object is not in a state from which the named transition may happen."""


@dataclass
class Step:
    """One transition being performed: what the effect and guard functions receive.

    `obj` is the locked, current row. An effect function may set `history`
    (the change reason written to the history, default "label" or
    "label：reason"), put what `perform` should return into `result`, and
    queue work for after the commit with `on_commit`.
    """

    obj: Any
    transition: Transition
    by: Any
    reason: str
    at: datetime
    options: dict[str, Any]
    history: str = ""
    result: Any = None

    def on_commit(self, func: Callable[[], Any]) -> None:
        transaction.on_commit(func)


@dataclass(frozen=True)
class Transition:
    """One named edge of a workflow.

    - `permission`: "app.codename" a person must hold; checked on the object
      itself (department ownership) unless `per_object` is False.
    - `allowed`: an extra test `(user, obj | None) -> bool` for rules a
      permission cannot say (e.g. "the data bureau of the policy's region");
      called with `obj=None` to ask whether the user could ever do it.
    - `reason_required` / `reason_label` / `reason_min_length`: the reason or
      opinion the actor writes (shown on the confirmation page when labelled).
    - `automatic`: the platform (`by=None`, a beat task) may perform it;
      `manual=False` makes it automatic only, never offered to people.
    - `effects`: clock effects, each with `.apply(obj, *, at, by, reason)`.
    - `guard(step)`: raises a Chinese ValidationError when a precondition
      other than the state fails ("needs an approved interpretation").
    - `run(step)`: the transition's own changes to the object (dates, related
      rows) before the state is set and saved.
    - `after_commit`: callables `(obj) -> None`, run after the commit.
    - `offered`: `(obj) -> bool`, whether the transition is worth offering on `obj` now (a button shown):
      for a transition whose guard can only pass in some situations ("a decided window is waiting").
      `perform` does not consult it: the guard refuses with its own message.
    """

    name: str
    label: str
    sources: frozenset[str]
    target: str
    permission: str = ""
    per_object: bool = True
    allowed: Callable[[Any, Any], bool] | None = None
    permission_message: str = ""
    reason_required: bool = False
    reason_label: str = ""
    reason_min_length: int = 1
    automatic: bool = False
    manual: bool = True
    effects: tuple[Effect, ...] = ()
    article: str = ""
    guard: Callable[[Step], None] | None = None
    run: Callable[[Step], None] | None = None
    after_commit: tuple[Callable[[Any], None], ...] = ()
    refusal_hint: str = ""
    offered: Callable[[Any], bool] | None = None

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))
        if self.manual and not self.permission and self.allowed is None:
            raise ImproperlyConfigured(f"transition {self.name!r} is offered to people but names no permission")

    @property
    def asks_reason(self) -> bool:
        return bool(self.reason_required or self.reason_label)

    def permits(self, user, obj=None) -> bool:
        """May this person perform the transition on `obj` (ignoring its state)? With obj=None: on some object."""
        if user is None or not self.manual:
            return False
        if self.permission and not can(user, self.permission, obj if self.per_object else None):
            return False
        return self.allowed is None or bool(self.allowed(user, obj))


class Workflow:
    """A model's state machine: its transitions by name, on the model's state field."""

    def __init__(
        self,
        model: type[models.Model],
        *,
        key: str,
        label: str,
        transitions: Iterable[Transition],
        state_field: str = "status",
        register: bool = True,
    ):
        self.model = model
        self.key = key
        self.label = label
        self.state_field = state_field
        self.transitions: dict[str, Transition] = {}
        states = {value for value, _label in model._meta.get_field(state_field).choices}
        for transition in transitions:
            if transition.name in self.transitions:
                raise ImproperlyConfigured(f"{key}: transition {transition.name!r} is declared twice")
            unknown = (transition.sources | {transition.target}) - states
            if unknown:
                raise ImproperlyConfigured(f"{key}.{transition.name}: unknown states {sorted(unknown)}")
            self.transitions[transition.name] = transition
        self.states = states
        if register:
            workflows.add(key, self, label=label)

    def check(self) -> list:
        """Registry hook (a system check): every clock effect can be applied."""
        from django.core import checks

        return [
            checks.Error(f"{self.key}.{t.name}: effect {effect!r} has no apply()", id="workflow.E001")
            for t in self
            for effect in t.effects
            if not callable(getattr(effect, "apply", None))
        ]

    def __getitem__(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise TransitionNotAllowed(
                _("没有名为“%(name)s”的操作。"), code="unknown_transition", params={"name": name}
            ) from None

    def __iter__(self):
        return iter(self.transitions.values())

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_field)

    def state_label(self, state: str) -> str:
        return str(dict(self.model._meta.get_field(self.state_field).choices).get(state, state))

    def from_state(self, state: str) -> list[Transition]:
        """The transitions whose sources include `state`, in declaration order."""
        return [t for t in self if state in t.sources]

    def available(self, obj, user) -> list[Transition]:
        """What `user` may do to `obj` now: the state is a source, the user is permitted, it is not automatic-only,
        and it is `offered` on `obj`."""
        state = self.state_of(obj)
        return [
            t for t in self if state in t.sources and t.permits(user, obj) and (t.offered is None or t.offered(obj))
        ]

    def ever_available(self, user) -> list[Transition]:
        """The transitions `user` could perform on some object (for the admin's action menu)."""
        return [t for t in self if t.permits(user)]

    def verify(self, obj, transition: Transition, *, by, reason: str) -> str:
        """Refuses (in Chinese) unless `by` may perform `transition` on `obj` now; returns the stripped reason."""
        self.verify_actor(obj, transition, by=by)
        reason = (reason or "").strip()
        if transition.reason_required and len(reason) < transition.reason_min_length:
            label = transition.reason_label or _("理由")
            if transition.reason_min_length > 1:
                params = {"label": label, "n": transition.reason_min_length}
                message = _("请填写%(label)s（不少于%(n)d个字）。") % params
            else:
                message = _("请填写%(label)s。") % {"label": label}
            raise ValidationError({"reason": message}, code="reason_required")
        return reason

    def verify_actor(self, obj, transition: Transition, *, by) -> None:
        """The state and the actor: TransitionNotAllowed or PermissionDenied, each with its Chinese message."""
        state = self.state_of(obj)
        if state not in transition.sources:
            message = _("%(model)s当前状态为“%(current)s”，不能执行“%(action)s”。")
            if transition.refusal_hint:
                message = f"{message}{transition.refusal_hint}"
            raise TransitionNotAllowed(
                message,
                code="transition_not_allowed",
                params={
                    "model": self.model._meta.verbose_name,
                    "current": self.state_label(state),
                    "action": transition.label,
                },
            )
        if by is None:
            if not transition.automatic:
                raise PermissionDenied(_("“%(action)s”须由工作人员办理。") % {"action": transition.label})
        elif not transition.permits(by, obj):
            raise PermissionDenied(
                transition.permission_message or _("您无权执行“%(action)s”。") % {"action": transition.label}
            )

    def perform(self, obj, name: str, *, by, reason: str = "", at: datetime | None = None, **options):
        """Performs transition `name` on `obj` as `by` (None: the platform); returns the saved object.

        Refusals: TransitionNotAllowed (state), PermissionDenied (actor),
        ValidationError (reason, guard, the effect function's own checks).
        """
        transition = self[name]
        at = at or timezone.now()
        with transaction.atomic():
            obj = self.model._default_manager.select_for_update().get(pk=obj.pk)
            reason = self.verify(obj, transition, by=by, reason=reason)
            step = Step(obj=obj, transition=transition, by=by, reason=reason, at=at, options=options)
            if transition.guard is not None:
                transition.guard(step)
            if transition.run is not None:
                transition.run(step)
            setattr(obj, self.state_field, transition.target)
            history = step.history or (f"{transition.label}：{reason}" if reason else str(transition.label))
            if len(history) > HISTORY_REASON_LENGTH:
                history = history[: HISTORY_REASON_LENGTH - 1] + "…"
            obj._history_user = by
            obj._change_reason = history
            obj.save()
            for effect in transition.effects:
                effect.apply(obj, at=at, by=by, reason=reason)
            for after in transition.after_commit:
                transaction.on_commit(_bound(after, obj))
        return obj if step.result is None else step.result


def _bound(func: Callable[[Any], None], obj) -> Callable[[], None]:
    def run():
        try:
            func(obj)
        except Exception:
            # The transition has committed; a failed side effect is repaired by its sweep, not by the actor.
            log.exception("side effect %s failed", getattr(func, "__name__", func), extra={"pk": obj.pk})

    return run


def workflow_for(obj_or_model) -> Workflow:
    """The registered workflow of a model (or of an object's model)."""
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    for workflow in workflows:
        if issubclass(model, workflow.model):
            return workflow
    raise LookupError(f"{model.__name__} has no registered workflow")


def perform(obj, name: str, *, by, reason: str = "", at: datetime | None = None, **options):
    """Performs transition `name` of `obj`'s workflow: see `Workflow.perform`."""
    return workflow_for(obj).perform(obj, name, by=by, reason=reason, at=at, **options)


def available(obj, user) -> list[Transition]:
    """The transitions `user` may perform on `obj` in its current state."""
    return workflow_for(obj).available(obj, user)


__all__ = [
    "Effect",
    "Step",
    "Transition",
    "TransitionNotAllowed",
    "Workflow",
    "available",
    "perform",
    "workflow_for",
    "workflows",
]
