"""Changes to policies (政策发布流程): one function per use case.

The transitions (submit, approve, reject, publish, expire, repeal,
request_offline, approve_offline, reject_offline, take_offline, revise) are
declared in `policies.workflow` and performed by the workflow kernel
(`portal.core.workflow.perform`), which locks the row, checks the state and the
actor, records who did it and why in the history, and runs the side effects
(search index, home-page cache, subscription notices) only after the commit.
The functions below named after transitions are thin wrappers kept for their
callers; the `check_*` and `on_*` functions are what the transitions do
besides changing the state. Each wrapper returns the updated policy.

`by=None` means the platform itself (the daily beat task); only the automatic
transitions — expiry and taking expired or repealed policies offline — accept it.
"""

import logging
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from policies.models import (
    Interpretation,
    Policy,
    PolicyOfflineRequest,
    PolicyRelation,
    PolicySubscription,
)
from portal.core.tasks import enqueue_on_commit
from portal.core.workflow import Step, perform
from portal.org.models import Department, Role
from portal.org.permissions import can, grant_to_department, revoke_from_department
from portal.workcalendar import clocks
from portal.workcalendar.models import Clock

log = logging.getLogger(__name__)

HOME_CACHE_KEY = "home:v1"
SUBSCRIPTION_SMS_TEMPLATE = "policy_subscription"
SUBSCRIPTION_SMS_TEXT = "您订阅的惠企政策《{title}》已发布，请登录惠企服务平台查看。"
MIN_OFFLINE_REASON_LENGTH = 10

PUBLISH_CLOCK = "policy_publish"
OFFLINE_CLOCK = "policy_offline"

PERM_SUBMIT = "policies.submit_policy"
PERM_APPROVE = "policies.approve_policy"
PERM_DECIDE_OFFLINE = "policies.decide_offline"
S = Policy.Status


def after_public_change(policy: Policy) -> None:
    """After commit: the home page and the search index change whenever what the public sees changes."""
    cache.delete(HOME_CACHE_KEY)
    _update_search_index(policy.pk)


def _update_search_index(policy_id: int) -> None:
    from portal.search import index

    policy = Policy.objects.filter(pk=policy_id).first()
    if policy is None:
        return
    try:
        if policy.is_public:
            index.update_document(policy)
        else:
            index.remove_document(policy)
    except Exception:
        # The transition has committed; a failed index write is repaired by the next reindex, not by the user.
        log.exception("search index update failed", extra={"policy_id": policy_id})


OWNER_PERMS = ["view", "change", "delete", "submit_policy", "approve_policy"]


def assign_ownership(policy: Policy, *, previous_lead: Department | None = None) -> None:
    """ "谁制定、谁发布": the lead department owns the policy; co-issuing departments may only view it."""
    if previous_lead is not None and previous_lead.pk != policy.lead_department_id:
        revoke_from_department(policy, previous_lead, OWNER_PERMS)
    grant_to_department(policy, policy.lead_department, OWNER_PERMS)
    for department in policy.co_departments.exclude(pk=policy.lead_department_id):
        grant_to_department(policy, department, ["view"])


def is_deletable(policy: Policy) -> bool:
    """A policy may be deleted only as a draft never published: once public it is taken offline, never erased."""
    return policy.status == Policy.Status.DRAFT and policy.published_at is None


def check_complete(step: Step) -> None:
    """提交审核: the policy must be complete, with at least one category."""
    step.obj.full_clean()
    if not step.obj.categories.exists():
        raise ValidationError({"categories": _("请至少选择一个政策分类。")})


def check_publishable(step: Step) -> None:
    """发布: the text goes out with a signed-off interpretation (同步起草、同步审签、同步发布), never when expired."""
    policy = step.obj
    if not policy.interpretations.filter(status=Interpretation.Status.APPROVED).exists():
        raise ValidationError(
            _(
                "政策解读应与政策原文同步起草、同步审签、同步发布：请先审签至少一篇政策解读再发布"
                "（在本政策的修改页点击“审签解读”按钮，或在政策列表中选择“审签政策解读”操作）。"
            ),
            code="no_approved_interpretation",
        )
    if policy.expiry_date and policy.expiry_date < timezone.localdate(step.at):
        raise ValidationError(_("政策已过失效日期，不能发布。"), code="already_expired")


