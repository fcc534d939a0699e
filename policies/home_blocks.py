"""What policies show on the home page (首页栏目), registered in the kernel's `home_blocks`.

Found by `portal.core.registry.autodiscover("home_blocks")`; the data is cached
by the kernel under `portal.core.home.HOME_CACHE_KEY`, which `policies.services`
deletes whenever what the public sees changes.
"""

from policies import selectors
from portal.core.home import home_blocks


@home_blocks.register("policy_figures", label="平台数据", order=10, template="policies/home/figures.html", wide=True)
def figures() -> list[dict]:
    return selectors.headline_figures()


@home_blocks.register("latest_policies", label="最新政策", order=20, template="policies/home/latest.html")
def latest() -> list[dict]:
    return selectors.latest_policies()


@home_blocks.register("policy_browse", label="分类浏览", order=30, template="policies/home/browse.html")
def browse() -> dict:
    return {"categories": selectors.category_counts(), "levels": selectors.level_counts()}
