"""The departments' systems' API (部门业务系统对接), HMAC-signed; its OpenAPI schema and a docs page."""

from django.urls import path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from appeals import api as appeals_api
from applications import api
from payouts import subsidy_api


class ExternalIdConverter:
    regex = api.EXTERNAL_ID

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExternalIdConverter, "external_id")


class HotlineNumberConverter:
    regex = appeals_api.HOTLINE_NUMBER

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(HotlineNumberConverter, "hotline_number")

app_name = "api"

urlpatterns = [
    path("v1/cases/", api.CaseListView.as_view(), name="cases"),
    path("v1/cases/<external_id:external_id>/", api.CaseView.as_view(), name="case"),
    path("v1/subsidies/", subsidy_api.SubsidyView.as_view(), name="subsidies"),
    path("v1/appeals/", appeals_api.TicketCreateView.as_view(), name="appeals"),
    path("v1/appeals/<hotline_number:hotline_number>/", appeals_api.TicketView.as_view(), name="appeal"),
    path(
        "v1/appeals/<hotline_number:hotline_number>/events/",
        appeals_api.TicketEventView.as_view(),
        name="appeal_events",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
]
