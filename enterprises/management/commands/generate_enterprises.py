"""`manage.py generate_enterprises --count N [--seed S]`: synthetic enterprises for benchmarks.

Each enterprise gets a valid USCC (registration authority 9, category 1, the
area code of its county, a GB 11714 organisation code starting "MG" so it
cannot collide with real or demo codes), a name, a legal representative, an
industry, three years of figures (the latest is last year) and, for about one
in five, a qualification. The size is computed from the latest figures by the
same SQL the importer uses.

Fast by construction: rows are written to a temporary file, COPied into a
staging table and inserted set-based (``ON CONFLICT DO NOTHING``, so running
it again with the same seed adds nothing). Synthetic rows get no
simple-history rows and no change events: they are test data, not changes
anyone made; rule tags are brought up to date by the nightly refresh.
"""

import csv
import datetime as dt
import random
import tempfile
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from enterprises.models import QualificationType
from enterprises.sizing import size_case_sql
from enterprises.uscc import CHARSET, check_char, org_code_check_char
from portal.org.models import Region

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建国志文斌宇浩凯健俊帆帅旭宁龙林欣晨瑞彬"
PREFIXES = (
    "宏远",
    "华信",
    "恒通",
    "鼎盛",
    "瑞丰",
    "博睿",
    "天成",
    "金桥",
    "新源",
    "长江",
    "三峡",
    "楚天",
    "汇通",
    "众诚",
)
# (industry code, trade word, weight, median employees, median revenue in 万元)
INDUSTRIES = [
    ("A0111", "农业", 3, 15, 300),
    ("C1391", "食品", 6, 60, 3000),
    ("C2614", "化工", 4, 120, 12000),
    ("C3311", "金属制品", 5, 80, 5000),
    ("C3434", "机械", 6, 90, 6000),
    ("C3911", "电子科技", 5, 150, 15000),
    ("C3821", "电气", 4, 100, 8000),
    ("D4411", "电力", 1, 200, 30000),
    ("E4811", "建设工程", 5, 80, 9000),
    ("F5132", "商贸", 8, 12, 2500),
    ("F5212", "超市", 6, 25, 800),
    ("G5431", "物流运输", 4, 40, 1500),
    ("G5920", "仓储", 1, 25, 600),
    ("H6110", "酒店", 2, 40, 900),
    ("H6210", "餐饮", 5, 20, 400),
    ("I6513", "软件", 7, 45, 1200),
    ("I6429", "网络科技", 3, 30, 900),
    ("K7010", "房地产开发", 2, 60, 20000),
    ("K7020", "物业服务", 3, 120, 1500),
    ("L7243", "咨询", 6, 10, 300),
    ("M7320", "技术研究", 4, 25, 600),
    ("O8010", "家政服务", 3, 15, 150),
]
STAGING = (
    "uscc text, name text, legal_rep_name text, region_id bigint, registration_date date, industry_code text, "
    "employees integer, revenue_wan numeric(16,2), assets_wan numeric(16,2), profit_wan numeric(16,2), "
    "qualification_type_id bigint, qualification_from date"
)


def _base31(n: int, width: int) -> str:
    chars = []
    for _ in range(width):
        n, r = divmod(n, 31)
        chars.append(CHARSET[r])
    return "".join(reversed(chars))


