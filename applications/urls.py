"""The enterprise's pages for applications (一表申请, progress, notices, ratings), with the public publicity and
progress pages and the 免申即享 confirmation pages; each part keeps its own module of URL patterns."""

from django.urls import include, path, register_converter

from applications import views


class ApplicationNumberConverter:
    """申报编号 SB + yyyymmdd + 6 digits (lower case accepted: the selector folds it)."""

    regex = r"[Ss][Bb][0-9]{14}"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return str(value)


register_converter(ApplicationNumberConverter, "number")

app_name = "applications"

urlpatterns = [
    path("confirm/", include("applications.confirm_urls")),
    path("publicity/", include("applications.publicity_urls")),
    path("", views.mine, name="mine"),
    path("progress/", views.progress, name="progress"),
    path("progress/<str:code>/", views.progress_detail, name="progress_detail"),
    path("new/<str:code>/", views.new, name="new"),
    path("<number:number>/", views.detail, name="detail"),
    path("<number:number>/materials/<int:material_id>/upload/", views.upload, name="upload"),
    path("<number:number>/materials/<int:row_id>/remove/", views.remove, name="remove_material"),
    path("<number:number>/submit/", views.confirm, name="submit_confirm"),
    path("<number:number>/submitted/", views.done, name="done"),
    path("<number:number>/supplement/", views.supplement, name="supplement"),
    path("<number:number>/withdraw/", views.withdraw, name="withdraw"),
    path("<number:number>/rate/", views.rate, name="rate"),
    path("<number:number>/documents/<str:code>/", views.document, name="document"),
]
