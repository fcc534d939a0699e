"""办事服务、增值服务 (the service directory): public pages."""

from django.urls import path

from engagement import views_directory

urlpatterns: list = [
    path("services/", views_directory.directory_page, name="directory"),
]
