from django.urls import path

from policies import views_subscriptions

app_name = "policies"

urlpatterns = [
    # Before any "<slug>/" route: "subscriptions" would match a slug.
    path("subscriptions/", views_subscriptions.subscription_edit, name="subscriptions"),
    path("subscriptions/delete/", views_subscriptions.subscription_delete, name="subscriptions_delete"),
]
