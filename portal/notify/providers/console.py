"""The development provider: writes a line to the log instead of sending."""

import logging
import uuid

from portal.core.crypto import mask_phone

from . import OutgoingSms, Provider, register

log = logging.getLogger("portal.notify.sms")


@register("console", label="控制台（不发送）")
class ConsoleProvider(Provider):
    """Logs the masked phone and the template, never the text (it may carry a verification code)."""

    def send(self, sms: OutgoingSms) -> str:
        provider_id = "console-" + uuid.uuid4().hex
        log.info(
            "sms (console, not sent)",
            extra={
                "phone": mask_phone(sms.phone),
                "template": sms.template_code,
                "message_id": sms.message_id,
                "length": len(sms.text),
            },
        )
        return provider_id
