from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.conf import settings as guardian_settings
from simple_history.admin import SimpleHistoryAdmin

from portal.core import crypto

from .models import User, VerificationCode
from .phones import is_phone, normalize_phone


class StaffCreationForm(AdminUserCreationForm):
    """Accounts created in the back office are staff; enterprise users register themselves by phone."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set before validation, so the model's own checks see a staff account.
        self.instance.kind = User.Kind.STAFF
        self.instance.is_staff = True


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    add_form = StaffCreationForm
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "name", "usable_password", "password1", "password2")}),
    )
    list_display = ("username", "name", "masked_phone", "kind", "is_active", "is_staff", "last_login")
    list_filter = ("kind", "is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("username", "name")
    search_help_text = _("按用户名、姓名或完整手机号搜索")
    ordering = ("-date_joined",)
    readonly_fields = ("masked_phone", "kind", "last_login", "date_joined")
    history_list_display = ("name", "kind", "is_active", "is_staff")

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj):
        return obj.masked_phone

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        fieldsets = [
            (None, {"fields": ("username", "password")}),
            (_("个人信息"), {"fields": ("name", "masked_phone", "email")}),
            (_("状态"), {"fields": ("kind", "is_active", "last_login", "date_joined")}),
        ]
        if obj.kind == User.Kind.STAFF:
            # Roles and back-office rights only make sense for staff; an
            # enterprise user can never be given them here.
            fieldsets.append((_("权限"), {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}))
        return fieldsets

    def get_queryset(self, request):
        # django-guardian keeps a user row for anonymous visitors' object permissions; it is
        # nobody's account (not an 企业用户) and is never listed or edited here.
        return super().get_queryset(request).exclude(username=guardian_settings.ANONYMOUS_USER_NAME)

    def get_search_results(self, request, queryset, search_term):
        # Phones are encrypted: a full number is found through its digest, never by a text scan.
        if is_phone(search_term):
            return queryset.filter(phone_digest=crypto.digest(normalize_phone(search_term))), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(VerificationCode)
class VerificationCodeAdmin(admin.ModelAdmin):
    """Read-only: codes are issued and spent only by the verification service."""

    list_display = ("purpose", "short_digest", "created_at", "expires_at", "attempts", "used_at", "revoked_at")
    list_filter = ("purpose",)
    date_hierarchy = "created_at"
    fields = ("purpose", "short_digest", "created_at", "expires_at", "attempts", "used_at", "revoked_at")
    readonly_fields = fields

    @admin.display(description=_("手机号摘要"))
    def short_digest(self, obj):
        return obj.phone_digest[:12]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-axes' own clean-up action reads the time of a login attempt from the request
# (`request.axes_attempt_time`), which only a login request carries: run from the admin
# it was a 500. Here it cleans up against the time the action runs, and says so in Chinese.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    actions = ["cleanup_expired_attempts"]

    @admin.action(description=_("清理已过冷却期的登录失败记录"))
    def cleanup_expired_attempts(self, request, queryset):
        request.axes_attempt_time = timezone.now()
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(request, _("已清理 %(count)d 条已过冷却期的登录失败记录。") % {"count": count})
