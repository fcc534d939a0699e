"""企业空间栏目: what other domains show on an enterprise's space page (企业空间), registered here.

The enterprise archive does not import the domains built on it; each of them
adds its block from its own `space_blocks.py`, found when this app is ready:

    # matters/space_blocks.py
    space_blocks.add("matters", matter_block, label=_("可申报事项"), order=10, template="matters/space_block.html")

A block is a function `(enterprise, user) -> dict | None`: its data, rendered
with its template as `block`; None shows nothing. Blocks are shown by `order`.
A block that fails is logged and left out: one broken domain never takes the
enterprise space down.
"""

import logging

from portal.core.registry import Registry

log = logging.getLogger(__name__)

space_blocks: Registry = Registry("enterprise_space_blocks", label="企业空间栏目")


def space_rows(enterprise, user) -> list[dict]:
    """The blocks for `enterprise` as seen by `user`: [{"key", "label", "template", "data"}] in order."""
    shown = []
    for entry in space_blocks.entries():
        try:
            data = entry.obj(enterprise, user)
        except Exception:
            log.exception("enterprise space block failed", extra={"block": entry.key})
            continue
        if data is not None:
            shown.append({"key": entry.key, "label": entry.label, "template": entry.options["template"], "data": data})
    return shown
