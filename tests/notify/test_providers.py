"""The SMS providers: registry, request signatures, and how answers map to success and errors."""

import hashlib
import hmac
import json

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured

from portal.notify.gateway_stub import StubGateway
from portal.notify.providers import (
    OutgoingSms,
    PermanentError,
    TemporaryError,
    get_provider,
    providers,
    register,
)
from portal.notify.providers import reset as reset_providers
from portal.notify.providers.aliyun import percent_encode, rpc_signature, signed_params
from portal.notify.providers.http_gateway import SIGNATURE_HEADER, build_request

SECRET = "gateway-secret"

SMS = OutgoingSms(
    message_id="9b2f4c1e-0000-4000-8000-000000000001",
    phone="13812345678",
    text="您的验证码为123456，5分钟内有效。",
    template_code="login-code",
    provider_template_code="SMS_71390007",
    params={"code": "123456"},
)


def test_the_registry_knows_the_built_in_providers():
    assert {"console", "http", "aliyun"} <= set(providers.keys())


def test_an_unknown_provider_name_is_an_error():
    with pytest.raises(LookupError):
        get_provider("carrier-pigeon")


def test_a_provider_name_cannot_be_registered_twice():
    with pytest.raises(ImproperlyConfigured):
        register("console")(type("Another", (), {}))


def test_the_console_provider_returns_an_id_and_logs_only_the_masked_phone(caplog):
    with caplog.at_level("INFO", logger="portal.notify.sms"):
        provider_id = get_provider("console").send(SMS)

    assert provider_id.startswith("console-")
    record = caplog.records[-1]
    assert record.phone == "138****5678"
    assert "13812345678" not in caplog.text
    assert "123456" not in caplog.text


def test_the_http_request_is_signed_with_hmac_sha256_over_the_raw_body():
    body, headers = build_request(SMS, app_id="portal", secret=SECRET, timestamp=1767225600, nonce="abc")

    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == expected
    assert headers["Idempotency-Key"] == SMS.message_id
    payload = json.loads(body)
    assert payload["app_id"] == "portal"
    assert payload["timestamp"] == 1767225600
    assert payload["nonce"] == "abc"
    assert payload["content"] == SMS.text


def test_changing_one_byte_of_the_body_breaks_the_signature():
    body, headers = build_request(SMS, app_id="portal", secret=SECRET, timestamp=1767225600, nonce="abc")
    tampered = body.replace(b"13812345678", b"13812345679")

    assert hmac.new(SECRET.encode(), tampered, hashlib.sha256).hexdigest() != headers[SIGNATURE_HEADER]


@pytest.fixture
def gateway(settings):
    with StubGateway(SECRET) as stub:
        settings.SMS_HTTP_URL = stub.url
        settings.SMS_HTTP_APP_ID = "portal"
        settings.SMS_HTTP_SECRET = SECRET
        reset_providers()
        yield stub


def test_the_http_provider_sends_to_the_gateway_and_returns_its_id(gateway):
    provider_id = get_provider("http").send(SMS)

    assert gateway.delivered[SMS.message_id]["gateway_id"] == provider_id
    assert gateway.delivered[SMS.message_id]["phone"] == "13812345678"


def test_a_repeated_send_is_delivered_once_and_answered_with_the_same_id(gateway):
    provider = get_provider("http")

    first = provider.send(SMS)
    second = provider.send(SMS)

    assert first == second
    assert len(gateway.delivered) == 1
    assert gateway.duplicates == 1


def test_a_wrong_secret_is_refused_by_the_gateway_as_a_permanent_error(gateway, settings):
    settings.SMS_HTTP_SECRET = "wrong"
    reset_providers()

    with pytest.raises(PermanentError, match="401"):
        get_provider("http").send(SMS)
    assert gateway.rejected == 1
    assert gateway.delivered == {}


class FakeResponse:
    def __init__(self, status_code, body):
        self.status_code = status_code
        self._body = body
        self.text = body if isinstance(body, str) else json.dumps(body)

    def json(self):
        if isinstance(self._body, str):
            raise ValueError("not JSON")
        return self._body


@pytest.fixture
def http_provider(settings):
    settings.SMS_HTTP_URL = "http://127.0.0.1:9/sms"
    reset_providers()
    return get_provider("http")


