from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "policies"
    verbose_name = "政策发布"

    def ready(self):
        from policies import uploads
        from policies.models import Policy
        from portal.core.uploads import served_uploads
        from portal.workcalendar import deadlines

        served_uploads.add("policies/", uploads.download_name, label="政策附件与解读音视频")

        # §17: published within 3 working days of issue, or of outside publication for national/provincial policies.
        deadlines.register(
            Policy,
            start=lambda policy: policy.publishing_clock_start,
            days=3,
            due="publish_deadline",
            provisional="publish_deadline_provisional",
        )
