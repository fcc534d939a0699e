"""What the policies app shows in the kernel's main navigation (主导航)."""

from django.utils.translation import pgettext_lazy

from portal.core.navigation import Section, main_navigation

main_navigation.add("policies", Section("policies:list"), label=pgettext_lazy("navigation", "政策"), order=20)