@pytest.mark.parametrize("status", [500, 502, 503, 408, 429])
def test_server_errors_and_rate_limits_are_temporary(http_provider, monkeypatch, status):
    monkeypatch.setattr(http_provider.session, "post", lambda *a, **k: FakeResponse(status, {}))

    with pytest.raises(TemporaryError):
        http_provider.send(SMS)


@pytest.mark.parametrize("status", [400, 403, 404])
def test_client_errors_are_permanent(http_provider, monkeypatch, status):
    monkeypatch.setattr(http_provider.session, "post", lambda *a, **k: FakeResponse(status, {}))

    with pytest.raises(PermanentError):
        http_provider.send(SMS)


def test_a_2xx_answer_without_success_is_a_failure(http_provider, monkeypatch):
    monkeypatch.setattr(http_provider.session, "post", lambda *a, **k: FakeResponse(200, {"success": False}))

    with pytest.raises(PermanentError):
        http_provider.send(SMS)


def test_a_2xx_answer_that_is_not_json_is_retried(http_provider, monkeypatch):
    monkeypatch.setattr(http_provider.session, "post", lambda *a, **k: FakeResponse(200, "<html>proxy</html>"))

    with pytest.raises(TemporaryError):
        http_provider.send(SMS)


def test_a_timeout_is_temporary_and_the_configured_timeout_is_used(http_provider, monkeypatch, settings):
    seen = {}

    def post(*args, **kwargs):
        seen["timeout"] = kwargs["timeout"]
        raise requests.Timeout()

    monkeypatch.setattr(http_provider.session, "post", post)

    with pytest.raises(TemporaryError):
        http_provider.send(SMS)
    assert seen["timeout"] == settings.SMS_HTTP_TIMEOUT


def test_a_refused_connection_is_temporary(http_provider):
    with pytest.raises(TemporaryError):
        http_provider.send(SMS)


# The worked example of Alibaba Cloud's SMS signature documentation (SendSms,
# AccessKeySecret "testSecret"): the expected signature is the documented one.
DOCUMENTED_PARAMS = {
    "AccessKeyId": "testId",
    "Action": "SendSms",
    "Format": "XML",
    "OutId": "123",
    "PhoneNumbers": "15300000001",
    "RegionId": "cn-hangzhou",
    "SignName": "阿里云短信测试专用",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    "SignatureVersion": "1.0",
    "TemplateCode": "SMS_71390007",
    "TemplateParam": '{"customer":"test"}',
    "Timestamp": "2017-07-12T02:42:19Z",
    "Version": "2017-05-25",
}


def test_the_aliyun_signature_matches_the_documented_example():
    assert rpc_signature("GET", DOCUMENTED_PARAMS, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_the_aliyun_encoding_is_rfc3986():
    assert percent_encode("a b*c~d/e+") == "a%20b%2Ac~d%2Fe%2B"


def test_the_aliyun_request_carries_template_code_params_and_our_message_id():
    params = signed_params(SMS, access_key_id="testId", access_key_secret="testSecret", sign_name="惠企服务平台")

    assert params["TemplateCode"] == "SMS_71390007"
    assert json.loads(params["TemplateParam"]) == {"code": "123456"}
    assert params["OutId"] == SMS.message_id
    unsigned = {key: value for key, value in params.items() if key != "Signature"}
    assert params["Signature"] == rpc_signature("POST", unsigned, "testSecret")


def test_the_aliyun_provider_is_never_called_unconfigured(settings):
    settings.SMS_ALIYUN_ACCESS_KEY_ID = ""
    reset_providers()

    with pytest.raises(PermanentError, match="not configured"):
        get_provider("aliyun").send(SMS)


def test_an_aliyun_rate_limit_is_temporary_and_a_refusal_permanent(settings, monkeypatch):
    settings.SMS_ALIYUN_ACCESS_KEY_ID = "id"
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "secret"
    settings.SMS_ALIYUN_SIGN_NAME = "惠企服务平台"
    reset_providers()
    provider = get_provider("aliyun")
    answers = [
        FakeResponse(200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控"}),
        FakeResponse(200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}),
        FakeResponse(200, {"Code": "OK", "BizId": "900619746936498440^0"}),
    ]
    monkeypatch.setattr(provider.session, "post", lambda *a, **k: answers.pop(0))

    with pytest.raises(TemporaryError):
        provider.send(SMS)
    with pytest.raises(PermanentError):
        provider.send(SMS)
    assert provider.send(SMS) == "900619746936498440^0"
