from django.utils import timezone

from portal import workdays


def calendar_warning(request):
    """For those who enter the calendar: from 1 November, warns that next year's holiday schedule is not entered yet.

    Only staff who may enter calendar days see it (with a link to the calendar): to anyone
    else it would be a task they cannot do and a link they cannot open.
    """
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.is_staff and user.has_perm("workcalendar.add_calendarday")):
        return {}
    return {"calendar_warning": workdays.next_uncovered_warning(timezone.localdate())}
