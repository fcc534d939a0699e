from django.urls import path

from enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.home, name="home"),
    path("claim/", views.claim, name="claim"),
    path("claim/confirm/", views.claim_confirm, name="claim_confirm"),
    path("<str:uscc>/", views.space, name="space"),
    path("<str:uscc>/members/", views.members, name="members"),
    path("<str:uscc>/members/<int:member_id>/remove/", views.remove_member, name="remove_member"),
    path("<str:uscc>/corrections/new/", views.correction_new, name="correction_new"),
]
