"""A policy's interpretations and attachments change only while it is a draft (草稿).

From 待审核 on, what was submitted is what is approved and published: the editor sees the
inlines read-only, with no add row and no delete box, and a forged post changes nothing.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from policies import services
from policies.models import Interpretation, Policy, PolicyAttachment
from tests.factories import files
from tests.factories.policies import InterpretationFactory

pytestmark = pytest.mark.django_db

S = Policy.Status
REASON = "该政策已被省级新政策覆盖，继续展示会误导企业申报，特申请提前下线。"
INLINES = {"interpretations": Interpretation, "attachments": PolicyAttachment}


def _to(policy, state, editor, approver):
    """Takes the policy (one interpretation, one attachment) through the workflow to `state`."""
    if state == S.DRAFT:
        return policy
    services.submit(policy, by=editor)
    if state == S.SUBMITTED:
        return policy
    services.approve(policy, by=approver)
    if state == S.APPROVED:
        return policy
    services.approve_interpretation(policy.interpretations.get(), by=approver)
    services.publish(policy, by=approver)
    if state == S.PUBLISHED:
        return policy
    services.request_offline(policy, by=approver, reason=REASON)
    return policy


@pytest.fixture
def parts(policy):
    InterpretationFactory(policy=policy, title="解读一")
    PolicyAttachment.objects.create(
        policy=policy, title="政策原文", file=SimpleUploadedFile("原文.pdf", files.pdf()), order=0
    )
    return policy


def _page(user, policy):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.get(reverse("admin:policies_policy_change", args=[policy.pk]))
    assert response.status_code == 200
    return client, response.content.decode()


FROZEN = [S.SUBMITTED, S.APPROVED, S.PUBLISHED, S.OFFLINE_REQUESTED]


@pytest.mark.parametrize("prefix", INLINES)
@pytest.mark.parametrize("state", FROZEN)
def test_the_editor_sees_the_parts_of_a_policy_past_draft_read_only(parts, editor_a, approver_a, state, prefix):
    _to(parts, state, editor_a, approver_a)
    _client, html = _page(editor_a, parts)
    assert f'name="{prefix}-0-title"' not in html  # no editable field
    assert f"{prefix}-__prefix__" not in html  # no “添加另一个” row
    assert f'name="{prefix}-0-DELETE"' not in html  # no delete box
    assert ("解读一" if prefix == "interpretations" else "政策原文") in html  # still shown


@pytest.mark.parametrize("prefix", INLINES)
@pytest.mark.parametrize("state", FROZEN)
def test_a_forged_post_changes_no_part_of_a_policy_past_draft(parts, editor_a, approver_a, state, prefix):
    _to(parts, state, editor_a, approver_a)
    client, html = _page(editor_a, parts)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    model = INLINES[prefix]
    row = model.objects.get(policy=parts)
    data = {
        "csrfmiddlewaretoken": token,
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-0-id": str(row.pk),
        f"{prefix}-0-policy": str(parts.pk),
        f"{prefix}-0-title": "改过的标题",
        f"{prefix}-0-DELETE": "on",
        f"{prefix}-1-policy": str(parts.pk),
        f"{prefix}-1-title": "偷偷加的",
        f"{prefix}-1-body": "<p>未经审核的解读</p>",
        f"{prefix}-1-kind": "text",
        f"{prefix}-1-order": "1",
    }
    client.post(reverse("admin:policies_policy_change", args=[parts.pk]), data)
    assert list(model.objects.filter(policy=parts).values_list("pk", "title")) == [(row.pk, row.title)]


@pytest.mark.parametrize("prefix", INLINES)
def test_the_approver_cannot_change_the_parts_of_a_published_policy_either(parts, editor_a, approver_a, prefix):
    _to(parts, S.PUBLISHED, editor_a, approver_a)
    _client, html = _page(approver_a, parts)
    assert f'name="{prefix}-0-title"' not in html
    assert f"{prefix}-__prefix__" not in html


@pytest.mark.parametrize("prefix", INLINES)
def test_the_editor_edits_the_parts_of_a_draft(parts, editor_a, prefix):
    _client, html = _page(editor_a, parts)
    assert f'name="{prefix}-0-title"' in html
    assert f"{prefix}-__prefix__" in html


def test_the_editor_deletes_an_attachment_of_a_draft(parts, editor_a):
    _client, html = _page(editor_a, parts)
    assert 'name="attachments-0-DELETE"' in html


@pytest.mark.parametrize("prefix", INLINES)
def test_the_parts_are_editable_again_once_the_policy_is_returned_to_a_draft(parts, editor_a, approver_a, prefix):
    _to(parts, S.SUBMITTED, editor_a, approver_a)
    services.reject(parts, by=approver_a, reason="请补充申报条件的解读。")
    _client, html = _page(editor_a, parts)
    assert f'name="{prefix}-0-title"' in html
