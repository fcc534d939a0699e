"""奖补数据接口报送: POST /api/v1/subsidies/, HMAC-signed by the department's key, replay-protected, all or
nothing with a Chinese report per record, idempotent by record id, documented in the OpenAPI schema."""

import json
import logging
import secrets
import time
from decimal import Decimal

import pytest
from django.test import Client

from payouts.models import SubsidyRecord, SubsidySubmission
from tests.applications.test_api import Caller
from tests.factories.enterprises import EnterpriseFactory, uscc_for
from tests.factories.org import DepartmentFactory

pytestmark = pytest.mark.django_db

PATH = "/api/v1/subsidies/"


@pytest.fixture
def department():
    return DepartmentFactory(name="宜昌市商务局", code="t-swj")


@pytest.fixture
def caller(department):
    return Caller(department)


def record(record_id, uscc, **fields):
    return {
        "record_id": record_id,
        "uscc": uscc,
        "enterprise_name": "宜昌接口测试有限公司",
        "policy": "宜昌市促进外贸发展若干措施",
        "item": "外贸发展奖励",
        "amount": "50000.00",
        "paid_on": "2026-09-30",
        "funding_source": "2026年市级商务发展专项资金",
        "funding_level": "city",
        **fields,
    }


def post(caller, body, **kwargs):
    return caller.call("POST", PATH, body, **kwargs)


def test_a_signed_call_stores_the_records_for_the_keys_department(caller, department):
    company = EnterpriseFactory()
    response = post(caller, [record("SW-1", company.uscc), record("SW-2", uscc_for(5001), amount="1234.5")])
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert (body["created"], body["corrected"], body["unchanged"]) == (2, 0, 0)
    assert [r["result"] for r in body["records"]] == ["created", "created"]
    first = SubsidyRecord.objects.get(record_id="SW-1")
    assert first.department == department and first.enterprise == company
    assert SubsidyRecord.objects.get(record_id="SW-2").amount == Decimal("1234.50")
    submission = SubsidySubmission.objects.get()
    assert (submission.pk, submission.channel, submission.submitted_by) == (body["submission"], "api", None)
    assert first.history.get().history_change_reason == "接口报送"


def test_the_same_records_again_change_nothing(caller):
    body = [record("SW-1", uscc_for(5002))]
    assert post(caller, body).status_code == 201
    again = post(caller, body)
    assert again.status_code == 200
    assert again.json()["submission"] is None
    assert [(r["record_id"], r["result"]) for r in again.json()["records"]] == [("SW-1", "unchanged")]
    assert SubsidyRecord.objects.count() == 1 and SubsidySubmission.objects.count() == 1


def test_other_content_under_a_known_id_is_refused_unless_it_is_a_correction(caller):
    post(caller, [record("SW-1", uscc_for(5003))])
    refused = post(caller, [record("SW-1", uscc_for(5003), amount="60000.00")])
    assert refused.status_code == 400
    assert "原“50000.00”，现“60000.00”" in refused.json()["errors"][0]["message"]
    corrected = post(caller, [record("SW-1", uscc_for(5003), amount="60000.00", correction=True)])
    assert corrected.status_code == 200
    assert corrected.json()["records"][0]["result"] == "corrected"
    assert SubsidyRecord.objects.get().amount == Decimal("60000.00")


