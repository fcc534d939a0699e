"""Supervision dashboard at scale (督查看板): 1,000,000 applications, 100,000 appeals, 100,000 payouts, one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_x .venv/bin/python -m bench.dashboard \
        [--applications 1000000] [--runs 30] [--keep | --reuse] [--stand-ins]

Works in a dedicated database (`<DATABASE_URL's name>_dashboardbench`, dropped and re-created, migrated, and
dropped again at the end unless --keep), so nobody's data is touched. `--reuse` keeps it and, when it already
holds a load of the same sizes, measures again without loading (the load is most of a run's time).

The load writes, set-based (`INSERT … SELECT` over `generate_series`, one statement per table; enterprises by
`manage.py generate_enterprises`, the small world of regions, departments, policies and matters through the
ORM), two years of a city's business ending yesterday:

* 4 regions (宜昌市 and three districts), 30 policy departments, a finance bureau and an operations centre
  (12345) per region; 2 policies and 4 matters per department, 1–3 process steps each (some 即申即享, some
  免申即享), each department with its own pace;
* applications (`--applications`) on distinct (enterprise, matter) pairs, online / window / external, with
  review steps opened and decided on working days of the official calendar, 补正 notices pausing their clocks,
  decisions (withdrawn, not accepted, rejected, approved), the case and step clocks (`application_case`,
  `application_step`) stopped late or on time, those still open today running or overdue; ratings (好差评) and
  the rectification of bad ones with their clocks;
* payouts (`--payouts`, default applications / 10) of approved applications, paid a few working days after
  approval (one in a hundred failed, recent ones waiting), with their 兑付时限 clocks;
* appeals (`--appeals`, default applications / 10) accepted, dispatched, signed for, replied, evaluated and
  sometimes reopened, with their dispatch records, replies and clocks;
* 免申即享 lists and confirmations, enterprise users, SMS sent per moment, daily platform activity counts.

Every row satisfies the models' constraints (checks, partial unique indexes, foreign keys); no history rows.

Then it measures, in one process:

* refresh — `compute.refresh()` of every stored measure (the nightly rebuild) and a refresh of the last
  `SUPERVISION_REFRESH_DAYS` days (what beat runs every 10 minutes);
* overview — the overview page (`admin:supervision_overview`, rendered for a supervisor signed in with a
  password and a TOTP code) when that URL exists; otherwise its data part: the figures of a one-year period
  (`figure_values` of all figures, of the ranking figures by department, of the trend figures by month) from
  the stored facts. `--runs` times after one warm-up; p50 and p95 (nearest rank);
* naive — the same three `figure_values` computed live from the raw tables (`live=True`: one aggregate query
  per measure over the domain's table), `--naive-runs` times; the median is reported. The run also checks
  that the stored and the live figures agree.

It works with whatever measures and figures are registered and prints which ones were present. `--stand-ins`
registers, for each of the applications, payouts and appeals sections that has no figure yet, a few
bench-only measures and figures (keys `bench.*`) shaped like those the sections will register, so the kernel
can be measured at full size before the domains' measures exist. The last line is:

    dashboard: applications=1000000 p50_ms=… p95_ms=… naive_ms=…
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MARKER = "bench_dashboard_load"  # a table in the bench database saying what was loaded, for --reuse

# (code, name, level, parent code)
REGIONS = [
    ("420000", "湖北省", "province", None),
    ("420500", "宜昌市", "city", "420000"),
    ("420502", "西陵区", "county", "420500"),
    ("420503", "伍家岗区", "county", "420500"),
    ("420506", "夷陵区", "county", "420500"),
]
# The regions departments, matters and appeals belong to (the province only parents them), with their
# department-code prefix and the share of appeals they receive.
SERVED = [("420500", "yc", "宜昌市", 0.55), ("420502", "xl", "西陵区", 0.15), ("420503", "wjg", "伍家岗区", 0.15)]
SERVED += [("420506", "yl", "夷陵区", 0.15)]
CITY_DEPARTMENTS = [
    ("kjj", "科学技术局", "科技局"),
    ("jxj", "经济和信息化局", "经信局"),
    ("rsj", "人力资源和社会保障局", "人社局"),
    ("swj", "商务局", "商务局"),
    ("fgw", "发展和改革委员会", "发改委"),
    ("nyj", "农业农村局", "农业农村局"),
    ("wlj", "文化和旅游局", "文旅局"),
    ("scj", "市场监督管理局", "市场监管局"),
    ("zjj", "住房和城乡建设局", "住建局"),
    ("jtj", "交通运输局", "交通运输局"),
    ("sthj", "生态环境局", "生态环境局"),
    ("jrj", "地方金融工作局", "金融局"),
    ("zsj", "招商和投资促进局", "招商局"),
    ("jyj", "教育局", "教育局"),
    ("wjw", "卫生健康委员会", "卫健委"),
    ("mzj", "民政局", "民政局"),
    ("tyjr", "退役军人事务局", "退役军人局"),
    ("zscq", "知识产权局", "知识产权局"),
]
COUNTY_DEPARTMENTS = {
    "420502": ["kjxj", "rsj", "swj"],
    "420503": ["kjxj", "rsj", "swj"],
    "420506": ["kjxj", "rsj", "swj", "nyj", "wlj", "zsj"],
}
COUNTY_NAMES = {"kjxj": ("科技和经济信息化局", "科经局")} | {c: (n, s) for c, n, s in CITY_DEPARTMENTS}
# Process steps by number of steps: (name, kind, role, working days); the matter's time limit beside them.
PROCESSES = {
    1: (10, [("审核", "review", "approver", 8)]),
    2: (15, [("初审", "review", "reviewer", 6), ("审批", "review", "approver", 6)]),
    3: (
        20,
        [
            ("初审", "review", "reviewer", 6),
            ("现场核查", "inspection", "reviewer", 7),
            ("审批", "review", "approver", 4),
        ],
    ),
}
AMOUNTS = [20000, 50000, 100000, 200000, 300000, 500000]
APPEAL_LIMITS = {"consultation": 3, "help": 5, "suggestion": 10, "complaint": 13}


# --------------------------------------------------------------------------------------------- the database


def bench_database_url(url: str) -> tuple[str, str, str]:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/") + "_dashboardbench"
    admin = urlunparse(parsed._replace(path="/postgres"))
    return urlunparse(parsed._replace(path="/" + name)), admin, name


def database_exists(admin_url: str, name: str) -> bool:
    connection = psycopg2.connect(admin_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None
    finally:
        connection.close()


def recreate_database(admin_url: str, name: str, drop_only: bool = False) -> None:
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def percentile(values: list[float], p: float) -> float:
    """Nearest rank, as bench.search."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def database_settings() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        values = []
        for name in ["max_parallel_workers_per_gather", "work_mem", "jit", "shared_buffers"]:
            cursor.execute(f"SHOW {name}")
            values.append(f"{name}={cursor.fetchone()[0]}")
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
    return f"PostgreSQL {version}, {' '.join(values)}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"


