"""What applications show in the kernel's main navigation (主导航): the public publicity of approved cases."""

from django.utils.translation import gettext_lazy as _

from portal.core.navigation import Section, main_navigation

main_navigation.add("publicity", Section("applications:publicity_list"), label=_("结果公示"), order=45)
