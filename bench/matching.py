"""Benchmark of the eligibility engine: set-based matching against its floor, Python, and the self-test.

    DATABASE_URL=postgres://…/portal_x .venv/bin/python -m bench.matching --n 1000000

When the database holds fewer than `--n` enterprises, the generator
(`manage.py generate_enterprises`, about 165 s per million) adds the rest and
they stay, as for `bench.enterprise_archive`; the rule sets the benchmark
creates live in a transaction that is rolled back. It prints, in one run:

* batch — `eligible_enterprises(rule_set).count()` of a 6-criterion rule set, one query;
* floor — a plain `SELECT count(*)` over the same enterprises;
* python — `evaluate` over a random sample of 10,000 enterprises (their
  figures, qualifications and tags prefetched), extrapolated to all;
* selftest — one enterprise judged against 2,000 rule sets of 6 criteria,
  loading the criteria included (what the policy calculator does per visit).

Each timed query runs three times; the best is reported.
"""

import argparse
import random
import time

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from bench import _django  # noqa: F401
from enterprises.models import Enterprise
from matters.eligibility import eligible_enterprises, evaluate, evaluate_many, near_misses
from matters.models import Criterion, RuleSet

CRITERIA = [
    {"fact": "revenue", "operator": "gte", "value": 2000, "message": "上一年度营业收入不低于2000万元"},
    {"fact": "rd_ratio", "operator": "gte", "value": 3, "message": "研发费用占比不低于3%"},
    {"fact": "employees", "operator": "between", "value": [10, 1000], "message": "从业人员10至1000人"},
    {"fact": "industry", "operator": "prefix_in", "value": ["C", "I65"], "message": "制造业或软件业"},
    {"fact": "registration_date", "operator": "years_since_gte", "value": 3, "message": "成立满3年"},
    {"fact": "credit_good", "operator": "is_true", "value": None, "message": "未列入严重失信主体名单"},
]


class RollbackError(Exception):
    """Raised to leave the benchmark's transaction without keeping anything."""


def best_of(fn, runs=3):
    best, value = None, None
    for _ in range(runs):
        start = time.perf_counter()
        value = fn()
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    return best, value


def make_rule_set(code: str, thresholds=None, **fields) -> tuple[RuleSet, list[Criterion]]:
    """A rule set with the six criteria (unsaved: the caller saves them through the linter or in bulk)."""
    rules = RuleSet.objects.create(code=code, name=f"基准测试{code}", **fields)
    rows = []
    for position, spec in enumerate(CRITERIA):
        value = spec["value"]
        if thresholds and spec["fact"] in thresholds:
            value = thresholds[spec["fact"]]
        rows.append(
            Criterion(rule_set=rules, position=position, legal_reference="基准测试 第一条", **{**spec, "value": value})
        )
    return rules, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20000, help="企业数量（默认2万；正式测量用1000000）")
    parser.add_argument("--sample", type=int, default=10000)
    parser.add_argument("--rule-sets", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args()

    have = Enterprise.objects.count()
    if have < args.n:
        start = time.perf_counter()
        call_command("generate_enterprises", count=args.n - have, seed=args.seed + have)
        print(f"generated {args.n - have} enterprises in {time.perf_counter() - start:.1f}s")
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE enterprises_enterprise; ANALYZE enterprises_annualfigure; ANALYZE enterprises_qualification"
        )
    on = timezone.localdate()
    results = {}
    try:
        with transaction.atomic():
            rules, rows = make_rule_set("bench-main")
            for row in rows:
                row.save()  # through the linter, as staff would save them

            floor_s, total = best_of(lambda: Enterprise.objects.count())
            batch_s, eligible = best_of(lambda: eligible_enterprises(rules, on=on).count())
            near_s, near = best_of(lambda: near_misses(rules, on=on).count(), runs=1)
            print(f"enterprises: {total}")
            print(f"floor  SELECT count(*): {floor_s:.3f}s")
            ratio = batch_s / floor_s
            print(f"batch  eligible_enterprises (6 criteria): {batch_s:.3f}s, eligible={eligible} ({ratio:.1f}× floor)")
            print(f"near   near_misses: {near_s:.3f}s, near misses={near}")

            ids = list(Enterprise.objects.order_by("?").values_list("pk", flat=True)[: args.sample])
            criteria = list(rules.criteria.all())
            start = time.perf_counter()
            sample = (
                Enterprise.objects.filter(pk__in=ids)
                .select_related("region")
                .prefetch_related("annual_figures", "qualifications__type", "tags__tag")
            )
            statuses = [evaluate(rules, e, on=on, criteria=criteria).status for e in sample]
            python_s = time.perf_counter() - start
            python_s_est = python_s * total / max(1, len(statuses))
            print(
                f"python evaluate over {len(statuses)}: {python_s:.2f}s → {python_s_est:.1f}s for {total} "
                f"(eligible in sample: {statuses.count('eligible')})"
            )

            rng = random.Random(args.seed)
            bulk = []
            for i in range(args.rule_sets):
                _r, more = make_rule_set(
                    f"bench-{i}",
                    {"revenue": rng.choice([100, 500, 1000, 2000, 5000]), "employees": [rng.choice([0, 5, 10]), 2000]},
                    status="published",
                    valid_from=on,
                    published_at=timezone.now(),
                )
                bulk.extend(more)
            Criterion.objects.bulk_create(bulk, batch_size=5000)
            # An enterprise the main rule set admits, so the self-test has matches to explain.
            one = eligible_enterprises(rules, on=on).order_by("pk").first() or Enterprise.objects.get(pk=ids[0])

            def selftest():
                open_sets = RuleSet.objects.filter(code__startswith="bench-", code__regex=r"^bench-[0-9]+$")
                fresh = Enterprise.objects.select_related("region").get(pk=one.pk)
                return [e.status for e in evaluate_many(open_sets, fresh, on=on)]

            start = time.perf_counter()
            selftest()
            print(f"selftest first call (rules not yet cached): {(time.perf_counter() - start) * 1000:.1f}ms")
            selftest_s, outcome = best_of(selftest)
            selftest_ms = selftest_s * 1000
            print(
                f"selftest one enterprise × {len(outcome)} rule sets: {selftest_ms:.1f}ms "
                f"(eligible for {outcome.count('eligible')})"
            )
            results = {
                "n": total,
                "batch_s": batch_s,
                "floor_s": floor_s,
                "python_s_est": python_s_est,
                "selftest_ms": selftest_ms,
            }
            raise RollbackError
    except RollbackError:
        pass
    print(
        f"matching: n={results['n']} batch_s={results['batch_s']:.3f} floor_s={results['floor_s']:.3f} "
        f"python_s_est={results['python_s_est']:.1f} selftest_ms={results['selftest_ms']:.1f}"
    )


if __name__ == "__main__":
    main()
