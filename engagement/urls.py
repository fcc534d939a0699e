"""Public pages of 政企互动, mounted at the site root; each part owns its own prefix."""

from django.urls import path

from engagement import urls_articles, urls_consultations, urls_directory, urls_sessions, views_hub

app_name = "engagement"

urlpatterns = [
    path("interaction/", views_hub.hub, name="hub"),
    *urls_consultations.urlpatterns,
    *urls_articles.urlpatterns,
    *urls_directory.urlpatterns,
    *urls_sessions.urlpatterns,
]
