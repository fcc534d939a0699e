from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from portal import workdays
from portal.core.tasks import enqueue_once_on_commit

from .models import CalendarDay, CalendarYear


@receiver([post_save, post_delete], sender=CalendarDay)
def day_changed(sender, instance, **kwargs):
    # Other processes notice a change by the year's updated_at moving on.
    CalendarYear.objects.filter(year=instance.date.year).update(updated_at=timezone.now())
    _calendar_changed(instance.date.year)


@receiver([post_save, post_delete], sender=CalendarYear)
def year_changed(sender, instance, **kwargs):
    _calendar_changed(instance.year)


def _calendar_changed(year: int):
    workdays.reload()
    from .tasks import recompute_clocks

    # Every clock whose span touches the year moves, final ones included: a corrected year changes them too.
    # Once per year and transaction: entering a year's schedule saves dozens of days in one go.
    enqueue_once_on_commit(recompute_clocks, [year])
