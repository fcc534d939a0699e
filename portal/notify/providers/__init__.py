"""SMS providers (短信服务商), a registry of plug-ins in the open-forms style.

Each provider is one module in this package that registers a class:

    @register("console")
    class ConsoleProvider(Provider): ...

`settings.SMS_PROVIDER` names the one the dispatcher uses. A provider sends
one message and returns the provider's message id, or raises
`TemporaryError` (the dispatcher retries later) or `PermanentError` (the
message is marked failed).
"""

from dataclasses import dataclass
from importlib import import_module

from django.conf import settings


class ProviderError(Exception):
    """A provider could not send a message."""


class TemporaryError(ProviderError):
    """Worth retrying: timeouts, connection errors, 5xx, rate limits."""


class PermanentError(ProviderError):
    """Retrying cannot help: refused number, wrong credentials, unknown template."""


@dataclass(frozen=True)
class OutgoingSms:
    """What a provider needs to send one message.

    `message_id` is our id for the message; providers pass it on as the
    idempotency key so that a retried send is not delivered twice.
    """

    message_id: str
    phone: str
    text: str
    template_code: str
    provider_template_code: str
    params: dict


class Provider:
    name = ""

    def send(self, sms: OutgoingSms) -> str:
        raise NotImplementedError


class Registry:
    def __init__(self):
        self._classes: dict[str, type[Provider]] = {}
        self._instances: dict[str, Provider] = {}

    def __call__(self, name: str):
        def decorator(cls: type[Provider]) -> type[Provider]:
            if name in self._classes:
                raise ValueError(f"SMS provider {name!r} is already registered")
            cls.name = name
            self._classes[name] = cls
            return cls

        return decorator

    def __contains__(self, name: str) -> bool:
        return name in self._classes

    def names(self) -> list[str]:
        return sorted(self._classes)

    def get(self, name: str) -> Provider:
        """One instance per process (it may hold a connection pool)."""
        if name not in self._classes:
            raise LookupError(f"unknown SMS provider {name!r}; registered: {', '.join(self.names())}")
        if name not in self._instances:
            self._instances[name] = self._classes[name]()
        return self._instances[name]

    def reset(self) -> None:
        """Forgets the instances, so settings changed since (in tests) take effect."""
        self._instances.clear()


register = Registry()


def get_provider(name: str | None = None) -> Provider:
    return register.get(name or settings.SMS_PROVIDER)


# The built-in providers register themselves on import.
for _module in ("console", "http_gateway", "aliyun"):
    import_module(f"{__name__}.{_module}")
