"""专题文章 (feature articles attached to policies): demo data."""


def load() -> None:
    """Nothing yet."""
