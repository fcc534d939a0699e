from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "policies"
    verbose_name = "政策发布"

    def ready(self):
        from policies.models import Policy
        from portal.workcalendar import deadlines

        # §17: published within 3 working days of issue, or of outside publication for national/provincial policies.
        deadlines.register(
            Policy,
            start=lambda policy: policy.publishing_clock_start,
            days=3,
            due="publish_deadline",
            provisional="publish_deadline_provisional",
        )
