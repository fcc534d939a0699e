"""Verification codes are never readable at rest or in the logs: the outbox encrypts its text and parameters."""

import logging

import pytest
from django.core.exceptions import FieldError
from django.db import connection

from portal.accounts import verification
from portal.notify.models import OutboxMessage
from portal.notify.providers import PermanentError, Provider, TemporaryError
from portal.notify.services import queue_sms
from portal.notify.tasks import dispatch_due

pytestmark = pytest.mark.django_db

CODE = "483920"
PHONE = "13812345678"


@pytest.fixture
def issued_code(monkeypatch, clock):
    """Issues a verification code the way registration does; every code issued is CODE."""
    verification.ensure_sms_templates()
    monkeypatch.setattr(verification, "generate_code", lambda: CODE)

    def issue():
        verification.issue_code(PHONE, verification.Purpose.REGISTER)
        return OutboxMessage.objects.get()

    return issue


def raw_row(message: OutboxMessage) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM notify_outboxmessage WHERE id = %s", [message.pk])
        names = [column.name for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def test_no_column_of_the_stored_row_contains_the_code(issued_code):
    message = issued_code()

    row = raw_row(message)

    assert message.params["code"] == CODE
    assert [name for name, value in row.items() if CODE in str(value)] == []
    assert PHONE not in str(row)


def test_the_text_and_params_read_back_in_clear(issued_code):
    message = issued_code()

    again = OutboxMessage.objects.get(pk=message.pk)

    assert again.params == {"code": CODE, "minutes": "5"}
    assert again.text.startswith(f"您的验证码为{CODE}，5分钟内有效。")


def test_issuing_and_sending_a_code_logs_it_nowhere_even_at_debug_with_sql_logging(issued_code, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True
    try:
        message = issued_code()
        assert dispatch_due() == 1
    finally:
        connection.force_debug_cursor = False

    logged = caplog.text + "".join(repr(vars(record)) for record in caplog.records)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    # the SQL, with its parameters, was logged: the code would show there if it were stored in clear
    assert 'INSERT INTO "notify_outboxmessage"' in logged
    assert CODE not in logged
    assert PHONE not in logged


def test_the_provider_still_receives_the_code(issued_code, monkeypatch):
    from portal.notify.providers.console import ConsoleProvider

    sent = []
    monkeypatch.setattr(ConsoleProvider, "send", lambda self, sms: sent.append(sms) or "console-1")
    issued_code()

    dispatch_due()

    assert sent[0].params == {"code": CODE, "minutes": "5"}
    assert CODE in sent[0].text


def test_the_encrypted_params_cannot_be_filtered_on(clock, code_template):
    queue_sms(PHONE, "login-code", {"code": CODE}, dedupe_key="k")

    with pytest.raises(FieldError):
        OutboxMessage.objects.filter(params__code=CODE).exists()


@pytest.mark.parametrize("raised", [PermanentError, TemporaryError, RuntimeError])
def test_a_provider_error_echoing_the_code_and_phone_is_recorded_and_logged_without_them(
    issued_code, monkeypatch, caplog, raised
):
    def echoing_gateway():
        class Echo(Provider):
            name = "echo"

            def send(self, sms):
                raise raised(f"refused {sms.phone}: {sms.text} {sms.params}")

        return Echo()

    monkeypatch.setattr("portal.notify.providers.get_provider", echoing_gateway)
    caplog.set_level(logging.DEBUG)
    message = issued_code()

    dispatch_due()

    message.refresh_from_db()
    logged = caplog.text + "".join(repr(vars(record)) for record in caplog.records)
    assert "refused ***: 您的验证码为***，5分钟内有效。" in message.last_error
    assert CODE not in message.last_error and PHONE not in message.last_error
    assert CODE not in logged and PHONE not in logged
