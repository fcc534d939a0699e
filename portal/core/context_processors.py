from django.conf import settings

from portal.core.navigation import navigation

FONT_SIZES = ("small", "medium", "large")


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
