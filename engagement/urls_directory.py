"""办事服务、增值服务 (the service directory): public pages."""

urlpatterns: list = []
