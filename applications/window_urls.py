"""一窗受理: the clerk workbench of the service halls."""

from django.urls import path  # noqa: F401

app_name = "window"

urlpatterns = []
