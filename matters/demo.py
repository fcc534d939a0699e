"""Demo matters (演示政策资金事项): the demo policies split at the smallest fundable unit, with full guides.

Every matter is one clause of a demo policy (`policies.demo`), or one of
two amounts a clause names ("国家级给予1000万元；省级的给予100万元" gives two
matters). Each has its guide (materials, process steps with departments and
working-day limits, notes, phones, FAQs), its support standard as data
(定额, 比例 × 基数 with a cap, 分档) and its 申报条件 as criterion rows, each
citing the policy's 文号 and clause. Conditions that only staff can judge are
`manual` criteria.

Every matter goes through the real lifecycle (`portal.core.workflow.perform`):
submitted by an editor and published by an approver of the owning department
(the platform admin acts for departments without demo staff). A guide is
public at least 5 working days before its window opens (宜昌 §20), so:

* windows opening later are set at least 10 working days after the load day
  (`portal.workdays`) and published on the load day;
* windows open now, and ended ones, belong to matters listed earlier as
  期限待定 whose window was set afterwards (无锡 §11) — the transitions carry
  that earlier moment (`at=`);
* matters of expired policies are closed, those of repealed ones withdrawn,
  and a few are left as drafts or awaiting review.

Idempotent: matters are keyed by catalogue code and only missing ones are
created, so a second load writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from matters import services
from matters.models import (
    Criterion,
    DeliveryKind,
    Material,
    Matter,
    MatterFAQ,
    ProcessStep,
    RuleSet,
    StepKind,
    StepRole,
    SupportTier,
    WindowKind,
)
from policies.models import Policy
from portal import workdays
from portal.core.workflow import perform
from portal.org.models import Department, Membership, Region, Role

AUTO, INSTANT, REVIEWED = DeliveryKind.AUTOMATIC, DeliveryKind.INSTANT, DeliveryKind.REVIEWED
# Windows: year-round, to be decided, fixed and open now, fixed and opening later, fixed and ended.
YEAR, TBD, OPEN, LATER, ENDED = "year", "tbd", "open", "later", "ended"
# Where a matter is left: published (the default), closed, withdrawn, draft, submitted.
CLOSED, WITHDRAWN, DRAFT, SUBMITTED = "closed", "withdrawn", "draft", "submitted"

CN = "一二三四五六七八九十"
SUPERVISE_PHONE = "0717-12345"
PHONES = {
    "yc-fgw": "0717-6222010",
    "yc-scjgj": "0717-6222011",
    "yc-jrb": "0717-6222012",
    "yc-swu": "0717-12366",
    "xl-jsxj": "0717-6222013",
    "wjg-rsj": "0717-6222014",
    "yl-kjj": "0717-7822100",
}
# Departments the demo uses for acceptance (受理) and payment (拨付) per region.

SMALL_FIRMS = ["medium", "small", "micro"]
SMALL_MICRO = ["small", "micro"]
ZJTX = ("sme_specialised", "little_giant")


@dataclass
class Spec:
    """One demo matter: catalogue code, policy 文号, clause (1-based measure), name, department, kinds, standard."""

    code: str
    policy: str
    clause: int
    name: str
    department: str
    delivery: str
    window: str
    support: tuple
    criteria: list
    theme: str
    target: str
    group: str = ""
    state: str = "published"
    part: str = ""  # which amount of a two-amount clause (甲/乙), shown in the clause


def fixed(yuan):
    return ("fixed", Decimal(yuan))


def rate(percent, base, cap=None):
    return ("rate", Decimal(percent), base, None if cap is None else Decimal(cap))


def tiers(base, *rows):
    return ("tiers", base, rows)


NONE = ("none",)


def has(code, message, group=""):
    return ("qualification", "has_qualification", code, message, group)


def manual(message):
    return ("manual", message)


def c(fact, operator, value, message, group=""):
    return (fact, operator, value, message, group)


def sizes(values, message):
    return c("size", "in", values, message)


def zjtx(message="持有有效的专精特新中小企业或专精特新“小巨人”企业称号"):
    return [has(code, message, group="zjtx") for code in ZJTX]


MANUFACTURING = c("industry", "prefix_in", ["C"], "属于制造业企业（国民经济行业分类C门类）")
HITECH = has("hitech", "持有有效的高新技术企业证书")
FIRST_HITECH = manual("首次通过高新技术企业认定（此前未被认定，以认定公告为准）")
ABOVE_SCALE = has("above_scale", "为规模以上工业企业（已纳入统计联网直报）")
EXPORTER = c("export_value", "gt", 0, "上一年度有出口实绩（海关出口额大于0）")
RD_NEGATIVE_LIST = c(
    "industry",
    "not_prefix_in",
    ["C16", "H61", "H62", "F51", "F52", "K70", "L71", "L72", "R90"],
    "不属于烟草制造业、住宿和餐饮业、批发和零售业、房地产业、租赁和商务服务业、娱乐业",
)

SPECS = [
    # 财政部 税务总局公告2023年第7号 — 研发费用加计扣除 (税务, 免申即享)
    Spec(
        "YC-SW-2026-001",
        "财政部 税务总局公告2023年第7号",
        1,
        "宜昌市企业研发费用税前加计扣除（费用化部分）",
        "yc-swu",
        AUTO,
        YEAR,
        NONE,
        [c("rd_expense", "gt", 0, "上一年度发生研发费用"), RD_NEGATIVE_LIST],
        "tax",
        "在宜昌市登记并实行查账征收、开展研发活动的居民企业",
    ),
    Spec(
        "YC-SW-2026-002",
        "财政部 税务总局公告2023年第7号",
        2,
        "宜昌市企业研发费用税前加计扣除（形成无形资产部分）",
        "yc-swu",
        AUTO,
        YEAR,
        NONE,
        [
            c("rd_expense", "gt", 0, "上一年度发生研发费用"),
            RD_NEGATIVE_LIST,
            manual("研发活动形成无形资产（以企业所得税年度申报的无形资产摊销明细为准）"),
        ],
        "tax",
        "在宜昌市登记并实行查账征收、研发活动形成无形资产的居民企业",
    ),
    # 财政部 税务总局公告2023年第12号 — 小微企业税费
    Spec(
        "YC-SW-2026-003",
        "财政部 税务总局公告2023年第12号",
        1,
        "宜昌市小型微利企业所得税减免",
        "yc-swu",
        AUTO,
        YEAR,
        NONE,
        [
            c("profit", "gt", 0, "上一年度盈利（利润总额大于0）"),
            c("profit", "lte", 300, "上一年度应纳税所得额不超过300万元（以利润总额测算）"),
            c("employees", "lte", 300, "从业人数不超过300人"),
            c("total_assets", "lte", 5000, "资产总额不超过5000万元"),
        ],
        "tax",
        "在宜昌市登记、符合小型微利企业条件的企业",
    ),
    Spec(
        "YC-SW-2026-004",
        "财政部 税务总局公告2023年第12号",
        2,
        "宜昌市小微企业“六税两费”减半征收",
        "yc-swu",
        AUTO,
        YEAR,
        NONE,
        [sizes(SMALL_MICRO, "企业规模为小型或微型")],
        "tax",
        "在宜昌市登记的增值税小规模纳税人、小型微利企业和个体工商户",
    ),
    # 工信部企业函〔2023〕56号 — 梯度培育
    Spec(
        "YC-JX-2026-001",
        "工信部企业函〔2023〕56号",
        3,
        "专精特新“小巨人”企业中央财政奖补资金（宜昌市推荐）",
        "yc-jxj",
        REVIEWED,
        TBD,
        NONE,
        [
            has("little_giant", "持有有效的专精特新“小巨人”企业称号"),
            c("rd_ratio", "gte", 3, "上一年度研发费用占营业收入比重不低于3%"),
            manual("近2年主营业务收入或净利润的平均增长率不低于5%（以审计报告为准）"),
        ],
        "zjtx",
        "在宜昌市登记、被认定为专精特新“小巨人”的重点企业",
    ),
    # 人社部发〔2022〕23号 — ended 2023
    Spec(
        "YC-RS-2022-001",
        "人社部发〔2022〕23号",
        1,
        "宜昌市失业保险稳岗返还",
        "yc-rsj",
        AUTO,
        ENDED,
        NONE,
        [c("employees", "gte", 1, "依法参加失业保险并足额缴费"), manual("上年度未裁员或裁员率不高于控制目标")],
        "talent",
        "在宜昌市参加失业保险的企业",
        state=CLOSED,
    ),
    Spec(
        "YC-RS-2022-002",
        "人社部发〔2022〕23号",
        2,
        "宜昌市中小微企业吸纳高校毕业生一次性扩岗补助",
        "yc-rsj",
        REVIEWED,
        ENDED,
        fixed(1500),
        [sizes(SMALL_FIRMS, "企业规模为中型、小型或微型"), manual("招用高校毕业生并签订1年以上劳动合同、参加失业保险")],
        "talent",
        "在宜昌市登记、吸纳高校毕业生就业的中小微企业",
        state=CLOSED,
    ),
    # 银发〔2023〕49号
    Spec(
        "YC-JR-2026-001",
        "银发〔2023〕49号",
        3,
        "宜昌市民营企业首次发行债券发行费用补贴",
        "yc-jrb",
        REVIEWED,
        TBD,
        NONE,
        [manual("为民营企业且首次发行债券（以债券发行公告为准）")],
        "listing",
        "在宜昌市登记、首次发行债券的民营企业",
    ),
    # 国科发火〔2016〕32号 — 高企税率
    Spec(
        "YC-SW-2026-005",
        "国科发火〔2016〕32号",
        3,
        "宜昌市高新技术企业减按15%税率征收企业所得税",
        "yc-swu",
        AUTO,
        YEAR,
        NONE,
        [HITECH, c("profit", "gt", 0, "上一年度盈利（利润总额大于0）")],
        "tax",
        "在宜昌市登记、持有有效高新技术企业证书的居民企业",
    ),
    # 鄂政办发〔2022〕52号
    Spec(
        "YC-FG-2026-001",
        "鄂政办发〔2022〕52号",
        4,
        "湖北省国际标准集装箱运输车辆高速公路通行费优惠（宜昌市）",
        "yc-fgw",
        AUTO,
        YEAR,
        NONE,
        [c("industry", "prefix_in", ["G54", "G58"], "从事道路货物运输或多式联运的企业")],
        "logistics",
        "在宜昌市登记、使用国际标准集装箱运输车辆的道路运输企业",
    ),
    Spec(
        "YC-FG-2026-002",
        "鄂政办发〔2022〕52号",
        3,
        "湖北省政府性融资担保小微企业担保费率优惠（宜昌市）",
        "yc-fgw",
        INSTANT,
        YEAR,
        NONE,
        [sizes(SMALL_MICRO, "企业规模为小型或微型")],
        "finance",
        "在宜昌市登记、向政府性融资担保机构申请担保的小微企业",
    ),
    # 鄂政发〔2023〕8号 — 专精特新 (省级)
    Spec(
        "YC-JX-2026-002",
        "鄂政发〔2023〕8号",
        1,
        "湖北省新认定国家级专精特新“小巨人”企业省级奖励（宜昌市受理）",
        "yc-jxj",
        REVIEWED,
        OPEN,
        fixed(500000),
        [has("little_giant", "持有有效的专精特新“小巨人”企业称号")],
        "zjtx",
        "在宜昌市登记、新认定为国家级专精特新“小巨人”的企业",
    ),
    Spec(
        "YC-JX-2026-003",
        "鄂政发〔2023〕8号",
        2,
        "湖北省新认定省级专精特新中小企业省级奖励（宜昌市受理）",
        "yc-jxj",
        REVIEWED,
        LATER,
        fixed(200000),
        [
            has("sme_specialised", "持有有效的省级专精特新中小企业称号"),
            sizes(SMALL_FIRMS, "企业规模为中型、小型或微型"),
        ],
        "zjtx",
        "在宜昌市登记、新认定为省级专精特新的中小企业",
    ),
    Spec(
        "YC-JX-2026-004",
        "鄂政发〔2023〕8号",
        3,
        "湖北省专精特新企业技术改造项目设备投资补助（宜昌市受理）",
        "yc-jxj",
        REVIEWED,
        TBD,
        NONE,
        [*zjtx(), MANUFACTURING, manual("技术改造项目已完成设备投资并经专项审计")],
        "project",
        "在宜昌市登记、实施技术改造项目的专精特新企业",
    ),
    Spec(
        "YC-JX-2026-005",
        "鄂政发〔2023〕8号",
        4,
        "湖北省专精特新企业“专精特新板”挂牌省级奖励（宜昌市受理）",
        "yc-jxj",
        REVIEWED,
        YEAR,
        fixed(100000),
        [*zjtx(), manual("已在区域性股权市场“专精特新板”挂牌（以挂牌公告为准）")],
        "listing",
        "在宜昌市登记、在区域性股权市场“专精特新板”挂牌的专精特新企业",
    ),
    # 鄂科技发〔2023〕15号
    Spec(
        "YC-KJ-2026-001",
        "鄂科技发〔2023〕15号",
        1,
        "湖北省科技型中小企业研发投入增量补助（宜昌市受理）",
        "yc-kjj",
        REVIEWED,
        LATER,
        NONE,
        [
            has("tech_sme", "已入库科技型中小企业（评价入库编号在有效期内）"),
            c("rd_expense", "gt", 0, "上一年度发生研发费用"),
            manual("上年度研发投入较前一年度有增量（以研发费用专项审计报告为准）"),
        ],
        "rd",
        "在宜昌市登记、已入库的科技型中小企业",
    ),
    Spec(
        "YC-KJ-2026-002",
        "鄂科技发〔2023〕15号",
        2,
        "湖北省科技创新券补贴（宜昌市兑付）",
        "yc-kjj",
        INSTANT,
        YEAR,
        NONE,
        [
            has("tech_sme", "已入库科技型中小企业（评价入库编号在有效期内）"),
            sizes(SMALL_FIRMS, "企业规模为中型、小型或微型"),
        ],
        "rd",
        "在宜昌市登记、购买检验检测和技术开发服务的科技型中小企业",
    ),
    Spec(
        "YC-KJ-2026-003",
        "鄂科技发〔2023〕15号",
        3,
        "湖北省科技型中小企业首次通过高新技术企业认定省级奖励（宜昌市受理）",
        "yc-kjj",
        REVIEWED,
        OPEN,
        fixed(100000),
        [HITECH, has("tech_sme", "认定高新技术企业时为已入库科技型中小企业"), FIRST_HITECH],
        "hitech",
        "在宜昌市登记、首次通过高新技术企业认定的科技型中小企业",
    ),
    # 鄂人社发〔2023〕7号 — ended 2024
    Spec(
        "YC-RS-2023-001",
        "鄂人社发〔2023〕7号",
        1,
        "湖北省企业吸纳离校2年内未就业高校毕业生一次性吸纳就业补贴（宜昌市）",
        "yc-rsj",
        REVIEWED,
        ENDED,
        fixed(1000),
        [
            sizes(SMALL_FIRMS, "企业规模为中型、小型或微型"),
            manual("招用离校2年内未就业高校毕业生并签订1年以上劳动合同"),
        ],
        "talent",
        "在宜昌市登记、招用离校2年内未就业高校毕业生的企业",
        state=CLOSED,
    ),
    Spec(
        "YC-RS-2023-002",
        "鄂人社发〔2023〕7号",
        2,
        "湖北省高校毕业生首次创办小微企业一次性创业补贴（宜昌市）",
        "yc-rsj",
        REVIEWED,
        ENDED,
        fixed(5000),
        [
            sizes(SMALL_MICRO, "企业规模为小型或微型"),
            c("registration_date", "years_since_gte", 1, "正常经营1年以上"),
            manual("创办人为高校毕业生且为首次创业"),
        ],
        "startup",
        "高校毕业生在宜昌市首次创办的小微企业",
        state=CLOSED,
    ),
    # 鄂商务发〔2023〕21号
    Spec(
        "YC-SH-2026-001",
        "鄂商务发〔2023〕21号",
        1,
        "湖北省外贸企业年进出口额首次突破1亿美元奖励（宜昌市受理）",
        "yc-swj",
        REVIEWED,
        LATER,
        fixed(500000),
        [c("export_value", "gte", 71000, "上一年度出口额不低于7.1亿元人民币（约合1亿美元）")],
        "trade",
        "在宜昌市登记、年进出口额首次突破1亿美元的外贸企业",
    ),
    Spec(
        "YC-SH-2026-002",
        "鄂商务发〔2023〕21号",
        2,
        "湖北省外贸企业海外仓建设补助（宜昌市受理）",
        "yc-swj",
        REVIEWED,
        TBD,
        NONE,
        [EXPORTER, manual("新建海外仓面积在1000平方米以上（以产权或租赁证明为准）")],
        "trade",
        "在宜昌市登记、新建海外仓的外贸企业",
    ),
    Spec(
        "YC-SH-2026-003",
        "鄂商务发〔2023〕21号",
        3,
        "湖北省跨境电商企业出口奖励（宜昌市受理）",
        "yc-swj",
        REVIEWED,
        OPEN,
        NONE,
        [c("export_value", "gte", 3550, "上一年度出口额不低于3550万元人民币（约合500万美元）")],
        "trade",
        "在宜昌市登记、年出口额超过500万美元的跨境电商企业",
    ),
    # 鄂市监发〔2023〕33号
    Spec(
        "YC-SJ-2026-001",
        "鄂市监发〔2023〕33号",
        2,
        "湖北省小微企业商标注册代理费补贴（宜昌市）",
        "yc-scjgj",
        INSTANT,
        YEAR,
        fixed(1000),
        [sizes(SMALL_MICRO, "企业规模为小型或微型")],
        "ip",
        "在宜昌市登记、委托代理机构申请商标注册的小微企业",
        part="甲",
    ),
    Spec(
        "YC-SJ-2026-002",
        "鄂市监发〔2023〕33号",
        2,
        "湖北省小微企业发明专利申请代理费补贴（宜昌市）",
        "yc-scjgj",
        INSTANT,
        YEAR,
        fixed(5000),
        [sizes(SMALL_MICRO, "企业规模为小型或微型")],
        "ip",
        "在宜昌市登记、委托代理机构申请发明专利的小微企业",
        part="乙",
    ),
    Spec(
        "YC-SJ-2026-003",
        "鄂市监发〔2023〕33号",
        3,
        "湖北省小微企业计量器具检定校准费减半收取（宜昌市）",
        "yc-scjgj",
        AUTO,
        YEAR,
        NONE,
        [sizes(SMALL_MICRO, "企业规模为小型或微型")],
        "fee",
        "在宜昌市登记、送检计量器具的小微企业",
    ),
    # 鄂发改投资〔2023〕112号
    Spec(
        "YC-FG-2026-003",
        "鄂发改投资〔2023〕112号",
        3,
        "湖北省民营企业参与基础设施REITs试点前期费用补助（宜昌市受理）",
        "yc-fgw",
        REVIEWED,
        TBD,
        NONE,
        [
            c("total_assets", "gte", 10000, "资产总额不低于1亿元"),
            manual("为民营企业且作为原始权益人参与基础设施REITs试点"),
        ],
        "project",
        "在宜昌市登记、参与基础设施REITs试点的民营企业",
    ),
    # 宜府规〔2024〕3号 — 宜昌市支持科技创新若干措施 (市科技局)
    Spec(
        "YC-KJ-2026-004",
        "宜府规〔2024〕3号",
        1,
        "宜昌市高新技术企业首次认定奖励",
        "yc-kjj",
        REVIEWED,
        OPEN,
        fixed(200000),
        [HITECH, c("registration_date", "years_since_gte", 1, "注册成立一年以上"), FIRST_HITECH],
        "hitech",
        "在宜昌市注册登记、首次认定为高新技术企业的企业",
        group="yc-hitech",
        part="甲",
    ),
    Spec(
        "YC-KJ-2026-005",
        "宜府规〔2024〕3号",
        1,
        "宜昌市高新技术企业重新认定奖励",
        "yc-kjj",
        REVIEWED,
        OPEN,
        fixed(100000),
        [
            HITECH,
            c("registration_date", "years_since_gte", 3, "注册成立三年以上（已完成一个认定周期）"),
            manual("高新技术企业资格期满后重新通过认定（以认定公告为准）"),
        ],
        "hitech",
        "在宜昌市注册登记、高新技术企业资格期满后重新认定的企业",
        group="yc-hitech",
        part="乙",
    ),
    Spec(
        "YC-KJ-2026-006",
        "宜府规〔2024〕3号",
        2,
        "宜昌市新建国家级重点实验室（技术创新中心）奖励",
        "yc-kjj",
        REVIEWED,
        TBD,
        fixed(10000000),
        [
            c("rd_expense", "gte", 1000, "上一年度研发费用不低于1000万元"),
            manual("国家级重点实验室或技术创新中心已获批建设（以批复文件为准）"),
        ],
        "platform",
        "在宜昌市登记、新获批建设国家级重点实验室或技术创新中心的企业",
        group="yc-kjpt",
        part="甲",
    ),
    Spec(
        "YC-KJ-2026-007",
        "宜府规〔2024〕3号",
        2,
        "宜昌市新建省级重点实验室（技术创新中心）奖励",
        "yc-kjj",
        REVIEWED,
        TBD,
        fixed(1000000),
        [
            c("rd_expense", "gte", 300, "上一年度研发费用不低于300万元"),
            manual("省级重点实验室或技术创新中心已获批建设（以批复文件为准）"),
        ],
        "platform",
        "在宜昌市登记、新获批建设省级重点实验室或技术创新中心的企业",
        group="yc-kjpt",
        part="乙",
    ),
    Spec(
        "YC-KJ-2026-008",
        "宜府规〔2024〕3号",
        3,
        "宜昌市企业研发投入增量补助",
        "yc-kjj",
        REVIEWED,
        LATER,
        NONE,
        [
            c("rd_expense", "gt", 500, "上一年度研发费用投入超过500万元"),
            manual("上一年度研发费用较前一年度增长10%以上（以研发费用专项审计报告为准）"),
        ],
        "rd",
        "在宜昌市登记、研发投入持续增长的企业",
    ),
    Spec(
        "YC-KJ-2026-009",
        "宜府规〔2024〕3号",
        4,
        "宜昌市技术转移机构技术合同成交奖励",
        "yc-kjj",
        REVIEWED,
        LATER,
        NONE,
        [
            c("industry", "prefix_in", ["M75"], "从事科技推广和应用服务的技术转移机构"),
            manual("上一年度登记的技术合同成交额超过1000万元"),
        ],
        "platform",
        "在宜昌市登记的技术转移机构",
        state=DRAFT,
    ),
    Spec(
        "YC-KJ-2026-010",
        "宜府规〔2024〕3号",
        5,
        "宜昌市“科技副总”项目企业工作经费补贴",
        "yc-kjj",
        REVIEWED,
        YEAR,
        fixed(30000),
        [
            has("hitech", "持有有效的高新技术企业证书或为已入库科技型中小企业", group="kjfz"),
            has("tech_sme", "持有有效的高新技术企业证书或为已入库科技型中小企业", group="kjfz"),
            c("rd_ratio", "gte", 3, "上一年度研发费用占营业收入比重不低于3%"),
            c("tax_paid", "gte", 100, "上一年度纳税总额不低于100万元"),
        ],
        "talent",
        "在宜昌市登记、入选市级“科技副总”项目的科技型企业",
    ),
    # 宜府规〔2021〕5号 — repealed by 宜府规〔2024〕3号
    Spec(
        "YC-KJ-2021-001",
        "宜府规〔2021〕5号",
        1,
        "宜昌市高新技术企业首次认定奖励（2021年版）",
        "yc-kjj",
        REVIEWED,
        YEAR,
        fixed(100000),
        [HITECH, FIRST_HITECH],
        "hitech",
        "在宜昌市注册登记、首次认定为高新技术企业的企业",
        state=WITHDRAWN,
    ),
    Spec(
        "YC-KJ-2021-002",
        "宜府规〔2021〕5号",
        3,
        "宜昌市中试基地建设设备投资补助",
        "yc-kjj",
        REVIEWED,
        YEAR,
        NONE,
        [manual("中试基地已建成并对外提供中试服务")],
        "platform",
        "在宜昌市登记、建设中试基地的企业和高校院所",
        state=WITHDRAWN,
    ),
    # 宜府办发〔2024〕12号 — 专精特新十条 (市经信局)
    Spec(
        "YC-JX-2026-006",
        "宜府办发〔2024〕12号",
        1,
        "宜昌市新认定国家级专精特新“小巨人”企业奖励",
        "yc-jxj",
        REVIEWED,
        OPEN,
        fixed(500000),
        [has("little_giant", "持有有效的专精特新“小巨人”企业称号")],
        "zjtx",
        "在宜昌市登记、新认定为国家级专精特新“小巨人”的企业",
    ),
    Spec(
        "YC-JX-2026-007",
        "宜府办发〔2024〕12号",
        2,
        "宜昌市新认定省级专精特新中小企业奖励",
        "yc-jxj",
        REVIEWED,
        OPEN,
        fixed(200000),
        [has("sme_specialised", "持有有效的省级专精特新中小企业称号")],
        "zjtx",
        "在宜昌市登记、新认定为省级专精特新的中小企业",
        group="yc-zjtx",
        part="甲",
    ),
    Spec(
        "YC-JX-2026-008",
        "宜府办发〔2024〕12号",
        2,
        "宜昌市新认定创新型中小企业奖励",
        "yc-jxj",
        REVIEWED,
        OPEN,
        fixed(20000),
        [sizes(SMALL_FIRMS, "企业规模为中型、小型或微型"), manual("持有有效的创新型中小企业证书")],
        "zjtx",
        "在宜昌市登记、新认定为创新型中小企业的企业",
        group="yc-zjtx",
        part="乙",
    ),
    Spec(
        "YC-JX-2026-009",
        "宜府办发〔2024〕12号",
        3,
        "宜昌市专精特新企业首次升规入统奖励",
        "yc-jxj",
        REVIEWED,
        YEAR,
        fixed(100000),
        [*zjtx(), ABOVE_SCALE, manual("上一年度首次纳入规模以上工业统计")],
        "zjtx",
        "在宜昌市登记、首次升规入统的专精特新企业",
    ),
    Spec(
        "YC-JX-2026-010",
        "宜府办发〔2024〕12号",
        4,
        "宜昌市“专精特新贷”贴息",
        "yc-jxj",
        INSTANT,
        YEAR,
        NONE,
        zjtx(),
        "finance",
        "在宜昌市登记、获得“专精特新贷”的专精特新企业",
    ),
    # 宜经信发〔2024〕8号 — expired 2026-03-31
    Spec(
        "YC-JX-2025-001",
        "宜经信发〔2024〕8号",
        1,
        "宜昌市工业企业技术改造项目设备投资补助",
        "yc-jxj",
        REVIEWED,
        ENDED,
        NONE,
        [MANUFACTURING, ABOVE_SCALE, manual("当年完成设备投资500万元以上（以专项审计报告为准）")],
        "project",
        "在宜昌市登记、完成技术改造项目的规模以上工业企业",
        state=CLOSED,
    ),
    Spec(
        "YC-JX-2025-002",
        "宜经信发〔2024〕8号",
        2,
        "宜昌市国家级智能制造示范工厂奖励",
        "yc-jxj",
        REVIEWED,
        ENDED,
        fixed(2000000),
        [MANUFACTURING, manual("获评国家级智能制造示范工厂（以工业和信息化部公告为准）")],
        "quality",
        "在宜昌市登记、获评国家级智能制造示范工厂的企业",
        group="yc-znzz",
        state=CLOSED,
        part="甲",
    ),
    Spec(
        "YC-JX-2025-003",
        "宜经信发〔2024〕8号",
        2,
        "宜昌市省级智能制造示范工厂奖励",
        "yc-jxj",
        REVIEWED,
        ENDED,
        fixed(500000),
        [MANUFACTURING, manual("获评省级智能制造示范工厂（以湖北省经济和信息化厅公告为准）")],
        "quality",
        "在宜昌市登记、获评省级智能制造示范工厂的企业",
        group="yc-znzz",
        state=CLOSED,
        part="乙",
    ),
    Spec(
        "YC-JX-2025-004",
        "宜经信发〔2024〕8号",
        3,
        "宜昌市国家级绿色工厂首次获评奖励",
        "yc-jxj",
        REVIEWED,
        ENDED,
        fixed(500000),
        [
            c("tag", "has_tag", "section-c", "平台标签为制造业企业（国民经济行业分类C门类）"),
            manual("首次获评国家级绿色工厂（以工业和信息化部公告为准）"),
        ],
        "quality",
        "在宜昌市登记、首次获评国家级绿色工厂的企业",
        state=CLOSED,
    ),
    # 宜人社发〔2024〕6号 — 高层次人才
    Spec(
        "YC-RS-2026-001",
        "宜人社发〔2024〕6号",
        1,
        "宜昌市企业新引进全职博士研究生生活补贴",
        "yc-rsj",
        REVIEWED,
        LATER,
        fixed(3000),
        [manual("新引进全职博士研究生，签订3年以上劳动合同并在宜昌市缴纳社会保险")],
        "talent",
        "在宜昌市登记、新引进全职博士研究生的企业",
    ),
    Spec(
        "YC-RS-2026-002",
        "宜人社发〔2024〕6号",
        2,
        "宜昌市企业新引进硕士研究生生活补贴",
        "yc-rsj",
        REVIEWED,
        LATER,
        fixed(1500),
        [manual("新引进硕士研究生，签订2年以上劳动合同并在宜昌市缴纳社会保险")],
        "talent",
        "在宜昌市登记、新引进硕士研究生的企业",
        part="甲",
    ),
    Spec(
        "YC-RS-2026-003",
        "宜人社发〔2024〕6号",
        2,
        "宜昌市企业新引进本科毕业生生活补贴",
        "yc-rsj",
        REVIEWED,
        LATER,
        fixed(800),
        [manual("新引进本科毕业生，签订2年以上劳动合同并在宜昌市缴纳社会保险")],
        "talent",
        "在宜昌市登记、新引进本科毕业生的企业",
        state=SUBMITTED,
        part="乙",
    ),
    Spec(
        "YC-RS-2026-004",
        "宜人社发〔2024〕6号",
        3,
        "宜昌市新建国家级博士后科研工作站建站补助",
        "yc-rsj",
        REVIEWED,
        TBD,
        fixed(500000),
        [
            has("hitech", "为高新技术企业、专精特新“小巨人”企业或省级企业技术中心", group="bsh"),
            has("little_giant", "为高新技术企业、专精特新“小巨人”企业或省级企业技术中心", group="bsh"),
            has("tech_centre", "为高新技术企业、专精特新“小巨人”企业或省级企业技术中心", group="bsh"),
            c("employees", "gte", 200, "从业人员不少于200人"),
            manual("国家级博士后科研工作站已获批设立（以人力资源社会保障部批复为准）"),
        ],
        "platform",
        "在宜昌市登记、新获批设立国家级博士后科研工作站的企业",
    ),
    Spec(
        "YC-RS-2026-005",
        "宜人社发〔2024〕6号",
        4,
        "宜昌市企业职工取得高级技师职业资格奖励",
        "yc-rsj",
        INSTANT,
        YEAR,
        fixed(5000),
        [manual("职工新取得高级技师职业资格证书（可在技能人才评价证书全国联网查询中核验）")],
        "skills",
        "在宜昌市登记、职工新取得高级技师职业资格的企业",
    ),
    # 宜人社规〔2022〕2号 — ended 2023
    Spec(
        "YC-RS-2022-003",
        "宜人社规〔2022〕2号",
        1,
        "宜昌市中小微企业吸纳登记失业人员一次性扩岗补助",
        "yc-rsj",
        REVIEWED,
        ENDED,
        fixed(1000),
        [sizes(SMALL_FIRMS, "企业规模为中型、小型或微型"), manual("吸纳登记失业人员并签订1年以上劳动合同")],
        "talent",
        "在宜昌市登记、吸纳登记失业人员就业的中小微企业",
        state=CLOSED,
    ),
    Spec(
        "YC-RS-2022-004",
        "宜人社规〔2022〕2号",
        3,
        "宜昌市企业以工代训职业培训补贴",
        "yc-rsj",
        REVIEWED,
        ENDED,
        fixed(500),
        [manual("组织新吸纳或在岗职工开展以工代训，有培训计划和考勤记录")],
        "skills",
        "在宜昌市登记、开展以工代训的企业",
        state=CLOSED,
    ),
    # 宜商务发〔2024〕9号 — 外贸稳增长 (市商务局)
    Spec(
        "YC-SH-2026-004",
        "宜商务发〔2024〕9号",
        1,
        "宜昌市外贸企业年进出口额首次突破奖励",
        "yc-swj",
        REVIEWED,
        LATER,
        tiers("export_value", (7100, 35500, 200000), (35500, None, 500000)),
        [c("export_value", "gte", 7100, "上一年度出口额不低于7100万元人民币（约合1000万美元）")],
        "trade",
        "在宜昌市登记、年进出口额首次突破1000万美元或5000万美元的外贸企业",
    ),
    Spec(
        "YC-SH-2026-005",
        "宜商务发〔2024〕9号",
        2,
        "宜昌市外贸企业参加境外重点展会展位费补助",
        "yc-swj",
        REVIEWED,
        OPEN,
        NONE,
        [EXPORTER],
        "fair",
        "在宜昌市登记、参加境外重点展会的外贸企业",
    ),
    Spec(
        "YC-SH-2026-006",
        "宜商务发〔2024〕9号",
        3,
        "宜昌市外贸企业短期出口信用保险保费补助",
        "yc-swj",
        INSTANT,
        YEAR,
        NONE,
        [EXPORTER],
        "trade",
        "在宜昌市登记、投保短期出口信用保险的外贸企业",
    ),
    # 宜商务发〔2021〕15号 — repealed by 宜商务发〔2024〕9号
    Spec(
        "YC-SH-2021-001",
        "宜商务发〔2021〕15号",
        1,
        "宜昌市外贸企业年进出口额首次突破1000万美元奖励（2021年版）",
        "yc-swj",
        REVIEWED,
        YEAR,
        fixed(100000),
        [c("export_value", "gte", 7100, "上一年度出口额不低于7100万元人民币（约合1000万美元）")],
        "trade",
        "在宜昌市登记、年进出口额首次突破1000万美元的外贸企业",
        state=WITHDRAWN,
    ),
    # 宜发改规〔2024〕2号
    Spec(
        "YC-FG-2026-004",
        "宜发改规〔2024〕2号",
        1,
        "宜昌市民间投资新建工业项目投产奖励",
        "yc-fgw",
        REVIEWED,
        TBD,
        NONE,
        [MANUFACTURING, manual("民间投资5亿元以上的新建工业项目已竣工投产（以竣工验收报告为准）")],
        "project",
        "在宜昌市登记、民间投资新建工业项目竣工投产的企业",
    ),
    # 宜金发〔2024〕4号 — 上市挂牌 (市金融工作局)
    Spec(
        "YC-JR-2026-002",
        "宜金发〔2024〕4号",
        1,
        "宜昌市企业沪深北交易所首发上市奖励",
        "yc-jrb",
        REVIEWED,
        YEAR,
        fixed(10000000),
        [manual("已在沪深北证券交易所首发上市，或已取得中国证监会注册批复（分阶段兑现）")],
        "listing",
        "在宜昌市登记、在沪深北交易所首发上市的企业",
    ),
    Spec(
        "YC-JR-2026-003",
        "宜金发〔2024〕4号",
        2,
        "宜昌市企业新三板挂牌奖励",
        "yc-jrb",
        REVIEWED,
        YEAR,
        fixed(1000000),
        [manual("已在全国中小企业股份转让系统（新三板）挂牌")],
        "listing",
        "在宜昌市登记、在新三板挂牌的企业",
        group="yc-guapai",
        part="甲",
    ),
    Spec(
        "YC-JR-2026-004",
        "宜金发〔2024〕4号",
        2,
        "宜昌市企业区域性股权市场“专精特新板”挂牌奖励",
        "yc-jrb",
        REVIEWED,
        YEAR,
        fixed(100000),
        [*zjtx(), manual("已在区域性股权市场“专精特新板”挂牌（以挂牌公告为准）")],
        "listing",
        "在宜昌市登记、在“专精特新板”挂牌的专精特新企业",
        group="yc-guapai",
        part="乙",
    ),
    Spec(
        "YC-JR-2026-005",
        "宜金发〔2024〕4号",
        3,
        "宜昌市企业债券融资补助",
        "yc-jrb",
        REVIEWED,
        TBD,
        NONE,
        [manual("通过发行债券实际完成融资（以债券发行公告及资金到账凭证为准）")],
        "listing",
        "在宜昌市登记、通过发行债券融资的企业",
    ),
    # 宜金发〔2023〕7号 — 应急转贷
    Spec(
        "YC-JR-2026-006",
        "宜金发〔2023〕7号",
        2,
        "宜昌市小微企业应急转贷资金",
        "yc-jrb",
        INSTANT,
        YEAR,
        NONE,
        [sizes(SMALL_MICRO, "企业规模为小型或微型")],
        "finance",
        "在宜昌市登记、贷款即将到期且续贷有困难的小微企业",
    ),
    Spec(
        "YC-JR-2026-007",
        "宜金发〔2023〕7号",
        3,
        "宜昌市专精特新企业应急转贷资金使用费减免",
        "yc-jrb",
        AUTO,
        YEAR,
        NONE,
        zjtx(),
        "fee",
        "在宜昌市登记、使用应急转贷资金的专精特新企业",
    ),
    # 宜市监发〔2024〕5号 — 知识产权 (市市场监管局)
    Spec(
        "YC-SJ-2026-004",
        "宜市监发〔2024〕5号",
        1,
        "宜昌市国内发明专利授权资助",
        "yc-scjgj",
        INSTANT,
        YEAR,
        fixed(5000),
        [manual("新获得国内发明专利授权，专利权人为本企业（以国家知识产权局数据为准）")],
        "ip",
        "在宜昌市登记、新获得国内发明专利授权的企业",
        part="甲",
    ),
    Spec(
        "YC-SJ-2026-005",
        "宜市监发〔2024〕5号",
        1,
        "宜昌市PCT国外发明专利授权资助",
        "yc-scjgj",
        REVIEWED,
        LATER,
        fixed(30000),
        [manual("通过PCT途径新获得国外发明专利授权")],
        "ip",
        "在宜昌市登记、通过PCT途径获得国外发明专利授权的企业",
        state=DRAFT,
        part="乙",
    ),
    Spec(
        "YC-SJ-2026-006",
        "宜市监发〔2024〕5号",
        2,
        "宜昌市国家知识产权示范企业奖励",
        "yc-scjgj",
        REVIEWED,
        YEAR,
        fixed(300000),
        [manual("新认定为国家知识产权示范企业（以国家知识产权局公布名单为准）")],
        "ip",
        "在宜昌市登记、新认定为国家知识产权示范企业的企业",
        group="yc-zscq",
        part="甲",
    ),
    Spec(
        "YC-SJ-2026-007",
        "宜市监发〔2024〕5号",
        2,
        "宜昌市国家知识产权优势企业奖励",
        "yc-scjgj",
        REVIEWED,
        YEAR,
        fixed(200000),
        [manual("新认定为国家知识产权优势企业（以国家知识产权局公布名单为准）")],
        "ip",
        "在宜昌市登记、新认定为国家知识产权优势企业的企业",
        group="yc-zscq",
        part="乙",
    ),
    Spec(
        "YC-SJ-2026-008",
        "宜市监发〔2024〕5号",
        3,
        "宜昌市知识产权质押融资费用补助",
        "yc-scjgj",
        REVIEWED,
        OPEN,
        NONE,
        [sizes(SMALL_FIRMS, "企业规模为中型、小型或微型"), manual("已办理知识产权质押登记并获得贷款")],
        "finance",
        "在宜昌市登记、以知识产权质押融资的中小企业",
    ),
    # 宜市监发〔2023〕11号 — 质量强市
    Spec(
        "YC-SJ-2026-009",
        "宜市监发〔2023〕11号",
        1,
        "宜昌市中国质量奖获奖企业奖励",
        "yc-scjgj",
        REVIEWED,
        YEAR,
        fixed(2000000),
        [manual("获得中国质量奖（以国家市场监督管理总局公告为准）")],
        "quality",
        "在宜昌市登记、获得中国质量奖的企业",
        group="yc-zlj",
        part="甲",
    ),
    Spec(
        "YC-SJ-2026-010",
        "宜市监发〔2023〕11号",
        1,
        "宜昌市中国质量奖提名奖企业奖励",
        "yc-scjgj",
        REVIEWED,
        YEAR,
        fixed(1000000),
        [manual("获得中国质量奖提名奖（以国家市场监督管理总局公告为准）")],
        "quality",
        "在宜昌市登记、获得中国质量奖提名奖的企业",
        group="yc-zlj",
        part="乙",
    ),
    Spec(
        "YC-SJ-2026-011",
        "宜市监发〔2023〕11号",
        2,
        "宜昌市主导制定国际标准奖励",
        "yc-scjgj",
        REVIEWED,
        YEAR,
        fixed(500000),
        [manual("作为第一起草单位主导制定的国际标准已正式发布")],
        "standard",
        "在宜昌市登记、主导制定国际标准的企业",
        part="甲",
    ),
    Spec(
        "YC-SJ-2026-012",
        "宜市监发〔2023〕11号",
        2,
        "宜昌市主导制定国家标准奖励",
        "yc-scjgj",
        REVIEWED,
        YEAR,
        fixed(200000),
        [manual("作为第一起草单位主导制定的国家标准已正式发布")],
        "standard",
        "在宜昌市登记、主导制定国家标准的企业",
        part="乙",
    ),
    Spec(
        "YC-SJ-2026-013",
        "宜市监发〔2023〕11号",
        3,
        "宜昌市首次获评湖北省长江质量奖奖励",
        "yc-scjgj",
        REVIEWED,
        YEAR,
        fixed(500000),
        [manual("首次获评湖北省长江质量奖（以湖北省人民政府通报为准）")],
        "quality",
        "在宜昌市登记、首次获评湖北省长江质量奖的企业",
        state=SUBMITTED,
    ),
    # 宜税发〔2024〕3号 — 结构性减税降费 (市税务局)
    Spec(
        "YC-SW-2026-006",
        "宜税发〔2024〕3号",
        1,
        "宜昌市小规模纳税人月销售额10万元以下免征增值税",
        "yc-swu",
        AUTO,
        YEAR,
        NONE,
        [c("revenue", "lte", 120, "上一年度销售额不超过120万元（月均不超过10万元）")],
        "tax",
        "在宜昌市登记的增值税小规模纳税人",
    ),
    Spec(
        "YC-SW-2026-007",
        "宜税发〔2024〕3号",
        2,
        "宜昌市制造业中小微企业缓缴部分税费",
        "yc-swu",
        INSTANT,
        YEAR,
        NONE,
        [MANUFACTURING, sizes(SMALL_FIRMS, "企业规模为中型、小型或微型")],
        "tax",
        "在宜昌市登记的制造业中小微企业",
    ),
    Spec(
        "YC-SW-2026-008",
        "宜税发〔2024〕3号",
        3,
        "宜昌市先进制造业企业增值税加计抵减",
        "yc-swu",
        AUTO,
        YEAR,
        NONE,
        [HITECH, MANUFACTURING],
        "tax",
        "在宜昌市登记、为高新技术企业的制造业一般纳税人",
    ),
    # 宜府办发〔2023〕20号 — 双创 (市人社局)
    Spec(
        "YC-RS-2026-006",
        "宜府办发〔2023〕20号",
        1,
        "宜昌市国家级科技企业孵化器奖励",
        "yc-rsj",
        REVIEWED,
        TBD,
        fixed(1000000),
        [
            c("industry", "prefix_in", ["M75", "L72"], "从事科技推广或孵化服务的运营机构"),
            manual("新认定为国家级科技企业孵化器（以科学技术部公布名单为准）"),
        ],
        "platform",
        "在宜昌市登记、新认定为国家级科技企业孵化器的运营机构",
        group="yc-fhq",
        part="甲",
    ),
    Spec(
        "YC-RS-2026-007",
        "宜府办发〔2023〕20号",
        1,
        "宜昌市国家级众创空间奖励",
        "yc-rsj",
        REVIEWED,
        TBD,
        fixed(500000),
        [
            c("industry", "prefix_in", ["M75", "L72"], "从事科技推广或孵化服务的运营机构"),
            manual("新备案为国家级众创空间（以科学技术部公布名单为准）"),
        ],
        "platform",
        "在宜昌市登记、新备案为国家级众创空间的运营机构",
        group="yc-fhq",
        part="乙",
    ),
    Spec(
        "YC-RS-2026-008",
        "宜府办发〔2023〕20号",
        2,
        "宜昌市个人首次创业一次性创业补贴",
        "yc-rsj",
        REVIEWED,
        YEAR,
        fixed(5000),
        [
            sizes(SMALL_MICRO, "企业规模为小型或微型"),
            c("registration_date", "years_since_lt", 3, "成立不满3年的初创企业"),
            manual("创办人为首次创业，且企业正常经营6个月以上"),
        ],
        "startup",
        "在宜昌市首次创业并正常经营6个月以上的创业者所办企业",
    ),
    Spec(
        "YC-RS-2026-009",
        "宜府办发〔2023〕20号",
        3,
        "宜昌市小微企业创业担保贷款贴息",
        "yc-rsj",
        INSTANT,
        YEAR,
        NONE,
        [sizes(SMALL_MICRO, "企业规模为小型或微型")],
        "finance",
        "在宜昌市登记、获得创业担保贷款的小微企业",
    ),
    Spec(
        "YC-RS-2026-010",
        "宜府办发〔2023〕20号",
        4,
        "宜昌市初创企业入驻市级创业孵化基地免收场地租金",
        "yc-rsj",
        INSTANT,
        YEAR,
        NONE,
        [c("registration_date", "years_since_lt", 3, "成立不满3年的初创企业")],
        "startup",
        "入驻宜昌市市级创业孵化基地的初创企业",
    ),
    # 宜府办发〔2020〕31号 — repealed by 宜府办发〔2023〕20号
    Spec(
        "YC-RS-2020-001",
        "宜府办发〔2020〕31号",
        1,
        "宜昌市个人首次创业一次性创业补贴（2020年版）",
        "yc-rsj",
        REVIEWED,
        YEAR,
        fixed(3000),
        [c("registration_date", "years_since_lt", 3, "成立不满3年的初创企业"), manual("创办人为首次创业")],
        "startup",
        "在宜昌市首次创业并正常经营6个月以上的创业者所办企业",
        state=WITHDRAWN,
    ),
    # 宜发改发〔2024〕15号 — 战略性新兴产业
    Spec(
        "YC-FG-2026-005",
        "宜发改发〔2024〕15号",
        1,
        "宜昌市战略性新兴产业项目固定资产投资补助",
        "yc-fgw",
        REVIEWED,
        LATER,
        NONE,
        [
            c(
                "industry",
                "prefix_in",
                ["C26", "C27", "C35", "C38", "C39", "D44"],
                "属于新能源、新材料、生物医药、高端装备或新一代信息技术产业",
            ),
            c("revenue", "gte", 10000, "上一年度营业收入不低于1亿元"),
            manual("项目已列入市级战略性新兴产业重点项目库并开工建设"),
        ],
        "project",
        "在宜昌市登记、实施战略性新兴产业项目的企业",
    ),
    Spec(
        "YC-FG-2026-006",
        "宜发改发〔2024〕15号",
        2,
        "宜昌市企业年主营业务收入首次突破奖励",
        "yc-fgw",
        REVIEWED,
        LATER,
        tiers("revenue", (100000, 500000, 1000000), (500000, 1000000, 3000000), (1000000, None, 5000000)),
        [c("revenue", "gte", 100000, "上一年度营业收入不低于10亿元")],
        "growth",
        "在宜昌市登记、年主营业务收入首次突破10亿元、50亿元或100亿元的企业",
    ),
    Spec(
        "YC-FG-2026-007",
        "宜发改发〔2024〕15号",
        3,
        "宜昌市新获批国家级企业技术中心奖励",
        "yc-fgw",
        REVIEWED,
        TBD,
        fixed(1000000),
        [
            has("tech_centre", "已认定为省级企业技术中心"),
            manual("新获批国家级企业技术中心（以国家发展改革委公布名单为准）"),
        ],
        "platform",
        "在宜昌市登记、新获批国家级企业技术中心的企业",
    ),
    # 夷科经发〔2024〕2号 — 夷陵区科技创新
    Spec(
        "YL-KJ-2026-001",
        "夷科经发〔2024〕2号",
        1,
        "夷陵区首次认定高新技术企业奖励",
        "yl-kjj",
        REVIEWED,
        OPEN,
        fixed(100000),
        [HITECH, FIRST_HITECH],
        "hitech",
        "在夷陵区注册登记、首次认定为高新技术企业的企业",
    ),
    Spec(
        "YL-KJ-2026-002",
        "夷科经发〔2024〕2号",
        2,
        "夷陵区新认定省级企业技术中心奖励",
        "yl-kjj",
        REVIEWED,
        YEAR,
        fixed(200000),
        [has("tech_centre", "已认定为省级企业技术中心")],
        "platform",
        "在夷陵区登记、新认定为省级企业技术中心的企业",
        group="yl-kjpt",
        part="甲",
    ),
    Spec(
        "YL-KJ-2026-003",
        "夷科经发〔2024〕2号",
        2,
        "夷陵区新认定省级工程技术研究中心奖励",
        "yl-kjj",
        REVIEWED,
        YEAR,
        fixed(200000),
        [manual("新认定为湖北省工程技术研究中心（以湖北省科学技术厅文件为准）")],
        "platform",
        "在夷陵区登记、新认定为省级工程技术研究中心的企业",
        group="yl-kjpt",
        part="乙",
    ),
    Spec(
        "YL-KJ-2026-004",
        "夷科经发〔2024〕2号",
        3,
        "夷陵区企业研发投入补助",
        "yl-kjj",
        REVIEWED,
        LATER,
        rate(5, "rd_expense", 500000),
        [c("rd_expense", "gt", 200, "上一年度研发投入超过200万元")],
        "rd",
        "在夷陵区登记、年度研发投入超过200万元的企业",
    ),
    # 夷科经发〔2024〕7号 — 升规入统
    Spec(
        "YL-KJ-2026-005",
        "夷科经发〔2024〕7号",
        1,
        "夷陵区工业企业首次升规入统奖励",
        "yl-kjj",
        REVIEWED,
        YEAR,
        fixed(100000),
        [MANUFACTURING, ABOVE_SCALE, manual("上一年度首次纳入规模以上工业统计")],
        "growth",
        "在夷陵区登记、首次升规入统的工业企业",
    ),
    Spec(
        "YL-KJ-2026-006",
        "夷科经发〔2024〕7号",
        2,
        "夷陵区规上工业企业产值增长奖励",
        "yl-kjj",
        REVIEWED,
        OPEN,
        fixed(50000),
        [
            ABOVE_SCALE,
            c("registration_date", "years_since_gte", 2, "成立满2年"),
            manual("连续两年保持规模以上且工业产值增长15%以上"),
        ],
        "growth",
        "在夷陵区登记、连续两年保持规上且产值增长15%以上的工业企业",
    ),
    # 夷科经发〔2024〕11号 — 融资担保
    Spec(
        "YL-KJ-2026-007",
        "夷科经发〔2024〕11号",
        2,
        "夷陵区小微企业首次贷款贴息",
        "yl-kjj",
        INSTANT,
        YEAR,
        NONE,
        [sizes(SMALL_MICRO, "企业规模为小型或微型"), manual("为首次获得银行贷款（以征信报告为准）")],
        "finance",
        "在夷陵区登记、首次获得银行贷款的小微企业",
    ),
    # 西经商发〔2024〕3号 — 西陵区商贸
    Spec(
        "XL-JS-2026-001",
        "西经商发〔2024〕3号",
        1,
        "西陵区限上商贸企业零售额首次突破5000万元奖励",
        "xl-jsxj",
        REVIEWED,
        LATER,
        fixed(100000),
        [
            c("industry", "prefix_in", ["F52"], "从事零售业的限额以上商贸企业"),
            c("revenue", "gte", 5000, "上一年度营业收入（零售额）不低于5000万元"),
        ],
        "retail",
        "在西陵区登记、年零售额首次突破5000万元的限上商贸企业",
    ),
    Spec(
        "XL-JS-2026-002",
        "西经商发〔2024〕3号",
        2,
        "西陵区品牌首店装修补助",
        "xl-jsxj",
        REVIEWED,
        YEAR,
        NONE,
        [
            c("industry", "prefix_in", ["F52", "H62"], "从事零售或餐饮的商贸企业"),
            c("registration_date", "years_since_lt", 2, "新引进（成立不满2年）"),
            manual("为品牌在宜昌市的首店（以品牌方授权文件为准）"),
        ],
        "retail",
        "在西陵区新开设品牌首店的商贸企业",
    ),
    Spec(
        "XL-JS-2026-003",
        "西经商发〔2024〕3号",
        3,
        "西陵区商贸企业促消费活动补助",
        "xl-jsxj",
        REVIEWED,
        OPEN,
        NONE,
        [
            c("industry", "prefix_in", ["F51", "F52", "H61", "H62"], "从事批发零售、住宿或餐饮的商贸企业"),
            manual("促消费活动已按方案开展（以活动总结及投入凭证为准）"),
        ],
        "retail",
        "在西陵区登记、开展促消费活动的商贸企业",
    ),
    # 西经商发〔2024〕9号 — 西陵区外贸
    Spec(
        "XL-JS-2026-004",
        "西经商发〔2024〕9号",
        1,
        "西陵区外贸企业年进出口额首次突破500万美元奖励",
        "xl-jsxj",
        REVIEWED,
        LATER,
        fixed(50000),
        [c("export_value", "gte", 3550, "上一年度出口额不低于3550万元人民币（约合500万美元）")],
        "trade",
        "在西陵区登记、年进出口额首次突破500万美元的外贸企业",
    ),
    Spec(
        "XL-JS-2026-005",
        "西经商发〔2024〕9号",
        2,
        "西陵区外贸企业境外展会展位费补助",
        "xl-jsxj",
        REVIEWED,
        YEAR,
        NONE,
        [EXPORTER],
        "fair",
        "在西陵区登记、参加境外展会的外贸企业",
    ),
    Spec(
        "XL-JS-2026-006",
        "西经商发〔2024〕9号",
        3,
        "西陵区新注册外贸企业开办补助",
        "xl-jsxj",
        INSTANT,
        YEAR,
        fixed(20000),
        [
            c("registration_date", "years_since_lt", 1, "新注册（成立不满1年）"),
            manual("已办理对外贸易经营者备案和海关进出口货物收发货人备案并开展进出口业务"),
        ],
        "trade",
        "在西陵区新注册并开展进出口业务的外贸企业",
    ),
    # 伍人社发〔2024〕2号 — 伍家岗区青年创业就业
    Spec(
        "WJG-RS-2026-001",
        "伍人社发〔2024〕2号",
        1,
        "伍家岗区青年首次创业一次性创业补贴",
        "wjg-rsj",
        REVIEWED,
        YEAR,
        fixed(5000),
        [
            c("registration_date", "years_since_lt", 3, "成立不满3年的初创企业"),
            manual("创办人为35周岁以下青年，首次创业且正常经营6个月以上"),
        ],
        "startup",
        "在伍家岗区首次创业的青年所办企业",
    ),
    Spec(
        "WJG-RS-2026-002",
        "伍人社发〔2024〕2号",
        2,
        "伍家岗区小微企业吸纳高校毕业生一次性就业补贴",
        "wjg-rsj",
        REVIEWED,
        OPEN,
        fixed(2000),
        [sizes(SMALL_MICRO, "企业规模为小型或微型"), manual("吸纳离校2年内高校毕业生并签订1年以上劳动合同")],
        "talent",
        "在伍家岗区登记、吸纳高校毕业生就业的小微企业",
    ),
    Spec(
        "WJG-RS-2026-003",
        "伍人社发〔2024〕2号",
        3,
        "伍家岗区青年创业者入驻区级创业孵化基地免收租金和物业费",
        "wjg-rsj",
        INSTANT,
        YEAR,
        NONE,
        [c("registration_date", "years_since_lt", 3, "成立不满3年的初创企业")],
        "startup",
        "入驻伍家岗区区级创业孵化基地的青年创业企业",
    ),
    # 伍人社发〔2023〕5号 — 伍家岗区技能人才
    Spec(
        "WJG-RS-2026-004",
        "伍人社发〔2023〕5号",
        1,
        "伍家岗区企业职工取得技师职业资格奖励",
        "wjg-rsj",
        INSTANT,
        YEAR,
        fixed(3000),
        [manual("职工新取得技师职业资格证书")],
        "skills",
        "在伍家岗区登记、职工新取得技师职业资格的企业",
        group="wjg-jishi",
        part="甲",
    ),
    Spec(
        "WJG-RS-2026-005",
        "伍人社发〔2023〕5号",
        1,
        "伍家岗区企业职工取得高级技师职业资格奖励",
        "wjg-rsj",
        INSTANT,
        YEAR,
        fixed(5000),
        [manual("职工新取得高级技师职业资格证书")],
        "skills",
        "在伍家岗区登记、职工新取得高级技师职业资格的企业",
        group="wjg-jishi",
        part="乙",
    ),
    Spec(
        "WJG-RS-2026-006",
        "伍人社发〔2023〕5号",
        2,
        "伍家岗区技能大师工作室建设补助",
        "wjg-rsj",
        REVIEWED,
        TBD,
        fixed(50000),
        [manual("新认定为区级技能大师工作室")],
        "skills",
        "在伍家岗区登记、新认定区级技能大师工作室的企业",
    ),
    Spec(
        "WJG-RS-2026-007",
        "伍人社发〔2023〕5号",
        3,
        "伍家岗区企业新型学徒制培训补贴",
        "wjg-rsj",
        REVIEWED,
        YEAR,
        fixed(5000),
        [c("employees", "gte", 10, "从业人员不少于10人"), manual("与培训机构签订新型学徒制培训合作协议")],
        "skills",
        "在伍家岗区登记、开展企业新型学徒制培训的企业",
        state=DRAFT,
    ),
]


# 申报材料 by theme: (name, form, required, source, shared by data exchange, requirements).
F_ORIG, F_COPY, F_ELEC = Material.Form.ORIGINAL, Material.Form.COPY, Material.Form.ELECTRONIC
COMMON_MATERIALS = [
    ("政策资金申报表", F_ELEC, True, "惠企服务平台在线生成（依据企业档案预填）", False, "在线填写后加盖企业公章上传"),
    ("营业执照", F_COPY, True, "市场监督管理部门", True, ""),
    ("信用承诺书", F_ORIG, True, "平台下载空白范本，申请人填写", False, "法定代表人签字并加盖企业公章"),
    ("企业基本账户开户信息", F_COPY, True, "开户银行", False, "加盖企业公章"),
]
THEME_MATERIALS = {
    "hitech": [
        ("高新技术企业证书", F_ELEC, True, "科技部门", True, ""),
        ("上一年度财务审计报告", F_COPY, True, "会计师事务所", False, "加盖会计师事务所印章"),
    ],
    "rd": [
        ("研发费用专项审计报告（近两个年度）", F_COPY, True, "会计师事务所", False, "加盖会计师事务所印章"),
        ("企业所得税年度纳税申报表（含研发费用加计扣除优惠明细表）", F_ELEC, True, "税务部门", True, ""),
        ("研发项目立项文件", F_COPY, False, "申请人自备", False, "可按项目合并提交"),
    ],
    "zjtx": [
        ("专精特新认定文件或证书", F_ELEC, True, "经济和信息化部门", True, ""),
        ("上一年度财务报表", F_COPY, True, "申请人自备", False, "加盖企业公章"),
    ],
    "talent": [
        ("劳动合同", F_COPY, True, "申请人自备", False, "每人一份，加盖企业公章"),
        ("社会保险缴费记录", F_ELEC, True, "人力资源和社会保障部门", True, ""),
        ("学历学位证书", F_COPY, True, "学信网", True, ""),
        ("人员花名册", F_ELEC, True, "平台下载空白范本，申请人填写", False, "Excel格式"),
    ],
    "skills": [
        ("职业资格（技能等级）证书", F_COPY, True, "技能人才评价证书全国联网查询", True, ""),
        ("培训计划及考勤记录", F_COPY, False, "申请人自备", False, ""),
    ],
    "trade": [
        ("海关进出口数据", F_ELEC, True, "海关", True, ""),
        ("对外贸易经营者备案登记表", F_COPY, True, "商务部门", True, ""),
        ("相关费用发票及付款凭证", F_COPY, False, "申请人自备", False, "加盖企业公章"),
    ],
    "fair": [
        ("展位费发票及付款凭证", F_COPY, True, "申请人自备", False, "外币发票附汇率折算说明"),
        ("参展证明（参展证、展位照片）", F_ELEC, True, "申请人自备", False, "照片须能看清展位号和企业标识"),
        ("海关进出口数据", F_ELEC, True, "海关", True, ""),
    ],
    "ip": [
        ("专利证书或商标注册证", F_ELEC, True, "国家知识产权局", True, ""),
        ("代理机构服务合同及发票", F_COPY, True, "申请人自备", False, "加盖企业公章"),
    ],
    "finance": [
        ("借款合同", F_COPY, True, "贷款银行", False, "加盖企业公章"),
        ("贷款发放凭证及付息凭证", F_ORIG, True, "贷款银行", False, "银行加盖业务章"),
        ("企业征信报告", F_ELEC, False, "中国人民银行征信中心", True, ""),
    ],
    "listing": [
        ("上市、挂牌或发债证明文件", F_COPY, True, "申请人自备", False, "公告或批复文件"),
        ("中介机构服务协议及费用凭证", F_COPY, True, "申请人自备", False, "加盖企业公章"),
    ],
    "project": [
        ("项目备案（核准）文件", F_COPY, True, "投资项目在线审批监管平台", True, ""),
        ("设备购置合同、发票及付款凭证", F_COPY, True, "申请人自备", False, "按设备清单顺序装订"),
        ("项目专项审计报告", F_ORIG, True, "会计师事务所", False, "加盖会计师事务所印章"),
    ],
    "platform": [
        ("认定或批复文件", F_COPY, True, "主管部门", False, ""),
        ("建设运行情况报告", F_ORIG, True, "申请人自备", False, "法定代表人签字并加盖企业公章"),
    ],
    "quality": [
        ("获奖证书或公布文件", F_COPY, True, "发布部门", False, ""),
        ("获奖项目情况说明", F_ORIG, False, "申请人自备", False, "不超过3000字"),
    ],
    "standard": [
        ("标准文本及发布公告", F_COPY, True, "标准发布机构", False, ""),
        ("主导起草证明（起草单位排序页）", F_COPY, True, "申请人自备", False, ""),
    ],
    "startup": [
        ("创办人身份证", F_COPY, True, "公安部门", True, ""),
        ("场地租赁合同", F_COPY, True, "申请人自备", False, ""),
        ("就业创业证", F_COPY, False, "人力资源和社会保障部门", True, ""),
    ],
    "retail": [
        ("限额以上企业统计报表", F_ELEC, True, "统计部门", True, ""),
        ("活动方案、总结及投入凭证", F_COPY, True, "申请人自备", False, "加盖企业公章"),
    ],
    "growth": [
        ("统计联网直报数据", F_ELEC, True, "统计部门", True, ""),
        ("上一年度财务审计报告", F_COPY, True, "会计师事务所", False, "加盖会计师事务所印章"),
    ],
    "logistics": [("道路运输经营许可证", F_COPY, True, "交通运输部门", True, "")],
    "tax": [],
    "fee": [],
}

THEME_FAQS = {
    "hitech": [
        (
            "高新技术企业证书还在公示期，可以申报吗？",
            "须以正式公布的认定名单和证书为准；名单公布后在申报期内申报即可。",
        ),
    ],
    "rd": [
        (
            "研发费用以哪个口径为准？",
            "以会计师事务所出具的研发费用专项审计报告为准，与企业所得税年度申报的研发费用加计扣除口径一致。",
        ),
    ],
    "zjtx": [
        ("专精特新称号复核未通过还能享受吗？", "复核未通过的，自公布之日起不再享受；已兑现的奖励不追回。"),
    ],
    "talent": [
        ("劳务派遣人员可以计入吗？", "不可以。须为企业直接签订劳动合同并在本市缴纳社会保险的人员。"),
    ],
    "skills": [("证书取得时间怎么算？", "以证书上的发证日期为准，须在政策有效期内取得。")],
    "trade": [
        ("进出口额按什么汇率折算？", "按海关统计口径，以美元计；以人民币计的门槛按上一年度平均汇率折算。"),
    ],
    "fair": [
        ("哪些展会属于境外重点展会？", "以商务部门每年公布的重点展会目录为准，目录外展会按一般展会补助比例执行。")
    ],
    "ip": [("同一专利可以重复申请资助吗？", "不可以。同一专利（商标）只资助一次。")],
    "finance": [("贴息按什么利率计算？", "按实际支付利息和贷款市场报价利率（LPR）孰低计算。")],
    "listing": [("奖励分几次兑现？", "按辅导备案、申报受理、成功上市（挂牌）等阶段分次兑现，以实际完成的阶段为准。")],
    "project": [
        ("设备投资包括哪些？", "包括生产设备、检测设备及配套软件的购置费用，不含土建、厂房和流动资金。"),
    ],
    "platform": [("平台须运行多久才能申请？", "自批复（认定）之日起即可申报，须在申报期内提交建设运行情况报告。")],
    "quality": [("同一年度获得多个奖项怎么办？", "同一项目获得多个层级奖励的，按就高原则兑现，不重复享受。")],
    "standard": [("参与起草但非第一起草单位能否申报？", "不能。须为标准文本列明的第一起草单位。")],
    "startup": [("什么是首次创业？", "创办人此前未在任何经营主体担任法定代表人或主要出资人。")],
    "retail": [("零售额如何认定？", "以统计部门限额以上企业统计报表的零售额为准。")],
    "growth": [
        ("营业收入以什么数据为准？", "以统计联网直报数据和上一年度财务审计报告为准，两者不一致的以审计报告为准。")
    ],
    "logistics": [("优惠如何享受？", "车辆安装ETC并办理集装箱车辆优惠备案后，通行费在扣费时自动优惠。")],
    "tax": [
        (
            "需要单独申请吗？",
            "不需要。纳税申报时由电子税务局根据申报数据自动计算享受，平台预计金额仅供参考，以实际申报为准。",
        ),
    ],
    "fee": [("需要提交材料吗？", "不需要。办理业务时系统依据共享数据自动识别并减免。")],
}

NOTES = {
    AUTO: "本事项免申即享：平台依据共享数据比对生成符合条件的企业名单，企业在“企业空间”确认即可，无需提交申报材料。",
    INSTANT: "本事项即申即享：在线提交后系统即时核验，材料齐全、核验通过的当场办结。",
    REVIEWED: "本事项实行申报审批：请在申报期内通过惠企服务平台在线申报，或到政务服务中心综合窗口提交。",
}


def _actor(department: Department, role: str, fallback):
    """A demo staff member of `department` with `role`; the platform admin where the department has none."""
    membership = (
        Membership.objects.filter(department=department, role=role, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return membership.user if membership else fallback


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=timezone.get_current_timezone())


def _clause(spec: Spec) -> str:
    text = f"一、支持措施第（{CN[spec.clause - 1]}）项"
    return f"{text}（{spec.part}）" if spec.part else text


def _support_fields(spec: Spec, measure: str) -> dict:
    kind, *rest = spec.support
    fields = {"support_text": measure, "support_kind": kind}
    if kind == "fixed":
        fields["support_amount"] = rest[0]
    elif kind == "rate":
        fields["support_rate"], fields["support_base_fact"], fields["support_cap"] = rest
    elif kind == "tiers":
        fields["support_base_fact"] = rest[0]
    else:
        # Assessed case by case: the 最高 the measure states is the cap (the most a matter gives, for the facets).
        most = re.search(r"最高(?:不超过)?(\d+(?:\.\d+)?)万元", measure)
        if most:
            fields["support_cap"] = Decimal(most.group(1)) * 10000
    return fields


REVIEWER, APPROVER = StepRole.REVIEWER, StepRole.APPROVER
REVIEW, INSPECTION = StepKind.REVIEW, StepKind.INSPECTION


def _steps(spec: Spec, department: Department, departments: dict) -> list[tuple[str, Department, int, str, str, str]]:
    """The guide's review steps: (name, department, working days, description, role, kind).

    Acceptance (预审受理) by the implementing department, publicity and payment are stages of every case
    (the application workflow), not review steps, so they are described in the guide's notes, not here.
    """
    if spec.delivery == AUTO:
        return [
            ("数据比对", department, 5, "依据税务、市场监管等共享数据比对，生成符合条件的企业名单", REVIEWER, REVIEW),
            ("名单确认", department, 5, "审核名单，受理后10日内推送企业确认", APPROVER, REVIEW),
        ]
    if spec.delivery == INSTANT:
        return [
            ("在线核验", department, 1, "系统比对共享数据，核验通过的即时核准；未通过的由部门复核", APPROVER, REVIEW)
        ]
    steps = [("部门初审", department, 5, "审核申报条件和材料，材料不全的一次性告知需补正的全部内容", REVIEWER, REVIEW)]
    if spec.clause % 3 == 0:
        steps.append(("现场核查", department, 5, "到企业现场核查项目实施情况", REVIEWER, INSPECTION))
    steps.append(("审批决定", department, 3, "部门负责人审定支持金额，结果在平台公示后拨付", APPROVER, REVIEW))
    return steps


def _criteria(spec: Spec, number: str, region: Region) -> list[dict]:
    clause = f"{number} {_clause(spec)}"
    general = f"{number} 二、申报与兑付"
    rows = [
        {
            "fact": "region",
            "operator": "within_region",
            "value": [region.code],
            "message": f"在{region.name}注册登记",
            "legal_reference": general,
        },
        {
            "fact": "operating_status",
            "operator": "in",
            "value": ["existing", "operating"],
            "message": "经营状态正常（存续或在业）",
            "legal_reference": general,
        },
        {
            "fact": "credit_good",
            "operator": "is_true",
            "value": None,
            "message": "未被列入严重失信主体名单",
            "legal_reference": general,
        },
    ]
    for row in spec.criteria:
        if row[0] == "manual":
            rows.append({"manual": True, "message": row[1], "legal_reference": clause})
            continue
        fact, operator, value, message, group = row
        rows.append(
            {
                "fact": fact,
                "operator": operator,
                "value": value,
                "message": message,
                "group": group,
                "legal_reference": clause,
            }
        )
    return rows


def _window(spec: Spec, today: dt.date, policy: Policy, index: int) -> dict:
    """The window's dates and when the matter went public (`published_on`), chosen so §20 holds."""
    if spec.window == LATER:
        opens = workdays.add_workdays(today, 10 + index % 8)
        return {"opens": opens, "closes": opens + dt.timedelta(days=60), "published_on": today}
    if spec.window == ENDED:
        published_on = workdays.add_workdays(policy.issue_date, 15)
        decided = workdays.add_workdays(published_on, 5)
        opens = workdays.add_workdays(decided, 10)
        closes = opens + dt.timedelta(days=60)
        if policy.expiry_date:
            closes = min(closes, policy.expiry_date)
        return {"opens": opens, "closes": closes, "decided": decided, "published_on": published_on}
    published_on = workdays.add_workdays(today, -(25 + index % 20))
    if spec.window == OPEN:
        decided = workdays.add_workdays(today, -18)
        return {
            "opens": workdays.add_workdays(today, -10),
            "closes": today + dt.timedelta(days=45 + index % 30),
            "decided": decided,
            "published_on": published_on,
        }
    if spec.state == WITHDRAWN:
        published_on = workdays.add_workdays(policy.issue_date, 15)
    return {"published_on": published_on}


