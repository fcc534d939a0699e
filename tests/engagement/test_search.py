"""Drafts open for comment and online sessions in the portal's search, each on a tab of its own: found while
public, never as a draft, a cancelled session or after a consultation is withdrawn."""

import pytest
from django.test import Client
from django.urls import reverse

from engagement.models import SessionState
from portal.core.workflow import perform
from portal.search.models import SearchDocument
from portal.search.query import search
from tests.backoffice.conftest import _no_second_factor, demo_org, kjj, make_draft_policy, publish, staff  # noqa: F401
from tests.engagement.test_consultations import make_consultation
from tests.engagement.test_sessions import make_session

pytestmark = pytest.mark.django_db

REASON = "上级政策调整，本征求意见稿暂缓出台。"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs a step and then its after-commit effects (the index follows after commit), as in production."""

    def run(step, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return step(*args, **kwargs)

    return run


def found(words: str, kind: str) -> list[str]:
    return [hit.document.title for hit in search(words, kind=kind)[:10]]


def test_a_consultation_is_found_from_the_day_it_opens_until_it_is_withdrawn(kjj, staff, committed):  # noqa: F811
    consultation = committed(make_consultation, kjj, title="宜昌市科技创新券管理办法（征求意见稿）")
    assert found("科技创新券", SearchDocument.Kind.CONSULTATION) == []
    committed(perform, consultation, "open", by=staff["kjj_editor"])
    assert found("科技创新券", SearchDocument.Kind.CONSULTATION) == ["宜昌市科技创新券管理办法（征求意见稿）"]
    # the questions it asks are searchable too
    assert found("奖励标准", SearchDocument.Kind.CONSULTATION) == ["宜昌市科技创新券管理办法（征求意见稿）"]
    committed(perform, consultation, "withdraw", by=staff["kjj_approver"], reason=REASON)
    assert found("科技创新券", SearchDocument.Kind.CONSULTATION) == []


def test_a_session_is_found_while_public_and_not_when_cancelled(kjj, staff, committed):  # noqa: F811
    policy = publish(make_draft_policy(kjj), staff)
    committed(make_session, policy, topic="科技型中小企业评价线上咨询会", status=SessionState.DRAFT)
    assert found("科技型中小企业评价", SearchDocument.Kind.SESSION) == []
    live = committed(make_session, policy, topic="研发费用加计扣除云直播")
    assert found("云直播", SearchDocument.Kind.SESSION) == ["研发费用加计扣除云直播"]
    committed(perform, live, "cancel", by=staff["kjj_approver"], reason="主讲人临时有公务，改期另行通知。")
    assert found("云直播", SearchDocument.Kind.SESSION) == []


def test_the_search_page_has_their_tabs(kjj, staff, committed):  # noqa: F811
    consultation = committed(make_consultation, kjj, title="宜昌市科技创新券管理办法（征求意见稿）")
    committed(perform, consultation, "open", by=staff["kjj_editor"])
    page = Client().get(reverse("policies:search"), {"q": "科技创新券", "kind": "consultation"}).content.decode()
    assert '征求意见 <span class="count">1</span>' in page
    assert f'href="{consultation.get_absolute_url()}"' in page


def test_a_search_that_finds_no_policy_names_the_kinds_that_have_results(kjj, staff, committed):  # noqa: F811
    consultation = committed(make_consultation, kjj, title="宜昌市科技创新券管理办法（征求意见稿）")
    committed(perform, consultation, "open", by=staff["kjj_editor"])
    page = Client().get(reverse("policies:search"), {"q": "科技创新券"}).content.decode()
    assert "没有找到相关政策" in page
    assert "其他栏目有相关结果：" in page
    assert '?q=%E7%A7%91%E6%8A%80%E5%88%9B%E6%96%B0%E5%88%B8&amp;kind=consultation">征求意见 1 条</a>' in page
