"""办事服务、增值服务 (the service directory): demo data."""


def load() -> None:
    """Nothing yet."""
