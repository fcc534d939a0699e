"""Search latency benchmark (检索性能): 100,000 policies, 200 fixed queries, one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_g2 .venv/bin/python bench/search.py [--n 100000] [--keep]

--skip-icontains leaves out the icontains comparison (minutes at 100,000 rows) when
iterating on the search itself; its figures then print as nan.

Works in a dedicated database (`<DATABASE_URL's name>_searchbench`, dropped and
re-created, and dropped again at the end unless --keep), so nobody's data is
touched. Policies are generated from sentence templates filled with the search
dictionary's policy terms, regions, departments and amounts, 1,000–2,500
characters each, so the vocabulary and term frequencies look like real policy
text. jieba segments each distinct template fragment and slot value once (the
sentences are built from fragments, so their tokens are the fragments' tokens);
rows are loaded with COPY and the GIN index is built once after the load.

Measured per query: the full search the portal page runs (parse + synonyms +
jieba, count, AND→OR fallback, ranking, top 20, snippets), and a plain
`icontains` filter on title and body returning 20 rows. The last line is:

    search: n=100000 p50_ms=… p95_ms=… icontains_p95_ms=…
"""

import argparse
import io
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

REGIONS = ["宜昌市", "无锡市", "黄石市", "常州市", "太原市", "夷陵区", "西陵区", "江阴市", "宜兴市", "大冶市", "阳新县"]
DEPARTMENTS = [
    "市经济和信息化局",
    "市科学技术局",
    "市人力资源和社会保障局",
    "市财政局",
    "市商务局",
    "市市场监督管理局",
    "市地方金融工作局",
    "市发展和改革委员会",
    "市税务局",
    "市知识产权局",
]
THINGS = ["奖励", "补贴", "资金补助", "认定管理办法", "实施细则", "扶持政策", "申报指南", "若干措施", "贴息办法"]
AMOUNTS = ["5万元", "10万元", "20万元", "30万元", "50万元", "100万元", "200万元", "最高500万元", "最高1000万元"]
TITLE_TEMPLATES = [
    "关于{region}支持{term}高质量发展的若干政策措施",
    "{region}{term}{thing}",
    "关于开展{year}年度{term}{thing}申报工作的通知",
    "{dept}关于印发《{region}{term}{thing}》的通知",
    "{region}促进{term}和{term2}发展的实施意见",
    "关于进一步加大{term}支持力度的通知",
    "{region}{year}年{term}专项资金管理办法",
]
SENTENCE_TEMPLATES = [
    "为深入贯彻落实党中央、国务院关于{term}的决策部署，进一步优化营商环境，激发市场主体活力，结合本地实际，制定本措施。",
    "对新认定的{term}，给予一次性奖励{amount}。",
    "对获得{term}称号的企业，由{dept}按照有关规定给予{amount}的资金支持。",
    "鼓励企业加大{term}投入，对年度{term}支出较上年增长的部分，按照一定比例给予补助，单个企业最高不超过{amount}。",
    "支持{term}与{term2}协同发展，对符合条件的项目按照实际投资额的百分之十给予补助。",
    "申报企业应当在本市依法登记注册，具有独立法人资格，财务管理制度健全，近三年无重大违法违规记录。",
    "申报材料包括申请表、营业执照复印件、上年度财务审计报告以及{term}相关证明材料。",
    "本政策实行{term}，符合条件的企业无需申报，由{dept}通过数据比对确定名单后直接兑现。",
    "企业可通过惠企服务平台在线提交申请，{dept}在受理后十个工作日内完成审核。",
    "对{region}范围内的{term}，优先推荐申报国家级、省级{term2}。",
    "{dept}会同市财政局负责政策的组织实施和资金的拨付，相关部门按照职责分工做好配合。",
    "对当年新增的{term}，按照{amount}的标准给予奖励，同一企业同一事项不重复享受。",
    "对企业开展{term}发生的{term2}费用，按照不超过实际发生额百分之五十的比例给予补贴。",
    "符合{term}条件的小微企业，可申请{term2}，贷款额度最高不超过{amount}，期限不超过三年。",
    "本办法所称{term}，是指经有关部门认定、在有效期内的企业。",
    "资金申报实行常年受理、分批审核、集中兑付，审核结果在平台公示五个工作日。",
    "对弄虚作假骗取财政资金的，依法追回已拨付资金，并纳入社会信用记录。",
    "鼓励金融机构创新{term}产品，对为{term2}提供融资服务的机构给予风险补偿。",
    "本措施自印发之日起施行，有效期至{year}年12月31日，由{dept}负责解释。",
    "各地各部门要加强政策宣传解读，确保{term}等政策应知尽知、应享尽享。",
    "对引进的{term}，给予安家补贴和人才公寓保障，连续三年每年给予{amount}生活补贴。",
    "对企业开展{term}项目，按照设备投资额的百分之八给予补助，最高{amount}。",
    "支持企业实施{term}，对通过验收的项目，按照项目总投资的一定比例给予奖补。",
    "对当年实现{term}的企业，给予企业经营团队{amount}奖励。",
]


