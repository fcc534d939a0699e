from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from portal.core import views as core

admin.site.site_header = "惠企服务平台 · 管理后台"
admin.site.site_title = "惠企服务平台"
admin.site.index_title = "业务管理"

urlpatterns = [
    path("", core.home, name="home"),
    path("healthz", core.healthz, name="healthz"),
    path("a11y/", core.accessibility, name="accessibility"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap/", TemplateView.as_view(template_name="pages/sitemap.html"), name="sitemap"),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("help/", TemplateView.as_view(template_name="pages/help.html"), name="help"),
    path("media/<path:name>", core.media, name="media"),
    path("admin/", admin.site.urls),
    path("accounts/", include("portal.accounts.urls")),
    path("messages/", include("portal.notify.urls")),
    path("documents/", include("portal.documents.urls")),
    path("policies/", include("policies.urls")),
    path("matters/", include("matters.urls")),
    path("enterprise/", include("enterprises.urls")),
    path("applications/", include("applications.urls")),
    path("window/", include("applications.window_urls")),
    path("api/", include("applications.api_urls")),
    path("payouts/", include("payouts.urls")),
    path("appeals/", include("appeals.urls")),
    path("", include("engagement.urls")),
]

handler400 = "portal.core.views.bad_request"
handler403 = "portal.core.views.permission_denied"
handler404 = "portal.core.views.page_not_found"
handler500 = "portal.core.views.server_error"
