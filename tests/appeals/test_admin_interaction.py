"""The interaction area's question page in the back office: the personal-data warning while the question waits,
the moderator's note kept whole, and 转为常见问题 only for those who may promote."""

import pytest
from django.test import Client
from django.urls import reverse

from appeals import interaction
from appeals.models_interaction import QuestionState
from portal.core.workflow import perform
from portal.org.models import Role
from tests.appeals.test_interaction import asked, asker, public_matter
from tests.backoffice.conftest import demo_org, staff  # noqa: F401
from tests.factories.appeals import centre_of, handler_of, operator_of

pytestmark = pytest.mark.django_db

WARNING = "本提问含有个人信息"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def change_url(question):
    return reverse("admin:appeals_question_change", args=[question.pk])


def test_the_personal_data_warning_while_waiting_and_the_note_after_publishing():
    matter = public_matter()
    moderator = operator_of(centre_of())
    question = interaction.ask(
        asker=asker(), title="奖励何时发放", content="请问奖励何时到账？我的手机13800138000。", matter=matter
    )
    client = client_for(moderator)
    assert WARNING in client.get(change_url(question)).content.decode()
    note = "已核对：手机号已隐去，其余内容可以公开。" * 8  # longer than the history's 100 characters
    perform(question, "publish", by=moderator, reason=note)
    question.refresh_from_db()
    assert question.review_note == note
    page = client.get(change_url(question)).content.decode()
    assert WARNING not in page
    assert note in page
    # the department answering it reads the page without the warning
    reviewer = handler_of(matter.department, Role.REVIEWER)
    assert WARNING not in client_for(reviewer).get(change_url(question)).content.decode()


def test_promote_is_for_those_who_may_promote(staff):  # noqa: F811
    matter = public_matter()
    reviewer = handler_of(matter.department, Role.REVIEWER)
    question = asked(matter=matter)
    perform(question, "publish", by=operator_of(centre_of()))
    perform(question, "answer", by=reviewer, reason="认定奖励在每年第三季度统一兑现，请关注申报通知并按时提交材料。")
    question.refresh_from_db()
    url = reverse("admin:appeals_question_promote", args=[question.pk])
    supervisor = client_for(staff["sjj_supervisor"])
    assert supervisor.get(change_url(question)).status_code == 200
    assert url not in supervisor.get(change_url(question)).content.decode()
    refused = supervisor.get(url)
    assert refused.status_code == 403
    assert "只有相关部门或城运中心的工作人员可以把答复转为常见问题。" in refused.content.decode()
    assert 'name="answer"' not in refused.content.decode()
    assert supervisor.post(url, {"question": "问", "answer": "答复"}).status_code == 403
    # the department: the admin's form, errors naming the field
    client = client_for(reviewer)
    assert url in client.get(change_url(question)).content.decode()
    form = client.get(url)
    assert form.status_code == 200
    assert 'class="module aligned"' in form.content.decode() and 'class="vLargeTextField"' in form.content.decode()
    empty = client.post(url, {"question": "", "answer": ""})
    page = empty.content.decode()
    assert empty.status_code == 200
    assert "请填写常见问题的“问题”。" in page and "请填写常见问题的“解答”。" in page
    assert "该字段是必填项" not in page
    assert "请选择转入事项还是政策的常见问题。" in page
    done = client.post(url, {"target": "matter", "question": question.title, "answer": question.answer})
    assert done.status_code == 302, done.context["form"].errors
    question.refresh_from_db()
    assert question.status == QuestionState.ANSWERED and question.promoted


def test_the_answer_page_shows_the_question():
    matter = public_matter()
    reviewer = handler_of(matter.department, Role.REVIEWER)
    question = asked(matter=matter)
    perform(question, "publish", by=operator_of(centre_of()))
    url = reverse("admin:appeals_question_transition", args=[question.pk, "answer"])
    page = client_for(reviewer).get(url).content.decode()
    assert question.content in page and matter.name in page
    assert page.index(question.content) < page.index('name="reason"')
    assert 'value="提交答复"' in page
