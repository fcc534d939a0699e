"""Every admin action run through the admin's change list, by every demo role (generated).

An action the list offers a role is chosen, the sample row ticked and 执行 pressed
(CSRF enforced): it does what it says — delete asks first and deletes, 显示完整联系方式
opens the reveal page, 重新发送 queues the failed SMS again. An action the list does not
offer a role, posted anyway, changes nothing and is never a 500.

The policy workflow's transitions are tested with the workflow (tests/policies), not here.
"""

import contextlib

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import DELETION, LogEntry
from django.db import transaction
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse

from policies.models import Policy
from portal.org import demo as org_demo
from tests.backoffice import pages
from tests.backoffice.conftest import kept_for_the_module, staff_by_login
from tests.backoffice.roundtrip import signed_in
from tests.backoffice.samples import SAMPLES

pytestmark = pytest.mark.django_db

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label_lower)
LOGINS = [login for login, *_rest in org_demo.STAFF]


def _workflow_actions():
    return {getattr(action, "__name__", action) for action in admin.site._registry[Policy].actions}


@pytest.fixture(scope="module")
def _demo_staff(django_db_setup, django_db_blocker):
    """The demo organisation, made once for the module; each test (and each role in it) rolls back its own writes."""
    with kept_for_the_module(django_db_blocker):
        org_demo.load()
        yield


@pytest.fixture
def staff(_demo_staff, db):
    return staff_by_login()


@contextlib.contextmanager
def _rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _action_names(modeladmin):
    """The actions this admin may offer anyone: delete, and its own."""
    names = {"delete_selected"}
    for action in modeladmin.actions or []:
        names.add(action if isinstance(action, str) else action.__name__)
    return names - _workflow_actions()


def _run(client, model, action, obj, **extra):
    listing = client.get(_changelist(model))
    token = pages.csrf_token(pages.parse(listing.content)) if listing.status_code == 200 else ""
    data = {"action": action, ACTION_CHECKBOX_NAME: [obj.pk], "index": 0, "csrfmiddlewaretoken": token, **extra}
    return client.post(_changelist(model), data)


def _deletes(client, model, obj, user):
    confirm = _run(client, model, "delete_selected", obj)
    assert confirm.status_code == 200, confirm.status_code
    if confirm.context["protected"]:
        # Still referred to (a region by its departments): the page says why, and nothing is deleted.
        assert "无法删除" in confirm.content.decode()
        assert _run(client, model, "delete_selected", obj, post="yes").status_code == 200
        assert model._default_manager.filter(pk=obj.pk).exists()
        return
    assert str(obj.pk) in confirm.content.decode()
    assert model._default_manager.filter(pk=obj.pk).exists(), "deleted before confirming"
    done = _run(client, model, "delete_selected", obj, post="yes")
    assert done.status_code == 302, done.status_code
    assert not model._default_manager.filter(pk=obj.pk).exists()
    assert LogEntry.objects.filter(user=user, object_id=str(obj.pk), action_flag=DELETION).exists()


def _reveals_contacts(client, model, obj, user):
    from portal.audit.models import SensitiveAccessLog

    response = _run(client, model, "show_full_contacts", obj)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    token = pages.csrf_token(pages.parse(page.content))
    revealed = client.post(response["Location"], {"purpose": "电话回访核实经营情况", "csrfmiddlewaretoken": token})
    assert revealed.status_code == 200
    assert obj.contact_phone in revealed.content.decode()
    assert SensitiveAccessLog.objects.filter(user=user, object_id=str(obj.pk)).exists()


def _resends(client, model, obj, user):
    response = _run(client, model, "resend", obj)
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.status != "failed"


def _cleans_up_attempts(client, model, obj, user):
    from django.utils import timezone

    model._default_manager.filter(pk=obj.pk).update(attempt_time=timezone.now() - timezone.timedelta(days=1))
    response = _run(client, model, "cleanup_expired_attempts", obj)
    assert response.status_code == 302
    assert not model._default_manager.filter(pk=obj.pk).exists()


def _confirms_legacy_uscc(client, model, obj, user):
    """确认存量赋码: a code flagged 校验位不符（存量赋码） becomes 已确认, and the history names who vouched for it."""
    from enterprises.models import UsccCheck

    model._default_manager.filter(pk=obj.pk).update(uscc_check=UsccCheck.LEGACY_PENDING)
    response = _run(client, model, "confirm_legacy_uscc", obj)
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.uscc_check == UsccCheck.LEGACY_CONFIRMED
    latest = obj.history.order_by("-history_date").first()
    assert latest.history_user == user and latest.history_change_reason == "确认存量赋码"