class StartOnce(clocks.Start):
    """Clock effect: starts the clock unless the object has had one of this kind (a revision does not restart §17)."""

    def apply(self, obj, *, at, by=None, reason=""):
        if clocks.of(obj, self.kind).exists():
            return None
        return super().apply(obj, at=at, by=by, reason=reason)


def publish_clock(policy: Policy):
    """The policy's 发布时限 (§17), or None before its first submission."""
    return clocks.of(policy, PUBLISH_CLOCK).last()


def offline_clock(policy: Policy):
    """The latest 下线时限 (§18) of the policy, or None if it never expired or was repealed."""
    return clocks.of(policy, OFFLINE_CLOCK).last()


def on_publish(step: Step) -> None:
    """Records when it was published and whether after the publish clock's due date (3 working days, §17)."""
    policy = step.obj
    today = timezone.localdate(step.at)
    policy.published_at = step.at
    clock = clocks.of(policy, PUBLISH_CLOCK).exclude(state=Clock.State.STOPPED).first()
    if clock is not None:
        policy.published_late = bool(clock.due_on and today > clock.due_on)
    policy.ended_on = policy.offline_at = None
    policy.offline_reason = ""
    if policy.published_late:
        step.history = "逾期发布"


def notify_subscribers_after_publish(policy: Policy) -> None:
    """After commit: subscribers are told once per policy ever, not again after a revision."""
    if policy.subscribers_notified_at is None:
        from policies.tasks import notify_subscribers_task

        enqueue_on_commit(notify_subscribers_task, policy.pk)


def on_end(step: Step) -> None:
    """失效 / 废止: the day it ended (option `on`, else its expiry date or today) starts the offline deadline."""
    policy = step.obj
    on = step.options.get("on") or (policy.expiry_date if step.transition.name == "expire" else None)
    policy.ended_on = on or timezone.localdate(step.at)


def on_repeal(step: Step) -> None:
    """废止: `repealed_by`, the repealing policy, is recorded as a relation."""
    repealed_by = step.options.get("repealed_by")
    if repealed_by is not None:
        PolicyRelation.objects.get_or_create(policy=repealed_by, target=step.obj, kind=PolicyRelation.Kind.REPEALS)
    on_end(step)


def on_request_offline(step: Step) -> None:
    """申请提前下线: the request waits for the data bureau, which may now see the policy; `perform` returns it."""
    policy = step.obj
    step.result = PolicyOfflineRequest.objects.create(policy=policy, reason=step.reason, requested_by=step.by)
    policy.offline_reason = step.reason
    for bureau in Department.objects.filter(
        kind=Department.Kind.DATA_BUREAU, region_id=policy.lead_department.region_id
    ):
        grant_to_department(policy, bureau, ["view"])


def is_data_bureau_for(user, policy: Policy | None) -> bool:
    """The data bureau (政务服务和数据管理部门) at the lead department's level verifies early offline requests.

    The decider is the bureau's approver (负责人); the platform's administrators
    run the platform and do not take the bureau's decisions, even when they sit
    in it. With `policy=None`: is the user a decider in some data bureau at all.
    """
    if user is None or not can(user, PERM_DECIDE_OFFLINE):
        return False
    memberships = user.memberships.filter(department__kind=Department.Kind.DATA_BUREAU, role=Role.APPROVER)
    if policy is not None:
        memberships = memberships.filter(department__region_id=policy.lead_department.region_id)
    return memberships.exists()


def _pending_request(policy: Policy) -> PolicyOfflineRequest | None:
    return (
        PolicyOfflineRequest.objects.select_for_update()
        .filter(policy=policy, decision=PolicyOfflineRequest.Decision.PENDING)
        .first()
    )


def check_offline_request_pending(step: Step) -> None:
    """The data bureau decides a pending request; without one there is nothing to decide."""
    if _pending_request(step.obj) is None:
        raise ValidationError(_("该政策没有待核实的提前下线申请。"), code="no_pending_offline_request")


def _decide(step: Step, decision: str) -> None:
    request = _pending_request(step.obj)
    request.decision = decision
    request.decided_by, request.decided_at, request.decision_note = step.by, step.at, step.reason
    request.save()


def on_approve_offline(step: Step) -> None:
    _decide(step, PolicyOfflineRequest.Decision.APPROVED)
    step.obj.offline_at = step.at


def on_reject_offline(step: Step) -> None:
    _decide(step, PolicyOfflineRequest.Decision.REJECTED)
    step.obj.offline_reason = ""


def on_take_offline(step: Step) -> None:
    step.obj.offline_at = step.at


