"""办事服务、增值服务 (the service directory): the back office."""
