"""Sanitising the rich text of policies and interpretations (富文本净化) with nh3.

Policy texts are pasted from word processors and other sites; anything that
could run in a reader's browser or load from elsewhere is removed here, once,
when the text is saved — never at render time.
"""

import nh3
from django.conf import settings

from portal.core import safeurls

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "strong",
    "em",
    "u",
    "a",
    "img",
    "blockquote",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Their content is dropped along with the tag; other unknown tags keep their text.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template"}


def _same_origin_media(element: str, attribute: str, value: str) -> str | None:
    """Images may only come from the portal's own uploads: no hot-linking, no tracking pixels.

    Judged on the URL as the browser resolves it (`portal.core.safeurls`): `/media/%2e%2e/accounts/logout/`
    leads to `/accounts/logout/`, `\\\\evil.com/x.png` to another host.
    """
    if element == "img" and attribute == "src" and not safeurls.is_under(value, settings.MEDIA_URL):
        return None
    if element == "a" and attribute == "href" and safeurls.is_scheme_relative(value):
        return None
    return value


def clean_html(html: str) -> str:
    """The allow-listed subset of `html`: safe tags, http(s)/mailto links, same-origin images."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_same_origin_media,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )
