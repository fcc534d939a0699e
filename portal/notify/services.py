"""Writing SMS (短信) and site messages (站内信). INTERFACE STUB — implemented by issue 3's notify work.

Both functions only write rows in the caller's transaction; nothing is sent
from a web request.
"""


def queue_sms(phone: str, template_code: str, params: dict, *, dedupe_key: str, urgent: bool = False):
    """Queues one SMS in the outbox; returns the OutboxMessage (status suppressed for a duplicate dedupe key)."""
    raise NotImplementedError


def send_site_message(user, title: str, body: str, *, link: str = "", dedupe_key: str | None = None):
    """Writes one site message to `user`'s inbox; returns the SiteMessage."""
    raise NotImplementedError
