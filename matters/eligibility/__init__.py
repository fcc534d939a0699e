"""The eligibility engine (申报条件): one set of criteria rows, two compilers.

* `evaluate(rule_set, enterprise, *, on)` → `Evaluation` (Python, explained per criterion);
* `eligible_enterprises(rule_set, *, on)` → QuerySet (SQL, one set-based query);
* `status_annotation(rule_set, *, on)` → QuerySet annotated with `eligibility_status`;
* `near_misses(rule_set, *, on)` → QuerySet of enterprises failing exactly one criterion, with the gap.

Facts come from the kernel registry `portal.core.facts.facts`. Names are
resolved lazily because `matters.models` imports the operator table from here.
"""

_EXPORTS = {
    "evaluate": "matters.eligibility.evaluator",
    "evaluate_many": "matters.eligibility.evaluator",
    "Evaluation": "matters.eligibility.evaluator",
    "CriterionResult": "matters.eligibility.evaluator",
    "eligible_enterprises": "matters.eligibility.compiler",
    "status_annotation": "matters.eligibility.compiler",
    "near_misses": "matters.eligibility.compiler",
    "lint_criterion": "matters.eligibility.lint",
}

__all__ = list(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
