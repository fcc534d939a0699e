"""The 12345 platform's inbound API: tickets pushed (signed by an operations centre's key, idempotent by the 12345
ticket number, a reused number with other content refused and nothing overwritten), read, and the caller's
evaluations, supplements and withdrawals relayed once per event id; refusals in Chinese, never a 500."""

import json
import secrets
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from appeals.models import Appeal, AppealState, Channel
from appeals.models_hotline import HotlineEvent
from applications.api_auth import issue_client, sign
from portal.core.workflow import perform
from portal.notify.models import OutboxMessage, WebhookEndpoint
from tests.factories.appeals import centre_of, department, handler_of, operator_of
from tests.factories.applications import enterprise_with_user
from tests.factories.org import CityFactory, DepartmentFactory

pytestmark = pytest.mark.django_db

S = AppealState
PATH = "/api/v1/appeals/"


class Caller:
    """The 12345 platform's system: signs every call with its key, as docs/12345.md tells it to."""

    def __init__(self, department):
        self.key, self.secret = issue_client(department)
        self.http = Client(enforce_csrf_checks=True)

    def call(self, method, path, body=None, *, nonce=None, secret=None, headers=None):
        raw = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        nonce = nonce or secrets.token_hex(16)
        signed = {
            "X-Key-Id": self.key.key_id,
            "X-Timestamp": timestamp,
            "X-Nonce": nonce,
            "X-Signature": sign(secret or self.secret, method, path, timestamp, nonce, raw),
        }
        if headers is not None:
            signed = headers
        send = getattr(self.http, method.lower())
        if body is None:
            return send(path, headers=signed)
        return send(path, raw, content_type="application/json", headers=signed)

    def push(self, body, **kwargs):
        return self.call("POST", PATH, body, **kwargs)

    def get(self, number, **kwargs):
        return self.call("GET", f"{PATH}{number}/", **kwargs)

    def event(self, number, body, **kwargs):
        return self.call("POST", f"{PATH}{number}/events/", body, **kwargs)


@pytest.fixture
def centre():
    return centre_of()


@pytest.fixture
def hotline(centre):
    return WebhookEndpoint.objects.create(code="12345", name="12345热线", url="http://127.0.0.1:9/", secret="s")


@pytest.fixture
def caller(centre, hotline):
    return Caller(centre)


def ticket(number="YC20261009000123", **fields):
    return {
        "hotline_number": number,
        "kind": "complaint",
        "title": "高新技术企业奖励迟迟未拨付",
        "content": "我公司2025年认定为高新技术企业，按政策应获奖励，至今未到账，请协助催办。",
        "contact_name": "王先生",
        "contact_phone": "13800138000",
        **fields,
    }


def webhooks():
    return OutboxMessage.objects.filter(channel="webhook", target="12345")


def replied(appeal, centre):
    """Accepted, dispatched to 市科技局, signed and answered: the ticket waits for the caller's evaluation."""
    operator = operator_of(centre)
    kjj = department("市科技局")
    handler = handler_of(kjj)
    perform(appeal, "accept", by=operator)
    perform(appeal, "dispatch", by=operator, department=kjj)
    perform(appeal, "sign", by=handler)
    perform(appeal, "reply", by=handler, reason="经核实，奖励资金已于本周拨付到账，请查收。")
    appeal.refresh_from_db()
    return appeal


# --- who may call -------------------------------------------------------------------------------------


def test_a_call_without_signature_headers_is_refused(caller):
    response = caller.call("POST", PATH, ticket(), headers={})
    assert response.status_code == 401
    assert "缺少签名请求头" in response.json()["detail"]
    assert not Appeal.objects.exists()


def test_a_forged_signature_is_refused(caller):
    response = caller.push(ticket(), secret="not-the-secret")
    assert response.status_code == 401
    assert "签名校验失败" in response.json()["detail"]
    assert not Appeal.objects.exists()


