"""Golden cases (tests/matters/golden/*.yaml) run through both compilers, which must say the same thing.

Each file holds an evaluation date, the criteria and cases: an enterprise's
facts, the expected status and, where given, the explanation of each
criterion and the near-miss gap.
"""

from pathlib import Path

import pytest
import yaml

from enterprises.models import Enterprise
from matters.eligibility import eligible_enterprises, evaluate, near_misses, status_annotation
from matters.eligibility.compiler import STATUS_FIELD
from matters.eligibility.text import gap_text
from portal.core.facts import facts
from tests.matters import build

GOLDEN = Path(__file__).parent / "golden"


def _cases():
    for path in sorted(GOLDEN.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            yield pytest.param(document, case, id=f"{path.stem}: {case['name']}")


@pytest.mark.django_db
@pytest.mark.parametrize(("document", "case"), list(_cases()))
def test_golden_case_agrees_across_both_compilers(document, case):
    on = document["evaluated_on"]
    rules = build.rule_set(document["criteria"])
    company = Enterprise.objects.get(pk=build.enterprise(case["enterprise"]).pk)

    evaluation = evaluate(rules, company, on=on)
    sql_status = status_annotation(rules, on=on).values_list(STATUS_FIELD, flat=True).get(pk=company.pk)
    in_batch = eligible_enterprises(rules, on=on).filter(pk=company.pk).exists()
    near = near_misses(rules, on=on).filter(pk=company.pk).values("near_miss_criterion", "near_miss_gap").first()

    assert (evaluation.status, sql_status, in_batch) == (case["status"], case["status"], case["status"] == "eligible")
    if "messages" in case:
        assert [r.message for r in evaluation.criteria] == case["messages"]
    assert (near is None) == (evaluation.near_miss is None)
    if near is not None:
        missed = rules.criteria.get(pk=near["near_miss_criterion"])
        sql_text = gap_text(missed, facts.get(missed.fact) if missed.fact else None, near["near_miss_gap"])
        assert sql_text == evaluation.near_miss.gap_text
    assert (evaluation.near_miss.gap_text if evaluation.near_miss else None) == case.get("near_miss")
