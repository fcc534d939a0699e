"""好差评 (无锡 §26): the enterprise rates a concluded application once, online or at the window, on five levels;
a bad rating (不满意、非常不满意) opens a rectification (差评整改) for the matter's department on a clock of
`settings.RECTIFICATION_DAYS` working days (default 15).

Who may rate is the caller's business (the enterprise's page checks membership, the window its clerk)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, Channel, Rating, RatingLevel, Rectification
from portal.core import normalize
from portal.workcalendar import clocks

RECTIFICATION_CLOCK = clocks.register_kind(
    "rating_rectification",
    label=gettext_lazy("差评整改时限"),
    days=lambda rectification: int(getattr(settings, "RECTIFICATION_DAYS", 15)),
    article="无锡 §26（差评整改）",
)
MAX_COMMENT = 500


def rate(application: Application, *, level, comment: str = "", channel: str = Channel.ONLINE, by) -> Rating:
    """Records the rating of a concluded application (办结后), once; a bad one opens its rectification."""
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in RatingLevel.values:
        raise ValidationError({"level": _("请选择评价等级（非常满意至非常不满意）。")}, code="level")
    comment = normalize.prose(comment)
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": _("评价内容不能超过%(n)d个字。") % {"n": MAX_COMMENT}}, code="too_long")
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("matter").get(pk=application.pk)
        if not application.is_concluded:
            raise ValidationError(_("申报件办结后才能评价。"), code="not_concluded")
        if Rating.objects.filter(application=application).exists():
            raise ValidationError(_("该申报件已评价，每件只能评价一次。"), code="rated")
        try:
            with transaction.atomic():
                rating = Rating(application=application, level=level, comment=comment, channel=channel, rated_by=by)
                rating._history_user = by
                rating.save()
        except IntegrityError as error:
            raise ValidationError(_("该申报件已评价，每件只能评价一次。"), code="rated") from error
        if rating.is_bad:
            open_rectification(rating, by=by)
    return rating


def open_rectification(rating: Rating, *, by=None) -> Rectification:
    rectification = Rectification(rating=rating, department=rating.application.matter.department)
    rectification._history_user = by
    rectification.save()
    clock = clocks.start(rectification, RECTIFICATION_CLOCK, on=timezone.localdate(rating.created_at), by=by)
    rectification.due_on = clock.due_on
    rectification.save(update_fields=["due_on"])
    return rectification
