"""Benchmark of the bulk import (数据共享交换): one million enterprise rows, then the synthetic generator.

Run against your own database (it writes a million enterprises):

    DATABASE_URL=postgres://…/portal_x .venv/bin/python bench/import_enterprises.py [--rows N] [--generate N]

It writes a CSV of N enterprise rows (valid USCCs, names, legal representatives,
the county, registration dates, industries, operating status, registered
phones), imports it through the same job the admin runs (validation, COPY,
upsert, sizes, history, change events, rule tags), re-imports it to show that
nothing changes, and with --generate times ``generate_enterprises``. The last
line is ``import: rows=N seconds=S``.
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files import File  # noqa: E402

from enterprises.importing.models import ImportKind  # noqa: E402
from enterprises.importing.services import run_import_job, submit_import  # noqa: E402
from enterprises.services import ensure_qualification_types  # noqa: E402
from enterprises.uscc import check_char, org_code_check_char  # noqa: E402
from portal.org.models import Region  # noqa: E402

INDUSTRIES = ["C3911", "I6513", "F5132", "E4811", "K7020", "L7212", "H6210", "C3434", "G5431", "M7320"]
STATUSES = ["存续", "在业"]


def county() -> Region:
    province, _ = Region.objects.get_or_create(code="420000", defaults={"name": "湖北省", "level": "province"})
    city, _ = Region.objects.get_or_create(
        code="420500", defaults={"name": "宜昌市", "level": "city", "parent": province}
    )
    region, _ = Region.objects.get_or_create(
        code="420502", defaults={"name": "西陵区", "level": "county", "parent": city}
    )
    return region


def write_csv(path: Path, rows: int) -> None:
    digits = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(
            [
                "统一社会信用代码",
                "企业名称",
                "法定代表人",
                "登记地区划代码",
                "成立日期",
                "行业代码",
                "经营状态",
                "登记联系电话",
            ]
        )
        for i in range(rows):
            n, body = i, []
            for _ in range(6):
                n, r = divmod(n, 31)
                body.append(digits[r])
            org = "MB" + "".join(reversed(body))
            first17 = f"91420502{org}{org_code_check_char(org)}"
            writer.writerow(
                [
                    first17 + check_char(first17),
                    f"宜昌基准测试{i}有限公司",
                    "张三",
                    "420502",
                    f"{2000 + i % 24}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    INDUSTRIES[i % len(INDUSTRIES)],
                    STATUSES[i % 2],
                    f"139{i:08d}",
                ]
            )


def import_file(path: Path, user) -> tuple[float, object]:
    started = time.monotonic()
    with path.open("rb") as f:
        job = submit_import(
            uploaded_file=File(f, name=path.name), kind=ImportKind.ENTERPRISES, source="market_regulation", user=user
        )
    job = run_import_job(job.pk)
    return time.monotonic() - started, job


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--generate", type=int, default=0, help="also time generate_enterprises --count N")
    args = parser.parse_args()

    county()
    ensure_qualification_types()
    user, _ = get_user_model().objects.get_or_create(username="bench-importer", defaults={"is_staff": True})
    results = []
    if args.generate:
        started = time.monotonic()
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "generate_enterprises", "--count", str(args.generate)],
            check=True,
        )
        results.append(f"generate_enterprises: count={args.generate} seconds={time.monotonic() - started:.1f}")
        print(results[-1], flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "enterprises.csv"
        started = time.monotonic()
        write_csv(path, args.rows)
        print(f"csv: rows={args.rows} bytes={path.stat().st_size} seconds={time.monotonic() - started:.1f}", flush=True)
        seconds, job = import_file(path, user)
        if job.status != "done":
            raise SystemExit(f"import failed: {job.message} {job.errors[:3]}")
        again, job2 = import_file(path, user)
        print(
            f"reimport: rows={args.rows} created={job2.created_count} updated={job2.updated_count} "
            f"unchanged={job2.unchanged_count} seconds={again:.1f}",
            flush=True,
        )
    for line in results:
        print(line)
    print(f"import: rows={args.rows} created={job.created_count} updated={job.updated_count} seconds={seconds:.1f}")
    print(f"import: rows={args.rows} seconds={seconds:.1f}")


if __name__ == "__main__":
    main()
