"""The back office for applications: each part registers its own admins in its own module."""

from applications import admin_api, admin_confirmations, admin_followup, admin_review  # noqa: F401 - they register admins
