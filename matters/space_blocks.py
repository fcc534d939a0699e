"""The matters app's block in the enterprise space (enterprises/space.py): 可申报事项."""

from django.utils.translation import gettext_lazy as _

from enterprises.space import space_blocks
from matters.space import space_block

space_blocks.add("matters", space_block, label=_("可申报事项"), order=10, template="matters/space_block.html")
