"""专题文章 (feature articles attached to policies): use cases and registrations."""
