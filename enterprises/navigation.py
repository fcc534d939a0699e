"""What the enterprises app shows in the kernel's main navigation (主导航): the enterprise space, 我的."""

from django.utils.translation import gettext_lazy as _

from portal.core.navigation import Section, main_navigation

main_navigation.add("enterprise", Section("enterprises:home"), label=_("我的"), order=90)
