"""The client's address, trusting `X-Forwarded-For` only from the reverse proxies we run."""

import ipaddress

from django.conf import settings


def _networks():
    return [ipaddress.ip_network(entry, strict=False) for entry in getattr(settings, "TRUSTED_PROXIES", [])]


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address of the client that sent `request`.

    `REMOTE_ADDR` is the truth unless it is one of `TRUSTED_PROXIES` (addresses
    or networks; none by default). Then `X-Forwarded-For` is read from the
    right, skipping our own proxies; the first address that is not one of them
    is the client. Anything left of it could have been written by the client.
    """
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    trusted = _networks()

    def is_trusted(address) -> bool:
        return any(address in network for network in trusted)

    if remote is None or not is_trusted(remote):
        return str(remote) if remote else None
    hops = [_parse(hop) for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop is None:
            break
        if not is_trusted(hop):
            return str(hop)
    else:
        if hops:
            return str(hops[0])
    return str(remote)
