"""The enterprise's 免申即享 pages: its confirmations, and one confirmation to check and confirm or decline.

A confirmation of an enterprise the user does not act for is a 404 (its existence is not confirmed)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applications import confirmations
from applications.models import Confirmation
from portal.core.crypto import mask_bank_account


class ConfirmForm(forms.Form):
    details_ok = forms.BooleanField(
        label=gettext_lazy("我已核对上述企业信息和认定所用数据，确认无误"),
        error_messages={"required": gettext_lazy("请核对企业信息无误后勾选确认。")},
    )
    bank_name = forms.CharField(
        label=gettext_lazy("开户银行"), max_length=100, error_messages={"required": gettext_lazy("请填写开户银行。")}
    )
    bank_account = forms.CharField(
        label=gettext_lazy("银行账号"), max_length=60, help_text=gettext_lazy("企业对公账户，8至30位数字")
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("放弃理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请填写放弃理由。")},
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _confirmation(request, code: str) -> Confirmation:
    row = confirmations.for_user(request.user).filter(code=code.upper()).first()
    if row is None:
        raise Http404(_("没有这条免申即享确认"))
    return row


@login_required
def confirmation_list(request):
    """/applications/confirm/: the confirmations pushed to the user's enterprises, the open ones first."""
    today = timezone.localdate()
    rows = list(confirmations.for_user(request.user))
    for row in rows:
        row.overdue = confirmations.is_overdue(row, today)
        row.open = row.state == Confirmation.State.PENDING and not row.overdue
    context = {"open_rows": [r for r in rows if r.open], "other_rows": [r for r in rows if not r.open]}
    return render(request, "applications/confirm/list.html", context)


def _page(request, row, *, confirm_form=None, decline_form=None, status=200):
    today = timezone.localdate()
    overdue = confirmations.is_overdue(row, today)
    context = {
        "row": row,
        "matter": row.confirmation_list.matter,
        "enterprise": row.enterprise,
        "facts": row.facts,
        "overdue": overdue,
        "open": row.state == Confirmation.State.PENDING and not overdue,
        "masked_account": mask_bank_account(row.bank_account),
        "confirm_form": confirm_form or ConfirmForm(),
        "decline_form": decline_form or DeclineForm(),
    }
    return render(request, "applications/confirm/detail.html", context, status=status)


@login_required
def confirmation_detail(request, code):
    return _page(request, _confirmation(request, code))


def _answer(request, code, form_class, run, done_message, field):
    row = _confirmation(request, code)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(row, form.cleaned_data)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("applications:confirm_detail", code=row.code)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, done_message)
            return redirect("applications:confirm_detail", code=row.code)
    return _page(request, row, status=400, **{field: form})


@login_required
@require_POST
def confirm(request, code):
    return _answer(
        request,
        code,
        ConfirmForm,
        lambda row, data: confirmations.confirm(
            row,
            by=request.user,
            bank_name=data["bank_name"],
            bank_account=data["bank_account"],
            details_ok=data["details_ok"],
        ),
        _("已确认。资金将拨付至您填写的账户。"),
        "confirm_form",
    )


@login_required
@require_POST
def decline(request, code):
    return _answer(
        request,
        code,
        DeclineForm,
        lambda row, data: confirmations.decline(row, by=request.user, reason=data["reason"]),
        _("已记录放弃。"),
        "decline_form",
    )
