"""The back office of supervision: the dashboard pages (admin_views) and the archived reports."""

from . import admin_views  # noqa: F401 - installs the dashboard pages into the admin site