def _create(spec: Spec, index: int, policy: Policy, departments: dict, today: dt.date, admin) -> Matter:
    department = departments[spec.department]
    region = department.region
    editor = _actor(department, Role.EDITOR, admin)
    approver = _actor(department, Role.APPROVER, admin)
    measures = _measures(policy)
    window = _window(spec, today, policy, index)
    # A window set later (open now, ended) was 期限待定 when the guide went public.
    listed_as = (
        WindowKind.TBD
        if "decided" in window
        else {YEAR: WindowKind.YEAR_ROUND, TBD: WindowKind.TBD}.get(spec.window, WindowKind.FIXED)
    )
    matter = Matter(
        code=spec.code,
        name=spec.name,
        policy=policy,
        clause=_clause(spec),
        department=department,
        region=region,
        target=spec.target,
        delivery_kind=spec.delivery,
        channel=(
            "网上办理：惠企服务平台“政策资金事项”在线申报；"
            f"窗口办理：{region.name}政务服务中心综合受理窗口（工作日9:00—12:00，13:30—17:30）"
        ),
        window_kind=listed_as,
        window_opens=window["opens"] if listed_as == WindowKind.FIXED else None,
        window_closes=window["closes"] if listed_as == WindowKind.FIXED else None,
        time_limit_days=sum(step[2] for step in _steps(spec, department, departments)),
        exclusive_group=spec.group,
        notes=_notes(spec, policy),
        consult_phone=department.phone or PHONES.get(department.code, SUPERVISE_PHONE),
        supervise_phone=SUPERVISE_PHONE,
        created_by=editor,
        **_support_fields(spec, measures[spec.clause - 1]),
    )
    matter._history_user = editor
    matter._change_reason = "演示数据"
    matter.save()
    if spec.support[0] == "tiers":
        for position, (lower, upper, amount) in enumerate(spec.support[2], start=1):
            SupportTier.objects.create(
                matter=matter,
                position=position,
                lower=Decimal(lower),
                upper=None if upper is None else Decimal(upper),
                amount=Decimal(amount),
            )
    theme = THEME_MATERIALS[spec.theme]
    materials = [] if spec.delivery == AUTO else [*COMMON_MATERIALS, *theme]
    guide = [
        Material(
            matter=matter,
            position=position,
            name=name,
            form=form,
            required=required,
            source=source,
            shared=shared,
            requirements=requirements,
        )
        for position, (name, form, required, source, shared, requirements) in enumerate(materials, start=1)
    ]
    steps = [
        ProcessStep(
            matter=matter,
            position=position,
            name=name,
            department=where,
            days=days,
            description=text,
            role=role,
            kind=kind,
        )
        for position, (name, where, days, text, role, kind) in enumerate(_steps(spec, department, departments), start=1)
    ]
    faqs = [
        MatterFAQ(matter=matter, position=position, question=question, answer=answer)
        for position, (question, answer) in enumerate(_faqs(spec, matter), start=1)
    ]
    for model, rows in ((Material, guide), (ProcessStep, steps), (MatterFAQ, faqs)):
        if rows:
            bulk_create_with_history(rows, model, default_user=editor, default_change_reason="演示数据")
    rule_set = RuleSet.objects.create(matter=matter, code=spec.code.lower(), name=f"{spec.name}申报条件")
    for position, fields in enumerate(_criteria(spec, policy.document_number, region), start=1):
        Criterion.objects.create(rule_set=rule_set, position=position, **fields)
    services.assign_ownership(rule_set, department)
    services.assign_matter_ownership(matter, department)
    if spec.state == DRAFT:
        matter.full_clean()
        return matter
    _run(spec, matter, window, policy, editor, approver)
    return matter


