"""The home page is made of blocks the domains register in the kernel (首页栏目); the kernel imports no domain."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from portal.core.home import HOME_CACHE_KEY, check_home_blocks, home_blocks, home_rows
from tests.factories.search import public_policy

DOMAINS = {"policies", "matters", "enterprises", "applications", "payouts", "appeals"}
KERNEL = Path(settings.BASE_DIR) / "portal" / "core"


def _imported_top_levels(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(KERNEL.rglob("*.py")), ids=lambda p: str(p.relative_to(KERNEL)))
def test_the_kernel_imports_no_domain(path):
    assert not (_imported_top_levels(path) & DOMAINS)


def test_policies_register_figures_latest_and_browse_in_that_order():
    keys = home_blocks.keys()

    assert [key for key in keys if key in {"policy_figures", "latest_policies", "policy_browse"}] == [
        "policy_figures",
        "latest_policies",
        "policy_browse",
    ]


def test_every_block_names_a_template_that_exists():
    assert check_home_blocks() == []


@pytest.fixture
def extra_block():
    def add(key, fn, **options):
        home_blocks.add(key, fn, **options)
        added.append(key)

    added = []
    cache.delete(HOME_CACHE_KEY)
    yield add
    for key in added:
        home_blocks.unregister(key)
    cache.delete(HOME_CACHE_KEY)


@pytest.mark.django_db
def test_a_registered_block_is_rendered_in_its_order(client, extra_block):
    figure = [{"label": "测试栏目数字", "value": 7, "unit": "个"}]
    extra_block(
        "test_block", lambda: figure, label="测试栏目", order=25, template="policies/home/figures.html", wide=True
    )

    page = client.get("/").content.decode()

    assert page.index("最新政策") < page.index("测试栏目数字") < page.index("分类浏览")


@pytest.mark.django_db
def test_narrow_blocks_share_rows_of_two_and_a_wide_block_stands_alone(extra_block):
    extra_block("wide_test", lambda: [], order=15, template="policies/home/figures.html", wide=True)

    layout = [(row["wide"], [block["key"] for block in row["blocks"]]) for row in home_rows()]

    assert layout[:3] == [
        (True, ["policy_figures"]),
        (True, ["wide_test"]),
        (False, ["latest_policies", "policy_browse"]),
    ]


@pytest.mark.django_db
def test_a_failing_block_is_shown_empty_and_the_page_still_renders(client, extra_block, caplog):
    def broken():
        raise RuntimeError("domain down")

    public_policy(title="稳岗返还实施细则")
    extra_block("broken", broken, order=5, template="policies/home/figures.html", wide=True)

    response = client.get("/")

    assert response.status_code == 200
    assert "稳岗返还实施细则" in response.content.decode()
    assert "home block failed" in caplog.text
    assert cache.get(HOME_CACHE_KEY) is None
