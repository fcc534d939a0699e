"""How a delivery attempt fails: worth retrying, or not."""


class DeliveryError(Exception):
    """A channel could not deliver a message."""


class TemporaryError(DeliveryError):
    """Worth retrying: timeouts, connection errors, 5xx, rate limits, a receiver that did not acknowledge."""


class PermanentError(DeliveryError):
    """Retrying cannot help: refused number, wrong credentials, unknown template."""
