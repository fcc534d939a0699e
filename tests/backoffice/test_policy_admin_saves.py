"""Saving a policy in the admin, as the demo editor and platform admin do (issue 9: a 500 for everyone)."""

import pytest
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.urls import reverse

from policies.models import Policy
from tests.backoffice import pages
from tests.backoffice.roundtrip import AdminPage, signed_in

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:policies_policy_add")


def _policy_admin():
    return admin.site._registry[Policy]


@pytest.mark.parametrize("login", ["kjj_editor", "platform_admin"])
def test_a_policy_added_in_the_admin_is_saved_as_a_draft(staff, login):
    user = staff[login]
    page = AdminPage(signed_in(user), ADD_URL, _policy_admin(), user).fill_required()
    page.set("title", "宜昌市促进科技成果转化若干措施")
    response = page.post()
    assert response.status_code == 302, pages.form_errors(response) + pages.context_errors(response)
    policy = Policy.objects.get(title="宜昌市促进科技成果转化若干措施")
    assert policy.status == Policy.Status.DRAFT
    assert LogEntry.objects.filter(user=user, object_id=str(policy.pk), action_flag=ADDITION).exists()


def test_the_editor_saving_an_unchanged_published_policy_is_not_an_error(staff, published_policy):
    editor = staff["kjj_editor"]
    url = reverse("admin:policies_policy_change", args=[published_policy.pk])
    response = AdminPage(signed_in(editor), url, _policy_admin(), editor, published_policy).post()
    assert response.status_code == 302
    assert LogEntry.objects.filter(user=editor, object_id=str(published_policy.pk), action_flag=CHANGE).exists()
    published_policy.refresh_from_db()
    assert published_policy.status == Policy.Status.PUBLISHED


def test_confirming_a_tag_suggestion_in_the_admin_tags_the_policy_and_is_logged(staff, draft_policy):
    from enterprises.models import Tag, TagCategory
    from policies.models import PolicyTagSuggestion

    category = TagCategory.objects.create(code="industry-test", name="产业测试")
    tag = Tag.objects.create(category=category, code="hitech-test", name="高新技术测试")
    suggestion = PolicyTagSuggestion.objects.create(policy=draft_policy, tag=tag, keyword="高新技术", score=1)
    editor = staff["kjj_editor"]
    url = reverse("admin:policies_policy_change", args=[draft_policy.pk])
    page = AdminPage(signed_in(editor), url, _policy_admin(), editor, draft_policy)
    page.set("tag_suggestions-0-status", PolicyTagSuggestion.Status.CONFIRMED)
    response = page.post()
    assert response.status_code == 302, pages.form_errors(response) + pages.context_errors(response)
    suggestion.refresh_from_db()
    assert suggestion.status == PolicyTagSuggestion.Status.CONFIRMED
    assert suggestion.decided_by == editor
    assert tag in draft_policy.tags.all()
    entry = LogEntry.objects.get(user=editor, object_id=str(draft_policy.pk), action_flag=CHANGE)
    assert "changed" in entry.change_message
