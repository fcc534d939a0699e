"""The back office of 征求意见: every add and change form the department's roles reach, submitted with valid and
invalid data by that role (the demo accounts of 科技局, with only the permissions roles.py gives them)."""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse

from engagement import consultations as service
from engagement.models import Consultation, ConsultationComment, ConsultationQuestion
from portal.core.workflow import perform
from tests.backoffice import pages
from tests.backoffice.conftest import _no_second_factor, demo_org, kjj, staff  # noqa: F401
from tests.backoffice.roundtrip import AdminPage, signed_in
from tests.engagement.test_consultations import department_policy, enterprise_user

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:engagement_consultation_add")
S = Consultation.Status


def _admin():
    return admin.site._registry[Consultation]


def change_url(consultation):
    return reverse("admin:engagement_consultation_change", args=[consultation.pk])


def page(user, consultation=None):
    url = change_url(consultation) if consultation else ADD_URL
    return AdminPage(signed_in(user), url, _admin(), user, consultation)


def draft(kjj):  # noqa: F811
    consultation = Consultation.objects.create(
        title="宜昌市支持科技型中小企业发展的若干措施（征求意见稿）", department=kjj, draft_text="<p>第一条</p>"
    )
    service.assign_ownership(consultation)
    ConsultationQuestion.objects.create(consultation=consultation, position=1, text="奖励标准是否合适？")
    return consultation


def closed_with_comment(kjj, staff):  # noqa: F811
    consultation = perform(draft(kjj), "open", by=staff["kjj_editor"])
    service.comment_as_enterprise(
        consultation, consultation.questions.get(), by=enterprise_user(), content="建议提高奖励比例。"
    )
    perform(consultation, "close", by=None)
    consultation.refresh_from_db()
    return consultation


def test_the_editor_adds_a_draft_with_its_questions(staff, kjj):  # noqa: F811
    p = page(staff["kjj_editor"])
    p.set("title", "宜昌市科技创新券管理办法（征求意见稿）")
    p.set("department", str(kjj.pk)).set("period_days", "10").set("draft_text", "<p>第一条</p><script>x</script>")
    p.set("questions-TOTAL_FORMS", "2")
    p.set("questions-0-position", "1").set("questions-0-text", "创新券额度是否合适？")
    p.set("questions-1-position", "2").set("questions-1-text", "兑付流程是否便利？")
    response = p.post()
    assert response.status_code == 302, pages.form_errors(response)
    consultation = Consultation.objects.get(title="宜昌市科技创新券管理办法（征求意见稿）")
    assert (consultation.status, consultation.department, consultation.period_days) == (S.DRAFT, kjj, 10)
    assert consultation.draft_text == "<p>第一条</p>"
    assert [q.text for q in consultation.questions.all()] == ["创新券额度是否合适？", "兑付流程是否便利？"]
    assert consultation.created_by == staff["kjj_editor"]
    # Owned by 科技局: its reviewer sees it, another department's editor does not.
    assert signed_in(staff["kjj_reviewer"]).get(change_url(consultation)).status_code == 200
    assert signed_in(staff["czj_finance"]).get(change_url(consultation)).status_code in (403, 404)


def test_the_editor_is_told_what_is_wrong_and_nothing_is_saved(staff, kjj):  # noqa: F811
    p = page(staff["kjj_editor"])
    p.set("title", "").set("department", str(kjj.pk)).set("period_days", "3")
    p.set("questions-TOTAL_FORMS", "2")
    p.set("questions-0-position", "1").set("questions-0-text", "问题一")
    p.set("questions-1-position", "1").set("questions-1-text", "问题二")
    response = p.post()
    assert response.status_code == 200
    errors = pages.form_errors(response) + pages.context_errors(response)
    assert "该字段是必填项。" in errors
    assert "确保该值大于或等于5。" in errors
    assert "请修改position的重复数据" in errors
    assert not Consultation.objects.exists()
    negative = page(staff["kjj_editor"]).set("title", "草稿").set("department", str(kjj.pk)).set("period_days", "-3")
    errors = pages.form_errors(negative.post())
    # the range is said once, whatever the number: never "≥ 0" from the column type
    assert "确保该值大于或等于5。" in errors and "确保该值大于或等于0。" not in errors


def test_the_period_field_says_its_range(staff, kjj):  # noqa: F811
    html = signed_in(staff["kjj_editor"]).get(ADD_URL).content.decode()
    assert "5–30个工作日，自发起征求之日的次日起计算，法定节假日不计入。" in html
    assert 'min="5"' in html and 'max="30"' in html


