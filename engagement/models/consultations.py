"""征求意见 (consultation on draft policies): models."""

__all__: list[str] = []
