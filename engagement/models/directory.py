"""办事服务、增值服务 (the service directory): models."""

__all__: list[str] = []
