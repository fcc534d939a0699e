"""The back office of 政企互动: each part's admin registers on import."""

from engagement import admin_articles, admin_consultations, admin_directory, admin_sessions  # noqa: F401
