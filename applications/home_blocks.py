"""What applications show on the home page (首页栏目): the approved cases now in publicity (结果公示)."""

from applications import publicity
from portal.core.home import home_blocks


@home_blocks.register("publicity", label="结果公示", order=40, template="applications/publicity/home_block.html")
def latest_publicity() -> list[dict]:
    return publicity.latest()