def test_a_replayed_call_is_refused(caller):
    assert caller.push(ticket(), nonce="nonce-0001").status_code == 201
    replay = caller.push(ticket("YC-OTHER-1"), nonce="nonce-0001")
    assert replay.status_code == 401
    assert "重放" in replay.json()["detail"]
    assert Appeal.objects.count() == 1


def test_a_key_of_a_department_that_is_not_an_operations_centre_is_refused(hotline):
    policy_department = Caller(DepartmentFactory())
    response = policy_department.push(ticket())
    assert response.status_code == 403
    assert "城运中心" in response.json()["detail"]
    assert not Appeal.objects.exists()


# --- tickets ----------------------------------------------------------------------------------------------


def test_a_pushed_ticket_becomes_a_hotline_appeal_of_the_centre_and_is_told_back_once(caller, centre):
    response = caller.push(ticket())
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["hotline_number"] == "YC20261009000123"
    assert data["status"] == S.SUBMITTED and data["status_label"] == "待受理"
    assert data["operations_centre"] == centre.name
    assert data["due_on"] and data["due_stage"] == "诉求受理时限"
    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.HOTLINE
    assert appeal.operations_centre == centre
    assert appeal.contact_phone == "13800138000"
    assert len(appeal.hotline_digest) == 64
    assert appeal.history.get().history_user is None
    (row,) = webhooks()
    assert row.params["data"]["hotline_number"] == "YC20261009000123"
    assert row.ordering_key == "12345:YC20261009000123"


def test_the_same_ticket_again_is_the_same_ticket_and_nothing_new(caller):
    first = caller.push(ticket())
    second = caller.push(ticket(content="  我公司2025年认定为高新技术企业，按政策应获奖励，至今未到账，请协助催办。\n"))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert Appeal.objects.count() == 1
    assert Appeal.objects.get().history.count() == 1
    assert webhooks().count() == 1
    assert HotlineEvent.objects.count() == 1


def test_a_reused_ticket_number_with_other_content_is_a_conflict_and_nothing_is_overwritten(caller):
    caller.push(ticket())
    before = Appeal.objects.get()
    response = caller.push(ticket(content="这是另一位来电人反映的完全不同的诉求内容。", contact_phone="13900139000"))
    assert response.status_code == 409
    data = response.json()
    assert data["fields"] == ["content", "contact_phone"]
    assert "诉求内容、联系电话" in data["detail"] and "未作任何更改" in data["detail"]
    assert data["ticket"] == before.number
    after = Appeal.objects.get()
    assert (after.content, after.contact_phone, after.hotline_digest) == (
        before.content,
        before.contact_phone,
        before.hotline_digest,
    )
    assert after.history.count() == 1
    assert webhooks().count() == 1


def test_bad_fields_are_refused_with_a_chinese_message_each(caller):
    response = caller.push(
        {
            "hotline_number": "YC 1/2",
            "kind": "抱怨",
            "title": " ",
            "content": "太短",
            "contact_phone": "12345",
            "uscc": "91420502MA0021000X",
            "region": "999999",
            "urgency": "very",
        }
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"hotline_number", "kind", "title", "content", "contact_phone", "uscc", "region", "urgency"}
    assert "12345工单号" in errors["hotline_number"][0]
    assert "无法识别的诉求类型“抱怨”" in errors["kind"][0]
    assert "不少于10个字" in errors["content"][0]
    assert "手机号码" in errors["contact_phone"][0]
    assert "区划代码999999不存在" in errors["region"][0]
    assert not Appeal.objects.exists()


def test_an_anonymous_ticket_without_a_phone_is_refused_by_the_submission_rule(caller):
    response = caller.push(ticket(contact_phone=""))
    assert response.status_code == 400
    assert "手机号码" in response.json()["contact_phone"][0]
    assert not Appeal.objects.exists()


def test_a_region_outside_the_centre_is_refused(caller):
    CityFactory(code="420600", name="襄阳市")
    response = caller.push(ticket(region="420600"))
    assert response.status_code == 400
    assert "不在" in response.json()["region"][0] and "受理范围" in response.json()["region"][0]


