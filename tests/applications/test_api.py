"""The departments' systems' API (宜昌 §31, 常州 §23): cases pushed by external id, HMAC-signed, idempotent,
scoped to the caller's department; refusals in Chinese; replays and bad signatures refused and logged."""

import json
import logging
import secrets
import time
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from applications import services
from applications.api_auth import issue_client, sign, sweep_nonces
from applications.models import ApiNonce, Application, Channel, Status
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.enterprises import uscc_for
from tests.factories.org import DepartmentFactory

pytestmark = pytest.mark.django_db


class Caller:
    """A department's system: signs every call with its key, as the docs tell it to."""

    def __init__(self, department):
        self.key, self.secret = issue_client(department)
        self.http = Client(enforce_csrf_checks=True)

    def call(self, method, path, body=None, *, timestamp=None, nonce=None, secret=None):
        raw = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = nonce or secrets.token_hex(16)
        headers = {
            "X-Key-Id": self.key.key_id,
            "X-Timestamp": timestamp,
            "X-Nonce": nonce,
            "X-Signature": sign(secret or self.secret, method, path, timestamp, nonce, raw),
        }
        send = getattr(self.http, method.lower())
        if body is None:
            return send(path, headers=headers)
        return send(path, raw, content_type="application/json", headers=headers)

    def put(self, external_id, body, **kwargs):
        return self.call("PUT", f"/api/v1/cases/{external_id}/", body, **kwargs)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)


@pytest.fixture
def matter():
    return published_matter()


@pytest.fixture
def enterprise():
    return enterprise_with_user()


@pytest.fixture
def caller(matter):
    return Caller(matter.department)


def case(enterprise, matter, **fields):
    return {"uscc": enterprise.uscc, "matter": matter.code, "status": "received", **fields}


def test_a_pushed_case_is_created_and_recorded(caller, enterprise, matter):
    response = caller.put("KJ-2026-0001", case(enterprise, matter, requested_amount="200000.00"))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["platform_status"] == Status.SUBMITTED
    assert data["status"] == "received"
    assert data["requested_amount"] == "200000.00"
    application = Application.objects.get(external_id="KJ-2026-0001")
    assert application.channel == Channel.EXTERNAL
    assert application.external_department == matter.department
    assert application.requested_amount == Decimal("200000.00")
    record = application.history.latest()
    assert record.history_user is None
    assert record.history_change_reason.startswith("业务系统推送：")


