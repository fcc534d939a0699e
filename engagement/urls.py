"""Public pages of 政企互动, mounted at the site root; each part owns its own prefix."""

from engagement import urls_articles, urls_consultations, urls_directory, urls_sessions

app_name = "engagement"

urlpatterns = [
    *urls_consultations.urlpatterns,
    *urls_articles.urlpatterns,
    *urls_directory.urlpatterns,
    *urls_sessions.urlpatterns,
]