class Command(BaseCommand):
    help = "生成N家合成企业（有效信用代码、三年经营数据、资质），用于性能测试"

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="企业数量")
        parser.add_argument("--seed", type=int, default=None, help="随机种子；相同种子生成相同企业")

    def handle(self, *args, count, seed, **options):
        if count < 1:
            raise CommandError("--count 必须大于0")
        seed = random.SystemRandom().randrange(2**31) if seed is None else seed
        rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        regions = list(Region.objects.filter(level=Region.Level.COUNTY).values_list("pk", "code"))
        if not regions:
            raise CommandError("没有区县级行政区划：请先运行 manage.py load_demo 或导入行政区划")
        types = list(QualificationType.objects.values_list("pk", flat=True))
        started = time.monotonic()
        latest = timezone.localdate().year - 1
        with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as out:
            self._write_rows(out, rng, seed, count, regions, types, latest)
            out.seek(0)
            written = time.monotonic()
            created = self._load(out, latest)
        self.stdout.write(
            f"generated: count={count} created={created} seed={seed} "
            f"rows_seconds={written - started:.1f} load_seconds={time.monotonic() - written:.1f} "
            f"seconds={time.monotonic() - started:.1f}"
        )

    def _write_rows(self, out, rng, seed, count, regions, types, latest):
        writer = csv.writer(out, lineterminator="\n")
        weights = [w for _c, _t, w, _e, _r in INDUSTRIES]
        picks = rng.choices(INDUSTRIES, weights=weights, k=count)
        # Codes are consecutive from an offset chosen by the seed: unique within a run, repeatable across runs.
        offset = (seed * 7919) % (31**6 - count) if count < 31**6 else 0
        today = timezone.localdate()
        for i, (industry, trade, _w, employees_median, revenue_median) in enumerate(picks):
            region_id, area = regions[i % len(regions)] if len(regions) < 2 else rng.choice(regions)
            body = "MG" + _base31(offset + i, 6)
            first17 = f"91{area}{body}{org_code_check_char(body)}"
            scale = rng.lognormvariate(0, 1.1)
            employees = max(1, int(employees_median * scale))
            revenue = round(revenue_median * scale * rng.uniform(0.6, 1.4), 2)
            assets = round(revenue * rng.uniform(0.5, 2.0), 2)
            registered = today - dt.timedelta(days=rng.randrange(200, 365 * 30))
            qualification = rng.choice(types) if types and rng.random() < 0.2 else ""
            qualification_from = dt.date(latest, rng.randrange(1, 13), 1) if qualification else ""
            writer.writerow(
                [
                    first17 + check_char(first17),
                    f"{rng.choice(PREFIXES)}{trade}{_base31(offset + i, 4)}有限公司",
                    rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(("", *GIVEN)),
                    region_id,
                    registered.isoformat(),
                    industry,
                    employees,
                    revenue,
                    assets,
                    round(revenue * rng.uniform(-0.05, 0.15), 2),
                    qualification,
                    qualification_from,
                ]
            )

    def _load(self, out, latest) -> int:
        size = size_case_sql("s.industry_code", "s.employees", "s.revenue_wan", "s.assets_wan")
        reason = size_case_sql("s.industry_code", "s.employees", "s.revenue_wan", "s.assets_wan", output="reason")
        with transaction.atomic(), connection.cursor() as cursor:
            # The size CASE expressions are long: JIT compiling them costs more than running them.
            cursor.execute("SET LOCAL jit = off")
            # ON COMMIT DROP is not enough when an outer transaction lives on (tests).
            cursor.execute("DROP TABLE IF EXISTS gen_staging, gen_new")
            cursor.execute(f"CREATE TEMP TABLE gen_staging ({STAGING}) ON COMMIT DROP")
            cursor.copy_expert("COPY gen_staging FROM STDIN WITH (FORMAT csv)", out)
            cursor.execute("CREATE TEMP TABLE gen_new (id bigint, uscc text) ON COMMIT DROP")
            cursor.execute(
                f"""WITH added AS (
                        INSERT INTO enterprises_enterprise
                            (uscc, name, legal_rep_name, region_id, registration_date, industry_code,
                             size, size_reason, size_year, source, source_updated_at, created_at, updated_at)
                        SELECT s.uscc, s.name, s.legal_rep_name, s.region_id, s.registration_date, s.industry_code,
                               {size}, left({reason}, 255), %(latest)s, 'statistics', now(), now(), now()
                        FROM gen_staging s
                        ON CONFLICT (uscc) DO NOTHING
                        RETURNING id, uscc
                    )
                    INSERT INTO gen_new SELECT id, uscc FROM added""",  # noqa: S608 - built from constants
                {"latest": latest},
            )
            cursor.execute("SELECT count(*) FROM gen_new")
            created = cursor.fetchone()[0]
            # Three years, growing towards the latest: year N-k has (1 - 0.08k) of the latest figures.
            cursor.execute(
                """INSERT INTO enterprises_annualfigure
                       (enterprise_id, year, revenue_wan, profit_wan, tax_paid_wan, rd_expense_wan, employees,
                        total_assets_wan, source, source_updated_at, created_at, updated_at)
                   SELECT n.id, %(latest)s - k,
                          round(s.revenue_wan * (1 - 0.08 * k), 2), round(s.profit_wan * (1 - 0.08 * k), 2),
                          round(s.revenue_wan * 0.05 * (1 - 0.08 * k), 2),
                          round(s.revenue_wan * 0.03 * (1 - 0.08 * k), 2),
                          greatest(1, round(s.employees * (1 - 0.05 * k)))::int,
                          round(s.assets_wan * (1 - 0.06 * k), 2), 'statistics', now(), now(), now()
                   FROM gen_new n JOIN gen_staging s ON s.uscc = n.uscc CROSS JOIN generate_series(0, 2) AS k""",
                {"latest": latest},
            )
            cursor.execute(
                """INSERT INTO enterprises_qualification
                       (enterprise_id, type_id, valid_from, valid_to, source, source_updated_at, created_at, updated_at)
                   SELECT n.id, s.qualification_type_id, s.qualification_from,
                          (s.qualification_from + interval '3 years' - interval '1 day')::date,
                          'staff', now(), now(), now()
                   FROM gen_new n JOIN gen_staging s ON s.uscc = n.uscc
                   WHERE s.qualification_type_id IS NOT NULL"""
            )
        return created
