from django.conf import settings
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.PortalLogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("register/code/", views.register_code, name="register_code"),
    path("register/confirm/", views.register_confirm, name="register_confirm"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/code/", views.password_reset_code, name="password_reset_code"),
    path("password/reset/confirm/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password/change/", views.password_change, name="password_change"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
]

if settings.OIDC_ENABLED:
    # Not mozilla_django_oidc.urls: its names must live in this namespace
    # (OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_authentication_callback").
    from mozilla_django_oidc import views as oidc_views

    urlpatterns += [
        path("oidc/authenticate/", oidc_views.OIDCAuthenticationRequestView.as_view(), name="oidc_authentication_init"),
        path(
            "oidc/callback/", oidc_views.OIDCAuthenticationCallbackView.as_view(), name="oidc_authentication_callback"
        ),
        path("oidc/logout/", oidc_views.OIDCLogoutView.as_view(), name="oidc_logout"),
    ]