def _publishes_rule_set(client, model, obj, user):
    """发布: the draft becomes a frozen version valid from today, published by the user."""
    from django.utils import timezone

    from portal.org.permissions import can

    response = _run(client, model, "publish_rule_sets", obj)
    assert response.status_code == 302
    obj.refresh_from_db()
    if not can(user, "matters.publish_ruleset", obj):
        # Another department's rule set is not in this approver's list: selecting it anyway changes nothing.
        assert not obj.is_published
        return
    assert obj.is_published and obj.valid_from == timezone.localdate() and obj.published_at is not None
    assert obj.history.order_by("-history_date").first().history_user == user


def _accepts_complete_cases(client, model, obj, user):
    """批量受理: asks first, then accepts a case of the user's department whose materials are complete."""
    from applications import services
    from applications.models import Status

    assert _run(client, model, "bulk_accept", obj).status_code == 200
    assert _run(client, model, "bulk_accept", obj, confirm="1").status_code == 302
    obj.refresh_from_db()
    accepts = services.matter_department_reviewer(user, obj)
    assert obj.status == (Status.ACCEPTED if accepts else Status.SUBMITTED)


def _approves_at_the_estimate(client, model, obj, user):
    """批量核准（按测算金额）: a fixed-amount case at its last step is approved at its estimate by its step's holder."""
    from applications import services
    from applications.models import Status
    from applications.workflow import perform
    from portal.org.models import Department, Membership, Role

    reviewer = Membership.objects.get(department=Department.objects.get(code="yc-kjj"), role=Role.REVIEWER).user
    perform(obj, "accept", by=reviewer)
    obj.refresh_from_db()
    holder = services.current_step_holder(user, obj) and services.may_view(user, obj)
    assert _run(client, model, "bulk_approve", obj, confirm="1", reason="定额奖补").status_code == 302
    obj.refresh_from_db()
    if holder:
        assert obj.status == Status.APPROVED and obj.approved_amount == obj.estimated_amount
    else:
        assert obj.status == Status.ACCEPTED


def _deactivates_api_client(client, model, obj, user):
    """停用: the department's system can no longer sign calls; the history names who stopped it."""
    response = _run(client, model, "deactivate", obj)
    assert response.status_code == 302
    obj.refresh_from_db()
    assert not obj.active
    latest = obj.history.order_by("-history_date").first()
    assert latest.history_user == user and latest.history_change_reason == "停用接入"


def _promotes(client, model, obj, user):
    """转为常见问题: an answered question about a 市科技局 policy goes into the policy's FAQ when the user may answer
    it (the department's reviewers and approvers, the operators); anyone else is told why, nothing changes."""
    from appeals import interaction
    from portal.core.workflow import perform

    operator = staff_by_login()["cyzx_operator"]
    perform(obj, "publish", by=operator)
    perform(obj, "answer", by=operator, reason="认定奖励在每年第三季度统一兑现，请关注申报通知。")
    assert _run(client, model, "promote", obj, confirm="1").status_code in (200, 302)
    obj.refresh_from_db()
    assert (obj.policy_faq_id is not None) == interaction.may_answer(user, obj)


EFFECTS = {
    "delete_selected": _deletes,
    "show_full_contacts": _reveals_contacts,
    "resend": _resends,
    "cleanup_expired_attempts": _cleans_up_attempts,
    "confirm_legacy_uscc": _confirms_legacy_uscc,
    "publish_rule_sets": _publishes_rule_set,
    "bulk_accept": _accepts_complete_cases,
    "bulk_approve": _approves_at_the_estimate,
    "deactivate": _deactivates_api_client,
    "promote": _promotes,
}


@pytest.mark.parametrize("model", [pytest.param(m, id=m._meta.label_lower) for m in MODELS])
def test_admin_actions(staff, model, subtests):
    modeladmin = admin.site._registry[model]
    for login in LOGINS:
        user = staff[login]
        request = _request(user)
        offered = set(modeladmin.get_actions(request)) - _workflow_actions()
        if not modeladmin.has_view_or_change_permission(request):
            offered = set()  # the change list itself is refused
        for action in sorted(_action_names(modeladmin)):
            with subtests.test(login=login, action=action), _rolled_back():
                obj = SAMPLES[model._meta.label_lower](staff)
                client = signed_in(user)
                if action in offered:
                    EFFECTS[action](client, model, obj, user)
                    continue
                before = model_to_dict(obj)
                response = _run(client, model, action, obj, post="yes")
                assert response.status_code in (200, 302, 403, 404), response.status_code
                after = model._default_manager.filter(pk=obj.pk).first()
                assert after is not None and model_to_dict(after) == before
