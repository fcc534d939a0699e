from django.urls import reverse
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
    today = timezone.localdate()
    warning = workdays.next_uncovered_warning(today)
    if warning is None:
        return {}
    return {"calendar_warning": warning, "calendar_url": _calendar_url(user, today.year + 1)}


def _calendar_url(user, year: int) -> str:
    """Where “录入工作日历” leads: the year's page (new with the year filled in, or the existing one), else the days."""
    from .models import CalendarYear

    existing = CalendarYear.objects.filter(year=year).first()
    if existing is None and user.has_perm("workcalendar.add_calendaryear"):
        return reverse("admin:workcalendar_calendaryear_add") + f"?year={year}"
    if existing is not None and user.has_perm("workcalendar.change_calendaryear"):
        return reverse("admin:workcalendar_calendaryear_change", args=[existing.pk])
    return reverse("admin:workcalendar_calendarday_changelist")
