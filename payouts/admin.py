"""The finance back office of disbursement (拨付): funding sources, payouts, batches and bank results.

- 资金来源 (`FundingSourceAdmin`): the finance officers of a department keep their department's sources (the
  department offered is only theirs; the matters chosen by autocomplete); supervisors and platform admins read
  them all. Never deleted: a source no longer used is 停用.
- 兑付记录 (`PayoutAdmin`): the payouts the user may see (`services.visible_to`), read-only, the account masked
  (the full number never on screen), the 兑付时限 due date red once overdue (`?overdue=1` lists those, as the
  overdue message links); the workflow's buttons 暂缓 / 恢复 / 取消 (with a reason) and 更正 (a corrected account
  or the enterprise's current one), each checked by the workflow; the history. 生成待拨付记录 runs the sweep
  the beat also runs.
- 拨付批次 and 银行回单: `payouts.admin_batches`.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from payouts import admin_results, admin_subsidies, services  # noqa: F401
from payouts.admin_batches import finance_departments, may_open, sees_all, yuan
from payouts.models import FundingSource, Payout, PayoutState
from payouts.workflow import PAY_CLOCK
from portal.core import normalize
from portal.core.workflow_admin import WorkflowAdmin, refusal_text
from portal.org.admin_mixins import ReadOnlyAdmin, ViewOnlyHistoryAdmin
from portal.org.models import Department
from portal.org.permissions import can, is_platform_admin
from portal.workcalendar.models import Clock

P = PayoutState
# Per payout only: 更正 needs the account form; the rest are offered in bulk too, each checked one by one.
SINGLE_TRANSITIONS = {"correct"}
SKIPPED_SHOWN = 20  # payouts named in the note of those a bulk action leaves out
AUTOCOMPLETE_SIZE = 20


# --- 资金来源 -------------------------------------------------------------------------------------------------------


class MatterAutocomplete(AutocompleteSelectMultiple):
    """The admin's autocomplete widget, answered by the funding source admin's own search of matters: finance
    chooses among every department's matters, not only those its own department owns."""

    def get_url(self):
        return reverse("admin:payouts_fundingsource_matters")


class FundingSourceForm(forms.ModelForm):
    class Meta:
        model = FundingSource
        fields = [
            "name",
            "level",
            "department",
            "budget_line",
            "payer_name",
            "payer_account",
            "payer_bank",
            "matters",
            "pay_within_days",
            "active",
        ]
        widgets = {
            "payer_name": forms.TextInput(attrs={"class": "vTextField"}),
            "payer_account": forms.TextInput(attrs={"class": "vTextField", "inputmode": "numeric"}),
            "payer_bank": forms.TextInput(attrs={"class": "vTextField"}),
        }

    def clean_name(self):
        # Not NFKC: the name keeps its Chinese punctuation (（）、) as typed.
        name = " ".join(normalize.prose(self.cleaned_data.get("name") or "").split())
        if not name:
            raise ValidationError(_("请填写资金名称。"))
        return name

    def clean_budget_line(self):
        return " ".join(normalize.prose(self.cleaned_data.get("budget_line") or "").split())

    def clean_payer_name(self):
        return " ".join(normalize.prose(self.cleaned_data.get("payer_name") or "").split())

    def clean_payer_bank(self):
        return " ".join(normalize.prose(self.cleaned_data.get("payer_bank") or "").split())

    def clean_payer_account(self):
        value = self.cleaned_data.get("payer_account") or ""
        if not value.strip():
            return ""
        try:
            return normalize.bank_account(value)
        except normalize.NormalizeError as error:
            raise ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("active", True) and cleaned.get("matters"):
            others = FundingSource.objects.filter(active=True, matters__in=cleaned["matters"])
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            taken = others.values_list("matters__name", "name").distinct()
            clashes = [(matter, source) for matter, source in taken if matter in {m.name for m in cleaned["matters"]}]
            if clashes:
                self.add_error(
                    "matters",
                    _("以下事项已由其他启用的资金来源兑付：%(list)s。一个事项只能有一个资金来源。")
                    % {"list": "、".join(f"{matter}（{source}）" for matter, source in clashes)},
                )
        return cleaned


