from django.urls import path

from matters import calculator, space

app_name = "matters"

# Before any "<code>/" pattern: "calculator" and "enterprise" are not matter codes.
urlpatterns = [
    path("calculator/", calculator.calculator, name="calculator"),
    path("enterprise/<str:uscc>/", space.space_matters, name="enterprise_matters"),
]
