"""The enterprise's pages for applications (一表申请, progress, notices, ratings), with the public publicity and
progress pages and the 免申即享 confirmation pages; each part keeps its own module of URL patterns."""

from django.urls import include, path

app_name = "applications"

urlpatterns = [
    path("confirm/", include("applications.confirm_urls")),
    path("publicity/", include("applications.publicity_urls")),
]
