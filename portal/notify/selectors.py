from django.db.models import BooleanField, ExpressionWrapper, Q

from .models import SiteMessage


def inbox(user):
    """A user's site messages, unread first, newest first within each."""
    return (
        SiteMessage.objects.filter(user=user)
        .annotate(unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField()))
        .order_by("-unread", "-created_at", "-id")
    )
