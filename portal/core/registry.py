"""The kernel's one registry type (登记表): how domains plug into what the kernel shows and runs.

Modelled on open-forms' `BaseRegistry`. The kernel declares a registry; each
domain registers its entries (an SMS provider, a search adapter, a clock kind,
a home-page block, an eligibility fact …) from its own code, so the kernel
never imports a domain:

    home_blocks = Registry("home_blocks", label="首页栏目")

    @home_blocks.register("latest_policies", label="最新政策", order=10)
    class LatestPolicies: ...

Keys are unique per registry (registering one twice raises
`ImproperlyConfigured`, caught at import). Entries may be classes, functions or
instances; `Registry.get` returns what was registered. `choices()` feeds form
fields and model choices; `check()` runs each entry's optional `check()`
(returning a list of `django.core.checks` messages) as a system check, so a
mis-registered plug-in fails `manage.py check` and start-up, not a request.

Modules named by `autodiscover` (e.g. "home_blocks") are imported from every
installed app when the kernel app is ready, the way Django's admin finds
`admin.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One registered plug-in: its key, human label (Chinese), sort order and the object itself."""

    key: str
    label: str
    order: int
    obj: T
    options: dict[str, Any] = field(default_factory=dict)


class Registry(Generic[T]):
    """A named set of plug-ins keyed by a unique string; iteration is by (order, key)."""

    _all: dict[str, Registry] = {}

    def __init__(self, name: str, *, label: str = ""):
        if name in Registry._all:
            raise ImproperlyConfigured(f"registry {name!r} is declared twice")
        self.name = name
        self.label = label or name
        self._entries: dict[str, Entry[T]] = {}
        Registry._all[name] = self

    def register(self, key: str, *, label: str = "", order: int = 0, **options):
        """Decorator (or plain call with `obj=`) that registers an object under `key`.

        Raises `ImproperlyConfigured` for an empty or duplicate key.
        """

        def decorator(obj: T) -> T:
            self.add(key, obj, label=label, order=order, **options)
            return obj

        return decorator

    def add(self, key: str, obj: T, *, label: str = "", order: int = 0, **options) -> Entry[T]:
        if not key:
            raise ImproperlyConfigured(f"{self.name}: an entry needs a key")
        if key in self._entries:
            raise ImproperlyConfigured(f"{self.name}: {key!r} is already registered")
        # A lazy label stays lazy: it is translated when shown, in the reader's language.
        entry = Entry(key=key, label=label or key, order=order, obj=obj, options=options)
        self._entries[key] = entry
        return entry

    def unregister(self, key: str) -> None:
        """Removes an entry (tests that register a temporary plug-in)."""
        self._entries.pop(key, None)

    def get(self, key: str) -> T:
        """The registered object; `LookupError` naming the known keys when there is none."""
        try:
            return self._entries[key].obj
        except KeyError:
            known = ", ".join(self._entries) or "none"
            raise LookupError(f"{self.name}: unknown key {key!r}; registered: {known}") from None

    def entry(self, key: str) -> Entry[T]:
        self.get(key)
        return self._entries[key]

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> list[Entry[T]]:
        return sorted(self._entries.values(), key=lambda e: (e.order, e.key))

    def __iter__(self) -> Iterator[T]:
        return (e.obj for e in self.entries())

    def keys(self) -> list[str]:
        return [e.key for e in self.entries()]

    def choices(self) -> list[tuple[str, str]]:
        """(key, label) pairs in order, for a form field or a model field's `choices`."""
        return [(e.key, e.label) for e in self.entries()]

    def check(self) -> list:
        """Messages from each entry's own `check()` hook, if it has one."""
        messages = []
        for entry in self.entries():
            hook = getattr(entry.obj, "check", None)
            if callable(hook) and not isinstance(entry.obj, type):
                messages.extend(hook() or [])
            elif isinstance(entry.obj, type) and callable(getattr(entry.obj, "check_registration", None)):
                messages.extend(entry.obj.check_registration() or [])
        return messages

    @classmethod
    def all(cls) -> list[Registry]:
        return list(cls._all.values())


def autodiscover(*module_names: str) -> None:
    """Imports `<app>.<module_name>` from every installed app that has one."""
    from django.utils.module_loading import autodiscover_modules

    for name in module_names:
        autodiscover_modules(name)


def check_registries(app_configs=None, **kwargs) -> list:
    """System check: every registry's entries pass their own checks."""
    messages = []
    for registry in Registry.all():
        messages.extend(registry.check())
    return messages