def test_the_same_push_twice_gives_the_same_case(caller, enterprise, matter):
    body = case(enterprise, matter, uscc=f" {enterprise.uscc.lower()} ")
    first = caller.put("KJ-1", body)
    second = caller.put("KJ-1", body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    application = Application.objects.get(external_id="KJ-1")
    assert application.history.count() == 1


def test_a_later_push_moves_the_case_and_keeps_its_history(caller, enterprise, matter):
    caller.put("KJ-2", case(enterprise, matter))
    refused = caller.put("KJ-2", case(enterprise, matter, status="approved"))
    assert refused.status_code == 400
    assert "核定金额" in refused.json()["approved_amount"][0]
    response = caller.put("KJ-2", case(enterprise, matter, status="Approved", approved_amount="150000.5"))
    assert response.status_code == 200
    assert response.json()["platform_status"] == Status.APPROVED
    assert response.json()["approved_amount"] == "150000.50"
    application = Application.objects.get(external_id="KJ-2")
    assert application.decided_at is not None
    reasons = list(application.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert len(reasons) == 2
    assert "已提交 → 审核通过" in reasons[1]
    rejected = caller.put("KJ-2", case(enterprise, matter, status="rejected"))
    assert "理由" in rejected.json()["reason"][0]


def test_the_list_holds_only_the_callers_cases(caller, enterprise, matter):
    other_matter = published_matter()
    other = Caller(other_matter.department)
    caller.put("A-1", case(enterprise, matter))
    other.put("B-1", case(enterprise_with_user(), other_matter))
    response = caller.get("/api/v1/cases/?page=1")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    assert [row["external_id"] for row in data["results"]] == ["A-1"]


def test_another_department_can_neither_see_nor_write_the_case(caller, enterprise, matter):
    caller.put("A-9", case(enterprise, matter))
    other = Caller(DepartmentFactory())
    seen = other.get("/api/v1/cases/A-9/")
    assert seen.status_code == 404
    assert "没有" in seen.json()["detail"]
    written = other.put("A-9", case(enterprise, matter, status="approved", approved_amount="1.00"))
    assert written.status_code == 400
    assert "不属于" in written.json()["matter"][0]
    assert Application.objects.get(external_id="A-9").status == Status.SUBMITTED
    assert caller.get("/api/v1/cases/A-9/").json()["platform_status"] == Status.SUBMITTED


def test_an_enterprise_outside_the_archive_is_refused(caller, matter):
    response = caller.put("X-1", {"uscc": uscc_for(987654), "matter": matter.code, "status": "received"})
    assert response.status_code == 400
    assert "企业库" in response.json()["uscc"][0]
    malformed = caller.put("X-1", {"uscc": "123", "matter": matter.code, "status": "received"})
    assert "18位" in malformed.json()["uscc"][0]
    assert not Application.objects.exists()


def test_an_unknown_status_is_refused_with_the_known_ones(caller, enterprise, matter):
    response = caller.put("X-2", case(enterprise, matter, status="frobnicated"))
    assert response.status_code == 400
    assert "无法识别" in response.json()["status"][0]


@pytest.mark.parametrize("amount", [1e3, 1000, "1e3", "12.345", "-1.00", "1,000.00"])
def test_amounts_are_decimal_strings(caller, enterprise, matter, amount):
    response = caller.put("X-3", case(enterprise, matter, requested_amount=amount))
    assert response.status_code == 400
    assert "金额" in response.json()["requested_amount"][0]


def test_a_case_already_applied_for_online_is_a_conflict(caller, enterprise, matter):
    online = services.start(enterprise, matter, by=enterprise.user)
    response = caller.put("X-4", case(enterprise, matter))
    assert response.status_code == 409
    assert online.number in response.json()["detail"]
    assert "不能重复" in response.json()["detail"]
    assert not Application.objects.filter(channel=Channel.EXTERNAL).exists()


@pytest.mark.parametrize(
    "tamper, reason",
    [
        ({"secret": "not-the-secret"}, "bad_signature"),
        ({"timestamp": int(time.time()) - 301}, "stale_timestamp"),
    ],
)
def test_a_bad_signature_or_stale_timestamp_is_refused_and_logged(caller, enterprise, matter, caplog, tamper, reason):
    with caplog.at_level(logging.WARNING, logger="applications.api"):
        response = caller.put("X-5", case(enterprise, matter), **tamper)
    assert response.status_code == 401
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("HMAC-SHA256")
    assert [r.reason for r in caplog.records if r.name == "applications.api"] == [reason]
    assert not Application.objects.exists()


def test_a_replayed_call_is_refused_and_logged(caller, caplog):
    nonce = secrets.token_hex(16)
    stamp = int(time.time())
    assert caller.get("/api/v1/cases/", nonce=nonce, timestamp=stamp).status_code == 200
    with caplog.at_level(logging.WARNING, logger="applications.api"):
        replay = caller.get("/api/v1/cases/", nonce=nonce, timestamp=stamp)
    assert replay.status_code == 401
    assert "重放" in replay.json()["detail"]
    assert [r.reason for r in caplog.records if r.name == "applications.api"] == ["replayed_nonce"]


def test_an_unknown_or_inactive_key_is_refused(caller):
    caller.key.active = False
    caller.key.save()
    assert caller.get("/api/v1/cases/").status_code == 401
    unsigned = Client().get("/api/v1/cases/")
    assert unsigned.status_code == 401
    assert "缺少签名" in unsigned.json()["detail"]


def test_old_nonces_are_swept(caller):
    caller.get("/api/v1/cases/")
    assert sweep_nonces() == 0
    assert sweep_nonces(now=timezone.now() + timezone.timedelta(minutes=10)) == 1
    assert not ApiNonce.objects.exists()


def test_the_schema_is_valid_openapi_and_the_docs_load_nothing_from_outside():
    from drf_spectacular.validation import validate_schema

    response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert {"/api/v1/cases/", "/api/v1/cases/{external_id}/"} <= set(schema["paths"])
    assert "X-Signature" in schema["components"]["securitySchemes"]["hmacSignature"]["description"]
    docs = Client().get("/api/docs/")
    assert docs.status_code == 200
    assert "Content-Security-Policy" in docs
    html = docs.content.decode()
    assert "http://" not in html and "https://" not in html and "<style" not in html
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200
    assert b"https://" not in script.content


def test_an_admin_issues_a_key_whose_secret_is_shown_once(settings):
    from django.contrib.auth import get_user_model

    from applications.models import ApiClient
    from portal.org import demo as org_demo
    from portal.org.models import Department

    settings.STAFF_OTP_REQUIRED = False
    org_demo.load()
    admin = get_user_model().objects.get(username="platform_admin")
    browser = Client()
    browser.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    department = Department.objects.get(code="yc-kjj")
    response = browser.post("/admin/applications/apiclient/add/", {"department": department.pk, "active": "on"})
    assert response.status_code == 302
    key = ApiClient.objects.get(department=department)
    change = f"/admin/applications/apiclient/{key.pk}/change/"
    shown = browser.get(change).content.decode()
    assert key.key_id in shown and key.secret in shown
    page = browser.get(change).content.decode()
    assert key.secret not in page
    assert key.secret[-4:] in page
    assert key.history.latest().history_user == admin
    browser.post(
        "/admin/applications/apiclient/",
        {"action": "deactivate", "_selected_action": [key.pk], "index": 0},
    )
    key.refresh_from_db()
    assert not key.active
