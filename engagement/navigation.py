"""政企互动 in the main navigation: one entry, the hub, current on the consultations', sessions' and articles'
pages too (the service directory has an entry of its own, 办事服务)."""

from django.utils.translation import gettext_lazy as _

from portal.core.navigation import Section, main_navigation

main_navigation.add(
    "engagement",
    Section("engagement:hub", also=("engagement:consultations", "engagement:sessions", "engagement:articles")),
    label=_("政企互动"),
    order=53,
)
