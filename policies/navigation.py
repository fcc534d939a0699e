"""What the policies app shows in the kernel's main navigation (主导航)."""

from django.utils.translation import gettext_lazy as _

from portal.core.navigation import Section, main_navigation

main_navigation.add("policies", Section("policies:list"), label=_("政策"), order=20)
