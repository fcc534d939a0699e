from django.urls import path, register_converter

from matters import views


class MatterCodeConverter:
    """A catalogue code as the model's validator allows it (YC-KJ-2026-001): capitals, digits and hyphens, so a
    lower-case word beside it (calculator/) is never taken for a code."""

    regex = r"[A-Z0-9][A-Z0-9-]{3,39}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(MatterCodeConverter, "mattercode")

app_name = "matters"

urlpatterns = [
    path("", views.matter_list, name="list"),
    path("<mattercode:code>/", views.matter_detail, name="detail"),
    path("<mattercode:code>/guide.pdf", views.matter_guide_pdf, name="guide_pdf"),
]
