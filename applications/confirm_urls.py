"""免申即享 confirmation pages (mounted at /applications/confirm/, names prefixed confirm_ in "applications")."""

from django.urls import path

from applications import confirm_views

urlpatterns = [
    path("", confirm_views.confirmation_list, name="confirm_list"),
    path("<str:code>/", confirm_views.confirmation_detail, name="confirm_detail"),
    path("<str:code>/confirm/", confirm_views.confirm, name="confirm_confirm"),
    path("<str:code>/decline/", confirm_views.decline, name="confirm_decline"),
]
