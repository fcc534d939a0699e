"""The enterprise space (企业空间) and the claim of an enterprise (企业认领)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises import selectors, services, sizing
from enterprises.forms import AgentForm, ClaimConfirmForm, ClaimForm, CorrectionForm
from enterprises.industries import industry_name
from enterprises.models import Enterprise, EnterpriseMember
from enterprises.space import space_rows
from portal.core.crypto import mask_phone

CLAIM_SESSION_KEY = "enterprise_claim"


def _add_errors(form, error: ValidationError) -> None:
    """A refusal from the services, shown once: on its field when it names one this form has (the field
    is then marked aria-invalid and described by the error), else above the form."""
    if hasattr(error, "error_dict") and set(error.error_dict) <= set(form.fields):
        form.add_error(None, error)
        return
    for message in error.messages:
        form.add_error(None, message)


@login_required
def home(request):
    """/enterprise/: straight to the user's enterprise, a choice if several, the way to claim one if none."""
    enterprises = list(selectors.enterprises_for_user(request.user))
    if len(enterprises) == 1:
        return redirect("enterprises:space", uscc=enterprises[0].uscc)
    return render(request, "enterprises/home.html", {"enterprises": enterprises})


@login_required
def space(request, uscc):
    enterprise = selectors.get_enterprise_for_user_by_uscc(request.user, uscc)
    figures = selectors.figures_of(enterprise)
    context = {
        "enterprise": enterprise,
        "enterprises": selectors.enterprises_for_user(request.user),
        "role": selectors.member_role(request.user, enterprise),
        "figures": figures,
        "latest_figure": figures[0] if figures else None,
        "qualifications": selectors.qualifications_of(enterprise),
        "tags": selectors.tags_of(enterprise),
        "corrections": selectors.corrections_of(enterprise),
        "contact_phone_masked": mask_phone(enterprise.contact_phone),
        "registered_phone_masked": mask_phone(enterprise.registered_phone),
        "industry_name": industry_name(enterprise.industry_code) if enterprise.industry_code else "",
        "size_reason": _size_reason(enterprise, figures),
        "space_blocks": space_rows(enterprise, request.user),
    }
    return render(request, "enterprises/space.html", context)


def _size_reason(enterprise: Enterprise, figures) -> str:
    """企业规模's explanation: the stored Chinese one, or for another language the same rule's computed
    English from the year it was measured on (ADR 0006)."""
    if not enterprise.size_reason or get_language().startswith("zh"):
        return enterprise.size_reason
    measured = next((f for f in figures if f.year == enterprise.size_year), None)
    if measured is None:
        return ""
    return sizing.explanation_en(
        enterprise.industry_code, measured.employees, measured.revenue_wan, measured.total_assets_wan
    )


@login_required
def claim(request):
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.start_claim(
                request.user, form.cleaned_data["uscc"], form.cleaned_data["legal_rep_name"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            request.session[CLAIM_SESSION_KEY] = {
                "uscc": enterprise.uscc,
                "legal_rep_name": form.cleaned_data["legal_rep_name"],
            }
            return redirect("enterprises:claim_confirm")
    return render(request, "enterprises/claim.html", {"form": form})


@login_required
def claim_confirm(request):
    pending = request.session.get(CLAIM_SESSION_KEY)
    if not pending:
        return redirect("enterprises:claim")
    enterprise = Enterprise.objects.filter(uscc=pending["uscc"]).first()
    if enterprise is None:
        del request.session[CLAIM_SESSION_KEY]
        return redirect("enterprises:claim")
    form = ClaimConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_claim(request.user, pending["uscc"], pending["legal_rep_name"], form.cleaned_data["code"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            del request.session[CLAIM_SESSION_KEY]
            messages.success(request, _("认领成功，您已成为%(name)s的法定代表人账号。") % {"name": enterprise.name})
            return redirect("enterprises:space", uscc=enterprise.uscc)
    context = {"form": form, "enterprise": enterprise, "phone_masked": mask_phone(enterprise.registered_phone)}
    return render(request, "enterprises/claim_confirm.html", context)


@login_required
def members(request, uscc):
    """经办人管理: the legal representative adds and removes agents; agents see who acts for the enterprise."""
    enterprise = selectors.get_enterprise_for_user_by_uscc(request.user, uscc)
    role = selectors.member_role(request.user, enterprise)
    form = AgentForm(request.POST or None)
    if request.method == "POST" and role == EnterpriseMember.Role.LEGAL_REP and form.is_valid():
        try:
            member = services.add_agent(enterprise, by=request.user, phone=form.cleaned_data["phone"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已添加经办人%(name)s。") % {"name": member.user.get_full_name() or ""})
            return redirect("enterprises:members", uscc=enterprise.uscc)
    context = {
        "enterprise": enterprise,
        "role": role,
        "members": selectors.members_of(enterprise),
        "form": form,
    }
    return render(request, "enterprises/members.html", context)


@login_required
@require_POST
def remove_member(request, uscc, member_id):
    enterprise = selectors.get_enterprise_for_user_by_uscc(request.user, uscc)
    try:
        services.remove_agent(enterprise, by=request.user, member_id=member_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已移除该经办人。"))
    return redirect("enterprises:members", uscc=enterprise.uscc)


@login_required
def correction_new(request, uscc):
    enterprise = selectors.get_enterprise_for_user_by_uscc(request.user, uscc)
    form = CorrectionForm(request.POST or None, initial={"field": request.GET.get("field", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_correction(enterprise, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("纠错申请已提交，工作人员核实后将通过站内信答复您。"))
            return redirect("enterprises:space", uscc=enterprise.uscc)
    return render(request, "enterprises/correction_form.html", {"enterprise": enterprise, "form": form})
