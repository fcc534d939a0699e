"""征求意见 (consultation on draft policies): public pages."""

from django.urls import path

from engagement import views_consultations as views

urlpatterns: list = [
    path("consultations/", views.consultation_list, name="consultations"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation"),
]
