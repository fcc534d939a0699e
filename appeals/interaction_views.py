"""政策抒见互动区 (无锡 §6、§22): the public list and search, a question with its official answer, and asking.

Anyone reads the published questions (待答复 to the public — 已公开 in the back office — and
已答复), searched with the policy search's own ranking (`portal.search.query.search`, kind "question"); enterprise
users ask (login required). Personal data in a question is shown back to the asker before submitting with the
public text it will have, and the question is kept whole (the original encrypted for the moderators) — nothing
typed is lost.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appeals import interaction
from appeals.models_interaction import Question, QuestionState
from portal.search.query import search

PAGE_SIZE = 20


class QuestionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("标题"), max_length=interaction.TITLE_MAX)
    content = forms.CharField(
        label=gettext_lazy("提问内容"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=interaction.CONTENT_MAX,
        help_text=gettext_lazy("请勿填写手机号、身份证号等个人信息；提问经审核后公开，相关部门将公开答复。"),
    )
    policy = forms.CharField(widget=forms.HiddenInput, required=False)
    matter = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        try:
            title, content = interaction.check_text(data.get("title", ""), data.get("content", ""))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                if field in data:
                    self.add_error(field, errors)
        else:
            data["title"], data["content"] = title, content
        return data


def _subject(policy_slug: str, matter_code: str):
    from matters.models import Matter
    from policies.models import Policy

    policy = Policy.objects.filter(slug=policy_slug).first() if policy_slug else None
    matter = Matter.objects.filter(code=matter_code).first() if matter_code else None
    policy = policy if policy is not None and policy.is_public else None
    matter = matter if matter is not None and matter.is_public else None
    return policy, matter


def questions(request):
    """The public questions, newest first, or searched; filters: policy (slug), matter (code), answered=1 (已答复) or
    answered=0 (待答复: published, not answered yet); anything else shows all."""
    q = request.GET.get("q", "").strip()
    policy, matter = _subject(request.GET.get("policy", ""), request.GET.get("matter", ""))
    answered = request.GET.get("answered")
    answered = answered if answered in ("0", "1") else ""
    shown = interaction.public_questions()
    if policy is not None:
        shown = shown.filter(policy=policy)
    if matter is not None:
        shown = shown.filter(matter=matter)
    if answered == "1":
        shown = shown.filter(status=QuestionState.ANSWERED)
    elif answered == "0":
        shown = shown.filter(status=QuestionState.PUBLISHED)
    results = None
    if q:
        results = search(q, kind="question", restrict=shown.values("pk"))
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        by_id = Question.objects.select_related("answer_department").in_bulk([h.object_id for h in page.object_list])
        items = [(by_id[h.object_id], h) for h in page.object_list if h.object_id in by_id]
    else:
        ordered = shown.select_related("answer_department").order_by("-published_at", "-pk")
        page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
        items = [(question, None) for question in page.object_list]
    return render(
        request,
        "appeals/interaction/question_list.html",
        {
            "q": q,
            "results": results,
            "page_obj": page,
            "items": items,
            "policy": policy,
            "matter": matter,
            "answered": answered,
            "may_ask": interaction.may_ask(request.user),
            "mine": _own_questions(request.user),
        },
    )


def _own_questions(user) -> list:
    """我的提问: the signed-in asker's own questions in any state (waiting for moderation, not published, answered),
    newest first, so a question can be found again before it is public."""
    if not user.is_authenticated or user.is_staff:
        return []
    return list(Question.objects.filter(asker=user).order_by("-pk")[:20])


def question(request, pk):
    """One question with its official answer; the asker also sees it while waiting or when not published."""
    found = get_object_or_404(Question.objects.select_related("answer_department", "policy", "matter"), pk=pk)
    own = request.user.is_authenticated and found.asker_id == request.user.pk
    if not found.is_public and not own:
        raise Http404
    return render(
        request,
        "appeals/interaction/question_detail.html",
        {
            "question": found,
            "own": own,
            "hidden_kinds": interaction.kinds_label(found.personal_data),
            "policy": found.policy if found.policy_id and found.policy.is_public else None,
            "matter": found.matter if found.matter_id and found.matter.is_public else None,
        },
    )


def new_question(request):
    """提问: enterprise users only. Personal data found → the form comes back with the notice and the public text it
    will have, and asks for confirmation; the question is then submitted for moderation."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not interaction.may_ask(request.user):
        return render(request, "appeals/interaction/ask_enterprise_only.html", status=403)
    initial = {"policy": request.GET.get("policy", ""), "matter": request.GET.get("matter", "")}
    form = QuestionForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        policy, matter = _subject(data.get("policy", ""), data.get("matter", ""))
        public_title, title_kinds = interaction.redact(data["title"])
        public_content, content_kinds = interaction.redact(data["content"])
        kinds = list(dict.fromkeys([*title_kinds, *content_kinds]))
        if kinds and request.POST.get("confirm") != "1":
            preview = {"title": public_title, "content": public_content, "kinds": interaction.kinds_label(kinds)}
        else:
            try:
                asked = interaction.ask(
                    asker=request.user, title=data["title"], content=data["content"], policy=policy, matter=matter
                )
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
            else:
                if asked.was_redacted:
                    messages.warning(request, f"{interaction.REDACTION_NOTICE}。")
                messages.success(request, _("提问已提交，经审核后公开，相关部门将公开答复。"))
                return redirect(asked.get_absolute_url())
    policy, matter = _subject(form["policy"].value() or "", form["matter"].value() or "")
    return render(
        request,
        "appeals/interaction/question_form.html",
        {
            "form": form,
            "preview": preview,
            "policy": policy,
            "matter": matter,
            "notice": interaction.REDACTION_NOTICE,
        },
    )
