"""Public and enterprise pages of disbursement: 兑付结果 and the enterprise's 兑付记录 and 收款账户.

- `/payouts/results/` (public): paid amounts per matter, confidential matters never shown, by year and region.
- `/payouts/records/` and `/payouts/records/<兑付编号>/`: the payouts of the enterprises the user acts for; another
  enterprise's payout, and any payout for staff (who are not enterprises), is a 404.
- `/payouts/account/`: the enterprise's 收款账户, shown masked; its members (法定代表人, 经办人) change it through
  `services.save_account`, whose Chinese refusals are shown on the form's fields.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from enterprises import selectors as enterprise_selectors
from enterprises.models import Enterprise
from payouts import results, services
from payouts.forms import AccountForm
from payouts.models import PayeeAccount, Payout, PayoutState

PAGE_SIZE = 20
P = PayoutState

# The badge of each state (the portal's status-* classes).
BADGES = {
    P.PENDING: "pending",
    P.BATCHED: "pending",
    P.APPROVED: "pending",
    P.SENT: "pending",
    P.CORRECTED: "pending",
    P.PAID: "paid",
    P.FAILED: "failed",
    P.HELD: "warning",
    P.CANCELLED: "draft",
}


def _int(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


# --- public results -------------------------------------------------------------------------------------------------


def results_list(request):
    """兑付结果公开: paid amounts per matter (not confidential), by payment year and matter region, paginated;
    `?matter=<code>` shows one matter (the link from its page)."""
    year, region = _int(request.GET.get("year")), _int(request.GET.get("region"))
    asked = request.GET.get("matter", "").strip()[:40]
    focus = results.public_matter(asked) if asked else None
    # an unknown (or confidential) code shows nothing, and says so
    matter = focus.code if focus else asked
    rows = results.public_results(year=year, region=region, matter=matter)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))

    def option(param, value, label, count, chosen):
        params = {k: v for k, v in request.GET.items() if k not in (param, "page")}
        if value != chosen:
            params[param] = value
        return {
            "label": label,
            "count": count,
            "selected": value == chosen,
            "url": "?" + urlencode(params) if params else request.path,
        }

    facets = [
        {
            "label": _("支付年度"),
            "options": [
                option("year", row["year"], _("%(year)s年") % {"year": row["year"]}, row["matters"], year)
                for row in results.public_years(region=region, matter=matter)
            ],
        },
        {
            "label": _("事项适用区域"),
            "options": [
                option("region", row["region_id"], row["name"], row["matters"], region)
                for row in results.public_regions(year=year, matter=matter)
            ],
        },
    ]
    context = {
        "page_obj": page,
        "rows": page.object_list,
        "facets": facets,
        "filtered": bool(year or region or matter),
        "year": year,
        "totals": results.public_totals(year=year, region=region, matter=matter),
        "asked_matter": asked,
        "matter": focus,
        "unknown_matter": bool(asked and focus is None),
        "without_matter": _url_without(request, "matter"),
    }
    status = 404 if context["unknown_matter"] else 200
    return render(request, "payouts/results/list.html", context, status=status)


def _url_without(request, name: str) -> str:
    """This page's URL with the query string but `name` (and the page number)."""
    params = {k: v for k, v in request.GET.items() if k not in (name, "page")}
    return "?" + urlencode(params) if params else request.path


# --- the enterprise's records ---------------------------------------------------------------------------------------


def _enterprises(user):
    """The enterprises the user acts for; none for staff, who are never an enterprise here."""
    if not user.is_authenticated or user.is_staff:
        return Enterprise.objects.none()
    return enterprise_selectors.enterprises_for_user(user)


def _records_of(user):
    return (
        Payout.objects.filter(enterprise__in=_enterprises(user))
        .select_related("matter__department", "enterprise", "application", "confirmation", "funding_source")
        .order_by("-created_at", "-pk")
    )


def _decorate(payout: Payout) -> Payout:
    payout.badge = BADGES.get(payout.state, "pending")
    payout.waits_for_account = payout.state in (P.PENDING, P.HELD) and not payout.account_number
    return payout


