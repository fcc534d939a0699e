"""A back office with one department-scoped model admin, for testing `DepartmentScopedAdmin` on its own.

Regions stand in for a domain model: the tests make them owned by departments.
"""

from django.contrib.admin import AdminSite
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from portal.org.admin_mixins import DepartmentScopedAdmin
from portal.org.models import Region
from portal.urls import urlpatterns as portal_urlpatterns

site = AdminSite(name="scoped")


class ScopedRegionAdmin(DepartmentScopedAdmin, SimpleHistoryAdmin):
    fields = ["code", "name", "level", "parent"]


site.register(Region, ScopedRegionAdmin)

urlpatterns = [path("scoped/", site.urls), *portal_urlpatterns]
