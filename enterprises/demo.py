"""Demo enterprises (演示企业): 2,000+ realistic enterprises in 宜昌市's three demo districts.

Deterministic (one seeded random generator) and idempotent: enterprises are
keyed by USCC and only missing rows are created, so a second run writes
nothing. Sizes are not chosen but computed from the generated figures by the
standard, so size and figures always agree. Runs after `portal.org.demo`,
which creates the regions and the demo enterprise user.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from enterprises import services
from enterprises.models import (
    AnnualFigure,
    Enterprise,
    EnterpriseMember,
    OperatingStatus,
    OwnershipType,
    Qualification,
    QualificationType,
    Source,
)
from enterprises.sizing import assess_size
from enterprises.uscc import make_uscc, org_code_check_char

COUNT = 2100
SEED = 20260101
YEARS = (2023, 2024, 2025)
DISTRICTS = ("420502", "420503", "420506")
DISTRICT_STREETS = {
    "420502": ("西陵区", ["东山大道", "夷陵大道", "西陵一路", "珍珠路", "解放路", "胜利四路"]),
    "420503": ("伍家岗区", ["伍临路", "桔城路", "城东大道", "沿江大道", "中南路", "共联路"]),
    "420506": ("夷陵区", ["夷兴大道", "发展大道", "东湖大道", "黄金路", "小溪塔大道", "龙泉路"]),
}

# (industry code, 行业词 options, employees range, revenue per employee in 万元 range, tech-heavy)
INDUSTRIES = [
    ("C3911", "电子科技|计算机技术|信息技术", (8, 1500), (40, 160), True),
    ("C3982", "电子|电子元件|光电科技", (10, 1200), (30, 120), True),
    ("C2614", "化工|化学", (20, 1500), (80, 300), False),
    ("C2669", "精细化工|新材料|化学科技", (15, 600), (60, 220), True),
    ("C2710", "制药|药业|生物医药", (20, 1200), (50, 180), True),
    ("C3311", "钢结构|钢构|金属制品", (10, 500), (40, 120), False),
    ("C3484", "机械|机械制造|装备制造", (8, 800), (25, 90), False),
    ("C3670", "汽车零部件|汽车部件|车桥", (15, 1000), (40, 130), False),
    ("C1512", "酒业|酿酒", (10, 900), (30, 150), False),
    ("C1530", "茶业|茶叶", (5, 300), (15, 60), False),
    ("C1371", "食品|食品科技", (6, 400), (20, 80), False),
    ("C3051", "建材|新型建材", (10, 600), (40, 160), False),
    ("D4411", "电力|能源|水电开发", (20, 800), (100, 400), False),
    ("E4790", "建设工程|建筑工程|建工", (10, 1200), (30, 120), False),
    ("F5191", "商贸|贸易|商贸发展", (3, 150), (60, 400), False),
    ("F5271", "大药房|医药连锁", (5, 400), (20, 80), False),
    ("G5431", "物流|供应链管理|运输", (5, 600), (20, 80), False),
    ("H6110", "酒店|酒店管理", (10, 400), (8, 30), False),
    ("H6210", "餐饮|餐饮管理", (5, 300), (6, 25), False),
    ("I6513", "软件|软件技术|数字科技", (5, 600), (15, 60), True),
    ("I6450", "网络科技|互联网科技|信息科技", (5, 300), (15, 70), True),
    ("K7010", "置业|房地产开发", (10, 300), (100, 800), False),
    ("L7243", "企业管理咨询|管理咨询", (3, 150), (10, 40), False),
    ("M7452", "检测技术|检验检测", (5, 300), (10, 45), True),
    ("M7516", "环保科技|环境工程", (5, 300), (15, 60), True),
    ("A0111", "农业开发|农业科技", (5, 200), (5, 30), False),
    ("A0514", "生态农业|农业发展|柑橘种植专业", (3, 120), (5, 25), False),
]

# 字号 (trade names) typical of 宜昌 enterprises.
TRADE_NAMES = [
    "三峡",
    "长江",
    "夷陵",
    "西陵",
    "宜都",
    "楚天",
    "荆楚",
    "鄂西",
    "峡江",
    "清江",
    "屈原",
    "昭君",
    "葛洲",
    "猇亭",
    "点军",
    "晓峰",
    "磨基",
    "龙泉",
    "黄花",
    "鸦鹊",
    "华瑞",
    "汇通",
    "鼎盛",
    "恒信",
    "嘉禾",
    "锦程",
    "凯达",
    "立德",
    "明阳",
    "南星",
    "启航",
    "瑞丰",
    "盛源",
    "泰和",
    "天元",
    "同创",
    "万达",
    "祥和",
    "新宇",
    "兴业",
    "亿丰",
    "永信",
    "裕隆",
    "振华",
    "中科",
    "卓越",
    "博远",
    "诚信",
    "东方",
    "高新",
    "光谷",
    "海纳",
    "宏图",
    "金鼎",
    "聚力",
    "宽众",
    "联创",
    "茂源",
    "诺德",
    "鹏程",
]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红海波斌辉宇晨浩鹏飞"

SHOWCASE = {
    "name": "宜昌三峡智造科技有限公司",
    "legal_rep_name": "周建华",
    "industry": "C3911",
    "district": "420502",
    "registered": dt.date(2016, 4, 18),
    "employees": 180,
    "revenue_per_head": 48.5,
}


def _uscc(n: int, area_code: str) -> str:
    body = f"MA{n:06d}"
    return make_uscc("9", "1", area_code, body + org_code_check_char(body))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


def _plan(rng: random.Random) -> list[dict]:
    """The whole demo data set, as plain values; the same seed gives the same list."""
    names, plans = set(), []
    for n in range(1, COUNT + 1):
        code, word, (emp_lo, emp_hi), (rev_lo, rev_hi), tech = rng.choice(INDUSTRIES)
        district = DISTRICTS[n % len(DISTRICTS)]
        if n == 1:
            name, code, district = SHOWCASE["name"], SHOWCASE["industry"], SHOWCASE["district"]
            tech = True
        else:
            while True:
                prefix = rng.choice(("宜昌", "宜昌", "宜昌", "湖北", "宜昌市"))
                trade = rng.choice(TRADE_NAMES)
                if rng.random() < 0.4:
                    trade = trade[0] + rng.choice(TRADE_NAMES)[1]
                name = f"{prefix}{trade}{rng.choice(word.split('|'))}"
                name += "股份有限公司" if rng.random() < 0.06 else "有限公司"
                if name not in names:
                    break
        names.add(name)
        # Most enterprises are small: employees drawn on a log scale.
        employees = int(emp_lo * (emp_hi / emp_lo) ** (rng.random() ** 1.8))
        per_head = rng.uniform(rev_lo, rev_hi)
        registered = dt.date(2026, 1, 1) - dt.timedelta(days=int(365 * 25 * rng.random() ** 1.4))
        if n == 1:
            registered, employees, per_head = (
                SHOWCASE["registered"],
                SHOWCASE["employees"],
                SHOWCASE["revenue_per_head"],
            )
        figures = []
        for i, year in enumerate(YEARS):
            growth = (1 + rng.uniform(-0.08, 0.18)) ** (i - 2)
            staff = max(1, int(employees * growth))
            revenue = staff * per_head * growth
            figures.append(
                {
                    "year": year,
                    "employees": staff,
                    "revenue_wan": _money(revenue),
                    "profit_wan": _money(revenue * rng.uniform(-0.06, 0.14)),
                    "tax_paid_wan": _money(revenue * rng.uniform(0.01, 0.06)),
                    "rd_expense_wan": _money(revenue * (rng.uniform(0.03, 0.09) if tech else rng.uniform(0, 0.02))),
                    "total_assets_wan": _money(revenue * rng.uniform(0.6, 1.8)),
                    "export_value_wan": _money(revenue * rng.uniform(0, 0.3) if rng.random() < 0.15 else 0),
                }
            )
        if n == 1:
            # Customs has not yet shared the showcase's last-year exports: its self-test shows what "unknown" means.
            figures[-1]["export_value_wan"] = None
        if registered.year > 2023:
            figures = [f for f in figures if f["year"] >= registered.year]
        latest = figures[-1] if figures else None
        result = assess_size(
            code,
            latest["employees"] if latest else None,
            latest["revenue_wan"] if latest else None,
            latest["total_assets_wan"] if latest else None,
        )
        plans.append(
            {
                "uscc": _uscc(n, district),
                "name": name,
                "legal_rep_name": SHOWCASE["legal_rep_name"] if n == 1 else _person(rng),
                "registration_date": registered,
                "district": district,
                "street": f"{rng.choice(DISTRICT_STREETS[district][1])}{rng.randint(1, 300)}号",
                "industry_code": code,
                "size": result.size,
                "size_reason": result.reason[:255],
                "size_year": latest["year"] if latest else None,
                "ownership_type": rng.choices(
                    [
                        OwnershipType.LIMITED_LIABILITY,
                        OwnershipType.PRIVATE,
                        OwnershipType.JOINT_STOCK,
                        OwnershipType.STATE_OWNED,
                        OwnershipType.FOREIGN_INVESTED,
                    ],
                    weights=[70, 15, 6, 5, 4],
                )[0],
                "operating_status": rng.choices(
                    [
                        OperatingStatus.EXISTING,
                        OperatingStatus.OPERATING,
                        OperatingStatus.REVOKED,
                        OperatingStatus.CANCELLED,
                    ],
                    weights=[80, 17, 2, 1],
                )[0],
                "dishonest": rng.random() < 0.01 and n != 1,
                "phone": f"139{SEED % 1000:03d}{n:05d}",
                "contact": _person(rng),
                "contact_phone": f"137{SEED % 1000:03d}{n:05d}",
                "figures": figures,
                "qualifications": _qualifications(rng, tech, code, latest, registered, showcase=n == 1),
            }
        )
    return plans


def _qualifications(rng, tech, code, latest, registered, *, showcase) -> list[tuple[str, dt.date, dt.date | None]]:
    wanted = []
    revenue = latest["revenue_wan"] if latest else Decimal(0)
    if showcase or (tech and rng.random() < 0.35):
        start = dt.date(rng.choice((2022, 2023, 2024, 2025)), 12, 1)
        if showcase:
            start = dt.date(2024, 12, 1)
        wanted.append(("hitech", start, start.replace(year=start.year + 3) - dt.timedelta(days=1)))
    if tech and rng.random() < 0.5:
        start = dt.date(rng.choice((2024, 2025)), rng.randint(3, 10), 1)
        wanted.append(("tech_sme", start, dt.date(start.year, 12, 31)))
    if showcase or (revenue > 2000 and rng.random() < 0.12):
        start = dt.date(rng.choice((2023, 2024, 2025)), 9, 1)
        wanted.append(("sme_specialised", start, start.replace(year=start.year + 3) - dt.timedelta(days=1)))
    if revenue > 10000 and rng.random() < 0.1:
        wanted.append(("little_giant", dt.date(2024, 7, 1), dt.date(2027, 6, 30)))
    if code.startswith(("B", "C", "D")) and revenue >= 2000:
        wanted.append(("above_scale", dt.date(min(max(registered.year + 1, 2018), 2025), 1, 1), None))
    if tech and revenue > 5000 and rng.random() < 0.15:
        wanted.append(("gazelle", dt.date(2025, 5, 1), dt.date(2026, 4, 30)))
    return [(t, start, end) for t, start, end in wanted if start >= registered]


ISSUERS = {
    "hitech": ("湖北省科学技术厅", "GR{year}42{n:06d}"),
    "tech_sme": ("湖北省科学技术厅", "{year}4205{n:06d}"),
    "sme_specialised": ("湖北省经济和信息化厅", "ZJTX{year}{n:05d}"),
    "little_giant": ("工业和信息化部", "XJR{year}{n:05d}"),
    "above_scale": ("宜昌市统计局", ""),
    "gazelle": ("湖北省科学技术厅", "DL{year}{n:05d}"),
}


@transaction.atomic
def load():
    from portal.org.demo import ENTERPRISE_PHONE
    from portal.org.models import Region

    services.ensure_qualification_types()
    services.ensure_rule_tags()
    plans = _plan(random.Random(SEED))  # noqa: S311 - reproducible demo data, not secrets
    existing = set(Enterprise.objects.filter(uscc__in=[p["uscc"] for p in plans]).values_list("uscc", flat=True))
    new = [p for p in plans if p["uscc"] not in existing]
    if new:
        _create(new, {r.code: r for r in Region.objects.filter(code__in=DISTRICTS)})
    _claim_showcase(plans[0]["uscc"], ENTERPRISE_PHONE)
    services.refresh_rule_tags(
        Enterprise.objects.filter(uscc__in=[p["uscc"] for p in new]).values_list("pk", flat=True)
    )


def _create(plans, regions):
    from portal.core.crypto import digest

    now = timezone.now()
    source_day = now.replace(hour=9, minute=0, second=0, microsecond=0) - dt.timedelta(days=3)
    enterprises = []
    for p in plans:
        district_name = DISTRICT_STREETS[p["district"]][0]
        enterprise = Enterprise(
            uscc=p["uscc"],
            name=p["name"],
            legal_rep_name=p["legal_rep_name"],
            registration_date=p["registration_date"],
            region=regions[p["district"]],
            address=f"湖北省宜昌市{district_name}{p['street']}",
            industry_code=p["industry_code"],
            size=p["size"],
            size_year=p["size_year"],
            size_reason=p["size_reason"],
            ownership_type=p["ownership_type"],
            operating_status=p["operating_status"],
            registered_phone=p["phone"],
            registered_phone_digest=digest(p["phone"]),
            contact_name=p["contact"],
            contact_phone=p["contact_phone"],
            contact_source=Source.SELF_DECLARED,
            contact_updated_at=source_day,
            credit_status="serious_dishonest" if p["dishonest"] else "normal",
            credit_listed_on=dt.date(2025, 8, 15) if p["dishonest"] else None,
            credit_updated_at=source_day,
            source=Source.MARKET_REGULATION,
            source_updated_at=source_day,
        )
        enterprises.append(enterprise)
    bulk_create_with_history(enterprises, Enterprise, batch_size=1000, default_change_reason="演示数据")
    ids = dict(Enterprise.objects.filter(uscc__in=[p["uscc"] for p in plans]).values_list("uscc", "pk"))
    types = dict(QualificationType.objects.values_list("code", "pk"))
    figures, qualifications = [], []
    for n, p in enumerate(plans, start=1):
        for f in p["figures"]:
            source = Source.STATISTICS if f["year"] < 2025 else Source.TAX
            figures.append(AnnualFigure(enterprise_id=ids[p["uscc"]], source=source, source_updated_at=source_day, **f))
        for code, start, end in p["qualifications"]:
            issuer, number = ISSUERS[code]
            qualifications.append(
                Qualification(
                    enterprise_id=ids[p["uscc"]],
                    type_id=types[code],
                    issuer=issuer,
                    certificate_number=number.format(year=start.year, n=n),
                    valid_from=start,
                    valid_to=end,
                    source=Source.STAFF,
                    source_updated_at=source_day,
                )
            )
    bulk_create_with_history(figures, AnnualFigure, batch_size=2000, default_change_reason="演示数据")
    bulk_create_with_history(qualifications, Qualification, batch_size=2000, default_change_reason="演示数据")


def _claim_showcase(uscc: str, phone: str) -> None:
    """The demo enterprise user acts for the showcase enterprise as its legal representative."""
    from portal.accounts.models import User
    from portal.core.crypto import digest

    user = User.objects.filter(phone_digest=digest(phone)).first()
    if user is None:
        return
    enterprise = Enterprise.objects.get(uscc=uscc)
    EnterpriseMember.objects.get_or_create(
        enterprise=enterprise, user=user, defaults={"role": EnterpriseMember.Role.LEGAL_REP, "added_by": user}
    )