def split_template(template: str) -> list[str]:
    """'对{term}给予{amount}' → ['对', '{term}', '给予', '{amount}']."""
    parts, text = [], template
    while "{" in text:
        before, rest = text.split("{", 1)
        slot, text = rest.split("}", 1)
        if before:
            parts.append(before)
        parts.append("{" + slot + "}")
    if text:
        parts.append(text)
    return parts


class Generator:
    """Reproducible policy texts whose tokens come from jieba, each fragment segmented once."""

    def __init__(self, seed: int = 20250101):
        from portal.search import segment

        self.segment = segment
        self.rng = random.Random(seed)
        self.terms = list(segment.dictionary_terms())
        self.token_cache: dict[str, list[str]] = {}
        self.titles = [split_template(t) for t in TITLE_TEMPLATES]
        self.sentences = [split_template(t) for t in SENTENCE_TEMPLATES]

    def tokens(self, fragment: str) -> list[str]:
        found = self.token_cache.get(fragment)
        if found is None:
            found = self.token_cache[fragment] = self.segment.index_tokens(fragment)
        return found

    def fill(self, parts: list[str], slots: dict[str, str]) -> tuple[str, list[str]]:
        text, tokens = [], []
        for part in parts:
            value = slots[part[1:-1]] if part.startswith("{") else part
            text.append(value)
            tokens.extend(self.tokens(value))
        return "".join(text), tokens

    def policy(self) -> tuple[str, str, str, str, int]:
        rng = self.rng
        topics = rng.sample(self.terms, 4)
        year = rng.randint(2019, 2026)

        def slots():
            return {
                "term": rng.choice(topics) if rng.random() < 0.8 else rng.choice(self.terms),
                "term2": rng.choice(topics) if rng.random() < 0.6 else rng.choice(self.terms),
                "region": rng.choice(REGIONS),
                "dept": rng.choice(DEPARTMENTS),
                "thing": rng.choice(THINGS),
                "amount": rng.choice(AMOUNTS),
                "year": str(year),
            }

        title, title_tokens = self.fill(rng.choice(self.titles), {**slots(), "term": topics[0]})
        target = rng.randint(1000, 2500)
        body, body_tokens = [], []
        length = 0
        while length < target:
            sentence, tokens = self.fill(rng.choice(self.sentences), slots())
            body.append(sentence)
            body_tokens.extend(tokens)
            length += len(sentence)
        return title, "".join(body), " ".join(title_tokens), " ".join(body_tokens), year


def fixed_queries(rng: random.Random, terms: list[str]) -> list[str]:
    queries = [rng.choice(terms) for _ in range(80)]
    queries += [f"{rng.choice(terms)} {rng.choice(terms)}" for _ in range(40)]
    queries += [f"{rng.choice(REGIONS)}{rng.choice(terms)}{rng.choice(THINGS)}" for _ in range(30)]
    queries += ["高企", "小巨人", "研发加计", "科小", "稳岗补贴", "技改", "规上", "贴息", "创业贷", "免申"] * 2
    queries += ["专精特新小巨人奖励", "高新技术企业认定奖励", "稳岗反还", "研发费用加记扣除", "知识产权质押"] * 2
    queries += ["' OR 1=1 --", '"unbalanced', "&|!():*", "x" * 2000, "政策"] * 2
    queries += ["企业 补贴", "申报条件", "资金支持", "人才公寓", "专利", "贷款", "奖励", "认定", "融资", "补助"]
    assert len(queries) == 200
    return queries


def bench_database_url(url: str) -> tuple[str, str, str]:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/") + "_searchbench"
    admin = urlunparse(parsed._replace(path="/postgres"))
    return urlunparse(parsed._replace(path="/" + name)), admin, name