def submit(policy: Policy, *, by) -> Policy:
    """草稿 → 待审核, by an editor of the lead department; the policy must be complete."""
    return perform(policy, "submit", by=by)


def approve(policy: Policy, *, by) -> Policy:
    """待审核 → 已审核, by an approver of the lead department."""
    return perform(policy, "approve", by=by)


def reject(policy: Policy, *, by, reason: str) -> Policy:
    """待审核 / 已审核 → 草稿, with the approver's reason."""
    return perform(policy, "reject", by=by, reason=reason)


@transaction.atomic
def approve_interpretation(interpretation: Interpretation, *, by) -> Interpretation:
    """A policy interpretation is signed off (审签) by the same approver who approves the policy."""
    interpretation = Interpretation.objects.select_for_update().get(pk=interpretation.pk)
    if by is None or not can(by, PERM_APPROVE, interpretation.policy):
        raise PermissionDenied(_("只有牵头部门的审批人可以审签政策解读。"))
    interpretation.full_clean()
    interpretation.status = Interpretation.Status.APPROVED
    interpretation.approved_by = by
    interpretation.approved_at = timezone.now()
    interpretation._history_user = by
    interpretation._change_reason = "审签"
    interpretation.save()
    # The policy's own history shows the sign-off too: it is a step of its publication (同步审签).
    policy = Policy.objects.select_for_update().get(pk=interpretation.policy_id)
    policy._history_user = by
    policy._change_reason = f"审签政策解读：{interpretation.title}"[:100]
    policy.save(update_fields=["updated_at"])
    return interpretation


def publish(policy: Policy, *, by, now: datetime | None = None) -> Policy:
    """已审核 → 已发布, together with at least one approved interpretation (同步起草、同步审签、同步发布)."""
    return perform(policy, "publish", by=by, at=now)


def expire(policy: Policy, *, by=None, on: date | None = None) -> Policy:
    """已发布 → 已失效, by the daily task once the expiry date has passed."""
    return perform(policy, "expire", by=by, on=on)


def repeal(policy: Policy, *, by, on: date | None = None, repealed_by: Policy | None = None) -> Policy:
    """已发布 → 已废止; `repealed_by`, the repealing policy, is recorded as a relation."""
    return perform(policy, "repeal", by=by, on=on, repealed_by=repealed_by)


def request_offline(policy: Policy, *, by, reason: str) -> PolicyOfflineRequest:
    """已发布 → 申请下线: before it expires, a policy goes offline only with a detailed reason (§18)."""
    return perform(policy, "request_offline", by=by, reason=reason)


def approve_offline(policy: Policy, *, by, note: str = "", now: datetime | None = None) -> Policy:
    """申请下线 → 已下线, when the data bureau agrees."""
    return perform(policy, "approve_offline", by=by, reason=note, at=now)


def reject_offline(policy: Policy, *, by, note: str, now: datetime | None = None) -> Policy:
    """申请下线 → 已发布, when the data bureau does not agree; its note is required."""
    return perform(policy, "reject_offline", by=by, reason=note, at=now)


def take_offline(policy: Policy, *, by=None, now: datetime | None = None) -> Policy:
    """已失效 / 已废止 → 已下线; the daily task does it when due, staff may do it earlier."""
    return perform(policy, "take_offline", by=by, at=now)


def revise(policy: Policy, *, by) -> Policy:
    """已下线 → 草稿 (only), to correct and publish again; subscribers are not told a second time."""
    return perform(policy, "revise", by=by)


def expire_policies(today: date | None = None, *, now: datetime | None = None) -> dict[str, int]:
    """The daily task: policies past their expiry date expire, and expired or repealed ones due go offline.

    Each policy changes in its own transaction; a policy whose change fails is
    logged and counted in "failed", and the run goes on with the rest.
    """
    today = today or timezone.localdate()
    counts = {"expired": 0, "offline": 0, "failed": 0}
    expiring = Policy.objects.filter(status__in=[S.PUBLISHED, S.OFFLINE_REQUESTED], expiry_date__lt=today)
    due_clocks = Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Policy),
        kind=OFFLINE_CLOCK,
        state=Clock.State.RUNNING,
        due_on__lte=today,
    )
    due = Policy.objects.filter(status__in=[S.EXPIRED, S.REPEALED], pk__in=due_clocks.values("object_id"))
    for name, count, queryset, options in [
        ("expire", "expired", expiring, {}),
        ("take_offline", "offline", due, {"at": now}),
    ]:
        for pk in list(queryset.values_list("pk", flat=True)):
            try:
                perform(Policy(pk=pk), name, by=None, **options)
            except Exception:
                log.exception("daily policy run: %s failed", name, extra={"policy_id": pk})
                counts["failed"] += 1
            else:
                counts[count] += 1
    return counts


