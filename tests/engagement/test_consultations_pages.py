"""The public pages of 征求意见: the list, one consultation with its forms, the published replies, the final
policy's page, the draft document's download, and what supervisors count."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from engagement import consultations as service
from engagement.models import Consultation, ConsultationComment
from portal import workdays
from portal.core.workflow import perform
from portal.supervision.measures import measures
from tests.backoffice.conftest import _no_second_factor, demo_org, kjj, publish, staff  # noqa: F401
from tests.backoffice.roundtrip import small_pdf
from tests.engagement.test_consultations import department_policy, enterprise_user, make_consultation

pytestmark = pytest.mark.django_db

LIST_URL = reverse("engagement:consultations")
S = Consultation.Status


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def open_one(kjj, staff):  # noqa: F811
    return perform(make_consultation(kjj, title="科技创新券管理办法（征求意见稿）"), "open", by=staff["kjj_editor"])


def test_the_list_shows_open_ones_first_with_the_end_and_the_days_left_and_hides_drafts(kjj, staff, open_one):  # noqa: F811
    closed = perform(make_consultation(kjj, title="研发费用补助办法（征求意见稿）"), "open", by=staff["kjj_editor"])
    perform(closed, "close", by=None)
    make_consultation(kjj, title="尚未发起的草稿")
    html = Client().get(LIST_URL).content.decode()
    assert html.index("科技创新券管理办法") < html.index("研发费用补助办法")
    assert "尚未发起的草稿" not in html
    left = workdays.workdays_between(timezone.localdate(), open_one.ends_on)
    assert f"还剩{left}个工作日" in html
    assert open_one.ends_on.isoformat() in html


def test_the_list_filters_by_department(kjj, staff, open_one):  # noqa: F811
    assert "科技创新券管理办法" in Client().get(LIST_URL, {"department": kjj.code}).content.decode()
    assert "科技创新券管理办法" not in Client().get(LIST_URL, {"department": "yc-czj"}).content.decode()


def test_a_draft_is_not_public(kjj):  # noqa: F811
    consultation = make_consultation(kjj)
    assert Client().get(consultation.get_absolute_url()).status_code == 404


def test_an_enterprise_comments_on_a_question_and_edits_its_comment(open_one):
    user = enterprise_user()
    client = signed_in(user)
    question = open_one.questions.first()
    url = open_one.get_absolute_url()
    page = client.get(url).content.decode()
    assert page.count('name="question_id"') == 2
    response = client.post(url, {"question_id": question.pk, f"q{question.pk}-content": "建议提高奖励比例。"})
    assert response.status_code == 302
    response = client.post(
        url,
        {
            "question_id": question.pk,
            f"q{question.pk}-content": "建议把奖励比例提高到10%。",
            f"q{question.pk}-show_identity": "on",
        },
    )
    assert response.status_code == 302
    comment = ConsultationComment.objects.get()
    assert (comment.content, comment.show_identity, comment.enterprise) == (
        "建议把奖励比例提高到10%。",
        True,
        user.enterprise_memberships.get().enterprise,
    )
    assert "修改意见" in client.get(url).content.decode()


def test_a_comment_the_department_has_replied_to_is_no_longer_editable_and_the_page_says_why(
    kjj,  # noqa: F811
    staff,  # noqa: F811
    open_one,
):
    user = enterprise_user()
    client = signed_in(user)
    question = open_one.questions.first()
    url = open_one.get_absolute_url()
    client.post(url, {"question_id": question.pk, f"q{question.pk}-content": "建议提高奖励比例。"})
    service.reply(ConsultationComment.objects.get(), by=staff["kjj_reviewer"], outcome="adopted", text="已采纳。")

    page = client.get(url).content.decode()
    assert "部门已答复您对该问题的意见，意见不能再修改" in page
    assert page.count('name="question_id"') == 1
    response = client.post(url, {"question_id": question.pk, f"q{question.pk}-content": "再改一次。"})
    assert response.status_code == 400
    assert "部门已答复您对该问题的意见，意见不能再修改" in response.content.decode()
    assert ConsultationComment.objects.get().content == "建议提高奖励比例。"


def test_after_closing_a_comment_is_refused_with_a_message(open_one):
    perform(open_one, "close", by=None)
    question = open_one.questions.first()
    response = signed_in(enterprise_user()).post(
        open_one.get_absolute_url(), {"question_id": question.pk, f"q{question.pk}-content": "截止后的意见内容。"}
    )
    assert response.status_code == 400
    assert "征求意见已截止，不再接受意见。" in response.content.decode()
    assert not ConsultationComment.objects.exists()


def test_the_public_comments_with_a_full_width_phone_and_is_limited_per_hour(open_one, settings):
    settings.CONSULTATION_PUBLIC_COMMENTS_PER_HOUR = 2
    question = open_one.questions.first()
    data = {"question": question.pk, "content": "建议简化申报材料。", "name": "", "contact": "１３９-００１３-８０００"}
    client = Client()
    assert client.post(open_one.get_absolute_url(), data).status_code == 302
    assert ConsultationComment.objects.get().contact == "13900138000"
    invalid = client.post(open_one.get_absolute_url(), {**data, "contact": "12345"})
    assert invalid.status_code == 400
    assert "手机" in invalid.content.decode()
    # Every attempt from the address counts, the refused one too: the third within the hour is limited.
    limited = client.post(open_one.get_absolute_url(), data)
    assert limited.status_code == 429
    assert "同一网络提交意见过于频繁" in limited.content.decode()
    assert ConsultationComment.objects.count() == 1


def published(kjj, staff, open_one):  # noqa: F811
    questions = list(open_one.questions.all())
    agreed, private = enterprise_user("甲科技有限公司"), enterprise_user("乙科技有限公司")
    service.comment_as_enterprise(open_one, questions[0], by=agreed, content="建议提高比例。", show_identity=True)
    service.comment_as_enterprise(open_one, questions[1], by=private, content="联系我13800138000。")
    perform(open_one, "close", by=None)
    for comment in open_one.comments.all():
        service.reply(comment, by=staff["kjj_reviewer"], outcome="not_adopted", text="联系人李经理答复：暂不调整。")
    Consultation.objects.filter(pk=open_one.pk).update(summary="共收到2条意见。")
    return perform(open_one, "publish_summary", by=staff["kjj_editor"])


def test_the_published_replies_hide_personal_data_and_unconsented_names(kjj, staff, open_one):  # noqa: F811
    consultation = published(kjj, staff, open_one)
    html = Client().get(consultation.get_absolute_url()).content.decode()
    assert "意见采纳情况说明" in html and "共收到2条意见。" in html
    assert "甲科技有限公司" in html
    assert "乙科技有限公司" not in html and "某企业" in html
    assert "13800138000" not in html and "李经理" not in html
    assert html.count("［已隐去］") == 3


def test_the_final_policy_page_links_to_the_consultation(kjj, staff, open_one):  # noqa: F811
    consultation = published(kjj, staff, open_one)
    policy = department_policy(kjj, None, None)
    service.link_policy(consultation, policy, by=staff["kjj_editor"])
    policy = publish(policy, staff)
    html = Client().get(policy.get_absolute_url()).content.decode()
    assert "征求意见情况" in html
    assert f'href="{consultation.get_absolute_url()}"' in html
    assert "收到意见2条" in html


def test_the_draft_document_is_served_once_public(kjj, staff):  # noqa: F811
    consultation = make_consultation(kjj, draft_text="")
    consultation.document = small_pdf("征求意见稿.pdf")
    consultation.save()
    assert consultation.document_kind == "pdf"
    assert Client().get(consultation.document.url).status_code == 404
    perform(consultation, "open", by=staff["kjj_editor"])
    response = Client().get(consultation.document.url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"


def test_supervisors_count_consulted_drafts_comments_replies_and_timely_summaries(kjj, staff, open_one):  # noqa: F811
    consultation = published(kjj, staff, open_one)
    policy = department_policy(kjj, None, None)
    service.link_policy(consultation, policy, by=staff["kjj_editor"])
    publish(policy, staff)
    assert measures.get("engagement.consulted").records().count() == 1
    assert measures.get("engagement.comments").records().count() == 2
    assert measures.get("engagement.comments_replied").records().count() == 2
    assert measures.get("engagement.summaries_due").records().count() == 1
    assert measures.get("engagement.summaries_on_time").records().count() == 1


def test_the_demo_loads_open_finished_and_awaiting_consultations_and_loads_again_without_change(demo_org):  # noqa: F811
    from engagement import demo_consultations
    from enterprises import demo as enterprises_demo
    from policies import demo as policies_demo

    enterprises_demo.load()
    policies_demo.load()
    demo_consultations.load()
    demo_consultations.load()
    open_one = Consultation.objects.get(title=demo_consultations.OPEN_TITLE)
    assert (open_one.status, open_one.department.code, open_one.questions.count()) == (S.OPEN, "yc-kjj", 3)
    assert open_one.comments.count() == 1
    finished = Consultation.objects.get(status=S.PUBLISHED)
    assert finished.policy is not None and finished.policy.is_public
    assert service.summary_on_time(finished) is True
    assert finished.comments.exclude(outcome="").count() == 2
    assert "13900139000" not in Client().get(finished.get_absolute_url()).content.decode()
    assert all(c.created_at.date() <= finished.ends_on for c in finished.comments.all())
    awaiting = Consultation.objects.get(title=demo_consultations.AWAITING_TITLE)
    assert awaiting.status == S.CLOSED and awaiting.ends_on < timezone.localdate()
    assert (awaiting.comments.count(), awaiting.comments.exclude(outcome="").count()) == (2, 0)
    assert Consultation.objects.count() == 3