def test_a_bad_record_refuses_the_whole_call_with_a_chinese_message_per_problem(caller):
    good = uscc_for(5004)
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = post(
        caller,
        [
            record("SW-1", good),
            record("SW-2", bad_check),
            record("SW-3", good, amount=50000.5),
            record("SW-4", good, amount="1.234", paid_on="2099-01-01"),
            record("SW-1", good, enterprise_name=""),
            {**record("SW-5", good), "colour": "red"},
        ],
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "共6条记录，其中5条有误，全部未保存。"
    by_index = {}
    for error in body["errors"]:
        by_index.setdefault(error["index"], []).append((error["field"], error["message"]))
    assert sorted(by_index) == [2, 3, 4, 5, 6]
    assert by_index[2][0][0] == "uscc" and "校验位" in by_index[2][0][1]
    assert by_index[3] == [
        ("amount", '第3条（记录编号SW-3）金额（元）：金额须以字符串传递，如 "12000.50"，不能使用数值')
    ]
    assert {field for field, _m in by_index[4]} == {"amount", "paid_on"}
    messages = " ".join(m for _f, m in by_index[5])
    assert "企业名称：不能为空" in messages and "记录编号与第1行重复" in messages
    assert "未知的字段“colour”" in by_index[6][0][1]
    assert all(e["record_id"] for e in body["errors"])
    assert not SubsidyRecord.objects.exists() and not SubsidySubmission.objects.exists()


@pytest.mark.parametrize("body", [{"record_id": "X"}, [], "text"])
def test_a_body_that_is_not_a_list_of_records_is_refused(caller, body):
    response = post(caller, body)
    assert response.status_code == 400
    assert "记录数组" in response.json()["detail"]


def test_a_bad_signature_is_refused_and_nothing_stored(caller, caplog):
    with caplog.at_level(logging.WARNING, logger="applications.api"):
        response = post(caller, [record("SW-1", uscc_for(5005))], secret="not-the-secret")
    assert response.status_code == 401
    assert "签名校验失败" in response.json()["detail"]
    assert [r.reason for r in caplog.records if r.name == "applications.api"] == ["bad_signature"]
    unsigned = Client().post(PATH, json.dumps([record("SW-1", uscc_for(5005))]), content_type="application/json")
    assert unsigned.status_code == 401
    assert not SubsidyRecord.objects.exists()


def test_a_replayed_call_is_refused(caller, caplog):
    nonce, stamp = secrets.token_hex(16), int(time.time())
    body = [record("SW-1", uscc_for(5006))]
    assert post(caller, body, nonce=nonce, timestamp=stamp).status_code == 201
    with caplog.at_level(logging.WARNING, logger="applications.api"):
        replay = post(caller, body, nonce=nonce, timestamp=stamp)
    assert replay.status_code == 401
    assert "重放" in replay.json()["detail"]
    assert [r.reason for r in caplog.records if r.name == "applications.api"] == ["replayed_nonce"]
    assert SubsidySubmission.objects.count() == 1


def test_another_departments_same_record_id_is_its_own_record(caller):
    other = Caller(DepartmentFactory(code="t-other"))
    assert post(caller, [record("SAME-1", uscc_for(5007))]).status_code == 201
    response = post(other, [record("SAME-1", uscc_for(5007))])
    assert response.status_code == 201
    assert SubsidyRecord.objects.filter(record_id="SAME-1").count() == 2
    # The same payment reported by two departments: the second is flagged, not refused.
    assert response.json()["records"][0]["duplicate_of"] == "宜昌市商务局·SAME-1"


def test_the_endpoint_is_in_the_openapi_schema():
    from drf_spectacular.validation import validate_schema

    schema = json.loads(Client().get("/api/schema/?format=json").content)
    validate_schema(schema)
    operation = schema["paths"][PATH]["post"]
    assert operation["operationId"] == "subsidies_post"
    assert {"200", "201", "400"} <= set(operation["responses"])
    assert operation["security"] == [{"hmacSignature": []}]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["type"] == "array"


def test_a_name_other_than_the_archives_is_stored_as_sent_and_answered_with_the_archives_name(caller):
    company = EnterpriseFactory(name="宜昌档案接口有限公司")
    response = post(
        caller,
        [record("SW-N", company.uscc, enterprise_name="宜昌别名有限公司", funding_level="县级（区级）")],
    )
    assert response.status_code == 201, response.content.decode()
    answered = [(r["record_id"], r["archive_name"]) for r in response.json()["records"]]
    assert answered == [("SW-N", "宜昌档案接口有限公司")]
    stored = SubsidyRecord.objects.get(record_id="SW-N")
    assert (stored.enterprise, stored.enterprise_name, stored.funding_level) == (company, "宜昌别名有限公司", "county")
