from django.conf import settings
from django.utils.translation import gettext_lazy as _

FONT_SIZES = ("small", "medium", "large")

# The main navigation (主导航). Paths are fixed here rather than reversed so
# that the layout renders even while an app's URLs are still being built.
NAVIGATION = (
    ("/", _("首页")),
    ("/policies/", _("政策")),
    ("/matters/", _("事项")),
    ("/matters/calculator/", _("政策计算器")),
    ("/appeals/", _("诉求")),
    ("/enterprise/", _("我的")),
)


def portal(request):
    """The platform's identity, the main navigation and the reader's display preferences, for every page."""
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "PORTAL_HOST_DEPARTMENT": settings.PORTAL_HOST_DEPARTMENT,
        "PORTAL_CONTACT": settings.PORTAL_CONTACT,
        "PORTAL_ICP": settings.PORTAL_ICP,
        "a11y": a11y_preferences(request),
        "navigation": navigation(request.path),
    }


def a11y_preferences(request) -> dict:
    """Font size and contrast chosen by the reader (适老化), kept in cookies so they persist.

    `font` is one of FONT_SIZES; `contrast` is True when the high-contrast theme is on.
    """
    size = request.COOKIES.get("a11y_font", "medium")
    return {
        "font": size if size in FONT_SIZES else "medium",
        "contrast": request.COOKIES.get("a11y_contrast") == "high",
    }


def navigation(path: str) -> list[dict]:
    """The main navigation with the section the reader is in marked current.

    The longest matching prefix wins, so the calculator (under /matters/) is
    current on its own pages and 事项 is not; 首页 is current only on "/".
    """
    matches = [url for url, _label in NAVIGATION if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len, default=None)
    return [{"url": url, "label": label, "current": url == current} for url, label in NAVIGATION]