def test_full_width_and_odd_inputs_are_normalised_and_the_archive_enterprise_linked(caller):
    enterprise = enterprise_with_user()
    response = caller.push(
        ticket(
            "ＹＣ２０２６-７",
            kind="投诉",
            urgency="紧急",
            contact_phone="１３８ ００１３ ８０００",
            uscc=enterprise.uscc.lower(),
            region=enterprise.region.code,
        )
    )
    assert response.status_code == 201, response.json()
    appeal = Appeal.objects.get()
    assert appeal.hotline_number == "YC2026-7"
    assert (appeal.kind, appeal.urgency) == ("complaint", "urgent")
    assert appeal.contact_phone == "13800138000"
    assert appeal.enterprise == enterprise
    assert appeal.region == enterprise.region
    # the same ticket typed the plain way is the same content
    again = caller.push(
        ticket(
            "YC2026-7",
            kind="complaint",
            urgency="urgent",
            contact_phone="+86 138-0013-8000",
            uscc=enterprise.uscc,
            region=enterprise.region.code,
        )
    )
    assert again.status_code == 200
    assert Appeal.objects.count() == 1


def test_two_concurrent_pushes_of_one_number_make_one_ticket(caller, transactional_db):
    results = []
    barrier = threading.Barrier(2)

    def push():
        try:
            barrier.wait(timeout=10)
            results.append(caller.push(ticket()).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=push) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [200, 201]
    assert Appeal.objects.filter(hotline_number="YC20261009000123").count() == 1
    assert webhooks().count() == 1


def test_a_ticket_is_read_by_its_centre_only(caller, centre, hotline):
    caller.push(ticket())
    appeal = replied(Appeal.objects.get(), centre)
    response = caller.get("YC20261009000123")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == S.REPLIED
    assert data["department"] == "市科技局"
    assert data["due_stage"] == "诉求评价期限" and data["due_on"]
    assert [r["content"] for r in data["replies"]] == ["经核实，奖励资金已于本周拨付到账，请查收。"]
    assert [row["status"] for row in data["timeline"]] == ["submitted", "accepted", "dispatched", "handling", "replied"]
    assert data["ticket"] == appeal.number

    other = Caller(centre_of(CityFactory(code="420600", name="襄阳市")))
    refused = other.get("YC20261009000123")
    assert refused.status_code == 404
    assert "本中心没有" in refused.json()["detail"]
    assert other.event("YC20261009000123", {"event_id": "x1", "type": "withdraw"}).status_code == 404
    # and it may not take the number over either
    taken = other.push(ticket(region=""))
    assert taken.status_code == 409
    assert "其他受理中心" in taken.json()["detail"]


# --- events ------------------------------------------------------------------------------------------------


@pytest.fixture
def answered(caller, centre):
    caller.push(ticket())
    return replied(Appeal.objects.get(), centre)


def test_a_satisfied_evaluation_closes_the_ticket(caller, answered):
    response = caller.event(answered.hotline_number, {"event_id": "EV-1", "type": "evaluation", "satisfaction": "满意"})
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "event_id": "EV-1",
        "type": "evaluation",
        "action": "evaluate",
        "action_label": "评价",
        "status": "closed",
        "status_label": "已办结",
        "duplicate": False,
    }
    answered.refresh_from_db()
    assert answered.status == S.CLOSED
    assert (answered.satisfaction, answered.evaluation_source) == ("satisfied", "hotline")
    assert answered.history.latest().history_user is None


def test_a_first_unsatisfied_evaluation_reopens_and_its_repeat_does_nothing(caller, answered):
    body = {"event_id": "EV-2", "type": "evaluation", "satisfaction": "unsatisfied", "comment": "奖励仍未到账"}
    first = caller.event(answered.hotline_number, body)
    assert first.status_code == 200, first.json()
    assert first.json()["action"] == "reopen" and first.json()["status"] == "dispatched"
    answered.refresh_from_db()
    assert answered.reopen_count == 1 and answered.department.name == "市科技局"
    rows, history = webhooks().count(), answered.history.count()

    again = caller.event(answered.hotline_number, body)
    assert again.status_code == 200
    assert again.json() == {**first.json(), "duplicate": True}
    answered.refresh_from_db()
    assert answered.reopen_count == 1
    assert (webhooks().count(), answered.history.count()) == (rows, history)

    changed = caller.event(answered.hotline_number, {**body, "comment": "另一个原因"})
    assert changed.status_code == 409
    assert "EV-2" in changed.json()["detail"]