def _run(spec: Spec, matter: Matter, window: dict, policy: Policy, editor, approver) -> None:
    """The lifecycle as it happened: submitted and published on `published_on`, then the later events."""
    published_on = window["published_on"]
    historic = published_on < timezone.localdate()
    submit_at = _moment(workdays.add_workdays(published_on, -2), 9) if historic else None
    publish_at = _moment(published_on, 10) if historic else None
    perform(matter, "submit", by=editor, at=submit_at)
    if spec.state == SUBMITTED:
        return
    matter = perform(matter, "publish", by=approver, at=publish_at)
    if "decided" in window:
        matter.window_kind = WindowKind.FIXED
        matter.window_decided_on = window["decided"]
        matter.window_opens, matter.window_closes = window["opens"], window["closes"]
        matter.guide_due_on = services.guide_due_on(matter)
        matter.full_clean()
        matter._history_user = editor
        matter._change_reason = "确定申报期限"
        matter.save()
    if spec.state == CLOSED:
        closes = matter.window_closes or policy.expiry_date
        perform(matter, "close", by=None, at=_moment(closes + dt.timedelta(days=1), 1))
    elif spec.state == WITHDRAWN:
        successor = policy.reverse_relations.filter(kind="replaces").select_related("policy").first()
        reason = "政策已废止，本事项下架"
        if successor is not None:
            reason = f"政策已被《{successor.policy.title}》（{successor.policy.document_number}）替代，本事项下架"
        ended = policy.ended_on or timezone.localdate()
        perform(matter, "withdraw", by=approver, reason=reason, at=_moment(ended))


