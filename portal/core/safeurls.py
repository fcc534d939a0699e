"""URLs as a browser resolves them (网址解析), so that rules about them hold after parsing.

A rule such as "images only from our uploads" must judge the address the browser
will fetch, not the characters typed: `/media/%2e%2e/accounts/logout/` starts with
`/media/` but a browser fetches `/accounts/logout/` (it reads `%2e` as `.` in a
dot segment, WHATWG URL §4.4), and `\\evil.com/x.png` is `//evil.com/x.png`, a
request to another host. `resolve` applies, in the browser's order:

1. strip leading and trailing C0 control characters and spaces, drop tabs and
   line breaks anywhere (WHATWG URL, "basic URL parser");
2. backslashes as slashes (special schemes and relative URLs);
3. split with `urllib.parse`: scheme, host (a scheme-relative `//host` is a host);
4. percent-decode the path — the server decodes `%2f` too, so a path that decodes
   to other segments than it shows is treated by its decoded form;
5. remove dot segments per RFC 3986 §5.2.4 (`urljoin` implements it).

Redirect targets (`?next=`) are checked with Django's `url_has_allowed_host_and_scheme`,
which follows the same browser rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urljoin, urlsplit

C0_OR_SPACE = "".join(chr(i) for i in range(0x21))
TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_BASE = "https://portal.invalid/"


@dataclass(frozen=True)
class ResolvedURL:
    """What a browser makes of a URL: its scheme and host ('' when relative) and the decoded, resolved path."""

    scheme: str
    host: str
    path: str
    # The path as written (decoded) differs from where it leads: it had dot segments, or encoded ones.
    moved: bool

    @property
    def same_origin_path(self) -> bool:
        """A path on this site: no scheme, no host."""
        return not self.scheme and not self.host


def remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4 on an absolute path (`/a/b/../c` → `/a/c`; never above the root)."""
    absolute = path if path.startswith("/") else "/" + path
    return unquote(urlsplit(urljoin(_BASE, quote(absolute, safe="/"))).path)


def resolve(url: str) -> ResolvedURL:
    text = TAB_OR_NEWLINE.sub("", str(url or "").strip(C0_OR_SPACE)).replace("\\", "/")
    parts = urlsplit(text)
    decoded = unquote(parts.path).replace("\\", "/")
    # Decoding again would show another layer (%252e → %2e → .); a server or proxy may do it.
    moved = "%" in decoded or bool(CONTROL.search(decoded))
    resolved = remove_dot_segments(decoded) if decoded else ""
    moved = moved or (resolved != decoded and decoded.startswith("/"))
    if decoded and not decoded.startswith("/") and not parts.netloc:
        # A relative path resolves against the page's address; it cannot be pinned to a folder.
        moved = True
    return ResolvedURL(scheme=parts.scheme.lower(), host=parts.netloc.lower(), path=resolved, moved=moved)


def is_under(url: str, prefix: str) -> bool:
    """True when a browser fetching `url` from this site asks for a path under `prefix` (e.g. MEDIA_URL)."""
    found = resolve(url)
    return found.same_origin_path and not found.moved and found.path.startswith(prefix)


def is_scheme_relative(url: str) -> bool:
    """`//host/…` (or `\\\\host`, `/\\host`): another host, reached without naming a scheme."""
    found = resolve(url)
    return not found.scheme and bool(found.host)
