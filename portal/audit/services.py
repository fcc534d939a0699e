"""Audit of staff access to personal or financial data. INTERFACE STUB — implemented by issue 3."""


def log_sensitive_access(request, obj, fields: list[str], purpose: str = "") -> None:
    """Records that request.user viewed `fields` of `obj` (who, what, when, from which IP)."""
    raise NotImplementedError
