"""The policy workflow: every transition allowed from the right state by the right person, refused otherwise."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from policies import services
from policies.models import Interpretation, Policy, PolicyOfflineRequest, PolicyRelation
from policies.workflow import POLICY
from portal.core.workflow import TransitionNotAllowed
from tests.factories.policies import InterpretationFactory, PolicyFactory

pytestmark = pytest.mark.django_db

S = Policy.Status


def _approved(policy, editor, approver):
    services.submit(policy, by=editor)
    return services.approve(policy, by=approver)


def _published(policy, editor, approver):
    _approved(policy, editor, approver)
    services.approve_interpretation(InterpretationFactory(policy=policy), by=approver)
    return services.publish(policy, by=approver)


def test_every_state_but_none_has_a_way_out():
    assert {state for t in POLICY for state in t.sources} == set(S.values)


def test_editor_of_the_lead_department_submits_a_draft(policy, editor_a):
    assert services.submit(policy, by=editor_a).status == S.SUBMITTED


def test_submitting_records_the_editor_in_the_history(policy, editor_a):
    services.submit(policy, by=editor_a)
    latest = policy.history.latest()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (S.SUBMITTED, editor_a, "提交审核")


def test_editor_of_another_department_cannot_submit(policy, editor_b):
    with pytest.raises(PermissionDenied):
        services.submit(policy, by=editor_b)
    policy.refresh_from_db()
    assert policy.status == S.DRAFT


def test_approver_cannot_submit_without_the_editor_role(policy, approver_a):
    with pytest.raises(PermissionDenied):
        services.submit(policy, by=approver_a)


def test_submitting_twice_is_refused(policy, editor_a):
    services.submit(policy, by=editor_a)
    with pytest.raises(TransitionNotAllowed, match="不能执行“提交审核”"):
        services.submit(policy, by=editor_a)


def test_a_policy_without_category_cannot_be_submitted(dept_a, editor_a):
    policy = PolicyFactory(lead_department=dept_a, categories=[])
    services.assign_ownership(policy)
    with pytest.raises(ValidationError, match="至少选择一个政策分类"):
        services.submit(policy, by=editor_a)


def test_approver_of_the_lead_department_approves(policy, editor_a, approver_a):
    services.submit(policy, by=editor_a)
    assert services.approve(policy, by=approver_a).status == S.APPROVED


def test_editor_cannot_approve(policy, editor_a):
    services.submit(policy, by=editor_a)
    with pytest.raises(PermissionDenied):
        services.approve(policy, by=editor_a)


def test_approver_of_another_department_cannot_approve(policy, editor_a, approver_b):
    services.submit(policy, by=editor_a)
    with pytest.raises(PermissionDenied):
        services.approve(policy, by=approver_b)


def test_a_draft_cannot_be_approved(policy, approver_a):
    with pytest.raises(TransitionNotAllowed):
        services.approve(policy, by=approver_a)


def test_reject_sends_a_submitted_policy_back_to_draft_with_the_reason(policy, editor_a, approver_a):
    services.submit(policy, by=editor_a)
    services.reject(policy, by=approver_a, reason="文号有误")
    policy.refresh_from_db()
    assert policy.status == S.DRAFT
    assert policy.history.latest().history_change_reason == "退回修改：文号有误"


def test_reject_needs_a_reason(policy, editor_a, approver_a):
    services.submit(policy, by=editor_a)
    with pytest.raises(ValidationError, match="退回理由"):
        services.reject(policy, by=approver_a, reason="  ")


def test_publishing_without_an_approved_interpretation_is_refused(policy, editor_a, approver_a):
    _approved(policy, editor_a, approver_a)
    InterpretationFactory(policy=policy)  # drafted, not signed off
    with pytest.raises(ValidationError, match="同步审签"):
        services.publish(policy, by=approver_a)
    policy.refresh_from_db()
    assert policy.status == S.APPROVED


def test_publishing_with_an_approved_interpretation(policy, editor_a, approver_a):
    published = _published(policy, editor_a, approver_a)
    assert published.status == S.PUBLISHED
    assert published.published_at is not None


def test_only_the_lead_departments_approver_signs_off_an_interpretation(policy, approver_b):
    interpretation = InterpretationFactory(policy=policy)
    with pytest.raises(PermissionDenied):
        services.approve_interpretation(interpretation, by=approver_b)
    interpretation.refresh_from_db()
    assert interpretation.status == Interpretation.Status.DRAFT


def test_a_submitted_policy_cannot_be_published(policy, editor_a, approver_a):
    services.submit(policy, by=editor_a)
    services.approve_interpretation(InterpretationFactory(policy=policy), by=approver_a)
    with pytest.raises(TransitionNotAllowed):
        services.publish(policy, by=approver_a)


def test_editor_cannot_publish(policy, editor_a, approver_a):
    _approved(policy, editor_a, approver_a)
    services.approve_interpretation(InterpretationFactory(policy=policy), by=approver_a)
    with pytest.raises(PermissionDenied):
        services.publish(policy, by=editor_a)


def test_publishing_within_the_deadline_is_on_time(policy, editor_a, approver_a):
    _approved(policy, editor_a, approver_a)
    services.approve_interpretation(InterpretationFactory(policy=policy), by=approver_a)
    on_deadline = dt.datetime.combine(services.publish_clock(policy).due_on, dt.time(10), tzinfo=dt.UTC)
    assert services.publish(policy, by=approver_a, now=on_deadline).published_late is False


def test_publishing_after_the_deadline_is_recorded_as_late(policy, editor_a, approver_a):
    _approved(policy, editor_a, approver_a)
    services.approve_interpretation(InterpretationFactory(policy=policy), by=approver_a)
    due = services.publish_clock(policy).due_on
    late = dt.datetime.combine(due + dt.timedelta(days=1), dt.time(10), tzinfo=dt.UTC)
    published = services.publish(policy, by=approver_a, now=late)
    assert published.published_late is True
    assert published.history.latest().history_change_reason == "逾期发布"


def test_a_published_policy_cannot_go_straight_offline(policy, editor_a, approver_a):
    _published(policy, editor_a, approver_a)
    with pytest.raises(TransitionNotAllowed, match="数据局"):
        services.take_offline(policy, by=approver_a)


def test_request_offline_needs_a_detailed_reason(policy, editor_a, approver_a):
    _published(policy, editor_a, approver_a)
    with pytest.raises(ValidationError, match="详细的下线理由"):
        services.request_offline(policy, by=approver_a, reason="不用了")
    policy.refresh_from_db()
    assert policy.status == S.PUBLISHED


def test_request_offline_with_a_reason_waits_for_the_data_bureau(policy, editor_a, approver_a):
    _published(policy, editor_a, approver_a)
    request = services.request_offline(
        policy, by=approver_a, reason="该政策已被省级新政策覆盖，继续展示会误导企业申报。"
    )
    policy.refresh_from_db()
    assert (policy.status, request.decision) == (S.OFFLINE_REQUESTED, PolicyOfflineRequest.Decision.PENDING)


def test_the_data_bureau_approves_an_early_offline(policy, editor_a, approver_a, data_officer):
    _published(policy, editor_a, approver_a)
    services.request_offline(policy, by=approver_a, reason="该政策已被省级新政策覆盖，继续展示会误导企业申报。")
    services.approve_offline(policy, by=data_officer, note="情况属实")
    policy.refresh_from_db()
    request = policy.offline_requests.get()
    assert policy.status == S.OFFLINE
    assert (request.decision, request.decided_by) == (PolicyOfflineRequest.Decision.APPROVED, data_officer)


def test_the_owning_departments_approver_cannot_approve_its_own_offline_request(policy, editor_a, approver_a):
    _published(policy, editor_a, approver_a)
    services.request_offline(policy, by=approver_a, reason="该政策已被省级新政策覆盖，继续展示会误导企业申报。")
    with pytest.raises(PermissionDenied, match="数据管理部门"):
        services.approve_offline(policy, by=approver_a)


def test_the_data_bureau_may_refuse_an_early_offline(policy, editor_a, approver_a, data_officer):
    _published(policy, editor_a, approver_a)
    services.request_offline(policy, by=approver_a, reason="该政策已被省级新政策覆盖，继续展示会误导企业申报。")
    services.reject_offline(policy, by=data_officer, note="政策仍在有效期内，企业仍在申报")
    policy.refresh_from_db()
    assert policy.status == S.PUBLISHED
    assert policy.offline_requests.get().decision == PolicyOfflineRequest.Decision.REJECTED


def test_approve_offline_without_a_request_is_refused(policy, editor_a, approver_a, data_officer):
    _published(policy, editor_a, approver_a)
    with pytest.raises(TransitionNotAllowed):
        services.approve_offline(policy, by=data_officer)


def test_expire_sets_the_offline_deadline_in_working_days(policy, editor_a, approver_a):
    _published(policy, editor_a, approver_a)
    expired = services.expire(policy, on=dt.date(2026, 9, 30))
    assert (expired.status, services.offline_clock(policy).due_on) == (S.EXPIRED, dt.date(2026, 10, 10))


def test_repeal_records_the_repealing_policy(policy, editor_a, approver_a, dept_a):
    _published(policy, editor_a, approver_a)
    successor = PolicyFactory(lead_department=dept_a)
    repealed = services.repeal(policy, by=approver_a, on=dt.date(2026, 6, 1), repealed_by=successor)
    assert repealed.status == S.REPEALED
    assert PolicyRelation.objects.filter(policy=successor, target=policy, kind=PolicyRelation.Kind.REPEALS).exists()


def test_repeal_by_another_department_is_refused(policy, editor_a, approver_a, approver_b):
    _published(policy, editor_a, approver_a)
    with pytest.raises(PermissionDenied):
        services.repeal(policy, by=approver_b)


def test_an_expired_policy_may_be_taken_offline_early_by_its_approver(policy, editor_a, approver_a):
    _published(policy, editor_a, approver_a)
    services.expire(policy, on=dt.date(2026, 6, 1))
    assert services.take_offline(policy, by=approver_a).status == S.OFFLINE


def test_an_offline_policy_may_be_revised_as_a_draft(policy, editor_a, approver_a):
    _published(policy, editor_a, approver_a)
    services.expire(policy, on=dt.date(2026, 6, 1))
    services.take_offline(policy)
    assert services.revise(policy, by=editor_a).status == S.DRAFT


def test_a_draft_cannot_expire(policy):
    with pytest.raises(TransitionNotAllowed):
        services.expire(policy)


def test_publishing_puts_the_policy_in_the_search_index_after_commit(
    policy, editor_a, approver_a, django_capture_on_commit_callbacks
):
    from portal.search.models import SearchDocument

    with django_capture_on_commit_callbacks(execute=True):
        _published(policy, editor_a, approver_a)
    assert SearchDocument.objects.filter(object_id=policy.pk, title=policy.title).exists()


def test_publishing_clears_the_cached_home_page(policy, editor_a, approver_a, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    cache.set(services.HOME_CACHE_KEY, "stale")
    with django_capture_on_commit_callbacks(execute=True):
        _published(policy, editor_a, approver_a)
    assert cache.get(services.HOME_CACHE_KEY) is None


def test_a_policy_under_review_cannot_be_revised_by_its_editor(policy, editor_a):
    # The editor would otherwise pull the policy back from review, around the approver's 退回.
    services.submit(policy, by=editor_a)
    with pytest.raises(TransitionNotAllowed, match="待审核"):
        services.revise(policy, by=editor_a)
    policy.refresh_from_db()
    assert policy.status == S.SUBMITTED


def test_reject_offline_on_an_approved_policy_is_refused_with_a_message(policy, editor_a, approver_a, data_officer):
    _approved(policy, editor_a, approver_a)
    with pytest.raises(TransitionNotAllowed, match="已审核"):
        services.reject_offline(policy, by=data_officer, note="政策仍在有效期内")


def test_deciding_an_offline_request_that_is_gone_is_a_message(policy, editor_a, approver_a, data_officer):
    _published(policy, editor_a, approver_a)
    services.request_offline(policy, by=approver_a, reason="该政策已被省级新政策覆盖，继续展示会误导企业申报。")
    PolicyOfflineRequest.objects.filter(policy=policy).delete()
    with pytest.raises(ValidationError, match="没有待核实的提前下线申请"):
        services.reject_offline(policy, by=data_officer, note="政策仍在有效期内")
    policy.refresh_from_db()
    assert policy.status == S.OFFLINE_REQUESTED


def test_a_person_cannot_declare_a_policy_expired(policy, editor_a, approver_a):
    # Expiry follows the expiry date (the daily run); an approver ends a policy early only by repeal or request.
    _published(policy, editor_a, approver_a)
    with pytest.raises(PermissionDenied):
        services.expire(policy, by=approver_a)


def test_the_platform_cannot_perform_a_staff_transition(policy):
    with pytest.raises(PermissionDenied, match="须由工作人员办理"):
        services.submit(policy, by=None)


def test_the_offline_request_reason_is_in_the_history(policy, editor_a, approver_a):
    _published(policy, editor_a, approver_a)
    services.request_offline(policy, by=approver_a, reason="该政策已被省级新政策覆盖，继续展示会误导企业申报。")
    latest = policy.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        approver_a,
        "申请提前下线：该政策已被省级新政策覆盖，继续展示会误导企业申报。",
    )
