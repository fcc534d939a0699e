"""SMS verification codes: issued through the outbox, checked once, limited per phone."""

import logging
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from portal.accounts import verification
from portal.accounts.models import VerificationCode
from portal.core import crypto
from portal.notify.models import OutboxMessage

from .conftest import CODE, tables_containing

PHONE = "13800138000"
Purpose = VerificationCode.Purpose

pytestmark = pytest.mark.django_db


def age(row: VerificationCode, **delta):
    """Moves a code back in time, as if it had been sent `delta` ago."""
    shift = timedelta(**delta)
    VerificationCode.objects.filter(pk=row.pk).update(
        created_at=row.created_at - shift, expires_at=row.expires_at - shift
    )


def test_issuing_a_code_queues_one_urgent_sms_with_the_code(known_code):
    verification.issue_code(PHONE, Purpose.REGISTER)

    message = OutboxMessage.objects.get()
    assert message.phone == PHONE
    assert message.template.code == "verify_code"
    assert message.params == {"code": CODE, "minutes": "5"}
    assert message.urgent is True
    assert message.dedupe_key.startswith(f"verify:register:{crypto.digest(PHONE)}:")


def test_the_code_table_keeps_a_hash_and_no_phone(known_code):
    row = verification.issue_code("+86 138 0013 8000", Purpose.REGISTER)

    assert row.code_hash != CODE and CODE not in row.code_hash
    assert row.phone_digest == crypto.digest(PHONE)
    assert tables_containing(CODE) == []
    assert tables_containing(PHONE) == []


def test_issuing_and_checking_never_log_the_code(known_code, caplog):
    caplog.set_level(logging.DEBUG)
    verification.issue_code(PHONE, Purpose.REGISTER)
    with pytest.raises(ValidationError):
        verification.check_code(PHONE, Purpose.REGISTER, "000000")
    verification.check_code(PHONE, Purpose.REGISTER, CODE)

    assert CODE not in caplog.text
    assert PHONE not in caplog.text


def test_the_right_code_is_accepted_once(known_code):
    verification.issue_code(PHONE, Purpose.REGISTER)

    row = verification.check_code("138 0013 8000", Purpose.REGISTER, CODE)

    assert row.used_at is not None
    with pytest.raises(ValidationError, match="验证码错误"):
        verification.check_code(PHONE, Purpose.REGISTER, CODE)


def test_a_code_is_only_good_for_its_purpose(known_code):
    verification.issue_code(PHONE, Purpose.REGISTER)

    with pytest.raises(ValidationError, match="验证码错误"):
        verification.check_code(PHONE, Purpose.RESET, CODE)


def test_a_wrong_code_is_refused_and_counted(known_code):
    row = verification.issue_code(PHONE, Purpose.REGISTER)

    with pytest.raises(ValidationError, match="验证码错误"):
        verification.check_code(PHONE, Purpose.REGISTER, "123456")

    row.refresh_from_db()
    assert row.attempts == 1
    assert row.used_at is None


def test_an_expired_code_is_refused(known_code):
    row = verification.issue_code(PHONE, Purpose.REGISTER)
    age(row, minutes=5, seconds=1)

    with pytest.raises(ValidationError, match="验证码已过期"):
        verification.check_code(PHONE, Purpose.REGISTER, CODE)


def test_after_five_wrong_tries_even_the_right_code_is_refused(known_code):
    verification.issue_code(PHONE, Purpose.REGISTER)
    for _ in range(4):
        with pytest.raises(ValidationError, match="验证码错误"):
            verification.check_code(PHONE, Purpose.REGISTER, "111111")
    with pytest.raises(ValidationError, match="尝试次数过多"):
        verification.check_code(PHONE, Purpose.REGISTER, "111111")

    with pytest.raises(ValidationError, match="尝试次数过多"):
        verification.check_code(PHONE, Purpose.REGISTER, CODE)


def test_a_second_code_within_sixty_seconds_is_refused(known_code):
    verification.issue_code(PHONE, Purpose.REGISTER)

    with pytest.raises(ValidationError, match="发送过于频繁"):
        verification.issue_code(PHONE, Purpose.RESET)

    assert OutboxMessage.objects.count() == 1
    assert VerificationCode.objects.count() == 1


def test_a_new_code_replaces_the_previous_one(known_code, monkeypatch):
    first = verification.issue_code(PHONE, Purpose.REGISTER)
    age(first, seconds=61)
    monkeypatch.setattr(verification, "generate_code", lambda: "135790")
    verification.issue_code(PHONE, Purpose.REGISTER)

    with pytest.raises(ValidationError, match="验证码错误"):
        verification.check_code(PHONE, Purpose.REGISTER, CODE)
    verification.check_code(PHONE, Purpose.REGISTER, "135790")


@override_settings(VERIFICATION_CODES_PER_PHONE_PER_DAY=3)
def test_the_daily_number_of_codes_per_phone_is_capped(known_code):
    for _ in range(3):
        row = verification.issue_code(PHONE, Purpose.REGISTER)
        age(row, seconds=61)

    with pytest.raises(ValidationError, match="今日获取验证码次数已达上限"):
        verification.issue_code(PHONE, Purpose.REGISTER)

    assert OutboxMessage.objects.count() == 3
    assert VerificationCode.objects.filter(created_at__gte=timezone.now() - timedelta(hours=1)).count() == 3


@pytest.mark.parametrize("phone", ["1380013800", "23800138000", "12800138000", "1380013800a", "", "+1 415 555 0100"])
def test_a_malformed_phone_gets_a_chinese_message_and_nothing_is_written(sms_template, phone):
    with pytest.raises(ValidationError, match="请输入正确的11位中国大陆手机号码"):
        verification.issue_code(phone, Purpose.REGISTER)

    assert not VerificationCode.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_for_one_phone_send_one_code():
    import threading

    from django.db import connection

    verification.ensure_sms_templates()
    barrier = threading.Barrier(2)
    outcomes = []

    def request():
        try:
            barrier.wait()
            verification.issue_code(PHONE, Purpose.REGISTER)
            outcomes.append("sent")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "sent"]
    assert VerificationCode.objects.count() == 1