@admin.register(FundingSource)
class FundingSourceAdmin(ViewOnlyHistoryAdmin, SimpleHistoryAdmin):
    form = FundingSourceForm
    list_display = ["name", "level", "region", "department", "budget_line", "pay_within_days", "matter_count", "active"]
    list_filter = ["level", "active", ("department", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "budget_line", "matters__name", "matters__code"]
    list_select_related = ["region", "department"]
    readonly_fields = ["region"]
    fieldsets = [
        (None, {"fields": ["name", "level", "department", "region", "budget_line", "pay_within_days", "active"]}),
        (
            gettext_lazy("付款账户"),
            {
                "fields": ["payer_name", "payer_account", "payer_bank"],
                "description": gettext_lazy("国库或财政专户，印在支付文件的表头上，供银行核对。"),
            },
        ),
        (gettext_lazy("适用事项"), {"fields": ["matters"]}),
    ]
    # Examples for typing (如：…), not shown to those who only read the source.
    INPUT_HINTS = ["name", "budget_line"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not self.has_change_permission(request, obj) and not (obj is None and self.has_add_permission(request)):
            kwargs["help_texts"] = dict.fromkeys(self.INPUT_HINTS, "")
        return super().get_form(request, obj, change, **kwargs)

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if sees_all(request.user):
            return rows
        return rows.filter(department__in=finance_departments(request.user))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("资金来源不存在，或不属于您的部门"))
        return obj

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return can(request.user, "payouts.view_fundingsource")

    def _keeps(self, user, department=None) -> bool:
        if is_platform_admin(user):
            return True
        mine = finance_departments(user)
        return mine.exists() if department is None else mine.filter(pk=department.pk).exists()

    def has_add_permission(self, request):
        return can(request.user, "payouts.add_fundingsource") and self._keeps(request.user)

    def has_change_permission(self, request, obj=None):
        if not can(request.user, "payouts.change_fundingsource"):
            return False
        return self._keeps(request.user, None if obj is None else obj.department)

    def has_delete_permission(self, request, obj=None):
        # Payouts and batches refer to it: a source no longer used is 停用 (active off), never deleted.
        return False

    def departments_for(self, user):
        if is_platform_admin(user):
            return Department.objects.filter(kind=Department.Kind.FINANCE).order_by("code")
        return finance_departments(user).order_by("code")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs["queryset"] = self.departments_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "matters":
            from matters.models import Matter

            kwargs["queryset"] = Matter.objects.all()
            kwargs["widget"] = MatterAutocomplete(db_field, self.admin_site)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        departments = self.departments_for(request.user)
        if "department" not in initial and departments.count() == 1:
            department = departments.get()
            initial["department"] = department.pk
            initial["level"] = department.region.level
        return initial

    def save_model(self, request, obj, form, change):
        # The funds' region is the paying finance department's (宜昌 §10: each level's finance pays its funds).
        obj.region = obj.department.region
        super().save_model(request, obj, form, change)

    @admin.display(description=gettext_lazy("适用事项数"))
    def matter_count(self, obj):
        return obj.matters.count()

    def get_urls(self):
        return [
            path(
                "matters/",
                self.admin_site.admin_view(self.matters_view),
                name="payouts_fundingsource_matters",
            ),
            *super().get_urls(),
        ]

    def matters_view(self, request):
        """The matters an officer may name in a funding source, by code or name (the autocomplete's answers)."""
        from matters.models import Matter

        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        term = normalize.text(request.GET.get("term", ""))
        rows = Matter.objects.order_by("code")
        if term:
            rows = rows.filter(Q(code__icontains=term) | Q(name__icontains=term))
        try:
            page = max(int(request.GET.get("page", 1)), 1)
        except ValueError:
            page = 1
        start = (page - 1) * AUTOCOMPLETE_SIZE
        found = list(rows.values_list("pk", "code", "name")[start : start + AUTOCOMPLETE_SIZE + 1])
        return JsonResponse(
            {
                "results": [{"id": str(pk), "text": f"{code} {name}"} for pk, code, name in found[:AUTOCOMPLETE_SIZE]],
                "pagination": {"more": len(found) > AUTOCOMPLETE_SIZE},
            }
        )


# --- 兑付记录 -------------------------------------------------------------------------------------------------------


class OverdueFilter(admin.SimpleListFilter):
    """超过兑付时限: not paid or cancelled, the 兑付时限 past (the overdue message links to ?overdue=1)."""

    title = gettext_lazy("兑付时限")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", _("已超过兑付时限"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(pk__in=services.overdue().values("pk"))
        return queryset


class MatterDepartmentFilter(admin.SimpleListFilter):
    """事项主管部门: the departments of the matters of the payouts the user sees."""

    title = gettext_lazy("事项主管部门")
    parameter_name = "department"

    def lookups(self, request, model_admin):
        seen = model_admin.get_queryset(request).values("matter__department")
        return [(str(d.pk), d.name) for d in Department.objects.filter(pk__in=seen).order_by("code")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(matter__department_id=self.value())
        return queryset


TEXT = {"class": "vTextField"}


class CorrectForm(forms.Form):
    """更正: the corrected account typed in (the default: the enterprise's current account is usually the one the
    bank just returned), or the enterprise's current 收款账户 when it has changed since."""

    CURRENT, TYPED = "current", "typed"
    source = forms.ChoiceField(
        label=gettext_lazy("更正方式"),
        widget=forms.RadioSelect,
        initial=TYPED,
        choices=[(TYPED, gettext_lazy("填写更正后的账户")), (CURRENT, gettext_lazy("使用企业当前的收款账户"))],
    )
    payee_name = forms.CharField(
        label=gettext_lazy("收款户名"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text=gettext_lazy("须与企业名称一致：政策资金只拨付至企业本单位的对公账户。"),
    )
    bank_name = forms.CharField(
        label=gettext_lazy("开户银行"), max_length=100, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    branch = forms.CharField(
        label=gettext_lazy("开户网点"), max_length=100, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    account_number = forms.CharField(
        label=gettext_lazy("银行账号"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"class": "vTextField", "autocomplete": "off", "inputmode": "numeric"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("更正说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text=gettext_lazy("如：企业来函提供新的对公账户。"),
    )

    def __init__(self, *args, payout, **kwargs):
        super().__init__(*args, **kwargs)
        self.payout = payout
        self.fields["payee_name"].initial = payout.enterprise.name
        self.current = services.current_account(payout.enterprise)
        choices = dict(self.fields["source"].choices)
        if self.current:
            tail = self.current["account_number"][-4:]
            label = _("使用企业当前的收款账户（%(name)s，%(bank)s，尾号%(tail)s）") % {
                "name": self.current["payee_name"],
                "bank": self.current["bank_name"],
                "tail": tail,
            }
            if services.same_account(payout, self.current):
                label += _("——即被银行退回的账户")
        else:
            label = _("使用企业当前的收款账户（企业尚未填写）")
        choices[self.CURRENT] = label
        self.fields["source"].choices = list(choices.items())
        self.account = None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") == self.TYPED:
            try:
                self.account = services.clean_account(cleaned, self.payout.enterprise)
            except ValidationError as error:
                for name, problems in error.message_dict.items():
                    self.add_error(name if name in self.fields else None, problems)
            else:
                if services.same_account(self.payout, self.account):
                    self.add_error("account_number", same_account_text())
        elif cleaned.get("source") == self.CURRENT:
            if not self.current:
                self.add_error("source", _("企业尚未填写收款账户，请填写更正后的账户。"))
            elif services.same_account(self.payout, self.current):
                self.add_error(
                    "source",
                    _("企业当前的收款账户（尾号%(tail)s）就是被银行退回的账户，请填写企业提供的正确账户。")
                    % {"tail": self.current["account_number"][-4:]},
                )
        return cleaned


def same_account_text() -> str:
    return _("更正后的收款户名和账号与被银行退回的完全相同，请核对企业提供的正确账户。")


CORRECT_FIELDSETS = [
    (None, {"fields": ["source"]}),
    (gettext_lazy("更正后的账户"), {"fields": ["payee_name", "bank_name", "branch", "account_number"]}),
    (None, {"fields": ["reason"]}),
]


def returned_account(payout):
    """The account the bank returned: the payout's newest failed batch line (as it was sent), else the payout."""
    line = payout.lines.filter(outcome="failed").select_related("batch").order_by("-id").first()
    if line is not None:
        return {
            "payee_name": line.payee_name,
            "bank_name": " ".join(filter(None, [line.bank_name, line.branch])),
            "masked": line.masked_account,
            "tail": line.account_tail or line.account_number[-4:],
            "reason": line.failure_reason or payout.failure_reason,
            "batch": line.batch,
        }
    return {
        "payee_name": payout.payee_name,
        "bank_name": " ".join(filter(None, [payout.bank_name, payout.branch])),
        "masked": payout.masked_account,
        "tail": payout.account_tail or payout.account_number[-4:],
        "reason": payout.failure_reason,
        "batch": None,
    }


def with_pay_due(queryset):
    """Annotates `pay_due`, the due date of the payout's newest 兑付时限 clock, read in the list's query."""
    clock = Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Payout), object_id=OuterRef("pk"), kind=PAY_CLOCK.key
    ).order_by("-started_on", "-id")
    return queryset.annotate(pay_due=Subquery(clock.values("due_on")[:1]))


def due_badge(payout) -> str:
    """The 兑付时限 due date; coloured by the working days left while the payout waits, red once past."""
    from applications.admin_review import deadline_badge

    due = getattr(payout, "pay_due", None)
    if due is None and payout.pk:
        clock = services.pay_clock(payout)
        due = clock.due_on if clock else None
    if due is None:
        return "—"
    if payout.state in (P.PAID, P.CANCELLED):
        return str(due)
    return deadline_badge(due)


@admin.register(Payout)
class PayoutAdmin(WorkflowAdmin, ReadOnlyAdmin, ViewOnlyHistoryAdmin, SimpleHistoryAdmin):
    # Payouts are opened from approved cases and confirmed entries (生成待拨付记录), never typed in, and change
    # only through the workflow's buttons.
    view_permission = "payouts.view_payout"
    # Fits 1366 px beside the admin's sidebar and the filters: the batch under the state, the approval or payment
    # date under the due date; the account only on the payout's page.
    list_display = ["number", "enterprise_name", "matter_name", "amount_yuan", "state_and_batch", "time_limit"]
    list_filter = [
        "state",
        OverdueFilter,
        ("funding_source", admin.RelatedOnlyFieldListFilter),
        MatterDepartmentFilter,
    ]
    search_fields = ["number", "enterprise__name", "enterprise__uscc"]
    list_select_related = ["enterprise", "matter", "batch"]
    change_list_template = "admin/payouts/payout/change_list.html"
    fieldsets = [
        (
            gettext_lazy("兑付信息"),
            {
                "fields": [
                    "number",
                    "case",
                    "enterprise",
                    "matter",
                    "funding_source",
                    "amount_yuan",
                    "state",
                    "batch",
                    "attempts",
                ]
            },
        ),
        (gettext_lazy("收款账户"), {"fields": ["payee_name", "bank_name", "branch", "masked_account"]}),
        (
            gettext_lazy("时限与结果"),
            {
                "fields": [
                    "approved_on",
                    "due",
                    "overdue_flagged_at",
                    "paid_on",
                    "bank_reference",
                    "workdays_to_pay",
                    "failure_reason",
                    "hold_reason",
                    "cancel_reason",
                    "created_at",
                ]
            },
        ),
    ]
    readonly_fields = ["case", "amount_yuan", "masked_account", "due"]

    class Media:
        css = {"all": ["applications/admin.css", "payouts/admin.css"]}

    # --- who may do what ---

    def get_queryset(self, request):
        visible = services.visible_to(request.user).values("pk")
        return with_pay_due(super().get_queryset(request).filter(pk__in=visible))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("兑付记录不存在，或您无权查看"))
        return obj

    def get_actions(self, request):
        actions = super().get_actions(request)
        for name in SINGLE_TRANSITIONS:
            actions.pop(name, None)
        return actions

    def _transition_action(self, transition):
        """The bulk action of `transition` on the selected payouts whose state allows it; the others are left
        out before the confirmation page, which says which and why (以下N笔当前状态不能…，已略过)."""
        action = super()._transition_action(transition)

        def only_allowed(modeladmin, request, queryset):
            skipped = list(queryset.exclude(state__in=transition.sources).order_by("number"))
            if skipped:
                labels = dict(PayoutState.choices)
                listed = "、".join(f"{p.number}（{labels.get(p.state, p.state)}）" for p in skipped[:SKIPPED_SHOWN])
                if len(skipped) > SKIPPED_SHOWN:
                    listed += _("等")
                modeladmin.message_user(
                    request,
                    _("以下%(n)d笔当前状态不能“%(action)s”，已略过：%(list)s")
                    % {"n": len(skipped), "action": transition.label, "list": listed},
                    messages.WARNING,
                )
            allowed = queryset.filter(state__in=transition.sources)
            if not allowed.exists():
                modeladmin.message_user(
                    request, _("所选记录均不能“%(action)s”。") % {"action": transition.label}, messages.ERROR
                )
                return None
            return action(modeladmin, request, allowed)

        only_allowed.__name__ = action.__name__
        only_allowed.short_description = action.short_description
        return only_allowed

    # --- columns ---

    @admin.display(description=gettext_lazy("企业"), ordering="enterprise__name")
    def enterprise_name(self, obj):
        return obj.enterprise.name

    @admin.display(description=gettext_lazy("事项"), ordering="matter__name")
    def matter_name(self, obj):
        return obj.matter.name

    @admin.display(description=gettext_lazy("金额（元）"), ordering="amount")
    def amount_yuan(self, obj):
        return yuan(obj.amount)

    @admin.display(description=gettext_lazy("状态 · 批次"), ordering="state")
    def state_and_batch(self, obj):
        if obj.batch_id is None:
            return obj.get_state_display()
        url = reverse("admin:payouts_payoutbatch_change", args=[obj.batch_id])
        return format_html(
            '{}<br><a class="review-note" href="{}">{}</a>', obj.get_state_display(), url, obj.batch.number
        )

    @admin.display(description=gettext_lazy("时限"), ordering="pay_due")
    def time_limit(self, obj):
        """The 兑付时限 due date in colour; under it the approval date it runs from, or the payment date."""
        if obj.paid_on:
            when = _("支付 %(date)s") % {"date": obj.paid_on.isoformat()}
        else:
            when = _("核准 %(date)s") % {"date": obj.approved_on.isoformat()}
        return format_html('{}<br><span class="review-note">{}</span>', due_badge(obj), when)

    @admin.display(description=gettext_lazy("收款账号"))
    def masked_account(self, obj):
        return obj.masked_account or format_html('<span class="deadline-soon">{}</span>', _("未填写"))

    @admin.display(description=gettext_lazy("兑付时限"), ordering="pay_due")
    def due(self, obj):
        return due_badge(obj)

    @admin.display(description=gettext_lazy("申报件或确认"))
    def case(self, obj):
        if obj.application_id:
            url = reverse("admin:applications_application_change", args=[obj.application_id])
            return format_html('<a href="{}">{}</a>', url, obj.application.number)
        if obj.confirmation_id:
            url = reverse("admin:applications_confirmation_change", args=[obj.confirmation_id])
            return format_html(
                '<a href="{}">{}</a>', url, _("免申即享确认（%(list)s）") % {"list": obj.confirmation.confirmation_list}
            )
        return "—"

    # --- the page ---

    def workflow_notes(self, request, obj):
        notes = []
        if obj.state == P.FAILED:
            notes.append(
                _("银行退回：%(reason)s。请核对收款账户后“更正收款账户”，更正后编入下一批次重新拨付。")
                % {"reason": obj.failure_reason or "—"}
            )
        if obj.state == P.HELD:
            notes.append(_("暂缓拨付：%(reason)s") % {"reason": obj.hold_reason or "—"})
        if obj.state in (P.PENDING, P.CORRECTED) and not obj.account_number:
            notes.append(_("企业尚未填写收款账户，填写前不能编入拨付批次。"))
        if obj.overdue_flagged_at and obj.state not in (P.PAID, P.CANCELLED):
            notes.append(_("已超过兑付时限，请尽快拨付。"))
        return notes

    def transition_view(self, request, object_id, name):
        if name == "correct":
            return self.correct_view(request, object_id)
        return super().transition_view(request, object_id, name)

    def correct_view(self, request, object_id):
        """更正收款账户: with the corrected account or the enterprise's current one; the payout goes into the next
        batch."""
        obj = self.get_object(request, unquote(object_id))
        change_url = reverse("admin:payouts_payout_change", args=[obj.pk])
        workflow = self.get_workflow()
        transition = workflow["correct"]
        try:
            workflow.verify_actor(obj, transition, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return HttpResponseRedirect(change_url)
        confirmed = request.method == "POST" and "confirm" in request.POST
        form = CorrectForm(request.POST if confirmed else None, payout=obj)
        if confirmed and form.is_valid():
            try:
                services.correct(obj, by=request.user, account=form.account, reason=form.cleaned_data["reason"])
            except PermissionDenied as error:
                self.message_user(request, refusal_text(error), messages.ERROR)
                return HttpResponseRedirect(change_url)
            except ValidationError as error:
                # a refusal of the service (the same account, the payee name, the state) shown on the form
                if hasattr(error, "error_dict"):
                    for name, problems in error.message_dict.items():
                        form.add_error(name if name in form.fields else None, problems)
                else:
                    form.add_error(None, error.messages)
            else:
                self.message_user(request, _("已更正收款账户，该笔兑付将编入下一拨付批次。"), messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("更正收款账户：%(number)s") % {"number": obj.number},
            "opts": self.model._meta,
            "original": obj,
            "form": form,
            "adminform": helpers.AdminForm(form, CORRECT_FIELDSETS, {}, model_admin=self),
            "returned": returned_account(obj),
            "amount": yuan(obj.amount),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/payouts/payout/correct.html", context)

    def get_urls(self):
        return [
            path("open/", self.admin_site.admin_view(self.open_view), name="payouts_payout_open"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_open": may_open(request.user)}
        return super().changelist_view(request, extra_context=extra_context)

    def open_view(self, request):
        """生成待拨付记录: a payout for every case in 待兑付 and every confirmed 免申即享 entry without one (the
        beat runs the same sweep)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not may_open(request.user):
            raise PermissionDenied
        opened = services.open_payouts(at=timezone.now())
        if opened:
            self.message_user(request, _("已生成%(n)d笔待拨付记录。") % {"n": opened}, messages.SUCCESS)
        else:
            self.message_user(request, _("没有新的待兑付申报件或已确认的免申即享记录，未生成新的记录。"))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:payouts_payout_changelist")
        return HttpResponseRedirect(target)