def test_the_editor_changes_a_draft_and_opens_it(staff, kjj):  # noqa: F811
    consultation = draft(kjj)
    editor = staff["kjj_editor"]
    response = page(editor, consultation).set("title", "宜昌市科技创新券管理办法（第二次征求意见稿）").post()
    assert response.status_code == 302, pages.form_errors(response)
    invalid = page(editor, consultation).set("period_days", "31").post()
    assert invalid.status_code == 200
    consultation.refresh_from_db()
    assert (consultation.title, consultation.period_days) == ("宜昌市科技创新券管理办法（第二次征求意见稿）", 5)
    client = signed_in(editor)
    url = reverse("admin:engagement_consultation_transition", args=[consultation.pk, "open"])
    form_page = client.get(url)
    assert form_page.status_code == 200
    response = client.post(
        url, {"confirm": "1", "csrfmiddlewaretoken": pages.csrf_token(pages.parse(form_page.content))}
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == S.OPEN
    assert consultation.ends_on == service.workdays.add_workdays(consultation.opened_on, 5)


def test_once_open_the_draft_is_read_only(staff, kjj):  # noqa: F811
    consultation = perform(draft(kjj), "open", by=staff["kjj_editor"])
    response = page(staff["kjj_editor"], consultation).set("title", "改过的标题").post()
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.title == "宜昌市支持科技型中小企业发展的若干措施（征求意见稿）"
    html = signed_in(staff["kjj_editor"]).get(change_url(consultation)).content.decode()
    # the fixed draft is shown as its readers see it, not as HTML source
    assert "&lt;p&gt;" not in html
    assert '<div class="article-body-preview"><p>' in html


def test_the_reviewer_replies_to_a_comment(staff, kjj):  # noqa: F811
    consultation = closed_with_comment(kjj, staff)
    reviewer = staff["kjj_reviewer"]
    invalid = page(reviewer, consultation).set("comments-0-outcome", "adopted").set("comments-0-reply", "").post()
    assert invalid.status_code == 200
    assert "请填写答复理由。" in pages.form_errors(invalid) + pages.context_errors(invalid)
    inline = invalid.context["inline_admin_formsets"][1].formset.forms[0]
    assert inline.errors == {"reply": ["请填写答复理由。"]}
    assert ConsultationComment.objects.get().outcome == ""
    p = page(reviewer, consultation)
    p.set("comments-0-outcome", "partly").set("comments-0-reply", "奖励比例提高至8%。")
    response = p.post()
    assert response.status_code == 302, pages.form_errors(response) + pages.context_errors(response)
    comment = ConsultationComment.objects.get()
    assert (comment.outcome, comment.reply, comment.replied_by) == ("partly", "奖励比例提高至8%。", reviewer)


def test_the_approver_writes_the_summary_publishes_it_and_links_the_policy(staff, kjj):  # noqa: F811
    consultation = closed_with_comment(kjj, staff)
    approver = staff["kjj_approver"]
    service.reply(consultation.comments.get(), by=approver, outcome="adopted", text="已采纳。")
    response = page(approver, consultation).set("summary", "共收到1条意见，采纳1条。").post()
    assert response.status_code == 302, pages.form_errors(response)
    perform(consultation, "publish_summary", by=approver)
    consultation.refresh_from_db()
    other_policy = department_policy(staff["czj_finance"].memberships.get().department, None, None)
    invalid = page(approver, consultation).set("policy", str(other_policy.pk)).post()
    assert invalid.status_code == 200
    policy = department_policy(kjj, None, None)
    response = page(approver, consultation).set("policy", str(policy.pk)).post()
    assert response.status_code == 302, pages.form_errors(response) + pages.context_errors(response)
    consultation.refresh_from_db()
    assert consultation.policy == policy


def test_the_summary_cannot_be_published_before_the_period_ends(staff, kjj):  # noqa: F811
    consultation = perform(draft(kjj), "open", by=staff["kjj_editor"])
    client = signed_in(staff["kjj_editor"])
    url = reverse("admin:engagement_consultation_transition", args=[consultation.pk, "publish_summary"])
    response = client.get(url, follow=True)
    assert "不能执行“公布意见采纳情况”" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == S.OPEN


def test_the_end_date_is_shown_with_its_derivation(staff, kjj):  # noqa: F811
    consultation = perform(draft(kjj), "open", by=staff["kjj_editor"], at=dt.datetime(2026, 9, 28, 9, tzinfo=dt.UTC))
    html = signed_in(staff["kjj_editor"]).get(change_url(consultation)).content.decode()
    assert "截止日期：2026-10-10（周六）" in html
    assert "调休上班" in html


def test_a_question_added_without_a_number_comes_after_the_others(staff, kjj):  # noqa: F811
    consultation = draft(kjj)
    p = page(staff["kjj_editor"], consultation)
    p.set("questions-TOTAL_FORMS", "2").set("questions-1-consultation", str(consultation.pk))
    p.set("questions-1-id", "").set("questions-1-position", "").set("questions-1-text", "兑付流程如何改进？")
    response = p.post()
    assert response.status_code == 302, pages.form_errors(response) + pages.context_errors(response)
    assert [(q.position, q.text) for q in consultation.questions.all()] == [
        (1, "奖励标准是否合适？"),
        (2, "兑付流程如何改进？"),
    ]
