"""征求意见 (consultation on draft policies): the public pages — the list and one consultation with its forms."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from engagement import consultations as service
from engagement.models import Consultation, ConsultationQuestion
from enterprises.selectors import acting_enterprise
from portal.accounts import ratelimit
from portal.audit.network import client_ip
from portal.core import crypto
from portal.org.models import Department


class EnterpriseCommentForm(forms.Form):
    content = forms.CharField(label=gettext_lazy("意见内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    show_identity = forms.BooleanField(
        label=gettext_lazy("同意公布时显示企业名称"),
        required=False,
        help_text=gettext_lazy("不同意的，公布时只显示“某企业”。"),
    )


class PublicCommentForm(forms.Form):
    question = forms.ModelChoiceField(label=gettext_lazy("针对的问题"), queryset=ConsultationQuestion.objects.none())
    content = forms.CharField(label=gettext_lazy("意见内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    name = forms.CharField(
        label=gettext_lazy("姓名或单位"),
        required=False,
        max_length=50,
        help_text=gettext_lazy("可不填；公布时不显示。"),
    )
    contact = forms.CharField(
        label=gettext_lazy("联系电话"), max_length=30, help_text=gettext_lazy("手机号码，仅供部门联系您，不公开。")
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = consultation.questions.all()
        self.fields["question"].label_from_instance = lambda q: f"{q.position}. {q.text}"


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _limited(request) -> bool:
    """As anonymous appeals: counted per network address and hour in the database."""
    per_hour = int(getattr(settings, "CONSULTATION_PUBLIC_COMMENTS_PER_HOUR", 5))
    key = "consultation-comment:" + crypto.digest(client_ip(request) or "unknown")
    return ratelimit.hit(key, window=timedelta(hours=1)) > per_hour


def consultation_list(request):
    department = None
    code = request.GET.get("department") or ""
    if code:
        department = Department.objects.filter(code=code).first()
    open_ones, closed_ones = service.public_consultations(department)
    for consultation in open_ones:
        consultation.days_left = service.working_days_left(consultation)
    return render(
        request,
        "engagement/consultations/list.html",
        {
            "open_consultations": open_ones,
            "closed_consultations": closed_ones,
            "departments": service.consulting_departments(),
            "department": department,
        },
    )


@require_http_methods(["GET", "POST"])
def consultation_detail(request, pk: int):
    try:
        consultation = service.get_public(pk)
    except Consultation.DoesNotExist:
        raise Http404(_("该征求意见不存在或尚未公开。")) from None
    questions = list(consultation.questions.all())
    enterprise = acting_enterprise(request.user)
    own = service.own_comments(consultation, request.user)
    open_now = service.accepts_comments(consultation)
    status = 200
    public_form = PublicCommentForm(consultation=consultation)
    question_forms = {}
    for question in questions:
        comment = own.get(question.pk)
        initial = {"content": comment.content, "show_identity": comment.show_identity} if comment else {}
        question_forms[question.pk] = EnterpriseCommentForm(initial=initial, prefix=f"q{question.pk}")

    if request.method == "POST":
        try:
            if "question_id" in request.POST:
                question = next((q for q in questions if str(q.pk) == request.POST["question_id"]), None)
                if question is None:
                    raise Http404
                form = EnterpriseCommentForm(request.POST, prefix=f"q{question.pk}")
                question_forms[question.pk] = form
                if form.is_valid():
                    edited = question.pk in own
                    service.comment_as_enterprise(
                        consultation,
                        question,
                        by=request.user,
                        content=form.cleaned_data["content"],
                        show_identity=form.cleaned_data["show_identity"],
                    )
                    messages.success(request, _("意见已修改。") if edited else _("意见已提交，征求期内可以修改。"))
                    return redirect(f"{consultation.get_absolute_url()}#question-{question.pk}")
                status = 400
            else:
                form = public_form = PublicCommentForm(request.POST, consultation=consultation)
                if form.is_valid():
                    if _limited(request):
                        form.add_error(None, _("同一网络提交意见过于频繁，请一小时后再试。"))
                        status = 429
                    else:
                        data = form.cleaned_data
                        service.comment_as_public(
                            consultation,
                            data["question"],
                            content=data["content"],
                            contact=data["contact"],
                            name=data["name"],
                        )
                        messages.success(request, _("意见已提交，感谢您的参与。"))
                        return redirect(consultation.get_absolute_url())
                else:
                    status = 400
        except ValidationError as error:
            _add_errors(form, error)
            status = 400
        except PermissionDenied as error:
            form.add_error(None, str(error))
            status = 403

    clock = service.period_clock(consultation)
    comments = []
    if consultation.status == Consultation.Status.PUBLISHED:
        comments = list(consultation.comments.select_related("question", "enterprise"))
    return render(
        request,
        "engagement/consultations/detail.html",
        {
            "consultation": consultation,
            "questions": [(q, question_forms[q.pk], own.get(q.pk)) for q in questions],
            "enterprise": enterprise,
            "open_now": open_now,
            "days_left": service.working_days_left(consultation),
            "derivation": service.clocks.explain(clock).lines() if clock else [],
            "public_form": public_form,
            "comments": comments,
            "staff": request.user.is_authenticated and request.user.is_staff,
        },
        status=status,
    )
