from django.urls import path, register_converter

from policies import views, views_subscriptions


class PolicyKeyConverter:
    """A policy's slug (2025-3f9a1c2e) or, for old links, its number; never a word like "subscriptions"."""

    regex = r"\d{4}-[0-9a-f]+|\d+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(PolicyKeyConverter, "policykey")

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("search/", views.policy_search, name="search"),
    path("search/suggest", views.search_suggest, name="suggest"),
    # Before any "<slug>/" route: "subscriptions" would match a slug.
    path("subscriptions/", views_subscriptions.subscription_edit, name="subscriptions"),
    path("subscriptions/delete/", views_subscriptions.subscription_delete, name="subscriptions_delete"),
    path("<policykey:slug>/", views.policy_detail, name="detail"),
    path("<policykey:slug>/print/", views.policy_print, name="print"),
]
