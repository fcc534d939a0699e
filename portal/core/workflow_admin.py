"""The workflow kernel in the back office (后台办理): buttons and actions for exactly what a user may do.

`WorkflowAdmin` is mixed into a model's admin (before `ModelAdmin`):

- the change form shows one button per transition available to this user on
  this object now (`Workflow.available`); each opens a confirmation page,
  with a reason field when the transition asks for one, at
  `<pk>/transition/<name>/`, which performs it with `portal.core.workflow`;
- the change list offers as actions only the transitions the user could ever
  perform (`Workflow.ever_available`), each behind the same confirmation;
- the confirmation page may show what the decision is about (`transition_details`) and a button that says
  what it does (`transition_submit_label`, 确认 by default);
- every refusal (state, permission, reason, guard) comes back as an admin
  error message, never an error page.

`confirmed_action` makes any other bulk operation an action behind the same
confirmation page.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from portal.core.workflow import Transition, Workflow, workflow_for

CONFIRM_TEMPLATE = "admin/workflow/confirm_transition.html"


def refusal_text(error: ValidationError | PermissionDenied) -> str:
    """The Chinese message(s) of a refusal, for an admin message."""
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error)


class ReasonForm(forms.Form):
    """The reason or opinion (理由、意见) a transition asks for."""

    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, transition: Transition | None = None, label=None, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        if transition is not None:
            label, required = transition.reason_label or label, transition.reason_required
            if required and transition.reason_min_length > 1:
                field.min_length = transition.reason_min_length
                field.widget.attrs["minlength"] = transition.reason_min_length
        if label:
            field.label = label
        field.required = required


def _confirmation(modeladmin, request, *, label, name, queryset, form, form_url="", details=None, submit_label=None):
    objects = list(queryset)
    for obj in objects:
        # each workflow names its own state field (status, state …): the page shows its label
        flow = workflow_for(obj)
        obj.workflow_state_label = flow.state_label(flow.state_of(obj))
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("确认：%(action)s") % {"action": label},
        "action_name": name,
        "action_label": label,
        "queryset": objects,
        "form": form,
        "form_url": form_url,
        "details": details or [],
        "submit_label": submit_label,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, CONFIRM_TEMPLATE, context)


def confirmed_action(name: str, label, run, *, reason_label=None, reason_required=False, allowed_permissions=()):
    """An admin action that asks for confirmation (and a reason when given a label) before `run(obj, user, reason)`.

    `allowed_permissions` works as for any admin action: ("approve",) offers it
    only where the admin's `has_approve_permission(request)` is true.
    """

    def action(modeladmin, request, queryset):
        confirmed = "confirm" in request.POST
        form = ReasonForm(request.POST if confirmed else None, label=reason_label, required=reason_required)
        if confirmed and form.is_valid():
            done = 0
            for obj in queryset:
                try:
                    run(obj, request.user, form.cleaned_data["reason"])
                    done += 1
                except (ValidationError, PermissionDenied) as error:
                    modeladmin.message_user(request, f"{obj}：{refusal_text(error)}", messages.ERROR)
            if done:
                modeladmin.message_user(request, _("%(action)s：%(n)d项已完成。") % {"action": label, "n": done})
            return None
        shown = form if (reason_label or reason_required) else None
        return _confirmation(modeladmin, request, label=label, name=name, queryset=queryset, form=shown)

    action.__name__ = name
    action.short_description = label
    if allowed_permissions:
        action.allowed_permissions = allowed_permissions
    return action


class WorkflowAdmin:
    """Mixin for a ModelAdmin whose model has a registered workflow."""

    change_form_template = "admin/workflow/change_form.html"

    def get_workflow(self) -> Workflow:
        return workflow_for(self.model)

    def _transition_action(self, transition: Transition):
        workflow = self.get_workflow()
        return confirmed_action(
            transition.name,
            transition.label,
            lambda obj, user, reason: workflow.perform(obj, transition.name, by=user, reason=reason),
            reason_label=transition.reason_label,
            reason_required=transition.reason_required,
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        for transition in self.get_workflow().ever_available(request.user):
            actions[transition.name] = (self._transition_action(transition), transition.name, transition.label)
        return actions

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name=f"{opts.app_label}_{opts.model_name}_transition",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["workflow_transitions"] = self.get_workflow().available(obj, request.user)
            context["workflow_state"] = self.get_workflow().state_label(self.get_workflow().state_of(obj))
            context["workflow_notes"] = self.workflow_notes(request, obj)
            context["workflow_tools"] = self.workflow_tools(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def workflow_notes(self, request, obj) -> list[str]:
        """Lines shown above the change form about where the object stands (e.g. why it was returned)."""
        return []

    def workflow_tools(self, request, obj) -> list[dict]:
        """Further buttons beside the transitions: dicts with `url`, `label` and `name` (its data-tool)."""
        return []

    def transition_details(self, request, obj, transition) -> list[tuple[str, str]]:
        """(label, text) pairs shown on the confirmation page above the form: what the decision is about."""
        return []

    def transition_submit_label(self, transition) -> str | None:
        """The confirmation page's button: what it does (default 确认)."""
        return None

    def transition_view(self, request, object_id, name):
        """GET: the confirmation page of transition `name`; POST (confirmed): performs it, then back to the form."""
        opts = self.model._meta
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        workflow = self.get_workflow()
        try:
            transition = workflow[name]
            workflow.verify_actor(obj, transition, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return HttpResponseRedirect(change_url)
        confirmed = request.method == "POST" and "confirm" in request.POST
        form = ReasonForm(request.POST if confirmed else None, transition=transition)
        if confirmed and form.is_valid():
            try:
                workflow.perform(obj, name, by=request.user, reason=form.cleaned_data["reason"])
            except (ValidationError, PermissionDenied) as error:
                if isinstance(error, ValidationError) and hasattr(error, "error_dict") and "reason" in error.error_dict:
                    form.add_error("reason", error.error_dict["reason"])
                else:
                    self.message_user(request, refusal_text(error), messages.ERROR)
                    return HttpResponseRedirect(change_url)
            else:
                self.message_user(request, _("%(action)s：已完成。") % {"action": transition.label}, messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        return _confirmation(
            self,
            request,
            label=transition.label,
            name=name,
            queryset=[obj],
            form=form if transition.asks_reason else None,
            form_url=request.path,
            details=self.transition_details(request, obj, transition),
            submit_label=self.transition_submit_label(transition),
        )
