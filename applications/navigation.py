"""What applications show in the kernel's main navigation (主导航): the public publicity of approved cases, and
the clerks' workbench (一窗受理), for clerks only."""

from django.utils.translation import gettext_lazy as _

from applications.services import is_window_clerk
from portal.core.navigation import Section, main_navigation

main_navigation.add("publicity", Section("applications:publicity_list"), label=_("结果公示"), order=45)
main_navigation.add("window", Section("window:home", visible=is_window_clerk), label=_("窗口受理"), order=80)
