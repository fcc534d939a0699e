"""Alibaba Cloud SMS (阿里云短信服务, dysmsapi) through its RPC API, SendSms.

Requests are signed with the RPC signature (version 1.0, HMAC-SHA1), see
https://www.alibabacloud.com/help/en/sms/signature-method . The template text
lives at Alibaba Cloud: our template's `provider_template_code` names it and
our parameters are passed as TemplateParam. SendSms has no idempotency key —
our message id goes in OutId, which only lets the delivery receipts be
matched; a retry after a lost answer may therefore deliver twice.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import uuid
from urllib.parse import quote

import requests
from django.conf import settings

from . import OutgoingSms, PermanentError, Provider, TemporaryError, register

ENDPOINT = "https://dysmsapi.aliyuncs.com/"
API_VERSION = "2017-05-25"
# Error codes that go away by themselves (rate limits, the service's own trouble).
TEMPORARY_CODES = {"isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "Throttling", "isp.SYSTEM_ERROR"}


def percent_encode(value) -> str:
    """RFC 3986 encoding as Alibaba Cloud requires: space → %20, * → %2A, ~ kept."""
    return quote(str(value), safe="~")


def rpc_signature(method: str, params: dict, access_key_secret: str) -> str:
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(params[k])}" for k in sorted(params))
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    mac = hmac.new((access_key_secret + "&").encode(), string_to_sign.encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


def signed_params(sms: OutgoingSms, *, access_key_id: str, access_key_secret: str, sign_name: str, method="POST"):
    params = {
        "AccessKeyId": access_key_id,
        "Action": "SendSms",
        "Format": "JSON",
        "RegionId": "cn-hangzhou",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": str(uuid.uuid4()),
        "SignatureVersion": "1.0",
        "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": API_VERSION,
        "PhoneNumbers": sms.phone,
        "SignName": sign_name,
        "TemplateCode": sms.provider_template_code,
        "TemplateParam": json.dumps(sms.params, ensure_ascii=False, separators=(",", ":")),
        "OutId": sms.message_id,
    }
    params["Signature"] = rpc_signature(method, params, access_key_secret)
    return params


@register("aliyun", label="阿里云短信")
class AliyunProvider(Provider):
    def __init__(self):
        self.access_key_id = settings.SMS_ALIYUN_ACCESS_KEY_ID
        self.access_key_secret = settings.SMS_ALIYUN_ACCESS_KEY_SECRET
        self.sign_name = settings.SMS_ALIYUN_SIGN_NAME
        self.timeout = settings.SMS_HTTP_TIMEOUT
        self.session = requests.Session()

    def send(self, sms: OutgoingSms) -> str:
        if not (self.access_key_id and self.access_key_secret and self.sign_name):
            raise PermanentError("Alibaba Cloud SMS is not configured (access key, secret and sign name)")
        if not sms.provider_template_code:
            raise PermanentError(f"template {sms.template_code} has no Alibaba Cloud template code")
        params = signed_params(
            sms, access_key_id=self.access_key_id, access_key_secret=self.access_key_secret, sign_name=self.sign_name
        )
        try:
            response = self.session.post(ENDPOINT, data=params, timeout=self.timeout)
        except requests.RequestException as exc:
            raise TemporaryError(f"dysmsapi unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 500:
            raise TemporaryError(f"dysmsapi HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError as exc:
            raise TemporaryError(f"dysmsapi HTTP {response.status_code} without JSON") from exc
        code = answer.get("Code")
        if code == "OK":
            return str(answer.get("BizId", ""))
        error = f"dysmsapi {code}: {answer.get('Message', '')}"
        if code in TEMPORARY_CODES:
            raise TemporaryError(error)
        raise PermanentError(error)
