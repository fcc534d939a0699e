"""What the generated state × transition × role tests of every workflow share (tests/*/test_*workflow_matrix.py).

Each test module writes its own expectations by hand (`WHO`: the roles that may perform each transition,
`FROM`: the states it leaves); these helpers perform and compare, the same way for every workflow.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from portal.core.workflow import TransitionNotAllowed, available, perform

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def outcome(obj, name: str, user, reason: str, **options) -> str:
    """ "allowed", or "refused" with a Chinese message; the attempt is rolled back either way."""
    with transaction.atomic():
        try:
            perform(obj, name, by=user, reason=reason, **options)
        except (TransitionNotAllowed, PermissionDenied, ValidationError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            assert all(CHINESE.search(m) for m in messages), messages
            return "refused"
        else:
            return "allowed"
        finally:
            transaction.set_rollback(True)


def expected_outcomes(state, name: str, roles, who: dict, sources: dict) -> dict[str, str]:
    """Each role's expected outcome of `name` from `state`."""
    return {role: "allowed" if state in sources[name] and role in who[name] else "refused" for role in roles}


def assert_offered_exactly(obj, state, people: dict, roles, who: dict, sources: dict) -> None:
    """Each role is offered (`available`) exactly the transitions it may perform from `state`."""
    for role in roles:
        offered = {t.name for t in available(obj, people[role])}
        assert offered == {n for n in who if state in sources[n] and role in who[n]}, role
