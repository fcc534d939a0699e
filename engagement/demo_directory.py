"""办事服务、增值服务 (the service directory): demo data.

The province's service hall areas (湖北政务服务网, linked from every page of the province) and value-added services
of 宜昌市 and its districts. Loading never reaches the network: the links are unchecked until the daily check runs.
Idempotent: a link is found again by its region, category and address.
"""

from engagement.models.directory import ServiceCategory as C
from engagement.models.directory import ServiceLink
from portal.org.models import Region

HALL = "https://zwfw.hubei.gov.cn"

# (region code, category, title, url, provider, description, keywords, order)
LINKS = [
    (
        "420000",
        C.LEGAL_PERSON,
        "湖北政务服务网·法人服务",
        f"{HALL}/webview/fw/frfw.html",
        "湖北省政务服务和大数据管理局",
        "企业开办、变更、注销，许可审批与证照办理的网上办事入口。",
        "企业开办 营业执照 许可 注销",
        10,
    ),
    (
        "420000",
        C.ONE_THING,
        "高效办成一件事",
        f"{HALL}/webview/ztzl/gxbcyjs.html",
        "湖北省政务服务和大数据管理局",
        "企业信息变更、开办餐饮店、水电气网联合报装等“一件事”集成办理。",
        "一件事 联合报装 信息变更",
        10,
    ),
    (
        "420000",
        C.ONE_LICENCE,
        "一业一证",
        f"{HALL}/webview/ztzl/yyyz.html",
        "湖北省政务服务和大数据管理局",
        "一个行业多项许可整合为一张行业综合许可证。",
        "行业综合许可证 便利店 药店",
        10,
    ),
    (
        "420000",
        C.PERSONAL,
        "湖北政务服务网·个人服务",
        f"{HALL}/webview/fw/grfw.html",
        "湖北省政务服务和大数据管理局",
        "社保、公积金、户籍等个人事项，企业经办人也可在此办理。",
        "社保 公积金",
        10,
    ),
    (
        "420000",
        C.LEGAL,
        "湖北法律服务网（12348）",
        "https://hb.12348.gov.cn/",
        "湖北省司法厅",
        "在线法律咨询、法律援助申请、律师和公证机构查询。",
        "法律咨询 法律援助 律师 公证",
        20,
    ),
    (
        "420000",
        C.TRADE,
        "国际贸易“单一窗口”（湖北）",
        "https://www.singlewindow.cn/",
        "中国电子口岸数据中心",
        "报关报检、出口退税、原产地证书一站办理。",
        "报关 出口退税 原产地证 外贸",
        20,
    ),
    (
        "420500",
        C.LEGAL_PERSON,
        "宜昌市政务服务网·企业专区",
        "https://zwfw.yichang.gov.cn/qyzq/",
        "宜昌市政务服务和数据管理局",
        "宜昌市本级涉企事项网上办理与预约。",
        "预约 涉企事项",
        20,
    ),
    (
        "420500",
        C.LEGAL,
        "宜昌市公共法律服务中心",
        "https://sfj.yichang.gov.cn/ggflfw/",
        "宜昌市司法局",
        "企业合规体检、合同审查指引、商事纠纷调解。",
        "合规 合同 商事调解 知识产权",
        30,
    ),
    (
        "420500",
        C.FINANCE,
        "宜昌市企业融资服务平台",
        "https://jrj.yichang.gov.cn/rzfw/",
        "宜昌市地方金融工作局",
        "发布融资需求，对接银行信贷产品，申请应急转贷与政府性融资担保。",
        "贷款 融资 担保 转贷 银行",
        10,
    ),
    (
        "420500",
        C.FINANCE,
        "宜昌市政府性融资担保",
        "https://www.ycrzdb.com.cn/",
        "宜昌市融资担保集团",
        "小微企业和“三农”主体融资担保，降费政策查询。",
        "担保 小微企业 降费",
        20,
    ),
    (
        "420500",
        C.TALENT,
        "宜昌人才服务网",
        "https://rsj.yichang.gov.cn/rcfw/",
        "宜昌市人力资源和社会保障局",
        "人才认定、人才公寓申请、招聘会与高校毕业生就业服务。",
        "人才认定 人才公寓 招聘 就业 毕业生",
        10,
    ),
    (
        "420500",
        C.TALENT,
        "宜昌市公共就业服务",
        "https://rsj.yichang.gov.cn/jyfw/",
        "宜昌市人力资源和社会保障局",
        "用工登记、稳岗返还、职业技能培训补贴。",
        "用工 稳岗返还 技能培训",
        20,
    ),
    (
        "420500",
        C.TECHNOLOGY,
        "宜昌市科技创新服务平台",
        "https://kjj.yichang.gov.cn/kcfw/",
        "宜昌市科学技术局",
        "高新技术企业培育、科技型中小企业评价、科技成果转化对接。",
        "高新技术企业 高企 科技型中小企业 成果转化",
        10,
    ),
    (
        "420500",
        C.TECHNOLOGY,
        "宜昌市知识产权公共服务",
        "https://scjg.yichang.gov.cn/zscq/",
        "宜昌市市场监督管理局",
        "商标、专利申请指导与知识产权质押融资。",
        "商标 专利 知识产权 质押",
        20,
    ),
    (
        "420500",
        C.TRADE,
        "宜昌外贸综合服务",
        "https://swj.yichang.gov.cn/wmfw/",
        "宜昌市商务局",
        "外贸企业备案、出口信用保险、境外展会补贴。",
        "外贸 出口 信用保险 展会",
        10,
    ),
    (
        "420502",
        C.FINANCE,
        "西陵区中小企业金融服务站",
        "https://www.xiling.gov.cn/jrfw/",
        "西陵区财政局",
        "辖区企业贷款贴息与银企对接活动。",
        "贴息 银企对接",
        30,
    ),
    (
        "420506",
        C.TALENT,
        "夷陵区人才驿站",
        "https://www.yiling.gov.cn/rcyz/",
        "夷陵区人力资源和社会保障局",
        "来夷人才短期免费住宿与就业创业指导。",
        "人才驿站 创业",
        30,
    ),
]


def load() -> None:
    regions = {r.code: r for r in Region.objects.filter(code__in={row[0] for row in LINKS})}
    for code, category, title, url, provider, description, keywords, order in LINKS:
        region = regions.get(code)
        if region is None:
            continue
        link = ServiceLink.objects.filter(region=region, category=category, url=url).first() or ServiceLink(
            region=region, category=category, url=url
        )
        changed = (link.title, link.provider, link.description, link.keywords, link.order) != (
            title,
            provider,
            description,
            keywords,
            order,
        )
        if link.pk is None or changed:
            link.title, link.provider, link.description, link.keywords, link.order = (
                title,
                provider,
                description,
                keywords,
                order,
            )
            link.full_clean()
            link.save()
