"""一窗受理: the clerk workbench of the service halls (see `applications.window`)."""

from django.urls import path

from applications import window

app_name = "window"

urlpatterns = [
    path("", window.home, name="home"),
    path("enterprise/<str:uscc>/", window.enterprise, name="enterprise"),
    path("enterprise/<str:uscc>/start/", window.start, name="start"),
    path("case/<str:number>/", window.case, name="case"),
    path("case/<str:number>/slip/", window.slip, name="slip"),
    path("case/<str:number>/document/<str:kind>/", window.document, name="document"),
    path("case/<str:number>/feedback/", window.give_back, name="give_back"),
    path("supplements/", window.supplements, name="supplements"),
    path("consultations/", window.consultations, name="consultations"),
    path("feedback/", window.feedback, name="feedback"),
]
