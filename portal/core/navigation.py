"""The main navigation (主导航) as a kernel registry: each domain registers its own section.

A part of the portal that is not built yet registers nothing, so the header
never links to a page that does not exist. Domains register from a
`navigation.py` module, found when the kernel app is ready:

    # policies/navigation.py
    from django.utils.translation import gettext_lazy as _
    from portal.core.navigation import main_navigation, Section

    main_navigation.add("policies", Section("policies:list"), label=_("政策"), order=20)

`Section.target` is a URL name (reversed on each request) or a literal path
starting with "/". A section for one kind of reader (the clerks' workbench) says
so with `visible`, a predicate on the user; the others are shown to everyone.
A section that also stands for pages outside its own address names them in
`also` (URL names or paths, matched as prefixes like the target): 政策问答 at
/appeals/ask/ is current on the interaction area /appeals/questions/ too, not
我的诉求 at /appeals/.
Labels are Chinese msgids, usually lazy, translated when the page is rendered.
A target that does not resolve fails `manage.py check`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core import checks
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from portal.core.registry import Registry


@dataclass(frozen=True)
class Section:
    """One entry of the main navigation: where it leads."""

    target: str
    visible: Callable | None = None
    also: tuple[str, ...] = ()

    def shown_to(self, user) -> bool:
        return self.visible is None or (user is not None and bool(self.visible(user)))

    def url(self) -> str:
        return _resolve(self.target)

    def prefixes(self) -> list[str]:
        """The addresses the section is current under: its own and those of `also`."""
        return [self.url(), *(_resolve(target) for target in self.also)]

    def check(self) -> list:
        for target in (self.target, *self.also):
            try:
                _resolve(target)
            except NoReverseMatch:
                return [checks.Error(f"主导航：无法解析地址 {target!r}", id="core.E101")]
        return []


def _resolve(target: str) -> str:
    return target if target.startswith("/") else reverse(target)


main_navigation: Registry[Section] = Registry("main_navigation", label="主导航")

main_navigation.add("home", Section("home"), label=_("首页"), order=0)


def navigation(path: str, user=None) -> list[dict]:
    """The registered sections `user` may see, in order, with the one the reader is in marked current.

    The longest matching prefix (a section's own address or one of its `also`)
    wins, so a section under another (a calculator under /matters/) is current
    on its own pages and its parent is not; 首页 is current only on "/".
    """
    items = [(entry.obj, entry.label) for entry in main_navigation.entries() if entry.obj.shown_to(user)]
    best, current = -1, None
    for index, (section, _label) in enumerate(items):
        for prefix in section.prefixes():
            if (path == prefix or (prefix != "/" and path.startswith(prefix))) and len(prefix) > best:
                best, current = len(prefix), index
    return [
        {"url": section.url(), "label": label, "current": index == current}
        for index, (section, label) in enumerate(items)
    ]
