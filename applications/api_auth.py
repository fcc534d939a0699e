"""How a department's own system proves who it is (部门业务系统接入, 宜昌 §31, 常州 §23): HMAC-SHA256.

Each call carries four headers:

    X-Key-Id      the key's identifier (接入标识), issued by a platform admin for one department
    X-Timestamp   unix seconds when the call was made; refused outside ±`WINDOW_SECONDS` of our clock
    X-Nonce       8–64 characters of A–Z a–z 0–9 _ -, never used twice by one key (a replay is refused)
    X-Signature   hex HMAC-SHA256(secret, method + "\\n" + path + "\\n" + timestamp + "\\n" + nonce + "\\n"
                  + sha256hex(body)), where path is the URL path with "?query" when there is one, exactly
                  as sent, and body is the raw request body (empty for GET)

Every refusal is a 401 with a Chinese `detail` and a warning in the log (logger `applications.api`,
with the key, the reason and the client's address): a refused call writes nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from applications.models import ApiClient, ApiNonce
from portal.audit.network import client_ip

log = logging.getLogger("applications.api")

WINDOW_SECONDS = 300
NONCE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
SCHEME = "HMAC-SHA256"


def new_key_id() -> str:
    return "ak" + secrets.token_hex(12)


def new_secret() -> str:
    """256 random bits, URL-safe base64 (43 characters): the HMAC key is its UTF-8 bytes."""
    return secrets.token_urlsafe(32)


def issue_client(department, *, by=None) -> tuple[ApiClient, str]:
    """A new key for `department`; the secret is returned once, for the admin to hand over."""
    secret = new_secret()
    client = ApiClient(department=department, key_id=new_key_id(), secret=secret)
    client._history_user = by
    client.save()
    return client, secret


def mask(secret: str) -> str:
    return "••••••••" + secret[-4:] if secret else ""


def string_to_sign(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return "\n".join([method.upper(), path, timestamp, nonce, hashlib.sha256(body or b"").hexdigest()])


def sign(secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes = b"") -> str:
    """The X-Signature of a call (what a department's system computes; the tests use it too)."""
    message = string_to_sign(method, path, timestamp, nonce, body)
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def signed_path(request) -> str:
    query = request.META.get("QUERY_STRING", "")
    return request.path + ("?" + query if query else "")


class HmacSignatureAuthentication(authentication.BaseAuthentication):
    """The caller is an `ApiClient` (request.auth); request.user stays anonymous, so no history row or
    permission check ever mistakes a system for a person."""

    def authenticate_header(self, request):
        return f'{SCHEME} realm="api"'

    def authenticate(self, request):
        django_request = request._request
        headers = django_request.headers
        key_id = headers.get("X-Key-Id", "").strip()
        timestamp = headers.get("X-Timestamp", "").strip()
        nonce = headers.get("X-Nonce", "").strip()
        signature = headers.get("X-Signature", "").strip().lower()

        def refuse(reason: str, message: str):
            log.warning(
                "api call refused: %s",
                reason,
                extra={
                    "key_id": key_id[:64],
                    "reason": reason,
                    "method": django_request.method,
                    "path": django_request.path[:200],
                    "ip": client_ip(django_request),
                },
            )
            raise exceptions.AuthenticationFailed(message)

        if not (key_id and timestamp and nonce and signature):
            refuse("missing_headers", _("缺少签名请求头：X-Key-Id、X-Timestamp、X-Nonce、X-Signature。"))
        client = ApiClient.objects.select_related("department").filter(key_id=key_id).first()
        if client is None:
            refuse("unknown_key", _("接入标识不存在。"))
        if not client.active:
            refuse("inactive_key", _("该接入标识已停用，请联系平台管理员。"))
        if not timestamp.isdigit():
            refuse("bad_timestamp", _("X-Timestamp 须为 Unix 时间戳（秒）。"))
        now = timezone.now()
        sent = int(timestamp)
        if abs(now.timestamp() - sent) > WINDOW_SECONDS:
            refuse(
                "stale_timestamp",
                _("请求时间戳与平台时间相差超过%(seconds)d秒，请校准业务系统时钟后重新签名。")
                % {"seconds": WINDOW_SECONDS},
            )
        if not NONCE.match(nonce):
            refuse("bad_nonce", _("X-Nonce 须为8至64位字母、数字、下划线或连字符。"))
        expected = sign(
            client.secret, django_request.method, signed_path(django_request), timestamp, nonce, django_request.body
        )
        if not hmac.compare_digest(expected, signature):
            refuse("bad_signature", _("签名校验失败，请核对签名密钥和待签名字符串。"))
        try:
            with transaction.atomic():
                ApiNonce.objects.create(
                    client=client, nonce=nonce, timestamp=dt.datetime.fromtimestamp(sent, tz=dt.UTC)
                )
        except IntegrityError:
            refuse("replayed_nonce", _("该请求已处理过（X-Nonce 重复），请勿重放请求。"))
        return None, client


class HasApiClient(permissions.BasePermission):
    """Signed by an active department key (see `HmacSignatureAuthentication`)."""

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiClient)


def sweep_nonces(*, now=None) -> int:
    """Forgets nonces whose timestamp is out of the window: a call that old is refused anyway."""
    now = now or timezone.now()
    deleted, _rows = ApiNonce.objects.filter(timestamp__lt=now - dt.timedelta(seconds=WINDOW_SECONDS + 60)).delete()
    return deleted


class HmacSignatureScheme(OpenApiAuthenticationExtension):
    target_class = HmacSignatureAuthentication
    name = "hmacSignature"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Key-Id",
            "description": SIGNATURE_DOC,
        }


SIGNATURE_DOC = """\
每个请求须带以下请求头（HMAC-SHA256 签名）：

* `X-Key-Id`：接入标识（平台管理员为本部门签发）
* `X-Timestamp`：Unix 时间戳（秒），与平台时间相差不得超过 300 秒
* `X-Nonce`：8–64 位随机串（字母、数字、`_`、`-`），同一接入标识不得重复使用
* `X-Signature`：十六进制 HMAC-SHA256(签名密钥, 待签名字符串)

待签名字符串 = `METHOD + "\\n" + PATH + "\\n" + X-Timestamp + "\\n" + X-Nonce + "\\n" + SHA256_HEX(请求体)`。
`METHOD` 为大写请求方法；`PATH` 为请求路径（有查询串时含 `?` 及查询串，与实际发送的一致）；
GET 请求体为空，其 SHA-256 为 `e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855`。

签名错误、接入标识未知或已停用、时间戳超出范围、X-Nonce 重复（重放）均返回 401，并记录日志。
"""
