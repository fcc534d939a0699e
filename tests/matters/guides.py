"""Public matters for the page tests: built with the matter factories, published through the workflow."""

from django.core.files.base import ContentFile

from matters.models import Matter
from matters.services import assign_matter_ownership
from portal.core.workflow import perform
from portal.org.roles import Role
from tests.factories.matters import CriterionFactory, MaterialFactory, complete_matter
from tests.factories.policies import member

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n163\n%%EOF\n"
)


def with_template(material, *, sample: bool = True):
    """Gives `material` a blank template (and a sample) PDF, as the back office stores them."""
    material.template.save("blank.pdf", ContentFile(PDF_BYTES), save=False)
    if sample:
        material.sample.save("sample.pdf", ContentFile(PDF_BYTES), save=False)
    material.save()
    return material


def published_matter(*, criteria: list[dict] = (), publish: bool = True, **fields) -> Matter:
    """A complete matter with extra `criteria` rows (fields of Criterion), submitted by an editor of its
    department and published (上架) by an approver, through `perform`. `publish=False` leaves it a draft."""
    matter = complete_matter(**fields)
    rule_set = matter.rule_sets.get()
    for row in criteria:
        CriterionFactory(rule_set=rule_set, **row)
    if publish:
        assign_matter_ownership(matter, matter.department)
        perform(matter, "submit", by=member(matter.department, Role.EDITOR))
        perform(matter, "publish", by=member(matter.department, Role.APPROVER))
        matter.refresh_from_db()
    return matter


def industry(*codes, group: str = "") -> dict:
    return {
        "fact": "industry",
        "operator": "prefix_in",
        "value": list(codes),
        "group": group,
        "message": "所属行业为" + "、".join(codes),
        "legal_reference": "宜政发〔2024〕5号 第三条",
    }


def size(*codes) -> dict:
    return {
        "fact": "size",
        "operator": "in",
        "value": list(codes),
        "message": "企业规模为" + "、".join(codes),
        "legal_reference": "宜政发〔2024〕5号 第四条",
    }


def manual(message: str) -> dict:
    return {"fact": "", "operator": "", "value": None, "manual": True, "message": message, "legal_reference": "第五条"}


__all__ = ["MaterialFactory", "industry", "manual", "published_matter", "size", "with_template"]
