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

    def shown_to(self, user) -> bool:
        return self.visible is None or (user is not None and bool(self.visible(user)))

    def url(self) -> str:
        return self.target if self.target.startswith("/") else reverse(self.target)

    def check(self) -> list:
        try:
            self.url()
        except NoReverseMatch:
            return [checks.Error(f"主导航：无法解析地址 {self.target!r}", id="core.E101")]
        return []


main_navigation: Registry[Section] = Registry("main_navigation", label="主导航")

main_navigation.add("home", Section("home"), label=_("首页"), order=0)


def navigation(path: str, user=None) -> list[dict]:
    """The registered sections `user` may see, in order, with the one the reader is in marked current.

    The longest matching prefix wins, so a section under another (a calculator
    under /matters/) is current on its own pages and its parent is not; 首页 is
    current only on "/".
    """
    items = [(entry.obj.url(), entry.label) for entry in main_navigation.entries() if entry.obj.shown_to(user)]
    matches = [url for url, _label in items if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len, default=None)
    return [{"url": url, "label": label, "current": url == current} for url, label in items]
