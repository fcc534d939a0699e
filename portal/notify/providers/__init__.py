"""SMS providers (短信服务商), a registry of plug-ins in the open-forms style.

Each provider is one module in this package that registers a class in the
kernel's registry type (`providers`, a `portal.core.registry.Registry`):

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

from portal.core.registry import Registry

from ..errors import DeliveryError, PermanentError, TemporaryError

__all__ = ["OutgoingSms", "PermanentError", "Provider", "TemporaryError", "get_provider", "providers", "register"]


# The errors are the outbox's, shared by every channel; kept importable from here for the providers.
ProviderError = DeliveryError


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


providers: Registry[type[Provider]] = Registry("sms_providers", label="短信服务商")
_instances: dict[str, Provider] = {}


def register(name: str, *, label: str = ""):
    """Class decorator: registers an SMS provider under `name` (unique; a second one raises ImproperlyConfigured)."""

    def decorator(cls: type[Provider]) -> type[Provider]:
        providers.add(name, cls, label=label or name)
        cls.name = name
        return cls

    return decorator


def get_provider(name: str | None = None) -> Provider:
    """The provider `name` (default `settings.SMS_PROVIDER`), one instance per process (it may hold a pool)."""
    name = name or settings.SMS_PROVIDER
    if name not in _instances:
        _instances[name] = providers.get(name)()
    return _instances[name]


def reset() -> None:
    """Forgets the instances, so settings changed since (in tests) take effect."""
    _instances.clear()


# The built-in providers register themselves on import.
for _module in ("console", "http_gateway", "aliyun"):
    import_module(f"{__name__}.{_module}")