def recreate_database(admin_url: str, name: str, drop_only: bool = False) -> None:
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def load(n: int, generator: "Generator") -> float:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    content_type, _ = ContentType.objects.get_or_create(app_label="bench", model="policy")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # The GIN indexes (whatever the migrations made them) are built once, after the load.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_searchdocument' "
            "AND indexdef LIKE '%USING gin%'"
        )
        gin_indexes = cursor.fetchall()
        for name, _definition in gin_indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        columns = (
            "content_type_id, object_id, kind, title, body, url, published, facets, published_at, "
            "title_tokens, body_tokens, updated_at"
        )
        batch = io.StringIO()
        for i in range(1, n + 1):
            title, body, title_tokens, body_tokens, year = generator.policy()
            facets = json.dumps({"year": year}, ensure_ascii=False)
            published_at = f"{year}-{generator.rng.randint(1, 12):02d}-{generator.rng.randint(1, 28):02d} 09:00:00+08"
            row = [str(content_type.pk), str(i), "policy", title, body, f"/policies/{i}/", "t", facets]
            row += [published_at, title_tokens, body_tokens, "now"]
            batch.write("\t".join(v.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ") for v in row) + "\n")
            if i % 5000 == 0 or i == n:
                batch.seek(0)
                cursor.copy_expert(f"COPY search_searchdocument ({columns}) FROM STDIN", batch)
                batch = io.StringIO()
                print(f"  loaded {i}", file=sys.stderr)
        for _name, definition in gin_indexes:
            cursor.execute(definition)
        cursor.execute("VACUUM ANALYZE search_searchdocument")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument(
        "--skip-icontains", action="store_true", help="leave out the (minutes-long) icontains comparison"
    )
    args = parser.parse_args()

    source = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    url, admin_url, name = bench_database_url(source)
    recreate_database(admin_url, name)
    os.environ["DATABASE_URL"] = url
    os.environ["CACHE_KEY_PREFIX"] = "searchbench"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q

    from portal.search import demo, query, segment
    from portal.search.models import SearchDocument

    try:
        call_command("migrate", "search", verbosity=0)
        demo.seed_synonyms()
        cache.delete("search:synonyms")
        started = time.perf_counter()
        segment.tokenizer()
        print(f"jieba initialisation: {(time.perf_counter() - started) * 1000:.0f} ms (once per process)")

        generator = Generator()
        seconds = load(args.n, generator)
        size = SearchDocument.objects.count()
        print(f"loaded {size} policies in {seconds:.1f} s ({len(generator.token_cache)} distinct fragments segmented)")

        cache.delete(query.RECENT_CUTOFF_KEY)  # a cached date from an earlier run's documents
        queries = fixed_queries(random.Random(7), generator.terms)
        for q in queries[:5]:  # warm the connection and the synonym cache, not the measured queries' plans
            query.search(q)[0:20]

        search_ms, totals = [], []
        for q in queries:
            started = time.perf_counter()
            results = query.search(q)
            hits = results[0:20]
            _ = [str(h.snippet_html) for h in hits]
            _ = results.did_you_mean
            search_ms.append((time.perf_counter() - started) * 1000)
            totals.append(results.total)

        icontains_ms = []
        for q in [] if args.skip_icontains else queries:
            text = q.strip()[:100]
            started = time.perf_counter()
            list(
                SearchDocument.objects.filter(published=True)
                .filter(Q(title__icontains=text) | Q(body__icontains=text))
                .order_by("-published_at")
                .values("id", "title")[:20]
            )
            icontains_ms.append((time.perf_counter() - started) * 1000)

        print(f"queries: {len(queries)}, median hits {statistics.median(totals):.0f}, max hits {max(totals)}")
        if not icontains_ms:
            icontains_ms = [float("nan")]
        print(f"search max_ms={max(search_ms):.1f} icontains_p50_ms={percentile(icontains_ms, 50):.1f}")
        print(
            f"search: n={size} p50_ms={percentile(search_ms, 50):.1f} p95_ms={percentile(search_ms, 95):.1f} "
            f"icontains_p95_ms={percentile(icontains_ms, 95):.1f}"
        )
    finally:
        connection.close()
        if not args.keep:
            recreate_database(admin_url, name, drop_only=True)


if __name__ == "__main__":
    main()
