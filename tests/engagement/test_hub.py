"""政企互动's hub: open consultations, upcoming sessions and the latest articles on one page, in the main
navigation, current on each part's pages."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from engagement import articles
from engagement.models import SessionState
from portal.core.workflow import perform
from tests.backoffice.conftest import _no_second_factor, demo_org, kjj, make_draft_policy, publish, staff  # noqa: F401
from tests.engagement.test_consultations import make_consultation
from tests.engagement.test_sessions import make_session

pytestmark = pytest.mark.django_db

HUB = reverse("engagement:hub")


def test_the_hub_shows_what_is_open_now_in_each_part(kjj, staff):  # noqa: F811
    open_one = perform(make_consultation(kjj, title="科技创新券管理办法（征求意见稿）"), "open", by=staff["kjj_editor"])
    make_consultation(kjj, title="尚未发起的草稿")
    policy = publish(make_draft_policy(kjj), staff)
    make_session(policy, topic="研发费用加计扣除政策线上咨询会", capacity=30)
    make_session(policy, topic="尚未发布的咨询会", status=SessionState.DRAFT)
    article = articles.write(
        by=staff["kjj_editor"],
        department=kjj,
        title="高新技术企业认定，这些条件要看清",
        summary="一文读懂三项硬指标。",
        body="<p>注册成立一年以上。</p>",
        policies=[policy],
    )
    articles.submit(article, by=staff["kjj_editor"])
    articles.publish(article, by=staff["kjj_reviewer"])

    html = Client().get(HUB).content.decode()

    assert "科技创新券管理办法（征求意见稿）" in html
    assert f"截止日期 {open_one.ends_on.isoformat()}" in html
    assert "1 件征求意见稿正在征求意见" in html
    assert "尚未发起的草稿" not in html
    assert "研发费用加计扣除政策线上咨询会" in html
    assert "剩余名额 30" in html
    assert "尚未发布的咨询会" not in html
    assert "高新技术企业认定，这些条件要看清" in html
    assert reverse("appeals:new_question") in html
    assert f'href="{reverse("engagement:directory")}?category=finance">金融服务</a>' in html


def test_an_empty_hub_says_so():
    html = Client().get(HUB).content.decode()
    assert "目前没有正在征求意见的政策。" in html
    assert "暂无即将举行的咨询会" in html
    assert "暂无专题文章。" in html


@pytest.mark.parametrize(
    "name", ["engagement:hub", "engagement:consultations", "engagement:sessions", "engagement:articles"]
)
def test_the_navigation_entry_is_current_on_every_part(name):
    html = Client().get(reverse(name)).content.decode()
    assert f'<a href="{HUB}" aria-current="page">政企互动</a>' in html


def test_the_past_sessions_are_not_upcoming(kjj, staff):  # noqa: F811
    policy = publish(make_draft_policy(kjj), staff)
    make_session(policy, topic="上月的咨询会", status=SessionState.HELD, starts_in=-dt.timedelta(days=30))
    assert "上月的咨询会" not in Client().get(HUB).content.decode()
