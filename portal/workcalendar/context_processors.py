from django.utils import timezone

from portal import workdays


def calendar_warning(request):
    """For staff pages: from 1 November, warns that next year's holiday schedule is not entered yet."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.is_staff):
        return {}
    return {"calendar_warning": workdays.next_uncovered_warning(timezone.localdate())}
