from django.urls import path, register_converter

from matters import calculator, space, views


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

# Before any "<code>/" pattern: "calculator" and "enterprise" are not matter codes.
urlpatterns = [
    path("calculator/", calculator.calculator, name="calculator"),
    path("enterprise/<str:uscc>/", space.space_matters, name="enterprise_matters"),
    path("", views.matter_list, name="list"),
    path("<mattercode:code>/", views.matter_detail, name="detail"),
    path("<mattercode:code>/guide.pdf", views.matter_guide_pdf, name="guide_pdf"),
]
