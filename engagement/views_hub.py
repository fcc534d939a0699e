"""政企互动 (the interaction hub): one page leading to every way an enterprise takes part before and after a
policy is issued — drafts open for comment, online sessions, feature articles, the interaction area and the
service directory."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from engagement import articles
from engagement import consultations as consultation_service
from engagement import sessions as session_service
from engagement.models import ServiceCategory, SessionState

SHOWN = 3  # items per part; each part's own page lists them all


@require_GET
def hub(request):
    open_consultations, _closed = consultation_service.public_consultations()
    for consultation in open_consultations[:SHOWN]:
        consultation.days_left = consultation_service.working_days_left(consultation)
    upcoming = session_service.with_booked(session_service.public_sessions().filter(status=SessionState.PUBLISHED))
    upcoming = list(upcoming.select_related("department").order_by("starts_at", "pk")[:SHOWN])
    for session in upcoming:
        session.places_left = session_service.places_left(session)
    latest = list(articles.published_articles().select_related("department")[:SHOWN])
    return render(
        request,
        "engagement/hub.html",
        {
            "open_consultations": open_consultations[:SHOWN],
            "open_consultation_count": len(open_consultations),
            "upcoming_sessions": upcoming,
            "latest_articles": latest,
            "service_categories": [(category.value, category.label) for category in ServiceCategory],
        },
    )
