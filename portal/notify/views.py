"""The enterprise user's inbox (站内信): list, mark one read, mark all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .models import SiteMessage

PAGE_SIZE = 20


@login_required
def message_list(request):
    page = Paginator(selectors.inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notify/message_list.html", {"page": page, "messages_page": page.object_list})


@login_required
@require_POST
def mark_read(request, pk: int):
    try:
        message = services.mark_read(request.user, pk)
    except SiteMessage.DoesNotExist:
        raise Http404 from None
    if request.POST.get("open") and message.link and _safe(request, message.link):
        return redirect(message.link)
    return redirect("notify:list")


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(request.user)
    messages.success(request, _("已将 %(count)d 条消息标为已读") % {"count": count})
    return redirect("notify:list")


def _safe(request, url: str) -> bool:
    return url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