def _measures(policy: Policy) -> list[str]:
    from policies.demo import POLICIES

    for number, *_rest, measures, _fate in POLICIES:
        if number == policy.document_number:
            return measures
    raise LookupError(policy.document_number)


def _notes(spec: Spec, policy: Policy) -> str:
    lines = [
        NOTES[spec.delivery],
        f"企业对申报材料的真实性负责；弄虚作假骗取资金的，依照《{policy.title}》追回资金并纳入失信记录。",
    ]
    if spec.group:
        lines.append("本事项与同类事项就高不重复：同一企业同一年度只能享受其中金额最高的一项。")
    if spec.window in (OPEN, LATER, ENDED):
        lines.append("逾期不予受理，请在申报期内完成申报。")
    return "\n".join(lines)


def _faqs(spec: Spec, matter: Matter) -> list[tuple[str, str]]:
    faqs = [
        (
            "怎样知道本企业是否符合条件？",
            "登录惠企服务平台，在“政策计算器”中查看本事项的逐条判断结果和预计金额；如档案数据有误，可在线纠错。",
        ),
        *THEME_FAQS[spec.theme],
    ]
    if spec.group:
        faqs.append(("能否同时享受同类奖励？", "不能。同组事项就高不重复，按金额最高的一项兑现。"))
    return faqs


def load():
    today = timezone.localdate()
    existing = set(Matter.objects.filter(code__in=[s.code for s in SPECS]).values_list("code", flat=True))
    missing = [(i, s) for i, s in enumerate(SPECS) if s.code not in existing]
    if missing:
        policies = {p.document_number: p for p in Policy.objects.filter(document_number__in={s.policy for s in SPECS})}
        departments = {d.code: d for d in Department.objects.select_related("region")}
        admin = get_user_model().objects.filter(username="platform_admin").first()
        for index, spec in missing:
            _create(spec, index, policies[spec.policy], departments, today, admin)
    # 疑似重复事项名称 for the supervision dashboards, as the daily task would find them.
    from matters.services import flag_near_duplicate_names

    flag_near_duplicate_names()
