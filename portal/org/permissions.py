"""Who may do what to which object. INTERFACE STUB — implemented by issue 3's org work.

Ownership of an object by a department is a django-guardian object
permission granted to the department's group.
"""


def grant_to_department(obj, department, perms: list[str] | None = None) -> None:
    """Gives `department`'s group the object permissions on `obj` (default: view/change/delete)."""
    raise NotImplementedError


def can(user, perm: str, obj=None) -> bool:
    """May `user` do `perm` ("app.codename") to `obj`?"""
    raise NotImplementedError


def scope(user, queryset, perm: str = "view"):
    """The part of `queryset` that `user` may `perm` ("view", "change", …)."""
    raise NotImplementedError
