"""Site messages (站内信): writing, reading, the inbox and the unread count."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.notify.context_processors import unread_messages
from portal.notify.models import SiteMessage
from portal.notify.services import mark_all_read, mark_read, send_site_message, unread_count
from tests.factories.notify import RecipientFactory, SiteMessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return RecipientFactory()


def test_a_site_message_lands_unread_in_the_users_inbox(user):
    message = send_site_message(user, "您的申报已受理", "请留意后续通知。", link="/applications/1/")

    assert message.user == user
    assert message.read_at is None
    assert unread_count(user) == 1


def test_a_site_message_needs_a_title(user):
    with pytest.raises(ValidationError, match="标题不能为空"):
        send_site_message(user, "  ", "正文")
    assert not SiteMessage.objects.exists()


def test_the_same_dedupe_key_gives_one_message_per_user(user):
    first = send_site_message(user, "兑付到账", "", dedupe_key="payout-7")
    again = send_site_message(user, "兑付到账", "", dedupe_key="payout-7")
    other_user = send_site_message(RecipientFactory(), "兑付到账", "", dedupe_key="payout-7")

    assert again.pk == first.pk
    assert other_user.pk != first.pk
    assert SiteMessage.objects.count() == 2


def test_messages_without_a_dedupe_key_are_never_merged(user):
    send_site_message(user, "提醒", "")
    send_site_message(user, "提醒", "")

    assert SiteMessage.objects.filter(user=user).count() == 2


def test_marking_a_message_read_lowers_the_unread_count(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_site_message(user, "通知", "")
    assert unread_count(user) == 1

    with django_capture_on_commit_callbacks(execute=True):
        mark_read(user, message.pk)

    assert unread_count(user) == 0


def test_a_user_cannot_mark_someone_elses_message(user):
    message = SiteMessageFactory()

    with pytest.raises(SiteMessage.DoesNotExist):
        mark_read(user, message.pk)
    message.refresh_from_db()
    assert message.read_at is None


def test_mark_all_read_marks_only_the_users_own_messages(user):
    SiteMessageFactory.create_batch(3, user=user)
    someone_else = SiteMessageFactory()

    assert mark_all_read(user) == 3
    someone_else.refresh_from_db()
    assert someone_else.read_at is None


def test_reading_a_message_is_recorded_in_its_history(user):
    message = SiteMessageFactory(user=user)

    mark_read(user, message.pk)

    assert message.history.first().read_at is not None


def test_the_unread_count_costs_nothing_for_anonymous_readers():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with CaptureQueriesContext(connection) as queries:
        context = unread_messages(request)

    assert context == {}
    assert len(queries) == 0


def test_the_unread_count_costs_one_query_then_comes_from_the_cache(user):
    SiteMessageFactory.create_batch(2, user=user)
    request = RequestFactory().get("/")
    request.user = user

    with CaptureQueriesContext(connection) as first:
        assert unread_messages(request)["unread_message_count"] == 2
    with CaptureQueriesContext(connection) as second:
        assert unread_messages(request)["unread_message_count"] == 2

    assert len(first) == 1
    assert len(second) == 0


def test_the_inbox_needs_a_signed_in_user(client):
    response = client.get(reverse("notify:list"))

    assert response.status_code == 302


def test_the_inbox_lists_unread_messages_first(client, user):
    SiteMessageFactory(user=user, title="旧的未读")
    read = SiteMessageFactory(user=user, title="新的已读")
    mark_read(user, read.pk)
    SiteMessageFactory(title="别人的消息")
    client.force_login(user)

    response = client.get(reverse("notify:list"))

    titles = [message.title for message in response.context["messages_page"]]
    assert titles == ["旧的未读", "新的已读"]
    assert "别人的消息" not in response.content.decode()


def test_the_inbox_is_paginated(client, user):
    SiteMessageFactory.create_batch(25, user=user)
    client.force_login(user)

    response = client.get(reverse("notify:list"), {"page": 2})

    assert len(response.context["messages_page"]) == 5


def test_marking_read_through_the_view_needs_post(client, user):
    message = SiteMessageFactory(user=user)
    client.force_login(user)

    response = client.get(reverse("notify:mark_read", args=[message.pk]))

    assert response.status_code == 405


def test_marking_read_through_the_view(client, user):
    message = SiteMessageFactory(user=user)
    client.force_login(user)

    response = client.post(reverse("notify:mark_read", args=[message.pk]))

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.read_at is not None


def test_opening_a_message_with_a_link_goes_to_the_link(client, user):
    message = SiteMessageFactory(user=user, link="/applications/42/")
    client.force_login(user)

    response = client.post(reverse("notify:mark_read", args=[message.pk]), {"open": "1"})

    assert response["Location"] == "/applications/42/"


def test_an_outside_link_is_not_followed(client, user):
    message = SiteMessageFactory(user=user, link="https://evil.example/")
    client.force_login(user)

    response = client.post(reverse("notify:mark_read", args=[message.pk]), {"open": "1"})

    assert response["Location"] == reverse("notify:list")


def test_someone_elses_message_is_404(client, user):
    message = SiteMessageFactory()
    client.force_login(user)

    response = client.post(reverse("notify:mark_read", args=[message.pk]))

    assert response.status_code == 404


def test_mark_all_read_through_the_view(client, user):
    SiteMessageFactory.create_batch(2, user=user)
    client.force_login(user)

    client.post(reverse("notify:mark_all_read"))

    assert not SiteMessage.objects.filter(user=user, read_at__isnull=True).exists()
