from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matters"
    verbose_name = _("政策事项")

    def ready(self):
        from matters import uploads
        from matters.blocks import PolicyMatters
        from policies.selectors import policy_detail_blocks
        from portal.core.uploads import served_uploads

        served_uploads.add("matters/", uploads.download_name, label="事项申报材料范本")
        policy_detail_blocks.add("matters", PolicyMatters(), label=_("本政策的资金事项"), order=10)
