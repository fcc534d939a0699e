"""线上政策咨询会: the public pages and the enterprise's actions (see engagement/urls_sessions.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engagement import sessions as services
from engagement.models import BookingState, SessionBooking, SessionState
from enterprises.selectors import acting_enterprise
from portal.org.models import Department

S = SessionState


def _refusal(error) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error)


def session_list(request):
    sessions = services.with_booked(services.public_sessions())
    department = None
    if request.GET.get("department", "").isdigit():
        department = Department.objects.filter(pk=request.GET["department"]).first()
        if department is not None:
            sessions = sessions.filter(department=department)
    upcoming = list(sessions.filter(status=S.PUBLISHED).order_by("starts_at", "pk")[:50])
    for session in upcoming:
        session.places_left = services.places_left(session)
    past = list(sessions.filter(status__in=[S.HELD, S.REPLAYED]).order_by("-starts_at", "-pk")[:50])
    departments = Department.objects.filter(
        pk__in=services.public_sessions().exclude(status=S.CANCELLED).values("department")
    ).order_by("code")
    return render(
        request,
        "engagement/sessions/list.html",
        {"upcoming": upcoming, "past": past, "departments": departments, "department": department},
    )


def _public_session(pk):
    return get_object_or_404(services.public_sessions(), pk=pk)


def _detail_context(request, pk) -> dict:
    session = _public_session(pk)
    enterprise = acting_enterprise(request.user)
    booking = services.booking_of(session, enterprise)
    left = services.places_left(session)
    now = timezone.now()
    questions = list(session.questions.all())
    context = {
        "session": session,
        "booking": booking,
        "enterprise": enterprise,
        "places_left": left,
        "closed_reason": services.booking_closed_reason(session, now=now, left=left),
        "may_cancel": booking is not None and now < session.starts_at,
        "may_ask": booking is not None and session.status == S.PUBLISHED and now < session.starts_at,
        "own_questions": [q for q in questions if enterprise is not None and q.enterprise_id == enterprise.pk],
        "answered": [q for q in questions if q.answered] if session.status == S.REPLAYED else [],
        "question_max": services.QUESTION_MAX,
        "content": "",
    }
    return context


def session_detail(request, pk):
    return render(request, "engagement/sessions/detail.html", _detail_context(request, pk))


@require_POST
def book(request, pk):
    session = _public_session(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(session.get_absolute_url())
    try:
        services.book(session, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, _("预约成功。会议链接已在本页显示，开始前将以站内信和短信提醒您。"))
    return redirect(session.get_absolute_url())


@require_POST
def ask(request, pk):
    session = _public_session(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(session.get_absolute_url())
    content = request.POST.get("content", "")
    try:
        question = services.submit_question(session, user=request.user, content=content)
    except (ValidationError, PermissionDenied) as error:
        context = _detail_context(request, pk)
        if not context["may_ask"]:
            # No question form on the page now (not booked, started, over): the refusal is told as a message.
            messages.error(request, _refusal(error))
            return redirect(session.get_absolute_url())
        context["question_error"] = _refusal(error)
        context["content"] = content
        return render(request, "engagement/sessions/detail.html", context, status=400)
    if question.personal_data:
        messages.success(request, _("问题已提交。其中的个人信息公开时将隐去。"))
    else:
        messages.success(request, _("问题已提交，部门将在咨询会上或会后答复。"))
    return redirect(session.get_absolute_url())


@login_required
def my_bookings(request):
    enterprise = acting_enterprise(request.user)
    bookings = (
        SessionBooking.objects.filter(enterprise=enterprise)
        .select_related("session", "session__department")
        .order_by("-session__starts_at", "-pk")
    )
    # One line per session: the live booking if there is one, else the latest cancelled one.
    latest = {}
    for booking in bookings:
        shown = latest.get(booking.session_id)
        if shown is None or (booking.status == BookingState.BOOKED and shown.status != BookingState.BOOKED):
            latest[booking.session_id] = booking
    bookings = list(latest.values())
    return render(
        request,
        "engagement/sessions/mine.html",
        {"enterprise": enterprise, "bookings": bookings, "now": timezone.now(), "BOOKED": BookingState.BOOKED},
    )


@require_POST
def cancel_booking(request, pk):
    if not request.user.is_authenticated:
        # After signing in the browser comes back with a GET: to the bookings, not to this POST-only address.
        return redirect_to_login(reverse("engagement:session_bookings"))
    try:
        booking = services.own_booking(request.user, pk)
    except SessionBooking.DoesNotExist:
        raise Http404 from None
    try:
        services.cancel_booking(booking, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, _("已取消预约。"))
    if request.POST.get("next") == "mine":
        return redirect("engagement:session_bookings")
    return redirect(booking.session.get_absolute_url())
