"""The enterprise user's policy subscription page (政策订阅): create, change or cancel it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from policies import selectors
from policies.forms import PolicySubscriptionForm
from policies.models import PolicySubscription


def _not_an_enterprise_user(request):
    if request.user.kind == request.user.Kind.ENTERPRISE:
        return None
    return render(request, "policies/subscriptions_enterprise_only.html", status=403)


@login_required
@require_http_methods(["GET", "POST"])
def subscription_edit(request):
    if refused := _not_an_enterprise_user(request):
        return refused
    user = request.user
    subscription = PolicySubscription.objects.filter(user=user).first()
    initial = _ticked_for_policy(request.GET.get("policy"), subscription) if request.method == "GET" else None
    form = PolicySubscriptionForm(request.POST or None, instance=subscription, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            subscription = form.save(commit=False)
            subscription.user = user
            subscription.save()
            form.save_m2m()
        messages.success(request, _("订阅已保存：有符合条件的新政策发布时，我们会通知您。"))
        return redirect("policies:subscriptions")
    return render(request, "policies/subscriptions.html", {"form": form, "subscription": subscription})


def _ticked_for_policy(slug: str | None, subscription: PolicySubscription | None) -> dict | None:
    """Coming from a policy's 订阅同类政策: its categories, lead department and region are ticked, added to
    what the reader already subscribes to. An unknown or non-public policy ticks nothing."""
    if not slug:
        return None
    policy = selectors.public_policies().filter(slug=slug).first()
    if policy is None:
        return None

    def kept(name: str) -> list[int]:
        return list(getattr(subscription, name).values_list("pk", flat=True)) if subscription else []

    return {
        "categories": [*kept("categories"), *policy.categories.values_list("pk", flat=True)],
        "departments": [*kept("departments"), policy.lead_department_id],
        "regions": [*kept("regions"), policy.region_id],
    }


@login_required
@require_POST
def subscription_delete(request):
    if refused := _not_an_enterprise_user(request):
        return refused
    deleted, _rows = PolicySubscription.objects.filter(user=request.user).delete()
    if deleted:
        messages.success(request, _("已取消政策订阅。"))
    return redirect("policies:subscriptions")