def _region_and_ancestors(region) -> list[int]:
    ids = []
    while region is not None:
        ids.append(region.pk)
        region = region.parent
    return ids


def matching_subscriptions(policy: Policy):
    """The subscriptions a policy fits, in one query: category, department, region (or a parent) or keyword."""
    through = PolicySubscription
    category_ids = list(policy.categories.values_list("pk", flat=True))
    department_ids = [policy.lead_department_id, *policy.co_departments.values_list("pk", flat=True)]
    region_ids = _region_and_ancestors(policy.region)
    text = f"{policy.title}\n{policy.summary}"
    keyword_hit = RawSQL(
        "EXISTS (SELECT 1 FROM unnest(policies_policysubscription.keywords) AS k "
        "WHERE length(k) > 0 AND strpos(%s, k) > 0)",
        [text],
    )
    return (
        PolicySubscription.objects.filter(user__is_active=True)
        .annotate(keyword_hit=keyword_hit)
        .filter(
            Q(
                pk__in=through.categories.through.objects.filter(policycategory_id__in=category_ids).values(
                    "policysubscription_id"
                )
            )
            | Q(
                pk__in=through.departments.through.objects.filter(department_id__in=department_ids).values(
                    "policysubscription_id"
                )
            )
            | Q(pk__in=through.regions.through.objects.filter(region_id__in=region_ids).values("policysubscription_id"))
            | Q(keyword_hit=True)
        )
        .select_related("user")
    )


def notify_subscribers(policy_id: int, *, now: datetime | None = None) -> int:
    """One site message and one SMS per matching subscriber, once per policy ever; returns how many this call told.

    The policy row says the work is pending (published, `subscribers_notified_at`
    empty); the fan-out row (`notify.FanOut` "policy-subscribers:<id>") is its
    bookmark. Subscribers are told in chunks of `NOTIFY_FANOUT_CHUNK_SIZE`, by
    subscription id, each chunk its own short transaction (`run_fanout`), so
    no transaction holds thousands of locks and a crash resumes after the last
    committed chunk. Dedupe keys make a repeated chunk write nothing twice.
    """
    from portal.notify.services import ensure_template, queue_sms_batch, run_fanout, send_site_message_batch

    policy = (
        Policy.objects.filter(pk=policy_id, status=S.PUBLISHED, subscribers_notified_at__isnull=True)
        .select_related("region", "region__parent", "region__parent__parent")
        .first()
    )
    if policy is None:
        return 0
    ensure_template(SUBSCRIPTION_SMS_TEMPLATE, "政策订阅提醒", SUBSCRIPTION_SMS_TEXT)
    link = policy.get_absolute_url()
    title = str(_("您订阅的政策已发布：%(title)s") % {"title": policy.title})
    body = policy.summary or policy.title
    sms_title = policy.title if len(policy.title) <= 30 else policy.title[:29] + "…"
    subscriptions = matching_subscriptions(policy)

    def next_chunk(cursor: int, size: int):
        return [(s.pk, s) for s in subscriptions.filter(pk__gt=cursor).order_by("pk")[:size]]

    def deliver(chunk: list[PolicySubscription]) -> None:
        key = f"policy-sub:{policy.pk}:%s"
        send_site_message_batch([(s.user_id, key % s.user_id) for s in chunk], title, body, link=link)
        queue_sms_batch(
            SUBSCRIPTION_SMS_TEMPLATE,
            [(s.user.phone, {"title": sms_title}, key % s.user_id) for s in chunk if s.sms_enabled and s.user.phone],
        )

    def finish() -> None:
        Policy.objects.filter(pk=policy.pk, subscribers_notified_at__isnull=True).update(
            subscribers_notified_at=now or timezone.now()
        )

    _fanout, told = run_fanout(f"policy-subscribers:{policy.pk}", next_chunk, deliver, on_finish=finish)
    return told


def pending_subscription_notices() -> list[int]:
    """Published policies whose subscribers have not been told yet (the sweep's work list)."""
    return list(
        Policy.objects.filter(status=S.PUBLISHED, subscribers_notified_at__isnull=True).values_list("pk", flat=True)
    )
