"""The workflow kernel: one perform step that checks, records, applies clock effects and defers side effects."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError

from policies import services
from policies.models import Policy
from portal.core.workflow import Transition, TransitionNotAllowed, Workflow, available, workflows
from portal.org.models import Role
from tests.factories.org import DepartmentFactory
from tests.factories.policies import PolicyFactory, member

pytestmark = pytest.mark.django_db

S = Policy.Status
AT = dt.datetime(2026, 9, 28, 9, tzinfo=dt.UTC)


class RecordingEffect:
    """A clock effect that remembers how it was applied."""

    def __init__(self):
        self.calls = []

    def apply(self, obj, *, at, by, reason):
        self.calls.append((obj.pk, obj.status, at, by, reason))


def _workflow(**options):
    transition = {
        "sources": {S.DRAFT},
        "target": S.SUBMITTED,
        "permission": "policies.submit_policy",
        **options,
    }
    return Workflow(
        Policy, key="test", label="测试流程", transitions=[Transition("go", "送审", **transition)], register=False
    )


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def editor(department):
    return member(department, Role.EDITOR)


@pytest.fixture
def draft(department):
    policy = PolicyFactory(lead_department=department)
    services.assign_ownership(policy)
    return policy


def test_workflows_are_registered_by_key():
    assert "policy" in workflows


def test_perform_sets_the_target_and_records_actor_and_reason(draft, editor):
    _workflow(reason_label="说明").perform(draft, "go", by=editor, reason=" 材料齐全 ")
    latest = draft.history.latest()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (S.SUBMITTED, editor, "送审：材料齐全")


def test_a_long_reason_is_shortened_to_fit_the_history(draft, editor):
    _workflow(reason_label="说明").perform(draft, "go", by=editor, reason="很" * 300)
    assert len(draft.history.latest().history_change_reason) == 100


def test_clock_effects_are_applied_after_the_state_is_set(draft, editor):
    effect = RecordingEffect()
    _workflow(effects=(effect,)).perform(draft, "go", by=editor, reason="", at=AT)
    assert effect.calls == [(draft.pk, S.SUBMITTED, AT, editor, "")]


def test_side_effects_wait_for_the_commit(draft, editor, django_capture_on_commit_callbacks):
    seen = []
    workflow = _workflow(after_commit=(lambda obj: seen.append(obj.status),))
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.perform(draft, "go", by=editor)
        assert seen == []
    for callback in callbacks:
        callback()
    assert seen == [S.SUBMITTED]


def test_a_failing_side_effect_is_logged_not_raised(draft, editor, django_capture_on_commit_callbacks, caplog):
    def broken(obj):
        raise RuntimeError("index down")

    with django_capture_on_commit_callbacks(execute=True):
        _workflow(after_commit=(broken,)).perform(draft, "go", by=editor)
    assert "side effect broken failed" in caplog.text


def test_a_guard_refusal_changes_nothing(draft, editor):
    def needs_summary(step):
        raise ValidationError("请先填写摘要。")

    with pytest.raises(ValidationError, match="请先填写摘要"):
        _workflow(guard=needs_summary).perform(draft, "go", by=editor)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_the_wrong_state_names_the_state_and_the_action(draft, editor):
    workflow = _workflow()
    workflow.perform(draft, "go", by=editor)
    with pytest.raises(TransitionNotAllowed, match="政策当前状态为“待审核”，不能执行“送审”"):
        workflow.perform(draft, "go", by=editor)


def test_a_required_reason_with_a_minimum_length(draft, editor):
    with pytest.raises(ValidationError, match="请填写说明（不少于5个字）"):
        _workflow(reason_required=True, reason_label="说明", reason_min_length=5).perform(
            draft, "go", by=editor, reason="太短"
        )


def test_an_unknown_transition_is_a_message(draft, editor):
    with pytest.raises(TransitionNotAllowed, match="没有名为“fly”的操作"):
        _workflow().perform(draft, "fly", by=editor)


def test_the_platform_may_perform_only_automatic_transitions(draft):
    with pytest.raises(PermissionDenied):
        _workflow().perform(draft, "go", by=None)
    assert _workflow(automatic=True).perform(draft, "go", by=None).status == S.SUBMITTED


def test_automatic_only_transitions_are_never_offered(draft, editor):
    assert [t.name for t in _workflow().available(draft, editor)] == ["go"]
    assert _workflow(automatic=True, manual=False).available(draft, editor) == []


def test_available_asks_the_registered_workflow(draft, editor):
    assert [t.name for t in available(draft, editor)] == ["submit"]


def test_a_transition_offered_to_people_must_name_a_permission():
    with pytest.raises(ImproperlyConfigured):
        Transition("go", "送审", sources={S.DRAFT}, target=S.SUBMITTED)


def test_unknown_states_are_refused_when_the_table_is_declared():
    with pytest.raises(ImproperlyConfigured, match="unknown states"):
        _workflow(target="archived")
