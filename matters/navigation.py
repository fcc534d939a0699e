"""What the matters app shows in the kernel's main navigation (主导航): the policy calculator (政策计算器)."""

from django.utils.translation import gettext_lazy as _

from portal.core.navigation import Section, main_navigation

main_navigation.add("calculator", Section("matters:calculator"), label=_("政策计算器"), order=40)
