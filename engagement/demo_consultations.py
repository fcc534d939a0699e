"""征求意见 (consultation on draft policies): demo data."""


def load() -> None:
    """Nothing yet."""
