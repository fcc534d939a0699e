"""What the matters app shows in the kernel's main navigation (主导航): the public matter catalogue and the
policy calculator (政策计算器)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.navigation import Section, main_navigation

main_navigation.add("matters", Section("matters:list"), label=pgettext_lazy("navigation", "政策事项"), order=30)
main_navigation.add("calculator", Section("matters:calculator"), label=_("政策计算器"), order=40)
