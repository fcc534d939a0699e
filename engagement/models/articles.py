"""专题文章 (feature articles attached to policies): models."""

__all__: list[str] = []
