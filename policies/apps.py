from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "policies"
    verbose_name = "政策发布"

    def ready(self):
        from policies import uploads
        from policies.selectors import PolicyFAQs, policy_detail_blocks
        from portal.core.uploads import served_uploads

        served_uploads.add("policies/", uploads.download_name, label="政策附件与解读音视频")
        policy_detail_blocks.add("faqs", PolicyFAQs(), label=_("常见问题"), order=20)