def test_an_unsatisfied_evaluation_without_a_reason_is_refused(caller, answered):
    body = {"event_id": "EV-3", "type": "evaluation", "satisfaction": "不满意"}
    response = caller.event(answered.hotline_number, body)
    assert response.status_code == 400
    assert "不满意的原因" in response.json()["comment"][0]
    answered.refresh_from_db()
    assert answered.status == S.REPLIED
    assert not HotlineEvent.objects.filter(event_id="EV-3").exists()


def test_an_event_the_state_does_not_allow_is_a_conflict_with_the_kernel_message(caller, answered):
    withdraw = caller.event(answered.hotline_number, {"event_id": "EV-4", "type": "withdraw", "reason": "不想等了"})
    assert withdraw.status_code == 409
    assert "当前状态为“已答复待评价”，不能执行“撤回”" in withdraw.json()["detail"]
    supplement = caller.event(answered.hotline_number, {"event_id": "EV-5", "type": "supplement", "content": "证书号"})
    assert supplement.status_code == 409
    answered.refresh_from_db()
    assert answered.status == S.REPLIED
    assert not HotlineEvent.objects.filter(event_id__in=["EV-4", "EV-5"]).exists()


def test_a_caller_withdraws_a_ticket_not_yet_dispatched(caller):
    caller.push(ticket())
    response = caller.event("YC20261009000123", {"event_id": "EV-6", "type": "withdraw", "reason": "问题已自行解决"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "withdrawn"
    assert Appeal.objects.get().status == S.WITHDRAWN
    assert [r.params["data"]["status"] for r in webhooks().order_by("id")] == ["submitted", "withdrawn"]


def test_a_caller_supplies_the_information_a_department_asked_for(caller, centre):
    caller.push(ticket())
    appeal = Appeal.objects.get()
    operator = operator_of(centre)
    kjj = department("市科技局")
    handler = handler_of(kjj)
    perform(appeal, "accept", by=operator)
    perform(appeal, "dispatch", by=operator, department=kjj)
    perform(appeal, "sign", by=handler)
    perform(appeal, "request_info", by=handler, reason="请提供高新技术企业证书编号")
    body = {"event_id": "EV-7", "type": "supplement", "content": "证书编号GR202542000123"}
    response = caller.event(appeal.hotline_number, body)
    assert response.status_code == 200, response.json()
    assert response.json()["action"] == "supply_info" and response.json()["status"] == "handling"
    appeal.refresh_from_db()
    assert appeal.status == S.HANDLING
    assert "GR202542000123" in appeal.history.latest().history_change_reason


def test_an_event_with_bad_fields_is_refused_in_chinese(caller, answered):
    response = caller.event(answered.hotline_number, {"event_id": "坏 编号", "type": "praise"})
    assert response.status_code == 400
    errors = response.json()
    assert "事件编号" in errors["event_id"][0]
    assert "evaluation" in errors["type"][0]


def test_the_12345_endpoints_are_in_the_openapi_schema():
    from drf_spectacular.validation import validate_schema

    schema = json.loads(Client().get("/api/schema/?format=json").content)
    validate_schema(schema)
    paths = schema["paths"]
    assert paths[PATH]["post"]["operationId"] == "appeal_create"
    assert paths[PATH + "{hotline_number}/"]["get"]["operationId"] == "appeal_get"
    event = paths[PATH + "{hotline_number}/events/"]["post"]
    assert event["operationId"] == "appeal_event"
    assert {"200", "400", "404", "409"} <= set(event["responses"])
    assert "409" in paths[PATH]["post"]["responses"]
    assert paths[PATH]["post"]["security"] == [{"hmacSignature": []}]