@login_required
def records(request):
    """兑付记录: the payouts of the user's enterprises, newest first."""
    enterprises = list(_enterprises(request.user))
    page = Paginator(_records_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    for payout in page.object_list:
        _decorate(payout)
    context = {"page_obj": page, "rows": page.object_list, "enterprises": enterprises, "many": len(enterprises) > 1}
    return render(request, "payouts/space/records.html", context)


def _progress(payout: Payout) -> list[dict]:
    """The payout's states in order, each at the time of its own history row: [{state, label, at, with_time,
    bank_day}] (a state repeated in a row shown once).

    Steps the platform took within the same minute (a batch approved and sent at once, or the demo) would read as
    one time repeated down the list; then the list shows the days only (`with_time` False for every step). The
    已支付 step names the bank's payment date (`paid_on`) when the result file was read on a later day."""
    steps, last = [], None
    for row in payout.history.order_by("history_date", "history_id").values("state", "history_date"):
        if row["state"] != last:
            steps.append({"state": row["state"], "label": P(row["state"]).label, "at": row["history_date"]})
            last = row["state"]
    minutes = [timezone.localtime(step["at"]).strftime("%Y-%m-%d %H:%M") for step in steps]
    with_time = len(set(minutes)) == len(minutes)
    for step in steps:
        step["with_time"] = with_time
        step["bank_day"] = None
        if step["state"] == P.PAID and payout.paid_on and payout.paid_on != timezone.localtime(step["at"]).date():
            step["bank_day"] = payout.paid_on
    return steps


@login_required
def record(request, number: str):
    """One payout of the user's enterprises; any other number is a 404."""
    payout = _records_of(request.user).filter(number=number.upper()).first()
    if payout is None:
        raise Http404(_("没有这条兑付记录"))
    _decorate(payout)
    may_edit = enterprise_selectors.member_role(request.user, payout.enterprise) is not None
    context = {
        "payout": payout,
        "progress": _progress(payout),
        "may_edit": may_edit,
        "account_url": _account_url(payout.enterprise),
    }
    return render(request, "payouts/space/record.html", context)


# --- 收款账户 ---------------------------------------------------------------------------------------------------------


def _account_url(enterprise: Enterprise) -> str:
    return reverse("payouts:account") + "?" + urlencode({"enterprise": enterprise.uscc})


def _account_page(request, enterprise, enterprises, form, status=200):
    account = PayeeAccount.objects.filter(enterprise=enterprise).select_related("updated_by").first()
    waiting = Payout.objects.filter(enterprise=enterprise)
    context = {
        "enterprise": enterprise,
        "enterprises": enterprises,
        "account": account,
        "form": form,
        "waiting_for_account": waiting.filter(state__in=[P.PENDING, P.HELD], account_number="").count(),
        "failed": waiting.filter(state=P.FAILED).count(),
        "changes": account.history.select_related("history_user")[:10] if account else [],
    }
    return render(request, "payouts/space/account.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    """收款账户 of one enterprise of the user (`?enterprise=<USCC>`; the only one when there is one)."""
    enterprises = list(_enterprises(request.user))
    chosen = request.GET.get("enterprise", "").strip()
    if not enterprises:
        if chosen:
            raise Http404
        return render(request, "payouts/space/no_enterprise.html")
    if chosen:
        enterprise = enterprise_selectors.get_enterprise_for_user_by_uscc(request.user, chosen)
    elif len(enterprises) == 1:
        enterprise = enterprises[0]
    else:
        return render(request, "payouts/space/choose.html", {"enterprises": enterprises})
    if enterprise_selectors.member_role(request.user, enterprise) is None:
        raise Http404
    current = services.current_account(enterprise)
    masked = PayeeAccount(account_number=current["account_number"]).masked_number if current else ""
    if request.method == "GET":
        initial = (
            {k: current[k] for k in ("payee_name", "bank_name", "branch")}
            if current
            else {"payee_name": enterprise.name}
        )
        return _account_page(request, enterprise, enterprises, AccountForm(initial=initial, masked_number=masked))
    form = AccountForm(request.POST, masked_number=masked)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("account_number_again", None)
        if not data["account_number"].strip() and current:
            data["account_number"] = current["account_number"]
        failed = Payout.objects.filter(enterprise=enterprise, state=P.FAILED).count()
        try:
            services.save_account(enterprise, data, by=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("收款账户已保存。"))
            if failed:
                messages.info(
                    request,
                    _("支付失败的%(count)d笔资金已按新账户更正，将在下一拨付批次重新拨付。") % {"count": failed},
                )
            return redirect(_account_url(enterprise))
    else:
        # every refusal at once: the service's rules (payee name, card check digit) beside the form's own
        data = {name: request.POST.get(name, "") for name in ("payee_name", "bank_name", "branch", "account_number")}
        if not data["account_number"].strip() and current:
            data["account_number"] = current["account_number"]
        try:
            services.clean_account(data, enterprise)
        except ValidationError as error:
            for name, errors in error.error_dict.items():
                if name not in form.errors:
                    form.add_error(name, errors)
    return _account_page(request, enterprise, enterprises, form, status=400)
