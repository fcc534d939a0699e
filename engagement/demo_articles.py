"""专题文章 (feature articles attached to policies): demo data — 市科技局's two published articles on its demo
policies and one draft, written by kjj_editor and published by kjj_reviewer through the workflow."""

from django.contrib.auth import get_user_model

from engagement import articles
from engagement.models import Article
from policies.models import Policy
from portal.org.models import Department

DEPARTMENT = "yc-kjj"
EDITOR, REVIEWER = "kjj_editor", "kjj_reviewer"

# (title, summary, body, the policies' document numbers, published?)
ARTICLES = [
    (
        "高新技术企业认定，这些条件要看清",
        "一文读懂高新技术企业认定的注册时间、科技人员占比和研发费用占比三项硬指标，以及认定后的15%优惠税率。",
        "<h2>认定门槛</h2><p>企业申请认定时须注册成立一年以上；从事研发和相关技术创新活动的科技人员占企业当年职工总数的"
        "比例不低于10%。</p><h2>研发投入</h2><p>最近一年销售收入小于5000万元（含）的企业，近三个会计年度研究开发费用"
        "总额占同期销售收入总额的比例不低于5%。</p><h2>认定之后</h2><p>通过认定的高新技术企业，减按15%的税率征收企业"
        "所得税，资格有效期为3年。</p>",
        ["国科发火〔2016〕32号"],
        True,
    ),
    (
        "科技型中小企业创新能力提升行动，企业可以做什么",
        "湖北省科技型中小企业创新能力提升行动方案出台，市科技局梳理企业可参与的评价入库、研发投入和创新平台建设等事项。",
        "<p>行动方案面向科技型中小企业，市科技局提醒企业关注三件事：</p><ol><li>及时完成科技型中小企业评价入库；</li>"
        "<li>规范归集研发费用，为后续认定高新技术企业打基础；</li><li>积极建设企业研发中心等创新平台。</li></ol>"
        "<p>有疑问的企业可在政策页面“我要提问”，市科技局将公开答复。</p>",
        ["鄂科技发〔2023〕15号", "国科发火〔2016〕32号"],
        True,
    ),
    (
        "专精特新企业申报常见问题（草稿）",
        "整理专精特新中小企业申报中企业常问的问题。",
        "<p>本文正在撰写中。</p>",
        ["鄂科技发〔2023〕15号"],
        False,
    ),
]


def load() -> None:
    department = Department.objects.filter(code=DEPARTMENT).first()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[EDITOR, REVIEWER])}
    if department is None or len(users) < 2:
        return
    for title, summary, body, numbers, published in ARTICLES:
        policies = list(Policy.objects.filter(document_number__in=numbers))
        if not policies or Article.objects.filter(title=title).exists():
            continue
        article = articles.write(
            by=users[EDITOR], department=department, title=title, summary=summary, body=body, policies=policies
        )
        if published and all(p.is_public for p in policies):
            articles.submit(article, by=users[EDITOR])
            articles.publish(article, by=users[REVIEWER])