def execute(sql: str, params=None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.rowcount


def insert(label: str, sql: str, params=None) -> int:
    """`execute`, printing how many rows the statement wrote and how long it took."""
    began = time.perf_counter()
    rows = execute(sql, params)
    print(f"    {label}: {rows} rows, {time.perf_counter() - began:.1f} s", flush=True)
    return rows


def scalar(sql: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.fetchone()[0]


# --------------------------------------------------------------------------------------------- the small world


def build_world(seed: int) -> dict:
    """Regions, departments, policies, matters and their process steps, funding sources, rule sets for the 免申即享
    matters, SMS templates: a few hundred rows, through the ORM (bulk where no save() logic is needed)."""
    from django.utils import timezone

    from applications.models import Application
    from matters.models import Matter, ProcessStep, RuleSet
    from payouts.models import FundingSource
    from policies.models import Policy
    from portal.notify.models import SmsTemplate
    from portal.org.models import Department, Region

    rng = random.Random(seed)
    now = timezone.now()
    regions = {}
    for code, name, level, parent in REGIONS:
        regions[code] = Region.objects.create(code=code, name=name, level=level, parent=regions.get(parent))

    world = {"policy_departments": [], "finance": {}, "operations": {}, "regions": regions}
    for code, prefix, region_name, _share in SERVED:
        region = regions[code]
        is_city = code == "420500"
        kind_prefix = "市" if is_city else region_name
        listed = [c for c, _n, _s in CITY_DEPARTMENTS] if is_city else COUNTY_DEPARTMENTS[code]
        for short_code in listed:
            name, short = COUNTY_NAMES[short_code]
            department = Department.objects.create(
                name=f"{kind_prefix}{name}",
                short_name=f"{kind_prefix}{short}"[:32],
                code=f"{prefix}-{short_code}",
                region=region,
                kind=Department.Kind.POLICY,
            )
            department.pace = round(rng.uniform(0.6, 1.45), 2)  # how slowly it works, 1 = as the limits assume
            world["policy_departments"].append(department)
        world["finance"][code] = Department.objects.create(
            name=f"{kind_prefix}财政局",
            short_name=f"{kind_prefix}财政局",
            code=f"{prefix}-czj",
            region=region,
            kind=Department.Kind.FINANCE,
        )
        world["operations"][code] = Department.objects.create(
            name=f"{kind_prefix}城市运行管理中心",
            short_name=f"{kind_prefix}城运中心",
            code=f"{prefix}-12345",
            region=region,
            kind=Department.Kind.OPERATIONS,
        )
    city = regions["420500"]
    world["data_bureau"] = Department.objects.create(
        name="市政务服务和大数据管理局",
        short_name="市数据局",
        code="yc-sjj",
        region=city,
        kind=Department.Kind.DATA_BUREAU,
    )
    Department.objects.create(
        name="市民之家政务服务大厅",
        short_name="市民之家",
        code="yc-hall",
        region=city,
        kind=Department.Kind.SERVICE_HALL,
    )

    sources = {
        code: FundingSource.objects.create(
            name=f"{name}本级惠企专项资金",
            level="city" if code == "420500" else "county",
            region=regions[code],
            department=world["finance"][code],
            budget_line="2150805 中小企业发展专项",
            pay_within_days=15,
        )
        for code, _p, name, _s in SERVED
    }

    policies = []
    for index, department in enumerate(world["policy_departments"]):
        level = "municipal" if department.region.code == "420500" else "county"
        for k in range(2):
            issued = (now - timezone.timedelta(days=rng.randrange(760, 1100))).date()
            policies.append(
                Policy(
                    title=f"{department.name}关于支持企业高质量发展的若干措施（{k + 1}）",
                    slug=f"bench-{index}-{k}",
                    document_number=f"基准{department.code}发〔{issued.year}〕{k + 1}号",
                    issuing_authority=department.name,
                    level=level,
                    region=department.region,
                    lead_department=department,
                    issue_date=issued,
                    effective_date=issued,
                    original_text="<p>基准测试政策原文。</p>",
                    status=Policy.Status.PUBLISHED,
                    published_at=now - timezone.timedelta(days=700),
                    published_late=rng.random() < 0.1,
                )
            )
    Policy.objects.bulk_create(policies)

    matters, steps, rule_sets = [], [], []
    for index, department in enumerate(world["policy_departments"]):
        for k in range(4):
            serial = index * 4 + k
            delivery = "instant" if serial % 12 == 5 else "automatic" if serial % 10 == 7 else "reviewed"
            n_steps = 1 + rng.randrange(3)
            limit, process = PROCESSES[n_steps]
            amount = rng.choice(AMOUNTS)
            matter = Matter(
                code=f"BENCH-{department.code.upper()}-{k + 1:02d}",
                name=f"{department.name}惠企资金事项{k + 1}",
                policy=policies[index * 2 + k // 2],
                clause=f"第{k + 1}条",
                department=department,
                region=department.region,
                target="在本地注册登记的企业",
                delivery_kind=delivery,
                window_kind="year_round",
                time_limit_days=limit,
                support_kind="fixed",
                support_amount=amount,
                support_text=f"给予一次性奖励{amount // 10000}万元。",
                consult_phone="0717-0000000",
                supervise_phone="0717-12345",
                status="published",
                published_at=now - timezone.timedelta(days=740),
            )
            matter.pace, matter.n_steps, matter.amount, matter.source = (
                department.pace,
                n_steps,
                amount,
                sources[department.region.code],
            )
            matters.append(matter)
    Matter.objects.bulk_create(matters)
    for matter in matters:
        _limit, process = PROCESSES[matter.n_steps]
        for position, (name, kind, role, days) in enumerate(process, start=1):
            steps.append(
                ProcessStep(
                    matter=matter,
                    position=position,
                    name=name,
                    department=matter.department,
                    role=role,
                    kind=kind,
                    days=days,
                )
            )
        if matter.delivery_kind == "automatic":
            rule_sets.append(
                RuleSet(
                    matter=matter,
                    code=f"bench-{matter.code.lower()}",
                    name=f"{matter.name}申报条件",
                    version=1,
                    status="published",
                    valid_from=(now - timezone.timedelta(days=740)).date(),
                    published_at=now,
                )
            )
    ProcessStep.objects.bulk_create(steps)
    RuleSet.objects.bulk_create(rule_sets)
    world["matters"], world["rule_sets"] = matters, {r.matter_id: r for r in rule_sets}
    world["templates"] = SmsTemplate.objects.bulk_create(
        [
            SmsTemplate(code="bench-accepted", name="申报受理通知", text="您的申报{number}已受理。"),
            SmsTemplate(code="bench-decided", name="申报办结通知", text="您的申报{number}已办结。"),
            SmsTemplate(code="bench-paid", name="资金到账通知", text="{amount}元已拨付。"),
            SmsTemplate(code="bench-appeal", name="诉求答复通知", text="您的诉求{number}已答复。"),
        ]
    )
    world["application_model"] = Application
    return world


# --------------------------------------------------------------------------------------------- the load (SQL)

STEP_AT = "(({day}) + (540 + mod({g} * 37 + {j} * 101, 480)) * interval '1 minute') AT TIME ZONE %(tz)s"


def step_at(day: str, g: str, j: str) -> str:
    """The SQL timestamp at which step `j` of application `g` was decided on `day` (09:00–16:59 local)."""
    return STEP_AT.format(day=day, g=g, j=j)


def prepare(ctx: dict, world: dict) -> None:
    """Temp tables the load reads: working days by index, enterprises and matters by number."""
    execute(
        """CREATE TEMP TABLE bench_wd AS
           SELECT (row_number() OVER (ORDER BY d))::int AS i, d::date AS day
           FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d
           LEFT JOIN (workcalendar_calendarday c JOIN workcalendar_calendaryear y
                      ON y.year = extract(year FROM c.date) AND y.covered) ON c.date = d::date
           WHERE COALESCE(c.is_workday, extract(isodow FROM d) < 6)""",
        ctx,
    )
    execute("CREATE UNIQUE INDEX ON bench_wd (i); CREATE UNIQUE INDEX ON bench_wd (day); ANALYZE bench_wd")
    ctx["ti"] = scalar("SELECT max(i) FROM bench_wd WHERE day < %(today)s", ctx)  # through yesterday
    ctx["w0"] = scalar("SELECT min(i) FROM bench_wd WHERE day >= %(start)s", ctx)
    execute(
        """CREATE TEMP TABLE bench_ent AS
           SELECT (row_number() OVER (ORDER BY id))::int AS k, id, name FROM enterprises_enterprise;
           CREATE UNIQUE INDEX ON bench_ent (k); ANALYZE bench_ent"""
    )
    rows = []
    for matter in world["matters"]:
        if matter.delivery_kind == "automatic":
            continue
        _limit, process = PROCESSES[matter.n_steps]
        days = [d for *_x, d in process] + [0, 0]
        rows.append(
            (
                len(rows) + 1,
                matter.pk,
                matter.department_id,
                matter.delivery_kind == "instant",
                matter.n_steps,
                *days[:3],
                matter.time_limit_days,
                matter.amount,
                matter.pace,
                matter.source.pk,
            )
        )
    ctx["m"] = len(rows)
    execute(
        """CREATE TEMP TABLE bench_matter (k int PRIMARY KEY, id bigint, department_id bigint, instant bool,
               nsteps int, l1 int, l2 int, l3 int, time_limit int, amount numeric, pace float8, source_id bigint)"""
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO bench_matter VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)


def load_applications(ctx: dict) -> dict:
    """Applications, their review steps, 补正 notices, clocks and pauses, ratings and rectifications."""
    counts = {}
    execute("SELECT setseed(%(seed)s)", ctx)
    insert(
        "plan (temp table)",
        """CREATE TEMP TABLE bench_app AS
        WITH r AS MATERIALIZED (
            SELECT g, mod(g::bigint * 2147483647, %(em)s) AS c,
                   random() AS u_sub, random() AS u_time, random() AS u_chan, random() AS u_out, random() AS u_acc,
                   random() AS u1, random() AS u2, random() AS u3, random() AS u_sup, random() AS u_sp,
                   random() AS u_pl, random() AS u_amt, random() AS u_rate, random() AS u_lvl, random() AS u_rday,
                   random() AS u_rect
            FROM generate_series(1, %(n)s) AS g
        ), a AS MATERIALIZED (
            SELECT r.g, e.id AS enterprise_id, m.id AS matter_id, m.department_id, m.instant, m.nsteps,
                   m.l1, m.l2, m.l3, m.time_limit, m.amount, m.source_id,
                   %(w0)s + floor((%(ti)s - %(w0)s + 1) * power(r.u_sub, 0.8))::int AS sub_i,
                   480 + floor(r.u_time * 600)::int AS sub_min,
                   CASE WHEN m.instant OR r.u_chan < 0.68 THEN 'online' WHEN r.u_chan < 0.95 THEN 'window'
                        ELSE 'external' END AS channel,
                   CASE WHEN m.instant THEN 'approved' WHEN r.u_out < 0.02 THEN 'withdrawn'
                        WHEN r.u_out < 0.06 THEN 'not_accepted' WHEN r.u_out < 0.14 THEN 'rejected'
                        ELSE 'approved' END AS outcome,
                   CASE WHEN m.instant THEN 0 ELSE least(8, floor(-ln(1 - r.u_acc) * 0.9))::int END AS acc_lag,
                   least(4 * m.l1, greatest(1, round(m.l1 * m.pace * 0.55 * -ln(1 - r.u1))))::int AS d1,
                   CASE WHEN m.nsteps >= 2
                        THEN least(4 * m.l2, greatest(1, round(m.l2 * m.pace * 0.55 * -ln(1 - r.u2))))::int
                        ELSE 0 END AS d2,
                   CASE WHEN m.nsteps >= 3
                        THEN least(4 * m.l3, greatest(1, round(m.l3 * m.pace * 0.55 * -ln(1 - r.u3))))::int
                        ELSE 0 END AS d3,
                   r.u_sup, r.u_sp, r.u_pl, r.u_amt, r.u_rate, r.u_lvl, r.u_rday, r.u_rect
            FROM r JOIN bench_matter m ON m.k = r.c / %(e)s + 1 JOIN bench_ent e ON e.k = mod(r.c, %(e)s) + 1
        ), b AS MATERIALIZED (
            SELECT a.*, a.sub_i + a.acc_lag AS acc_i,
                   (NOT a.instant AND a.outcome IN ('approved', 'rejected') AND a.u_sup < 0.08) AS sup
            FROM a
        ), c AS MATERIALIZED (
            SELECT b.*,
                   (NOT b.instant AND b.outcome IN ('approved', 'rejected') AND b.acc_i <= %(ti)s) AS accepted,
                   CASE WHEN b.sup THEN least(1 + floor(b.u_sp * 3)::int, b.d1, b.l1) ELSE 0 END AS sp,
                   CASE WHEN b.sup THEN 2 + floor(b.u_pl * 6)::int ELSE 0 END AS pl
            FROM b
        ), d AS MATERIALIZED (
            SELECT c.*, c.acc_i + c.sp AS p_i, c.acc_i + c.sp + c.pl AS r_i,
                   c.acc_i + c.d1 + c.pl AS e1, c.acc_i + c.d1 + c.pl + c.d2 AS e2,
                   c.acc_i + c.d1 + c.pl + c.d2 + c.d3 AS e3,
                   CASE WHEN c.instant THEN c.sub_i WHEN c.outcome = 'not_accepted' THEN c.acc_i
                        WHEN c.outcome = 'withdrawn' THEN c.sub_i + 1
                        ELSE c.acc_i + c.d1 + c.pl + c.d2 + c.d3 END AS dec_i,
                   c.accepted AND c.sup AND c.acc_i + c.sp <= %(ti)s AS paused_ever,
                   c.accepted AND c.sup AND c.acc_i + c.sp <= %(ti)s AND c.acc_i + c.sp + c.pl > %(ti)s AS paused_now
            FROM c
        )
        SELECT d.*, d.dec_i <= %(ti)s AS done,
               CASE WHEN d.paused_ever THEN d.pl ELSE 0 END AS pl_eff,
               d.acc_i + d.time_limit + CASE WHEN d.paused_ever THEN d.pl ELSE 0 END AS case_due_i,
               CASE WHEN d.instant THEN 'closed'
                    WHEN d.outcome = 'withdrawn' THEN CASE WHEN d.dec_i <= %(ti)s THEN 'withdrawn' ELSE 'submitted' END
                    WHEN d.outcome = 'not_accepted'
                         THEN CASE WHEN d.dec_i <= %(ti)s THEN 'not_accepted' ELSE 'pre_review' END
                    WHEN NOT d.accepted THEN 'pre_review'
                    WHEN d.dec_i <= %(ti)s THEN CASE WHEN d.outcome = 'rejected' THEN 'rejected' ELSE 'closed' END
                    WHEN d.paused_now THEN 'supplement'
                    ELSE 'reviewing' END AS status,
               t.sub_at,
               CASE WHEN d.instant THEN t.sub_at + interval '1 minute'
                    WHEN d.accepted AND d.acc_lag = 0 THEN t.sub_at + interval '40 minutes'
                    WHEN d.accepted THEN (ad.day + (540 + mod(d.g * 7, 420)) * interval '1 minute') AT TIME ZONE %(tz)s
                    END AS acc_at,
               CASE WHEN d.dec_i > %(ti)s OR d.outcome = 'withdrawn' THEN NULL
                    WHEN d.instant THEN t.sub_at + interval '3 minutes'
                    WHEN d.outcome = 'not_accepted' AND d.acc_lag = 0 THEN t.sub_at + interval '2 hours'
                    WHEN d.outcome = 'not_accepted'
                         THEN (xd.day + (540 + mod(d.g * 7, 420)) * interval '1 minute') AT TIME ZONE %(tz)s
                    ELSE """
        + step_at("xd.day", "d.g", "d.nsteps")
        + """ END AS dec_at,
               CASE WHEN d.outcome = 'approved' AND d.dec_i <= %(ti)s
                    THEN round(d.amount * (0.5 + 0.5 * d.u_amt)::numeric, -2) END AS approved,
               d.dec_i <= %(ti)s AND d.outcome <> 'withdrawn' AND d.u_rate < 0.35
                   AND d.dec_i + floor(d.u_rday * 5)::int <= %(ti)s AS rated,
               d.dec_i + floor(d.u_rday * 5)::int AS rate_i,
               CASE WHEN d.u_lvl < 0.6 THEN 5 WHEN d.u_lvl < 0.85 THEN 4 WHEN d.u_lvl < 0.94 THEN 3
                    WHEN d.u_lvl < 0.98 THEN 2 ELSE 1 END AS level,
               least(60, 1 + floor(-ln(1 - d.u_rect) * 8))::int AS rect_k
        FROM d JOIN bench_wd sd ON sd.i = d.sub_i
        LEFT JOIN bench_wd ad ON ad.i = d.acc_i LEFT JOIN bench_wd xd ON xd.i = d.dec_i
        CROSS JOIN LATERAL (SELECT (sd.day + d.sub_min * interval '1 minute') AT TIME ZONE %(tz)s AS sub_at) t""",
        ctx,
    )
    execute("CREATE UNIQUE INDEX ON bench_app (g); ANALYZE bench_app")
    counts["applications"] = insert(
        "applications",
        """INSERT INTO applications_application (id, number, code, enterprise_id, matter_id, period, exclusive_group,
               channel, status, external_department_id, external_id, external_status, contact_name, contact_phone,
               sms_wanted, form_data, edited_fields, eligibility, requested_amount, estimated_amount, approved_amount,
               returned_from, decision_reason, auto_approved, submitted_at, accepted_at, decided_at, created_at,
               updated_at)
           SELECT g, 'SB' || lpad(g::text, 12, '0'),
                  'Z' || translate(lpad(g::text, 11, '0'), '0123456789', 'ABCDEFGHJK'),
                  enterprise_id, matter_id, extract(year FROM sub_at AT TIME ZONE %(tz)s)::int::text, '', channel,
                  status, CASE WHEN channel = 'external' THEN department_id END,
                  CASE WHEN channel = 'external' THEN 'EXT' || g ELSE '' END, '', '联系人', '', true, '{}', '[]',
                  '{}', amount, amount, approved, CASE WHEN status = 'supplement' THEN 'reviewing' ELSE '' END, '',
                  instant, sub_at, acc_at, dec_at, sub_at, coalesce(dec_at, acc_at, sub_at)
           FROM bench_app ORDER BY g""",
        ctx,
    )
    execute(
        "SELECT setval(pg_get_serial_sequence('applications_application', 'id'), "
        "(SELECT max(id) FROM applications_application))"
    )
    counts["review_steps"] = insert(
        "review_steps",
        """INSERT INTO applications_reviewstep (application_id, process_step_id, position, name, kind, department_id,
               role, days, status, opened_at, due_on, decided_at, opinion, overdue_at)
           SELECT a.g, ps.id, ps.position, ps.name, ps.kind, ps.department_id, ps.role, ps.days,
                  CASE WHEN s.o_i > %(ti)s THEN 'waiting' WHEN s.e_i > %(ti)s THEN 'active'
                       WHEN s.j = a.nsteps AND a.outcome = 'rejected' THEN 'rejected' ELSE 'passed' END,
                  CASE WHEN s.o_i > %(ti)s THEN NULL WHEN s.j = 1 THEN a.acc_at
                       ELSE """
        + step_at("od.day", "a.g", "(s.j - 1)")
        + """ END,
                  CASE WHEN s.o_i > %(ti)s OR (s.j = 1 AND a.paused_now) THEN NULL ELSE dd.day END,
                  CASE WHEN s.e_i <= %(ti)s THEN """
        + step_at("ed.day", "a.g", "s.j")
        + """ END, '',
                  CASE WHEN s.o_i <= %(ti)s AND NOT (s.j = 1 AND a.paused_now)
                        AND ((s.e_i <= %(ti)s AND ed.day > dd.day) OR (s.e_i > %(ti)s AND dd.day < %(today)s))
                       THEN (dd.day + 1)::timestamp AT TIME ZONE %(tz)s END
           FROM bench_app a
           CROSS JOIN LATERAL (VALUES (1, a.acc_i, a.e1, a.acc_i + a.l1 + a.pl_eff), (2, a.e1, a.e2, a.e1 + a.l2),
                                      (3, a.e2, a.e3, a.e2 + a.l3)) AS s (j, o_i, e_i, due_i)
           JOIN matters_processstep ps ON ps.matter_id = a.matter_id AND ps.position = s.j
           JOIN bench_wd od ON od.i = s.o_i JOIN bench_wd dd ON dd.i = s.due_i
           LEFT JOIN bench_wd ed ON ed.i = s.e_i
           WHERE a.accepted AND s.j <= a.nsteps
           ORDER BY a.g, s.j""",
        ctx,
    )
    execute(
        """UPDATE applications_application a SET current_step_id = s.id FROM applications_reviewstep s
           WHERE s.application_id = a.id AND s.status = 'active'"""
    )
    counts["supplement_notices"] = insert(
        "supplement_notices",
        """INSERT INTO applications_supplementnotice (application_id, step_id, summary, due_on, created_at,
               answered_at, document_code)
           SELECT a.g, s.id, '请补充上年度审计报告。', dd.day,
                  (pd.day + interval '10 hours') AT TIME ZONE %(tz)s,
                  CASE WHEN a.r_i <= %(ti)s THEN (rd.day + interval '15 hours') AT TIME ZONE %(tz)s END, ''
           FROM bench_app a JOIN applications_reviewstep s ON s.application_id = a.g AND s.position = 1
           JOIN bench_wd pd ON pd.i = a.p_i JOIN bench_wd rd ON rd.i = a.r_i JOIN bench_wd dd ON dd.i = a.p_i + 5
           WHERE a.paused_ever""",
        ctx,
    )
    clocks = insert(
        "application_case clocks",
        """INSERT INTO workcalendar_clock (content_type_id, object_id, kind, started_on, limit_days, due_on,
               provisional, state, stopped_at, stopped_late, overdue_since, created_at)
           SELECT %(ct_application)s, a.g, 'application_case', ad.day, a.time_limit,
                  CASE WHEN a.paused_now THEN NULL ELSE dd.day END,
                  NOT a.paused_now AND extract(year FROM dd.day) > %(covered)s,
                  CASE WHEN a.done THEN 'stopped' WHEN a.paused_now THEN 'paused' ELSE 'running' END,
                  CASE WHEN a.done THEN a.dec_at END, CASE WHEN a.done THEN xd.day > dd.day END,
                  CASE WHEN a.done AND xd.day > dd.day THEN dd.day + 1
                       WHEN NOT a.done AND NOT a.paused_now AND dd.day < %(today)s THEN dd.day + 1 END,
                  a.acc_at
           FROM bench_app a JOIN bench_wd ad ON ad.i = a.acc_i JOIN bench_wd dd ON dd.i = a.case_due_i
           LEFT JOIN bench_wd xd ON xd.i = a.dec_i
           WHERE a.accepted""",
        ctx,
    )
    clocks += insert(
        "application_step clocks",
        """INSERT INTO workcalendar_clock (content_type_id, object_id, kind, started_on, limit_days, due_on,
               provisional, state, stopped_at, stopped_late, overdue_since, created_at)
           SELECT %(ct_step)s, s.id, 'application_step', (s.opened_at AT TIME ZONE %(tz)s)::date, s.days, s.due_on,
                  COALESCE(extract(year FROM s.due_on) > %(covered)s, false),
                  CASE WHEN s.decided_at IS NOT NULL THEN 'stopped' WHEN s.due_on IS NULL THEN 'paused'
                       ELSE 'running' END,
                  s.decided_at,
                  CASE WHEN s.decided_at IS NOT NULL THEN (s.decided_at AT TIME ZONE %(tz)s)::date > s.due_on END,
                  CASE WHEN s.decided_at IS NOT NULL AND (s.decided_at AT TIME ZONE %(tz)s)::date > s.due_on
                       THEN s.due_on + 1
                       WHEN s.decided_at IS NULL AND s.due_on < %(today)s THEN s.due_on + 1 END,
                  s.opened_at
           FROM applications_reviewstep s WHERE s.opened_at IS NOT NULL""",
        ctx,
    )
    counts["clock_pauses"] = insert(
        "clock_pauses",
        """INSERT INTO workcalendar_clockpause (clock_id, paused_on, resumed_on, reason, created_at)
           SELECT c.id, (n.created_at AT TIME ZONE %(tz)s)::date, (n.answered_at AT TIME ZONE %(tz)s)::date,
                  '补正', n.created_at
           FROM applications_supplementnotice n
           JOIN workcalendar_clock c
             ON (c.content_type_id = %(ct_application)s AND c.object_id = n.application_id
                 AND c.kind = 'application_case')
             OR (c.content_type_id = %(ct_step)s AND c.object_id = n.step_id AND c.kind = 'application_step')""",
        ctx,
    )
    counts["ratings"] = insert(
        "ratings",
        """INSERT INTO applications_rating (application_id, level, comment, channel, created_at)
           SELECT a.g, a.level, '', CASE WHEN a.channel = 'window' THEN 'window' ELSE 'online' END,
                  CASE WHEN a.rate_i = a.dec_i THEN a.dec_at + interval '2 hours'
                       ELSE (rd.day + (600 + mod(a.g * 13, 400)) * interval '1 minute') AT TIME ZONE %(tz)s END
           FROM bench_app a JOIN bench_wd rd ON rd.i = a.rate_i WHERE a.rated""",
        ctx,
    )
    counts["rectifications"] = insert(
        "rectifications",
        """INSERT INTO applications_rectification (rating_id, department_id, state, due_on, answer, answered_at,
               created_at)
           SELECT r.id, a.department_id,
                  CASE WHEN a.rate_i + a.rect_k <= %(ti)s THEN 'answered' ELSE 'open' END, dd.day,
                  CASE WHEN a.rate_i + a.rect_k <= %(ti)s THEN '已整改并回访企业。' ELSE '' END,
                  CASE WHEN a.rate_i + a.rect_k <= %(ti)s THEN (xd.day + interval '16 hours') AT TIME ZONE %(tz)s END,
                  r.created_at
           FROM applications_rating r JOIN bench_app a ON a.g = r.application_id
           JOIN bench_wd dd ON dd.i = a.rate_i + 15 JOIN bench_wd xd ON xd.i = a.rate_i + a.rect_k
           WHERE r.level <= 2""",
        ctx,
    )
    clocks += insert(
        "rating_rectification clocks",
        """INSERT INTO workcalendar_clock (content_type_id, object_id, kind, started_on, limit_days, due_on,
               provisional, state, stopped_at, stopped_late, overdue_since, created_at)
           SELECT %(ct_rectification)s, x.id, 'rating_rectification', (x.created_at AT TIME ZONE %(tz)s)::date, 15,
                  x.due_on, extract(year FROM x.due_on) > %(covered)s,
                  CASE WHEN x.answered_at IS NULL THEN 'running' ELSE 'stopped' END, x.answered_at,
                  CASE WHEN x.answered_at IS NOT NULL THEN (x.answered_at AT TIME ZONE %(tz)s)::date > x.due_on END,
                  CASE WHEN (x.answered_at IS NULL AND x.due_on < %(today)s)
                         OR (x.answered_at AT TIME ZONE %(tz)s)::date > x.due_on THEN x.due_on + 1 END,
                  x.created_at
           FROM applications_rectification x""",
        ctx,
    )
    counts["clocks"] = clocks
    return counts


CLOCK_INSERT = """INSERT INTO workcalendar_clock (content_type_id, object_id, kind, started_on, limit_days, due_on,
        provisional, state, stopped_at, stopped_late, overdue_since, created_at)"""


def load_payouts(ctx: dict) -> dict:
    """Payouts of approved applications (paid, failed, waiting), their clocks; the applications' status follows."""
    counts = {}
    execute(
        """CREATE TEMP TABLE bench_pay AS
           SELECT (row_number() OVER (ORDER BY x.g))::int AS k, x.*,
                  least(60, 2 + floor(-ln(1 - random()) * 6))::int AS lag, random() AS u_fail
           FROM (SELECT g, dec_i, dec_at, approved, enterprise_id, matter_id, source_id FROM bench_app
                 WHERE outcome = 'approved' AND done ORDER BY md5(g::text) LIMIT %(payouts)s) x""",
        ctx,
    )
    counts["payouts"] = insert(
        "payouts",
        """INSERT INTO payouts_payout (number, application_id, enterprise_id, matter_id, funding_source_id, amount,
               state, payee_name, bank_name, branch, account_number, account_tail, approved_on, created_at, paid_on,
               paid_at, bank_reference, failure_reason, hold_reason, cancel_reason, workdays_to_pay,
               overdue_flagged_at, attempts)
           SELECT 'ZF' || lpad(p.k::text, 12, '0'), p.g, p.enterprise_id, p.matter_id, p.source_id, p.approved,
                  CASE WHEN p.dec_i + p.lag > %(ti)s THEN 'pending' WHEN p.u_fail < 0.01 THEN 'failed'
                       ELSE 'paid' END,
                  e.name, '中国银行宜昌分行', '', '', '', xd.day, p.dec_at + interval '1 hour',
                  CASE WHEN p.dec_i + p.lag <= %(ti)s AND p.u_fail >= 0.01 THEN pd.day END,
                  CASE WHEN p.dec_i + p.lag <= %(ti)s AND p.u_fail >= 0.01
                       THEN (pd.day + interval '15 hours') AT TIME ZONE %(tz)s END,
                  CASE WHEN p.dec_i + p.lag <= %(ti)s AND p.u_fail >= 0.01 THEN 'BK' || lpad(p.k::text, 12, '0')
                       ELSE '' END,
                  CASE WHEN p.dec_i + p.lag <= %(ti)s AND p.u_fail < 0.01 THEN '账号户名不符' ELSE '' END, '', '',
                  CASE WHEN p.dec_i + p.lag <= %(ti)s AND p.u_fail >= 0.01 THEN p.lag END,
                  CASE WHEN p.dec_i + p.lag > %(ti)s AND dd.day < %(today)s
                       THEN (dd.day + 1 + interval '8 hours') AT TIME ZONE %(tz)s END,
                  CASE WHEN p.dec_i + p.lag > %(ti)s THEN 0 ELSE 1 END
           FROM bench_pay p JOIN bench_ent e ON e.id = p.enterprise_id JOIN bench_wd xd ON xd.i = p.dec_i
           JOIN bench_wd pd ON pd.i = p.dec_i + p.lag JOIN bench_wd dd ON dd.i = p.dec_i + 15
           ORDER BY p.k""",
        ctx,
    )
    counts["clocks"] = insert(
        "payout_pay clocks",
        CLOCK_INSERT
        + """
           SELECT %(ct_payout)s, p.id, 'payout_pay', p.approved_on, 15, dd.day,
                  extract(year FROM dd.day) > %(covered)s,
                  CASE WHEN p.state = 'paid' THEN 'stopped' ELSE 'running' END,
                  p.paid_at, CASE WHEN p.state = 'paid' THEN p.paid_on > dd.day END,
                  CASE WHEN p.state = 'paid' AND p.paid_on > dd.day THEN dd.day + 1
                       WHEN p.state <> 'paid' AND dd.day < %(today)s THEN dd.day + 1 END,
                  p.created_at
           FROM payouts_payout p JOIN bench_wd s ON s.day = p.approved_on JOIN bench_wd dd ON dd.i = s.i + 15""",
        ctx,
    )
    execute(
        """UPDATE applications_application a
           SET status = CASE WHEN p.state = 'paid' THEN 'paid' ELSE 'to_payout' END
           FROM payouts_payout p WHERE p.application_id = a.id"""
    )
    return counts


def load_appeals(ctx: dict) -> dict:
    """Appeals through acceptance, dispatch, signing, reply, evaluation and 重办; dispatch records, replies, clocks."""
    counts = {}
    minute = "* interval '1 minute') AT TIME ZONE %(tz)s"
    insert(
        "plan (temp table)",
        """CREATE TEMP TABLE bench_appeal AS
        WITH r AS MATERIALIZED (
            SELECT q, random() AS u_sub, random() AS u_time, random() AS u_reg, random() AS u_dep,
                   random() AS u_kind, random() AS u_chan, random() AS u_urg, random() AS u_out, random() AS u_acc,
                   random() AS u_sign, random() AS u_h, random() AS u_eval, random() AS u_sat, random() AS u_src,
                   random() AS u_sign2, random() AS u_h2, random() AS u_eval2, random() AS u_sat2, random() AS u_ent
            FROM generate_series(1, %(appeals)s) AS q
        ), a AS MATERIALIZED (
            SELECT r.*, %(w0)s + floor((%(ti)s - %(w0)s + 1) * power(r.u_sub, 0.8))::int AS sub_i,
                   CASE WHEN r.u_reg < 0.55 THEN 1 WHEN r.u_reg < 0.70 THEN 2 WHEN r.u_reg < 0.85 THEN 3
                        ELSE 4 END AS region_k,
                   CASE WHEN r.u_kind < 0.45 THEN 'consultation' WHEN r.u_kind < 0.70 THEN 'help'
                        WHEN r.u_kind < 0.85 THEN 'suggestion' ELSE 'complaint' END AS kind,
                   CASE WHEN r.u_chan < 0.40 THEN 'portal' WHEN r.u_chan < 0.85 THEN 'hotline'
                        WHEN r.u_chan < 0.95 THEN 'window' ELSE 'interaction' END AS channel
            FROM r
        ), b AS MATERIALIZED (
            SELECT a.*, rg.region_id, rg.ops_id, dp.dept_id, dp.pace, lim.days AS limit_h, e.id AS enterprise_id,
                   CASE WHEN a.u_out < 0.03 THEN 'rejected' WHEN a.u_out < 0.04 THEN 'withdrawn'
                        ELSE 'handled' END AS outcome,
                   a.sub_i + CASE WHEN a.u_acc < 0.9 THEN 0 WHEN a.u_acc < 0.98 THEN 1 ELSE 2 END AS acc_i,
                   CASE WHEN a.u_sign < 0.7 THEN 0 WHEN a.u_sign < 0.95 THEN 1 ELSE 2 END AS sign_lag,
                   CASE WHEN a.u_sign2 < 0.7 THEN 0 ELSE 1 END AS sign_lag2,
                   least(4 * lim.days, greatest(1, round(lim.days * dp.pace * 0.6 * -ln(1 - a.u_h))))::int AS h,
                   least(4 * lim.days, greatest(1, round(lim.days * dp.pace * 0.4 * -ln(1 - a.u_h2))))::int AS h2,
                   a.u_src < 0.1 AS lapsed,
                   CASE WHEN a.u_sat < 0.75 THEN 'satisfied' WHEN a.u_sat < 0.92 THEN 'basic'
                        ELSE 'unsatisfied' END AS sat,
                   CASE WHEN a.u_sat2 < 0.5 THEN 'satisfied' WHEN a.u_sat2 < 0.85 THEN 'basic'
                        ELSE 'unsatisfied' END AS sat2
            FROM a JOIN bench_region rg ON rg.k = a.region_k
            JOIN bench_rdept dp ON dp.region_k = a.region_k AND dp.k = 1 + floor(a.u_dep * rg.ndepts)::int
            JOIN (VALUES ('consultation', 3), ('help', 5), ('suggestion', 10), ('complaint', 13)) AS lim (kind, days)
              ON lim.kind = a.kind
            JOIN bench_ent e ON e.k = 1 + floor(a.u_ent * %(e)s)::int
        ), c AS MATERIALIZED (
            SELECT b.*, b.acc_i + b.sign_lag AS sign_i, b.acc_i + b.sign_lag + b.h AS rep_i,
                   b.acc_i + b.sign_lag + b.h + CASE WHEN b.lapsed THEN 5 ELSE floor(b.u_eval * 5)::int END AS ev_i,
                   b.outcome = 'handled' AND NOT b.lapsed AND b.sat = 'unsatisfied' AS reopen
            FROM b
        ), d AS MATERIALIZED (
            SELECT c.*, c.ev_i + c.sign_lag2 AS sign2_i, c.ev_i + c.sign_lag2 + c.h2 AS rep2_i,
                   c.ev_i + c.sign_lag2 + c.h2 + floor(c.u_eval2 * 5)::int AS ev2_i
            FROM c
        ), t AS MATERIALIZED (
            SELECT d.*, ts.sub_at,
                   CASE WHEN d.acc_i = d.sub_i THEN ts.sub_at + interval '30 minutes'
                        ELSE (ad.day + (540 + mod(d.q * 7, 300)) """
        + minute
        + """ END AS acc_at,
                   CASE WHEN d.rep_i <= %(ti)s THEN (rd.day + (540 + mod(d.q * 13, 480)) """
        + minute
        + """ END AS rep_at,
                   CASE WHEN d.reopen AND d.sign2_i <= %(ti)s THEN (s2d.day + (540 + mod(d.q * 19, 420)) """
        + minute
        + """ END AS sign2_day_at,
                   CASE WHEN d.reopen AND d.rep2_i <= %(ti)s THEN (r2d.day + (540 + mod(d.q * 23, 480)) """
        + minute
        + """ END AS rep2_at,
                   CASE WHEN d.reopen AND d.ev2_i <= %(ti)s THEN (e2d.day + (600 + mod(d.q * 29, 420)) """
        + minute
        + """ END AS ev2_day_at,
                   CASE WHEN d.sign_i <= %(ti)s THEN (gd.day + (540 + mod(d.q * 11, 420)) """
        + minute
        + """ END AS sign_day_at,
                   CASE WHEN d.ev_i <= %(ti)s THEN (evd.day + (600 + mod(d.q * 17, 420)) """
        + minute
        + """ END AS ev_day_at,
                   du.day AS handle_due, tr.day AS triple_due
            FROM d JOIN bench_wd sd ON sd.i = d.sub_i JOIN bench_wd ad ON ad.i = d.acc_i
            JOIN bench_wd gd ON gd.i = d.sign_i JOIN bench_wd rd ON rd.i = d.rep_i JOIN bench_wd evd ON evd.i = d.ev_i
            JOIN bench_wd s2d ON s2d.i = d.sign2_i JOIN bench_wd r2d ON r2d.i = d.rep2_i
            JOIN bench_wd e2d ON e2d.i = d.ev2_i
            JOIN bench_wd du ON du.i = d.sign_i + d.limit_h JOIN bench_wd tr ON tr.i = d.sign_i + 3 * d.limit_h
            CROSS JOIN LATERAL (SELECT (sd.day + (480 + floor(d.u_time * 720)) """
        + minute
        + """ AS sub_at) ts
        )
        SELECT t.*, t.acc_at + interval '1 hour' AS disp_at,
               CASE WHEN t.sign_i > %(ti)s THEN NULL WHEN t.sign_lag = 0 THEN t.acc_at + interval '3 hours'
                    ELSE t.sign_day_at END AS sign_at,
               CASE WHEN t.ev_i > %(ti)s OR t.lapsed THEN NULL WHEN floor(t.u_eval * 5) = 0
                    THEN t.rep_at + interval '3 hours' ELSE t.ev_day_at END AS ev_at,
               CASE WHEN t.reopen AND t.ev_i <= %(ti)s THEN
                    CASE WHEN floor(t.u_eval * 5) = 0 THEN t.rep_at + interval '4 hours'
                         ELSE t.ev_day_at + interval '1 hour' END END AS disp2_at
        FROM t""",
        ctx,
    )
    execute(
        """ALTER TABLE bench_appeal ADD COLUMN sign2_at timestamptz, ADD COLUMN ev2_at timestamptz,
               ADD COLUMN status text, ADD COLUMN closed_at timestamptz;
           UPDATE bench_appeal SET
               sign2_at = CASE WHEN NOT reopen OR sign2_i > %(ti)s THEN NULL
                               WHEN sign_lag2 = 0 THEN disp2_at + interval '2 hours' ELSE sign2_day_at END,
               ev2_at = CASE WHEN NOT reopen OR ev2_i > %(ti)s THEN NULL WHEN floor(u_eval2 * 5) = 0
                             THEN rep2_at + interval '3 hours' ELSE ev2_day_at END,
               status = CASE WHEN outcome = 'rejected'
                                  THEN CASE WHEN acc_i <= %(ti)s THEN 'rejected' ELSE 'submitted' END
                             WHEN outcome = 'withdrawn' THEN CASE WHEN sub_i + 1 <= %(ti)s THEN 'withdrawn'
                                                                  ELSE 'submitted' END
                             WHEN acc_i > %(ti)s THEN 'submitted' WHEN sign_i > %(ti)s THEN 'dispatched'
                             WHEN rep_i > %(ti)s THEN 'handling' WHEN ev_i > %(ti)s THEN 'replied'
                             WHEN NOT reopen THEN 'closed' WHEN sign2_i > %(ti)s THEN 'dispatched'
                             WHEN rep2_i > %(ti)s THEN 'handling' WHEN ev2_i > %(ti)s THEN 'replied'
                             ELSE 'closed' END;
           UPDATE bench_appeal SET closed_at = CASE
               WHEN status <> 'closed' THEN NULL WHEN reopen THEN ev2_at WHEN lapsed THEN ev_day_at ELSE ev_at END;
           CREATE UNIQUE INDEX ON bench_appeal (q); ANALYZE bench_appeal""",
        ctx,
    )
    counts["appeals"] = insert(
        "appeals",
        """INSERT INTO appeals_appeal (id, number, hotline_number, hotline_digest, kind, channel, urgency, status,
               title, content, enterprise_id, contact_name, contact_phone, contact_phone_digest, tracking_code,
               region_id, operations_centre_id, department_id, reopen_count, reject_reason, satisfaction,
               evaluation_comment, evaluation_source, submitted_at, accepted_at, dispatched_at, signed_at,
               replied_at, evaluated_at, closed_at, escalated_on, triple_overdue_on, updated_at)
           SELECT q, 'GD' || lpad(q::text, 12, '0'),
                  CASE WHEN channel = 'hotline' THEN '12345-' || lpad(q::text, 12, '0') END, '', kind, channel,
                  CASE WHEN u_urg < 0.05 THEN 'urgent' ELSE 'normal' END, status,
                  '关于惠企政策办理的诉求', '企业反映政策兑现办理中的问题，请予协调。', enterprise_id, '', '', '',
                  translate(lpad(q::text, 8, '0'), '0123456789', 'ABCDEFGHJK'), region_id, ops_id,
                  CASE WHEN outcome = 'handled' AND acc_i <= %(ti)s THEN dept_id END,
                  CASE WHEN reopen AND ev_i <= %(ti)s THEN 1 ELSE 0 END,
                  CASE WHEN status = 'rejected' THEN '不属于受理范围。' ELSE '' END,
                  CASE WHEN ev2_at IS NOT NULL THEN sat2 WHEN ev_at IS NOT NULL THEN sat ELSE '' END, '',
                  CASE WHEN ev2_at IS NOT NULL OR ev_at IS NOT NULL
                            THEN CASE WHEN channel = 'hotline' THEN 'hotline' ELSE 'submitter' END
                       WHEN lapsed AND status = 'closed' THEN 'lapsed' ELSE '' END,
                  sub_at, CASE WHEN acc_i <= %(ti)s AND outcome = 'handled' THEN acc_at END,
                  CASE WHEN acc_i <= %(ti)s AND outcome = 'handled' THEN disp_at END,
                  CASE WHEN outcome = 'handled' THEN sign_at END, CASE WHEN outcome = 'handled' THEN rep_at END,
                  coalesce(ev2_at, ev_at), closed_at,
                  CASE WHEN outcome = 'handled' AND sign_i <= %(ti)s AND rep_i > sign_i + limit_h
                        AND handle_due < %(today)s THEN handle_due + 1 END,
                  CASE WHEN outcome = 'handled' AND sign_i <= %(ti)s AND rep_i > sign_i + 3 * limit_h
                        AND triple_due < %(today)s THEN triple_due + 1 END,
                  coalesce(closed_at, ev_at, rep_at, sign_at, acc_at, sub_at)
           FROM bench_appeal ORDER BY q""",
        ctx,
    )
    execute("SELECT setval(pg_get_serial_sequence('appeals_appeal', 'id'), (SELECT max(id) FROM appeals_appeal))")
    counts["dispatch_records"] = insert(
        "dispatch_records",
        """INSERT INTO appeals_dispatchrecord (appeal_id, department_id, round, note, dispatched_at, signed_at,
               return_reason, replied_at)
           SELECT q, dept_id, 1, '', disp_at, sign_at, '', rep_at FROM bench_appeal
           WHERE outcome = 'handled' AND acc_i <= %(ti)s
           UNION ALL
           SELECT q, dept_id, 2, '不满意重办', disp2_at, sign2_at, '', rep2_at FROM bench_appeal
           WHERE disp2_at IS NOT NULL""",
        ctx,
    )
    counts["appeal_replies"] = insert(
        "appeal_replies",
        """INSERT INTO appeals_appealreply (appeal_id, department_id, round, content, replied_at)
           SELECT q, dept_id, 1, '经核实，已按政策规定办理。', rep_at FROM bench_appeal
           WHERE outcome = 'handled' AND rep_at IS NOT NULL
           UNION ALL
           SELECT q, dept_id, 2, '重新办理后答复如下。', rep2_at FROM bench_appeal WHERE rep2_at IS NOT NULL""",
        ctx,
    )
    # (kind, applies, start index, limit, stop time, started at) per appeal; the due day is start + limit.
    counts["clocks"] = insert(
        "appeal clocks",
        CLOCK_INSERT
        + """
           SELECT %(ct_appeal)s, a.q, k.kind, sd.day, k.lim, dd.day, extract(year FROM dd.day) > %(covered)s,
                  CASE WHEN k.stop_at IS NULL THEN 'running' ELSE 'stopped' END, k.stop_at,
                  CASE WHEN k.stop_at IS NOT NULL THEN (k.stop_at AT TIME ZONE %(tz)s)::date > dd.day END,
                  CASE WHEN k.stop_at IS NULL AND dd.day < %(today)s THEN dd.day + 1
                       WHEN (k.stop_at AT TIME ZONE %(tz)s)::date > dd.day THEN dd.day + 1 END,
                  k.started_at
           FROM bench_appeal a
           CROSS JOIN LATERAL (VALUES
               ('appeal_accept', true, a.sub_i, 1,
                CASE WHEN a.outcome = 'withdrawn' AND a.sub_i + 1 <= %(ti)s THEN a.sub_at + interval '1 day'
                     WHEN a.outcome <> 'withdrawn' AND a.acc_i <= %(ti)s THEN a.acc_at END, a.sub_at),
               ('appeal_sign', a.outcome = 'handled' AND a.acc_i <= %(ti)s, a.acc_i, 1, a.sign_at, a.disp_at),
               ('appeal_handle', a.outcome = 'handled' AND a.sign_i <= %(ti)s, a.sign_i, a.limit_h, a.rep_at,
                a.sign_at),
               ('appeal_handle', a.sign2_at IS NOT NULL, a.sign2_i, a.limit_h, a.rep2_at, a.sign2_at)
           ) AS k (kind, applies, start_i, lim, stop_at, started_at)
           JOIN bench_wd sd ON sd.i = k.start_i JOIN bench_wd dd ON dd.i = k.start_i + k.lim
           WHERE k.applies""",
        ctx,
    )
    return counts


def load_confirmations(ctx: dict, world: dict) -> dict:
    """免申即享: a confirmation list per automatic matter and year (accepted, notified within or after its 10 working
    days, with its clock), and the enterprises on it confirming, declining or letting the period lapse."""
    import datetime as dt

    from django.db import connection

    from applications.models import ConfirmationList

    with connection.cursor() as cursor:
        cursor.execute("SELECT i, day FROM bench_wd ORDER BY i")
        days = dict(cursor.fetchall())
    index_of = {day: i for i, day in days.items()}
    today, ti = ctx["today"], ctx["ti"]

    def at(i: int, hour: int):
        return dt.datetime.combine(days[i], dt.time(hour), tzinfo=ctx["zone"])

    automatic = [m for m in world["matters"] if m.delivery_kind == "automatic"]
    plans, lists = [], []
    for number, matter in enumerate(automatic):
        for year in (today.year - 1, today.year):
            created = dt.date(year, 3, 1) + dt.timedelta(days=number * 13)
            ci = min(i for day, i in index_of.items() if day >= created)
            if ci > ti - 5:
                continue
            ai = ci + 1 + number % 3
            ni = ai + 2 + (number * 7 + year) % 12
            notified = ni <= ti
            status = "accepted" if not notified else "closed" if ni + 10 < ti else "notified"
            plans.append((len(plans) + 1, ai, ni, notified, matter.amount))
            lists.append(
                ConfirmationList(
                    matter=matter,
                    period=str(year),
                    rule_set=world["rule_sets"][matter.pk],
                    status=status,
                    created_at=at(ci, 10),
                    accepted_at=at(ai, 11),
                    notified_at=at(ni, 15) if notified else None,
                )
            )
    ConfirmationList.objects.bulk_create(lists)
    execute(
        """CREATE TEMP TABLE bench_list (no int, id bigint, ai int, ni int, notified bool, amount numeric,
               accepted_at timestamptz, notified_at timestamptz)"""
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_list VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [(p[0], row.pk, *p[1:], row.accepted_at, row.notified_at) for p, row in zip(plans, lists, strict=True)],
        )
    ctx["per_list"] = max(1, ctx["confirmations"] // max(1, len(lists)))
    counts = {"confirmation_lists": len(lists)}
    counts["confirmations"] = insert(
        "confirmations",
        """INSERT INTO applications_confirmation (confirmation_list_id, enterprise_id, code, state, facts, amount,
               amount_text, bank_name, bank_account, decline_reason, due_on, notified_at, answered_at)
           WITH x AS MATERIALIZED (
               SELECT l.*, j, random() AS u, least(10, floor(-ln(1 - random()) * 3))::int AS lag
               FROM bench_list l CROSS JOIN generate_series(1, %(per_list)s) AS j
           ), y AS (
               SELECT x.*, CASE WHEN NOT x.notified THEN 'pending'
                                WHEN x.u < 0.84 THEN CASE WHEN x.ni + x.lag > %(ti)s THEN 'pending'
                                                          WHEN x.u < 0.80 THEN 'confirmed' ELSE 'declined' END
                                WHEN x.ni + 10 < %(ti)s THEN 'waived' ELSE 'pending' END AS state
               FROM x
           )
           SELECT y.id, e.id, 'Y' || translate(lpad((y.no * 1000000 + y.j)::text, 11, '0'), '0123456789',
                  'ABCDEFGHJK'), y.state, '{}', y.amount, '', '', '',
                  CASE WHEN y.state = 'declined' THEN '企业自愿放弃。' ELSE '' END,
                  CASE WHEN y.notified THEN dd.day END, y.notified_at,
                  CASE WHEN y.state IN ('confirmed', 'declined') THEN
                       CASE WHEN y.lag = 0 THEN y.notified_at + interval '2 hours'
                            ELSE (ad.day + interval '10 hours') AT TIME ZONE %(tz)s END END
           FROM y JOIN bench_ent e ON e.k = mod(y.no * 997 + y.j, %(e)s) + 1
           JOIN bench_wd dd ON dd.i = y.ni + 10 JOIN bench_wd ad ON ad.i = y.ni + y.lag""",
        ctx,
    )
    counts["clocks"] = insert(
        "confirmation_notify clocks",
        CLOCK_INSERT
        + """
           SELECT %(ct_list)s, l.id, 'confirmation_notify', sd.day, 10, dd.day, extract(year FROM dd.day) > %(covered)s,
                  CASE WHEN l.notified THEN 'stopped' ELSE 'running' END, l.notified_at,
                  CASE WHEN l.notified THEN l.ni > l.ai + 10 END,
                  CASE WHEN l.notified AND l.ni > l.ai + 10 THEN dd.day + 1
                       WHEN NOT l.notified AND dd.day < %(today)s THEN dd.day + 1 END,
                  l.accepted_at
           FROM bench_list l JOIN bench_wd sd ON sd.i = l.ai JOIN bench_wd dd ON dd.i = l.ai + 10""",
        ctx,
    )
    return counts


def load_platform(ctx: dict, world: dict) -> dict:
    """Enterprise users registering, SMS sent per moment (template), daily visits, searches and calculator uses."""
    from django.db import connection

    from portal.core.crypto import digest
    from portal.notify.models import OutboxMessage

    def stored(field: str, value):
        return OutboxMessage._meta.get_field(field).get_db_prep_value(value, connection)

    phone = "13800000000"
    ctx.update(
        phone=stored("phone", phone),
        phone_digest=digest(phone),
        params=stored("params", {"number": "SB000000000001"}),
        text=stored("text", "您的申报已受理。"),
        templates=[t.pk for t in world["templates"]],
        activity_scale=ctx["n"] / 1_000_000,
    )
    counts = {}
    counts["enterprise_users"] = insert(
        "enterprise_users",
        """INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
               is_active, date_joined, kind, name, phone)
           SELECT '!', false, 'bench-user-' || g, '', '', '', false, true,
                  ((%(start)s::date + floor(%(days)s * power(random(), 0.8))::int)
                   + (480 + floor(random() * 780)) * interval '1 minute') AT TIME ZONE %(tz)s,
                  'enterprise', '企业用户' || g, ''
           FROM generate_series(1, %(users)s) AS g""",
        ctx,
    )
    counts["sms"] = insert(
        "sms",
        """INSERT INTO notify_outboxmessage (message_id, channel, target, ordering_key, phone, phone_digest,
               template_id, params, text, dedupe_key, urgent, status, attempts, next_attempt_at, provider,
               provider_message_id, last_error, created_at, sent_at)
           SELECT md5('bench-sms-' || g)::uuid, 'sms', '', '', %(phone)s, %(phone_digest)s,
                  (%(templates)s::bigint[])[1 + mod(g, 4)], %(params)s, %(text)s, 'bench-sms-' || g, false,
                  CASE WHEN u < 0.98 THEN 'sent' ELSE 'failed' END, 1, t, 'bench', '',
                  CASE WHEN u < 0.98 THEN '' ELSE '网关超时' END, t,
                  CASE WHEN u < 0.98 THEN t + interval '5 seconds' END
           FROM (SELECT g, random() AS u,
                        ((%(start)s::date + floor(%(days)s * power(random(), 0.8))::int)
                         + (480 + floor(random() * 780)) * interval '1 minute') AT TIME ZONE %(tz)s AS t
                 FROM generate_series(1, %(sms)s) AS g) AS x""",
        ctx,
    )
    counts["activity_days"] = insert(
        "activity_days",
        """INSERT INTO supervision_activitycount (day, kind, n)
           SELECT d::date, k.kind,
                  round(k.base * %(activity_scale)s * (0.6 + 0.8 * random())
                        * CASE WHEN extract(isodow FROM d) >= 6 THEN 0.4 ELSE 1 END)::bigint
           FROM generate_series(%(start)s::date, %(today)s::date, interval '1 day') AS d
           CROSS JOIN (VALUES ('visit', 20000), ('search', 5000), ('calculator', 800)) AS k (kind, base)""",
        ctx,
    )
    return counts


def load(args, sizes: dict) -> tuple[dict, float]:
    """Builds the world and loads every table; returns the row counts and the seconds it took."""
    import datetime as dt
    from io import StringIO

    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.utils import timezone

    from appeals.models import Appeal
    from applications.models import Application, ConfirmationList, Rectification, ReviewStep
    from payouts.models import Payout

    started = time.perf_counter()
    execute("SET synchronous_commit TO off; SET work_mem TO '64MB'")  # for the load only; reset below
    today = timezone.localdate()
    start = today - dt.timedelta(days=sizes["days"])
    world = build_world(sizes["seed"])
    call_command("generate_enterprises", count=sizes["enterprises"], seed=sizes["seed"], stdout=StringIO())
    ctx = {
        "seed": (sizes["seed"] % 1000) / 1000,
        "n": sizes["applications"],
        "e": sizes["enterprises"],
        "payouts": sizes["payouts"],
        "appeals": sizes["appeals"],
        "confirmations": sizes["confirmations"],
        "sms": sizes["sms"],
        "users": sizes["users"],
        "days": sizes["days"],
        "tz": settings.TIME_ZONE,
        "zone": timezone.get_current_timezone(),
        "today": today,
        "start": start,
        "first": start - dt.timedelta(days=40),
        "last": today + dt.timedelta(days=600),
        "covered": scalar("SELECT COALESCE(max(year), 2000) FROM workcalendar_calendaryear WHERE covered"),
        "ct_application": ContentType.objects.get_for_model(Application).pk,
        "ct_step": ContentType.objects.get_for_model(ReviewStep).pk,
        "ct_rectification": ContentType.objects.get_for_model(Rectification).pk,
        "ct_payout": ContentType.objects.get_for_model(Payout).pk,
        "ct_appeal": ContentType.objects.get_for_model(Appeal).pk,
        "ct_list": ContentType.objects.get_for_model(ConfirmationList).pk,
    }
    prepare(ctx, world)
    ctx["em"] = ctx["e"] * ctx["m"]
    if ctx["em"] < ctx["n"]:
        raise SystemExit(f"{ctx['e']} enterprises × {ctx['m']} matters cannot hold {ctx['n']} distinct applications")
    execute("CREATE TEMP TABLE bench_region (k int, region_id bigint, ops_id bigint, ndepts int)")
    execute("CREATE TEMP TABLE bench_rdept (region_k int, k int, dept_id bigint, pace float8)")
    from django.db import connection

    with connection.cursor() as cursor:
        for k, (code, *_rest) in enumerate(SERVED, start=1):
            departments = [d for d in world["policy_departments"] if d.region.code == code]
            region = world["regions"][code]
            cursor.execute(
                "INSERT INTO bench_region VALUES (%s, %s, %s, %s)",
                [k, region.pk, world["operations"][code].pk, len(departments)],
            )
            cursor.executemany(
                "INSERT INTO bench_rdept VALUES (%s, %s, %s, %s)",
                [(k, j, d.pk, d.pace) for j, d in enumerate(departments, start=1)],
            )
    counts: dict[str, int] = {}

    def step(label, fn, *fn_args):
        began = time.perf_counter()
        for key, value in fn(*fn_args).items():
            counts[key] = counts.get(key, 0) + value
        print(f"  {label}: {time.perf_counter() - began:.1f} s", flush=True)

    step("applications, steps, notices, clocks, ratings", load_applications, ctx)
    step("payouts", load_payouts, ctx)
    step("appeals", load_appeals, ctx)
    step("免申即享 lists and confirmations", load_confirmations, ctx, world)
    step("users, SMS, activity", load_platform, ctx, world)
    began = time.perf_counter()
    for table in [
        "enterprises_enterprise",
        "applications_application",
        "applications_reviewstep",
        "applications_supplementnotice",
        "applications_rating",
        "applications_rectification",
        "applications_confirmationlist",
        "applications_confirmation",
        "payouts_payout",
        "appeals_appeal",
        "appeals_dispatchrecord",
        "appeals_appealreply",
        "workcalendar_clock",
        "workcalendar_clockpause",
        "accounts_user",
        "notify_outboxmessage",
        "supervision_activitycount",
    ]:
        execute(f"VACUUM ANALYZE {table}")  # as autovacuum leaves a settled table
    print(f"  VACUUM ANALYZE: {time.perf_counter() - began:.1f} s", flush=True)
    execute("RESET synchronous_commit; RESET work_mem")  # measured with the server's settings
    counts["enterprises"] = scalar("SELECT count(*) FROM enterprises_enterprise")
    seconds = time.perf_counter() - started
    execute(f"CREATE TABLE {MARKER} (sizes text, counts text, seconds float8, loaded_at timestamptz DEFAULT now())")
    execute(
        f"INSERT INTO {MARKER} (sizes, counts, seconds) VALUES (%(sizes)s, %(counts)s, %(seconds)s)",
        {"sizes": json.dumps(sizes, sort_keys=True), "counts": json.dumps(counts), "seconds": seconds},
    )
    return counts, seconds


# --------------------------------------------------------------------------------------------- stand-in measures


def register_stand_ins() -> list[str]:
    """Bench-only measures and figures (`bench.*`) for each of the applications, payouts and appeals sections that
    has no figure registered; returns the sections given stand-ins. Shaped as SUPERVISION_API describes: ratios of
    two measures dated by the same event, working-day distributions, snapshot counts served by an index."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Exists, OuterRef
    from django.db.models.functions import TruncDate
    from django.utils import timezone

    from appeals.models import Appeal
    from applications.models import Application, ReviewStep
    from payouts.models import Payout
    from portal.supervision.measures import Figure, Measure, figures, figures_of, measures
    from portal.workcalendar.models import Clock
    from portal.workcalendar.sql import WorkdaysBetween

    def on_time(model, kind):
        return Exists(
            Clock.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id=OuterRef("pk"),
                kind=kind,
                stopped_late=False,
            )
        )

    def reviewed():
        return Application.objects.filter(decided_at__isnull=False, accepted_at__isnull=False, auto_approved=False)

    columns = (("number", "编号"),)
    stand_ins = {
        "applications": (
            [
                Measure(
                    "bench.applications.submitted",
                    "提交件数",
                    lambda: Application.objects.filter(submitted_at__isnull=False),
                    date="submitted_at",
                    department="matter__department",
                    category="matter__code",
                    columns=columns,
                ),
                Measure(
                    "bench.applications.online",
                    "网上申报件数",
                    lambda: Application.objects.filter(submitted_at__isnull=False, channel="online"),
                    date="submitted_at",
                    department="matter__department",
                    category="matter__code",
                    columns=columns,
                ),
                Measure(
                    "bench.applications.decided",
                    "审核办结件数",
                    reviewed,
                    date="decided_at",
                    department="matter__department",
                    category="matter__code",
                    columns=columns,
                ),
                Measure(
                    "bench.applications.decided_on_time",
                    "按时办结件数",
                    lambda: reviewed().filter(on_time(Application, "application_case")),
                    date="decided_at",
                    department="matter__department",
                    category="matter__code",
                    columns=columns,
                ),
                Measure(
                    "bench.applications.step_days",
                    "环节办理用时",
                    lambda: ReviewStep.objects.filter(decided_at__isnull=False),
                    date="decided_at",
                    department="department",
                    category="name",
                    value=lambda: WorkdaysBetween(TruncDate("opened_at"), TruncDate("decided_at")),
                    distribution=True,
                    columns=(("name", "环节"),),
                ),
                Measure(
                    "bench.applications.overdue_steps",
                    "超期环节（当前）",
                    lambda: ReviewStep.objects.filter(status="active", due_on__lt=timezone.localdate()),
                    date=None,
                    department="department",
                    snapshot=True,
                    columns=(("name", "环节"),),
                ),
            ],
            [
                Figure(
                    "bench.applications.online_rate",
                    "网办比例",
                    "applications",
                    Figure.RATIO,
                    "bench.applications.online",
                    base="bench.applications.submitted",
                    headline=True,
                    trend=True,
                ),
                Figure(
                    "bench.applications.on_time_rate",
                    "按时办结率",
                    "applications",
                    Figure.RATIO,
                    "bench.applications.decided_on_time",
                    base="bench.applications.decided",
                    better=Figure.HIGHER,
                    headline=True,
                    ranking=True,
                ),
                Figure(
                    "bench.applications.step_mean",
                    "环节平均用时",
                    "applications",
                    Figure.MEAN,
                    "bench.applications.step_days",
                    better=Figure.LOWER,
                ),
                Figure(
                    "bench.applications.step_p90",
                    "环节用时90分位",
                    "applications",
                    Figure.P90,
                    "bench.applications.step_days",
                    better=Figure.LOWER,
                    ranking=True,
                ),
                Figure(
                    "bench.applications.overdue_steps",
                    "超期环节（当前）",
                    "applications",
                    Figure.COUNT,
                    "bench.applications.overdue_steps",
                    better=Figure.LOWER,
                    headline=True,
                    ranking=True,
                ),
            ],
        ),
        "payouts": (
            [
                Measure(
                    "bench.payouts.paid_days",
                    "兑付用时",
                    lambda: Payout.objects.filter(state="paid"),
                    date="paid_on",
                    department="funding_source__department",
                    value="workdays_to_pay",
                    distribution=True,
                    columns=columns,
                ),
                Measure(
                    "bench.payouts.paid_amount",
                    "兑付金额",
                    lambda: Payout.objects.filter(state="paid"),
                    date="paid_on",
                    department="funding_source__department",
                    value="amount",
                    columns=columns,
                ),
                Measure(
                    "bench.payouts.waiting",
                    "待兑付资金（当前）",
                    lambda: Payout.objects.filter(state__in=["pending", "failed"]),
                    date=None,
                    department="funding_source__department",
                    value="amount",
                    snapshot=True,
                    columns=columns,
                ),
            ],
            [
                Figure(
                    "bench.payouts.paid_mean",
                    "平均兑付用时",
                    "payouts",
                    Figure.MEAN,
                    "bench.payouts.paid_days",
                    better=Figure.LOWER,
                    headline=True,
                    ranking=True,
                ),
                Figure(
                    "bench.payouts.paid_p90",
                    "兑付用时90分位",
                    "payouts",
                    Figure.P90,
                    "bench.payouts.paid_days",
                    better=Figure.LOWER,
                    ranking=True,
                ),
                Figure(
                    "bench.payouts.paid_amount",
                    "兑付金额",
                    "payouts",
                    Figure.SUM,
                    "bench.payouts.paid_amount",
                    trend=True,
                ),
                Figure(
                    "bench.payouts.waiting",
                    "待兑付资金",
                    "payouts",
                    Figure.SUM,
                    "bench.payouts.waiting",
                    better=Figure.LOWER,
                    headline=True,
                ),
            ],
        ),
        "appeals": (
            [
                Measure(
                    "bench.appeals.replied",
                    "答复件数",
                    lambda: Appeal.objects.filter(replied_at__isnull=False),
                    date="replied_at",
                    department="department",
                    columns=columns,
                ),
                Measure(
                    "bench.appeals.replied_on_time",
                    "按时答复件数",
                    lambda: Appeal.objects.filter(replied_at__isnull=False).filter(on_time(Appeal, "appeal_handle")),
                    date="replied_at",
                    department="department",
                    columns=columns,
                ),
                Measure(
                    "bench.appeals.evaluated",
                    "评价件数",
                    lambda: Appeal.objects.filter(evaluated_at__isnull=False).exclude(satisfaction=""),
                    date="evaluated_at",
                    department="department",
                    columns=columns,
                ),
                Measure(
                    "bench.appeals.satisfied",
                    "满意件数",
                    lambda: Appeal.objects.filter(evaluated_at__isnull=False, satisfaction__in=["satisfied", "basic"]),
                    date="evaluated_at",
                    department="department",
                    columns=columns,
                ),
            ],
            [
                Figure(
                    "bench.appeals.on_time_rate",
                    "诉求按时答复率",
                    "appeals",
                    Figure.RATIO,
                    "bench.appeals.replied_on_time",
                    base="bench.appeals.replied",
                    better=Figure.HIGHER,
                    headline=True,
                    ranking=True,
                    trend=True,
                ),
                Figure(
                    "bench.appeals.satisfaction",
                    "诉求满意率",
                    "appeals",
                    Figure.RATIO,
                    "bench.appeals.satisfied",
                    base="bench.appeals.evaluated",
                    better=Figure.HIGHER,
                    headline=True,
                    ranking=True,
                ),
                Figure("bench.appeals.replied", "答复件数", "appeals", Figure.COUNT, "bench.appeals.replied"),
            ],
        ),
    }
    added = []
    for section, (section_measures, section_figures) in stand_ins.items():
        if figures_of(section):
            continue
        for measure in section_measures:
            measures.register(measure)
        for figure in section_figures:
            figures.register(figure)
        added.append(section)
    return added


# --------------------------------------------------------------------------------------------- measuring


def overview_data(period, *, live: bool = False):
    """What the overview shows, as the brief defines its data part: every figure, the ranking figures by
    department, the trend figures by month."""
    from portal.supervision import compute
    from portal.supervision.measures import figures_of

    return (
        compute.figure_values(figures_of(), period, live=live),
        compute.figure_values(figures_of(ranking=True), period, by="department", live=live),
        compute.figure_values(figures_of(trend=True), period, by="month", live=live),
    )


def timed_ms(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        out.append((time.perf_counter() - began) * 1000)
    return out


def supervisor_client():
    """A test Client signed in to the admin site as a supervisor of the data bureau, with password and TOTP code."""
    from django.test import Client
    from django.urls import reverse
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.accounts.models import User
    from portal.org.models import Department, Membership, Role
    from portal.org.services import sync_roles

    sync_roles()
    password = "Bench-supervisor-2026"
    user = User.objects.create_user(
        username=f"bench-supervisor-{time.time_ns()}", password=password, kind="staff", is_staff=True, name="督查员"
    )
    bureau = Department.objects.filter(kind=Department.Kind.DATA_BUREAU).order_by("pk").first()
    Membership.objects.create(user=user, department=bureau, role=Role.SUPERVISOR)
    device = TOTPDevice.objects.create(user=user, name="基准测试", confirmed=True)
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    client = Client()
    client.post(
        reverse("admin:login"),
        {"username": user.username, "password": password, "otp_token": token, "next": reverse("admin:index")},
    )
    if "_auth_user_id" not in client.session:
        raise SystemExit("the supervisor could not sign in to the admin site")
    return client


def overview_url() -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("admin:supervision_overview")
    except NoReverseMatch:
        return None


def describe_registered(stand_ins: list[str]) -> None:
    from portal.supervision.measures import SECTION_KEYS, figures, figures_of, measures

    stored = [m.key for m in measures if m.stored]
    snapshots = [m.key for m in measures if m.snapshot]
    print(
        f"measures: {len(measures)} registered ({len(stored)} stored, {len(snapshots)} snapshot): "
        f"{', '.join(measures.keys())}"
    )
    by_section = {s: [f.key for f in figures_of(s)] for s in SECTION_KEYS}
    print(f"figures: {len(figures)} registered; " + "; ".join(f"{s} {len(k)}" for s, k in by_section.items() if k))
    flags = {flag: len(figures_of(**{flag: True})) for flag in ("headline", "ranking", "trend")}
    print(
        f"  headline {flags['headline']}, ranking {flags['ranking']}, trend {flags['trend']}; sections without "
        f"figures: {', '.join(s for s, k in by_section.items() if not k) or 'none'}"
    )
    if stand_ins:
        print(f"  stand-in (bench.*) measures for: {', '.join(stand_ins)}")


def measure(args, period) -> dict:
    import datetime as dt

    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from portal.supervision import compute
    from portal.supervision.models import Fact, Refresh

    results = {}
    began = time.perf_counter()
    rows = compute.refresh()
    results["refresh_s"] = time.perf_counter() - began
    slowest = Refresh.objects.order_by("-seconds")[:3]
    print(
        f"refresh (all days, {len(rows)} stored measures): {results['refresh_s']:.2f} s, "
        f"{sum(rows.values())} fact rows; slowest: " + ", ".join(f"{r.measure} {r.seconds} s" for r in slowest)
    )
    recent = settings.SUPERVISION_REFRESH_DAYS
    since = timezone.localdate() - dt.timedelta(days=recent)
    began = time.perf_counter()
    rows = compute.refresh(since=since)
    results["refresh_recent_s"] = time.perf_counter() - began
    print(
        f"refresh (last {recent} days, from {since}): {results['refresh_recent_s']:.2f} s, "
        f"{sum(rows.values())} fact rows"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Fact._meta.db_table}")
    print(f"facts: {Fact.objects.count()} rows")

    url = overview_url()
    if url is not None:
        client = supervisor_client()
        query = period.query()

        def page():
            response = client.get(url, query)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            return response

        size = len(page().content)  # warm-up: templates, the first queries' plans
        results["what"] = f"the overview page {url} for a supervisor ({size // 1024} KB)"
        timings = timed_ms(page, args.runs)
    else:
        overview_data(period)  # warm-up
        results["what"] = "the overview's data part (admin:supervision_overview is not there yet)"
        timings = timed_ms(lambda: overview_data(period), args.runs)
    results["p50"], results["p95"] = percentile(timings, 50), percentile(timings, 95)
    print(
        f"overview: {results['what']}, period {period.start}..{period.end}, {args.runs} runs after a warm-up: "
        f"p50 {results['p50']:.1f} ms, p95 {results['p95']:.1f} ms, max {max(timings):.1f} ms"
    )
    if url is not None:
        data = timed_ms(lambda: overview_data(period), args.runs)
        print(f"  its data part alone: p50 {percentile(data, 50):.1f} ms, p95 {percentile(data, 95):.1f} ms")

    live = []  # the last live result, compared with the stored one below
    naive = timed_ms(lambda: live.append(overview_data(period, live=True)), max(1, args.naive_runs))
    results["naive"] = statistics.median(naive)
    print(
        f"naive: the same figures live from the raw tables (one aggregate query per measure), {len(naive)} "
        f"runs: {', '.join(f'{t:.0f}' for t in naive)} ms; median {results['naive']:.0f} ms"
    )
    stored = overview_data(period)
    differing = [
        key for part, live_part in zip(stored, live[-1], strict=True) for key in part if part[key] != live_part.get(key)
    ]
    print(
        f"stored figures equal the live ones: {not differing}"
        + (f" (differ: {', '.join(differing)})" if differing else "")
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--appeals", type=int, help="default: applications / 10")
    parser.add_argument("--payouts", type=int, help="default: applications / 10")
    parser.add_argument("--enterprises", type=int, help="default: applications / 20, at least 1000")
    parser.add_argument("--confirmations", type=int, help="免申即享 confirmations; default: applications / 20")
    parser.add_argument("--sms", type=int, help="SMS sent; default: applications / 2")
    parser.add_argument("--users", type=int, help="enterprise users; default: enterprises / 2")
    parser.add_argument("--days", type=int, default=730, help="the days of business loaded, ending yesterday")
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--runs", type=int, default=30, help="timed overview runs")
    parser.add_argument("--naive-runs", type=int, default=3, help="timed naive (live) runs")
    parser.add_argument("--stand-ins", action="store_true", help="bench.* measures for sections without figures")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--reuse", action="store_true", help="keep the bench database and reuse a load of equal sizes")
    args = parser.parse_args()
    n = args.applications
    enterprises = args.enterprises or max(1000, n // 20)
    sizes = {
        "applications": n,
        "appeals": n // 10 if args.appeals is None else args.appeals,
        "payouts": n // 10 if args.payouts is None else args.payouts,
        "enterprises": enterprises,
        "confirmations": n // 20 if args.confirmations is None else args.confirmations,
        "sms": n // 2 if args.sms is None else args.sms,
        "users": enterprises // 2 if args.users is None else args.users,
        "days": args.days,
        "seed": args.seed,
    }

    source = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    url, admin_url, name = bench_database_url(source)
    reuse = False
    if args.reuse and database_exists(admin_url, name):
        probe = psycopg2.connect(url)
        try:
            with probe.cursor() as cursor:
                cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKER])
                if cursor.fetchone()[0]:
                    cursor.execute(f"SELECT sizes FROM {MARKER}")
                    reuse = json.loads(cursor.fetchone()[0]) == sizes
        finally:
            probe.close()
    if not reuse:
        recreate_database(admin_url, name)
    os.environ["DATABASE_URL"] = url
    os.environ["CACHE_KEY_PREFIX"] = "dashboardbench"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DEBUG", "0")  # as in production: no query log kept per request
    os.environ.setdefault("STAFF_OTP_REQUIRED", "1")  # as in production: the admin wants the second factor
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from portal.supervision.periods import Period

    try:
        print(database_settings())
        if reuse:
            counts = json.loads(scalar(f"SELECT counts FROM {MARKER}"))
            seconds = scalar(f"SELECT seconds FROM {MARKER}")
            print(f"database {name}: reusing its load ({seconds:.0f} s when it was made)")
        else:
            began = time.perf_counter()
            call_command("migrate", verbosity=0)
            print(f"database {name}: created and migrated in {time.perf_counter() - began:.1f} s")
            counts, seconds = load(args, sizes)
            print(f"loaded in {seconds:.1f} s")
        print("rows: " + ", ".join(f"{key}={value}" for key, value in counts.items()))
        stand_ins = register_stand_ins() if args.stand_ins else []
        describe_registered(stand_ins)
        today = timezone.localdate()
        results = measure(args, Period(today - dt.timedelta(days=364), today))
        print(
            f"dashboard: applications={counts['applications']} p50_ms={results['p50']:.1f} "
            f"p95_ms={results['p95']:.1f} naive_ms={results['naive']:.0f}"
        )
    finally:
        connection.close()
        if not (args.keep or args.reuse):
            recreate_database(admin_url, name, drop_only=True)


if __name__ == "__main__":
    main()
