"""业务系统接入 in the back office: a platform admin issues a department's key; the secret is shown once."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from applications.api_auth import mask, new_key_id, new_secret
from applications.models import ApiClient


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ["department", "active"]


@admin.register(ApiClient)
class ApiClientAdmin(SimpleHistoryAdmin):
    form = ApiClientForm
    list_display = ["key_id", "department", "masked_secret", "active", "created_at"]
    list_filter = ["active"]
    list_select_related = ["department"]
    search_fields = ["key_id", "department__name"]
    actions = ["deactivate"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["department", "active"]
        return ["department", "key_id", "masked_secret", "active", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["department", "key_id", "masked_secret", "created_at"]

    @admin.display(description=gettext_lazy("签名密钥"))
    def masked_secret(self, obj):
        return mask(obj.secret)

    def save_model(self, request, obj, form, change):
        secret = None
        if not change:
            secret = new_secret()
            obj.key_id = new_key_id()
            obj.secret = secret
        super().save_model(request, obj, form, change)
        if secret:
            messages.warning(
                request,
                format_html(
                    _(
                        "已为{department}签发接入标识 <code>{key}</code>，签名密钥 <code>{secret}</code>。"
                        "密钥只显示这一次，平台不再显示明文，请立即交给该部门业务系统的管理员妥善保存。"
                    ),
                    department=obj.department.name,
                    key=obj.key_id,
                    secret=secret,
                ),
            )

    @admin.action(description=gettext_lazy("停用所选接入"), permissions=["change"])
    def deactivate(self, request, queryset):
        count = 0
        for client in queryset.filter(active=True):
            client.active = False
            client._history_user = request.user
            client._change_reason = _("停用接入")
            client.save(update_fields=["active"])
            count += 1
        self.message_user(request, _("已停用%(n)d个接入。") % {"n": count}, messages.SUCCESS)
