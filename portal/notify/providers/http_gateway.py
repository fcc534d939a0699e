"""A generic government SMS gateway (政务短信平台) reached over HTTP.

The protocol, which the local stub (`portal.notify.gateway_stub`) implements:

    POST {SMS_HTTP_URL}
    Content-Type: application/json; charset=utf-8
    X-Sms-App-Id: {SMS_HTTP_APP_ID}
    Idempotency-Key: {our message id}
    X-Sms-Signature: hex(HMAC-SHA256(SMS_HTTP_SECRET, raw body))

    {"app_id": …, "timestamp": unix seconds, "nonce": random hex,
     "message_id": …, "phone": …, "content": …, "template": …, "params": {…}}

A 2xx answer with {"success": true, "message_id": "<gateway id>"} is success.
The gateway must answer a repeated Idempotency-Key with the first answer
instead of sending again: that is what makes a retry after a lost answer safe.
"""

import hashlib
import hmac
import json
import secrets
import time

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import OutgoingSms, PermanentError, Provider, TemporaryError, register

SIGNATURE_HEADER = "X-Sms-Signature"
APP_ID_HEADER = "X-Sms-App-Id"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def sign_body(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign_body(secret, body), signature or "")


def build_request(sms: OutgoingSms, *, app_id: str, secret: str, timestamp: int | None = None, nonce: str = ""):
    """The body and headers of one gateway request (separate from sending, so it can be tested)."""
    payload = {
        "app_id": app_id,
        "timestamp": int(time.time()) if timestamp is None else timestamp,
        "nonce": nonce or secrets.token_hex(16),
        "message_id": sms.message_id,
        "phone": sms.phone,
        "content": sms.text,
        "template": sms.template_code,
        "params": sms.params,
    }
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        APP_ID_HEADER: app_id,
        IDEMPOTENCY_HEADER: sms.message_id,
        SIGNATURE_HEADER: sign_body(secret, body),
    }
    return body, headers


@register("http", label="政务短信平台")
class HttpGatewayProvider(Provider):
    def __init__(self):
        if not settings.SMS_HTTP_URL:
            raise ImproperlyConfigured("SMS_PROVIDER is 'http' but SMS_HTTP_URL is not set")
        self.url = settings.SMS_HTTP_URL
        self.app_id = settings.SMS_HTTP_APP_ID
        self.secret = settings.SMS_HTTP_SECRET
        self.timeout = settings.SMS_HTTP_TIMEOUT
        self.session = requests.Session()

    def send(self, sms: OutgoingSms) -> str:
        body, headers = build_request(sms, app_id=self.app_id, secret=self.secret)
        try:
            response = self.session.post(self.url, data=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise TemporaryError(f"gateway unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 500 or response.status_code in (408, 429):
            raise TemporaryError(f"gateway HTTP {response.status_code}")
        if not 200 <= response.status_code < 300:
            raise PermanentError(f"gateway refused: HTTP {response.status_code} {response.text[:200]}")
        try:
            answer = response.json()
        except ValueError as exc:
            # The gateway may have taken the message; the idempotency key makes the retry safe.
            raise TemporaryError("gateway answered without JSON") from exc
        if not isinstance(answer, dict) or answer.get("success") is not True:
            raise PermanentError(f"gateway did not accept the message: {str(answer)[:200]}")
        return str(answer.get("message_id") or "")
