from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "policies"
    verbose_name = "政策发布"

    def ready(self):
        from policies import uploads
        from portal.core.uploads import served_uploads

        served_uploads.add("policies/", uploads.download_name, label="政策附件与解读音视频")
