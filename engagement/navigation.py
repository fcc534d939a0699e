"""政企互动 in the main navigation: one entry, the hub, current on the consultations', sessions', articles' and
the service directory's pages too (the busiest bar, an enterprise user's, must stay on one line at 1280 px)."""

from django.utils.translation import gettext_lazy as _

from portal.core.navigation import Section, main_navigation

main_navigation.add(
    "engagement",
    Section(
        "engagement:hub",
        also=("engagement:consultations", "engagement:sessions", "engagement:articles", "engagement:directory"),
    ),
    label=_("政企互动"),
    order=53,
)
