"""The departments' systems' API (部门业务系统对接), HMAC-signed."""

from django.urls import path  # noqa: F401

app_name = "api"

urlpatterns = []
