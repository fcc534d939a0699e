"""Benchmark of the enterprise archive at provincial scale: rule tags and the staff search.

Run against a database that already holds the archive (e.g. after
`manage.py generate_enterprises --count 1000000`):

    DATABASE_URL=postgres://…/portal_x .venv/bin/python -m bench.enterprise_archive

It times `refresh_rule_tags()` over every enterprise (twice: the second run
must find nothing to change), the same for one enterprise (what a new
qualification costs), and the admin change list unfiltered, by USCC, by name
prefix, and filtered by industry section, size, region and tag. Everything runs
in one transaction that is rolled back, so the database is left as it was.
"""

import time

from django.db import transaction
from django.test import Client

from bench import _django  # noqa: F401
from enterprises import services
from enterprises.models import Enterprise, EnterpriseTag, Tag


class RollbackError(Exception):
    """Raised to leave the benchmark's transaction without keeping anything."""


def timed(label, fn, results):
    start = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - start
    results[label] = seconds
    print(f"{label}: {seconds:.3f}s ({value})")
    return value


def main():
    from portal.accounts.models import User

    results = {}
    try:
        with transaction.atomic():
            total = Enterprise.objects.count()
            print(f"enterprises: {total}")
            services.ensure_qualification_types()
            services.ensure_rule_tags()
            timed("refresh_all_first", services.refresh_rule_tags, results)
            timed("refresh_all_again", services.refresh_rule_tags, results)
            one = Enterprise.objects.order_by("-id").values_list("pk", flat=True).first()
            timed("refresh_one", lambda: services.refresh_rule_tags([one]), results)
            print(f"rule tags: {EnterpriseTag.objects.count()}")

            admin = User.objects.create(username="bench-admin", is_staff=True, is_superuser=True, kind="staff")
            client = Client()
            client.force_login(admin)
            sample = Enterprise.objects.order_by("id").only("uscc", "name").first()
            tag = Tag.objects.get(rule_key="qualification:hitech")
            url = "/admin/enterprises/enterprise/"
            client.get(url, {"q": "warm-up"})  # template loading and the first connection are not the query
            for label, params in [
                ("admin_list", {}),
                ("admin_uscc", {"q": sample.uscc}),
                ("admin_name_prefix", {"q": sample.name[:4]}),
                ("admin_section_C", {"section": "C"}),
                ("admin_size_small", {"size__exact": "small"}),
                ("admin_region", {"region": "420502"}),
                ("admin_tag_hitech", {"tag": tag.pk}),
                ("admin_page_100", {"p": 100}),
            ]:
                timed(label, lambda params=params: client.get(url, params).status_code, results)
            raise RollbackError
    except RollbackError:
        pass
    summary = " ".join(f"{k}={v:.3f}s" for k, v in results.items())
    print(f"enterprise_archive: enterprises={total} {summary}")


if __name__ == "__main__":
    main()
