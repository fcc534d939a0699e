import re
from urllib.parse import urlencode

from django.conf import settings

from portal.core.navigation import navigation
from portal.core.translation import in_reader_language

FONT_SIZES = ("small", "medium", "large")

# 政府网站找错: the State Council's error-report page for government sites, by site code and page.
ERROR_REPORT_URL = "https://zfwzgl.www.gov.cn/exposure/jiucuo.html"
ICP_URL = "https://beian.miit.gov.cn/"
PSB_URL = "https://beian.mps.gov.cn/#/query/webSearch"


def portal(request):
    """The platform's identity, the main navigation and the reader's display preferences, for every page."""
    return {
        **identity(),
        **filings(request),
        "a11y": a11y_preferences(request),
        "navigation": navigation(request.path, getattr(request, "user", None)),
    }


def identity() -> dict:
    """Name, host department (主办单位) and contact of the platform, in the reader's language (settings.PORTAL_*)."""
    return {
        "PORTAL_NAME": in_reader_language(settings.PORTAL_NAME, settings.PORTAL_NAME_EN),
        "PORTAL_HOST_DEPARTMENT": in_reader_language(
            settings.PORTAL_HOST_DEPARTMENT, settings.PORTAL_HOST_DEPARTMENT_EN
        ),
        "PORTAL_CONTACT_PHONE": settings.PORTAL_CONTACT_PHONE,
        "PORTAL_CONTACT_EMAIL": settings.PORTAL_CONTACT_EMAIL,
    }


def filings(request) -> dict:
    """The filing numbers a Chinese government site shows in its footer, with their links; empty ones are absent.

    ICP备案号 links to the MIIT register, 公安备案号 to the Ministry of Public
    Security's register by its digits, and a 网站标识码 brings the 政府网站找错
    link for the page being read.
    """
    psb_code = "".join(re.findall(r"\d", settings.PORTAL_PSB))
    site_code = settings.PORTAL_SITE_CODE
    return {
        "PORTAL_ICP": settings.PORTAL_ICP,
        "PORTAL_ICP_URL": ICP_URL if settings.PORTAL_ICP else "",
        "PORTAL_PSB": settings.PORTAL_PSB,
        "PORTAL_PSB_URL": f"{PSB_URL}?{urlencode({'code': psb_code})}" if psb_code else "",
        "PORTAL_SITE_CODE": site_code,
        "PORTAL_ERROR_REPORT_URL": (
            f"{ERROR_REPORT_URL}?{urlencode({'site_code': site_code, 'url': request.build_absolute_uri()})}"
            if site_code
            else ""
        ),
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
