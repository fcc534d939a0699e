"""The home page (首页): the kernel's search box and entry cards, then the blocks the domains register.

    home_blocks = Registry("home_blocks", label="首页栏目")

    # policies/home_blocks.py, found by autodiscovery
    @home_blocks.register("latest_policies", label="最新政策", order=20, template="policies/home/latest.html")
    def latest_policies() -> list[dict]: ...

A block is a function returning its data and a template partial rendered
with `block` (that data). Blocks are shown by `order`; a block registered
`wide=True` takes the whole width, the others share rows of two. The data of
all blocks is computed together and cached under HOME_CACHE_KEY for
HOME_CACHE_SECONDS, so it must pickle; a domain deletes the key when what its
blocks show changes (policies do on every publish, expiry, repeal and
offline). A block that fails is logged and shown empty: one broken domain
never takes the home page down.
"""

import logging

from django.core import checks
from django.core.cache import cache
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from .registry import Registry

log = logging.getLogger(__name__)

HOME_CACHE_KEY = "home:v1"
HOME_CACHE_SECONDS = 600

home_blocks: Registry = Registry("home_blocks", label="首页栏目")


def home_data() -> dict:
    """Each registered block's data by key; cached until a domain deletes HOME_CACHE_KEY."""
    data = cache.get(HOME_CACHE_KEY)
    if isinstance(data, dict) and set(home_blocks.keys()) <= data.keys():
        return data
    data, failed = {}, False
    for entry in home_blocks.entries():
        try:
            data[entry.key] = entry.obj()
        except Exception:
            log.exception("home block failed", extra={"block": entry.key})
            data[entry.key], failed = None, True
    if not failed:
        cache.set(HOME_CACHE_KEY, data, timeout=HOME_CACHE_SECONDS)
    return data


def home_rows() -> list[dict]:
    """The blocks in order, laid out in rows: a wide block alone, narrow ones two by two.

    Each block is {"key", "label", "template", "data"}; each row {"wide", "blocks"}.
    """
    data = home_data()
    rows: list[dict] = []
    for entry in home_blocks.entries():
        wide = bool(entry.options.get("wide"))
        block = {"key": entry.key, "label": entry.label, "template": entry.options["template"], "data": data[entry.key]}
        if wide or not rows or rows[-1]["wide"] or len(rows[-1]["blocks"]) == 2:
            rows.append({"wide": wide, "blocks": [block]})
        else:
            rows[-1]["blocks"].append(block)
    return rows


def check_home_blocks(app_configs=None, **kwargs) -> list:
    """System check: every home block names a template that exists."""
    errors = []
    for entry in home_blocks.entries():
        template = entry.options.get("template")
        try:
            if not template:
                raise TemplateDoesNotExist("")
            get_template(template)
        except TemplateDoesNotExist:
            errors.append(
                checks.Error(
                    f"home block {entry.key!r} has no template (or {template!r} does not exist)", id="core.E101"
                )
            )
    return errors
