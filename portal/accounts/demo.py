"""Demo data for accounts: the SMS template verification codes are sent with."""

from .verification import ensure_sms_templates


def load():
    ensure_sms_templates()
