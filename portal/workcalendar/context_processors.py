from datetime import date

from portal import workdays


def calendar_warning(request):
    """For staff pages: warns from 1 November when next year's schedule is missing."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.is_staff):
        return {}
    return {"calendar_warning": workdays.next_uncovered_warning(date.today())}
