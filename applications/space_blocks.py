"""The applications app's block in the enterprise space (enterprises/space.py): 我的申报."""

from django.utils.translation import gettext_lazy as _

from applications import selectors
from enterprises.space import space_blocks

BLOCK_SIZE = 10


def my_applications(enterprise, user) -> dict:
    rows = list(selectors.applications_of(enterprise)[: BLOCK_SIZE + 1])
    return {
        "enterprise": enterprise,
        "rows": [{"application": a, "next_action": selectors.next_action(a)} for a in rows[:BLOCK_SIZE]],
        "more": len(rows) > BLOCK_SIZE,
    }


space_blocks.add(
    "applications", my_applications, label=_("我的申报"), order=5, template="applications/space_block.html"
)
