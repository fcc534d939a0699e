"""Demo policies (演示政策): 40+ policies of all four levels and nine categories, each with an approved interpretation.

Deterministic and idempotent: policies are keyed by their 文号 and a row is
saved only when a value differs. Some are jointly issued, some have expired,
and some were replaced by a newer policy (a `replaces` relation, the old one
repealed). Ended policies are left expired or repealed, so the public pages
show them; the hourly expiry run takes them offline as it would in production.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from policies import services
from policies.models import Interpretation, Policy, PolicyCategory, PolicyRelation
from portal.org.models import Department, Region
from portal.workcalendar import clocks

N, P, M, C = Policy.Level.NATIONAL, Policy.Level.PROVINCIAL, Policy.Level.MUNICIPAL, Policy.Level.COUNTY

# Departments the demo policies need beyond the organisation demo: code, name, region code.
EXTRA_DEPARTMENTS = [
    ("yc-fgw", "宜昌市发展和改革委员会", "420500"),
    ("yc-scjgj", "宜昌市市场监督管理局", "420500"),
    ("yc-jrb", "宜昌市地方金融工作局", "420500"),
    ("yc-swu", "国家税务总局宜昌市税务局", "420500"),
    ("xl-jsxj", "西陵区经济商务和信息化局", "420502"),
    ("wjg-rsj", "伍家岗区人力资源和社会保障局", "420503"),
]

CATEGORY = {
    "创业": "chuangye",
    "金融": "caizheng",
    "市场": "shichang",
    "投资": "touzi",
    "减税": "jianshui",
    "人才": "rencai",
    "外贸": "waizi",
    "产业": "chanye",
    "科技": "keji",
}

# 文号, title, issuing authority, level, lead dept, co-departments, categories, issue date, outside publication,
# expiry date, measures (each a clause with concrete amounts), what became of it.
POLICIES = [
    (
        "国发〔2024〕11号",
        "国务院关于进一步优化营商环境降低市场主体制度性交易成本的意见",
        "国务院",
        N,
        "yc-fgw",
        [],
        ["市场", "创业"],
        "2024-03-18",
        "2024-03-22",
        None,
        [
            "全面推行经营主体登记“一网通办”，企业开办时间压缩至1个工作日以内，免费发放全套电子营业执照和3枚公章。",
            "清理规范涉企收费，对小微企业减免行政事业性收费，全年为经营主体减负不少于1000亿元。",
            "推行信用承诺制，对信用良好的企业，申请政策资金时可免于提交无违法违规证明等12项材料。",
        ],
        "published",
    ),
    (
        "财政部 税务总局公告2023年第7号",
        "关于进一步完善研发费用税前加计扣除政策的公告",
        "财政部 税务总局",
        N,
        "yc-swu",
        ["yc-kjj"],
        ["减税", "科技"],
        "2023-03-26",
        "2023-03-26",
        None,
        [
            "企业开展研发活动中实际发生的研发费用，未形成无形资产计入当期损益的，在按规定据实扣除的基础上，自2023年1月1日起，再按照实际发生额的100%在税前加计扣除。",
            "形成无形资产的，自2023年1月1日起，按照无形资产成本的200%在税前摊销。",
            "企业可在预缴申报当年第3季度（按季预缴）或9月份（按月预缴）企业所得税时，自主选择就当年上半年研发费用享受加计扣除优惠。",
        ],
        "published",
    ),
    (
        "财政部 税务总局公告2023年第12号",
        "关于进一步支持小微企业和个体工商户发展有关税费政策的公告",
        "财政部 税务总局",
        N,
        "yc-swu",
        [],
        ["减税"],
        "2023-08-02",
        "2023-08-02",
        "2027-12-31",
        [
            "对小型微利企业减按25%计算应纳税所得额，按20%的税率缴纳企业所得税，政策延续执行至2027年12月31日。",
            "对增值税小规模纳税人、小型微利企业和个体工商户减半征收资源税、城市维护建设税、房产税、城镇土地使用税、印花税、耕地占用税和教育费附加、地方教育附加。",
            "纳税人享受上述优惠无需办理备案，通过电子税务局申报即可直接享受，实现“免申即享”。",
        ],
        "published",
    ),
    (
        "工信部企业函〔2023〕56号",
        "优质中小企业梯度培育管理办法",
        "工业和信息化部",
        N,
        "yc-jxj",
        [],
        ["产业", "科技"],
        "2022-06-01",
        "2022-06-01",
        None,
        [
            "构建创新型中小企业、专精特新中小企业、专精特新“小巨人”企业三个梯度的培育体系，认定有效期均为3年。",
            "专精特新“小巨人”企业须近2年主营业务收入或净利润的平均增长率不低于5%，研发费用总额占营业收入总额比重不低于3%。",
            "对认定的专精特新“小巨人”企业，中央财政通过奖补资金对重点企业给予每家最高600万元支持。",
        ],
        "published",
    ),
    (
        "人社部发〔2022〕23号",
        "关于做好失业保险稳岗位提技能防失业工作的通知",
        "人力资源社会保障部 财政部 国家税务总局",
        N,
        "yc-rsj",
        [],
        ["人才", "金融"],
        "2022-04-26",
        "2022-04-29",
        "2023-12-31",
        [
            "参保企业上年度未裁员或裁员率不高于上年度全国城镇调查失业率控制目标，可按中小微企业60%、大型企业30%的比例返还失业保险费。",
            "对中小微企业吸纳高校毕业生就业并签订1年以上劳动合同的，按每人1500元标准发放一次性扩岗补助。",
            "企业组织职工参加职业技能培训的，按每人每次最高2000元给予培训补贴。",
        ],
        "published",
    ),
    (
        "商务部公告2024年第5号",
        "关于推动外贸稳规模优结构的若干措施",
        "商务部",
        N,
        "yc-swj",
        [],
        ["外贸"],
        "2024-04-16",
        "2024-04-19",
        None,
        [
            "加大出口信用保险支持力度，对小微外贸企业投保出口信用保险的保费给予不低于50%的补贴。",
            "支持外贸企业参加境外展会，对每个展位费给予最高3万元补助。",
            "加快出口退税进度，一类、二类出口企业正常出口退税业务平均办理时间压缩至3个工作日以内。",
        ],
        "published",
    ),
    (
        "银发〔2023〕49号",
        "关于强化金融支持举措助力民营经济发展壮大的通知",
        "中国人民银行 金融监管总局 中国证监会 国家外汇局",
        N,
        "yc-jrb",
        [],
        ["金融", "投资"],
        "2023-07-28",
        "2023-07-31",
        None,
        [
            "对单户授信1000万元及以下的普惠型小微企业贷款，实行差异化考核，不良贷款容忍度放宽至不高于各项贷款不良率3个百分点。",
            "推广“科技贷”“知识产权质押贷”等产品，单户知识产权质押贷款最高可达2000万元。",
            "支持符合条件的民营企业发行债券，对首次发债的民营企业给予发行费用50%的补贴。",
        ],
        "published",
    ),
    (
        "国科发火〔2016〕32号",
        "高新技术企业认定管理办法",
        "科技部 财政部 国家税务总局",
        N,
        "yc-kjj",
        ["yc-swu"],
        ["科技", "减税"],
        "2016-01-29",
        "2016-02-04",
        None,
        [
            "高新技术企业认定须满足：企业申请认定时须注册成立一年以上，从事研发和相关技术创新活动的科技人员占企业当年职工总数的比例不低于10%。",
            "最近一年销售收入小于5000万元（含）的企业，近三个会计年度研究开发费用总额占同期销售收入总额的比例不低于5%。",
            "通过认定的高新技术企业，减按15%的税率征收企业所得税，资格有效期为3年。",
        ],
        "published",
    ),
    (
        "鄂政办发〔2022〕52号",
        "湖北省以控制成本为核心优化营商环境若干措施",
        "湖北省人民政府办公厅",
        P,
        "yc-fgw",
        [],
        ["市场", "减税"],
        "2022-08-10",
        "2022-08-15",
        None,
        [
            "降低用地成本：工业项目用地出让起始价可按不低于所在地土地等别相对应全国工业用地出让最低价标准的70%确定。",
            "降低用电成本：对省内重点制造业企业，2022年下半年用电价格每千瓦时降低2分钱。",
            "降低融资成本：政府性融资担保机构对小微企业担保费率降至1%以下，省级再担保费率减半收取。",
            "降低物流成本：对省内高速公路通行的国际标准集装箱运输车辆，通行费按85%优惠收取。",
        ],
        "published",
    ),
    (
        "鄂政发〔2023〕8号",
        "湖北省支持专精特新中小企业高质量发展若干措施",
        "湖北省人民政府",
        P,
        "yc-jxj",
        ["yc-kjj"],
        ["产业", "科技"],
        "2023-03-06",
        "2023-03-10",
        None,
        [
            "对新认定的国家级专精特新“小巨人”企业，省级财政给予一次性奖励50万元。",
            "对新认定的省级专精特新中小企业，给予一次性奖励20万元。",
            "对专精特新企业实施技术改造项目，按设备投资额的8%给予补助，最高不超过500万元。",
            "对专精特新企业在区域性股权市场“专精特新板”挂牌的，给予一次性奖励10万元。",
        ],
        "published",
    ),
    (
        "鄂科技发〔2023〕15号",
        "湖北省科技型中小企业创新能力提升行动方案",
        "湖北省科学技术厅",
        P,
        "yc-kjj",
        [],
        ["科技"],
        "2023-05-12",
        "2023-05-18",
        None,
        [
            "对入库的科技型中小企业，按上年度研发投入增量的10%给予补助，最高不超过100万元。",
            "实施科技创新券制度，科技型中小企业购买检验检测、技术开发等服务的，按实际支付费用的50%给予补贴，每家每年最高20万元。",
            "对首次通过高新技术企业认定的科技型中小企业，省级给予一次性奖励10万元。",
        ],
        "published",
    ),
    (
        "鄂人社发〔2023〕7号",
        "湖北省促进高校毕业生等青年就业创业若干措施",
        "湖北省人力资源和社会保障厅",
        P,
        "yc-rsj",
        [],
        ["人才", "创业"],
        "2023-04-20",
        "2023-04-25",
        "2024-12-31",
        [
            "对招用离校2年内未就业高校毕业生并签订1年以上劳动合同的企业，给予每人1000元的一次性吸纳就业补贴。",
            "高校毕业生首次创办小微企业且正常经营1年以上的，给予5000元一次性创业补贴。",
            "个人创业担保贷款最高额度提高至30万元，小微企业最高额度提高至400万元，按规定给予贴息。",
        ],
        "published",
    ),
    (
        "鄂商务发〔2023〕21号",
        "湖北省支持外贸企业拓市场稳订单若干措施",
        "湖北省商务厅",
        P,
        "yc-swj",
        [],
        ["外贸"],
        "2023-06-08",
        "2023-06-12",
        None,
        [
            "对年进出口额首次突破1亿美元的企业，给予一次性奖励50万元。",
            "支持企业建设海外仓，对新建面积1000平方米以上的海外仓，按建设投入的20%给予补助，最高200万元。",
            "对跨境电商企业年出口额超过500万美元的，按出口额每美元奖励0.01元，最高100万元。",
        ],
        "published",
    ),
    (
        "鄂金发〔2022〕19号",
        "湖北省金融支持稳住经济大盘若干措施",
        "湖北省地方金融工作局",
        P,
        "yc-jrb",
        [],
        ["金融", "投资"],
        "2022-06-15",
        "2022-06-20",
        "2023-06-30",
        [
            "对银行机构新发放的普惠小微贷款，按余额增量的1%给予激励，单家机构最高500万元。",
            "对符合条件的小微企业贷款实行延期还本付息，延期时间最长不超过6个月。",
            "政府性融资担保机构对受疫情影响的小微企业代偿率容忍度提高至5%。",
        ],
        "published",
    ),
    (
        "鄂市监发〔2023〕33号",
        "湖北省市场监管领域助企纾困十条措施",
        "湖北省市场监督管理局",
        P,
        "yc-scjgj",
        [],
        ["市场"],
        "2023-07-03",
        "2023-07-06",
        None,
        [
            "对市场主体首次轻微违法行为依法不予行政处罚，推行“首违不罚”清单，涵盖86项违法情形。",
            "对小微企业申请商标注册、专利申请给予代理费补贴，每件商标补贴1000元，每件发明专利补贴5000元。",
            "计量器具检定校准收费标准下调20%，对小微企业再减半收取。",
        ],
        "published",
    ),
    (
        "鄂发改投资〔2023〕112号",
        "湖北省促进民间投资高质量发展若干措施",
        "湖北省发展和改革委员会",
        P,
        "yc-fgw",
        [],
        ["投资", "产业"],
        "2023-09-14",
        "2023-09-19",
        None,
        [
            "建立向民间资本推介项目长效机制，每年推介总投资不少于3000亿元的优质项目。",
            "对民间投资占比超过50%的省级重点项目，优先保障用地、用能指标。",
            "对民营企业参与基础设施REITs试点的，给予前期费用50%补助，最高300万元。",
        ],
        "published",
    ),
    (
        "宜职转和数规发〔2025〕1号",
        "宜昌市惠企服务平台运行管理办法（试行）",
        "宜昌市推进政府职能转变和数据资源规划建设领导小组",
        M,
        "yc-sjj",
        [],
        ["市场"],
        "2025-01-06",
        None,
        None,
        [
            "惠企服务平台归集发布国家、省、市、县四级惠企政策，各地各部门在政策印发之日起3个工作日内完成归集发布。",
            "已在平台发布的政策文件失效（废止）前不得随意下线；确需下线的，应附详细理由报同级政务服务和数据管理部门核实。",
            "失效（废止）的涉企政策文件及相关政策解读，应当自文件失效（废止）之日起3个工作日内在平台下线。",
            "政策事项指南最迟于事项申报起始日5个工作日前在平台公开。",
        ],
        "published",
    ),
    (
        "宜府规〔2024〕3号",
        "宜昌市支持科技创新若干措施",
        "宜昌市人民政府",
        M,
        "yc-kjj",
        ["yc-czj"],
        ["科技"],
        "2024-02-26",
        None,
        None,
        [
            "对首次认定的高新技术企业给予一次性奖励20万元，重新认定的给予一次性奖励10万元。",
            "对新建的国家级重点实验室、技术创新中心，给予一次性奖励1000万元；省级的给予100万元。",
            "企业年度研发费用投入超过500万元且增长10%以上的，按增量部分的10%给予补助，最高200万元。",
            "对技术合同成交额超过1000万元的技术转移机构，按成交额的1%给予奖励，最高50万元。",
            "对入选市级“科技副总”项目的企业，每人每年给予3万元工作经费补贴。",
        ],
        "published",
    ),
    (
        "宜府规〔2021〕5号",
        "宜昌市促进科技成果转化若干措施",
        "宜昌市人民政府",
        M,
        "yc-kjj",
        [],
        ["科技"],
        "2021-04-12",
        None,
        None,
        [
            "对首次认定的高新技术企业给予一次性奖励10万元。",
            "对在宜转化科技成果的高校院所，按技术合同成交额的3%给予奖励，最高30万元。",
            "支持建设中试基地，按设备投资的20%给予补助，最高300万元。",
        ],
        "repealed_by:宜府规〔2024〕3号",
    ),
    (
        "宜府办发〔2024〕12号",
        "宜昌市支持专精特新企业高质量发展十条措施",
        "宜昌市人民政府办公室",
        M,
        "yc-jxj",
        ["yc-kjj", "yc-czj"],
        ["产业", "科技"],
        "2024-05-20",
        None,
        None,
        [
            "对新认定的国家级专精特新“小巨人”企业，市级财政给予一次性奖励50万元。",
            "对新认定的省级专精特新中小企业，给予一次性奖励20万元；新认定的创新型中小企业给予2万元。",
            "对专精特新企业首次升规入统的，给予一次性奖励10万元。",
            "专精特新企业申请“专精特新贷”的，按贷款市场报价利率的50%给予贴息，每家每年最高50万元。",
        ],
        "published",
    ),
    (
        "宜经信发〔2024〕8号",
        "宜昌市工业企业技术改造奖补办法",
        "宜昌市经济和信息化局",
        M,
        "yc-jxj",
        ["yc-czj"],
        ["产业", "投资"],
        "2024-03-11",
        None,
        "2026-03-31",
        [
            "对当年完成设备投资500万元以上的技术改造项目，按设备投资额的8%给予补助，最高不超过500万元。",
            "对获评国家级智能制造示范工厂的企业，给予一次性奖励200万元；获评省级的给予50万元。",
            "对首次获评国家级绿色工厂的企业，给予一次性奖励50万元。",
        ],
        "published",
    ),
    (
        "宜人社发〔2024〕6号",
        "宜昌市支持企业引进培育高层次人才若干措施",
        "宜昌市人力资源和社会保障局",
        M,
        "yc-rsj",
        ["yc-czj"],
        ["人才"],
        "2024-04-08",
        None,
        None,
        [
            "企业新引进的全职博士研究生，给予每人每月3000元生活补贴，连续发放3年。",
            "企业引进的硕士研究生给予每人每月1500元生活补贴，本科毕业生给予每人每月800元，连续发放2年。",
            "对新建国家级博士后科研工作站的企业，给予一次性建站补助50万元。",
            "企业职工取得高级技师职业资格的，给予每人一次性奖励5000元。",
        ],
        "published",
    ),
    (
        "宜人社规〔2022〕2号",
        "宜昌市稳岗扩岗若干措施",
        "宜昌市人力资源和社会保障局",
        M,
        "yc-rsj",
        [],
        ["人才"],
        "2022-05-16",
        None,
        "2023-12-31",
        [
            "对吸纳登记失业人员就业并签订1年以上劳动合同的中小微企业，按每人1000元给予一次性扩岗补助。",
            "对受疫情影响暂时停产的企业，按每名职工500元标准发放一次性留工培训补助。",
            "企业以工代训的，按每人每月500元给予职业培训补贴，最长不超过6个月。",
        ],
        "published",
    ),
    (
        "宜商务发〔2024〕9号",
        "宜昌市促进外贸稳增长若干措施",
        "宜昌市商务局",
        M,
        "yc-swj",
        ["yc-czj"],
        ["外贸"],
        "2024-03-25",
        None,
        None,
        [
            "对年进出口额首次突破1000万美元的企业，给予一次性奖励20万元；首次突破5000万美元的，奖励50万元。",
            "支持企业参加境外重点展会，按展位费的70%给予补助，每家企业每年最高30万元。",
            "对外贸企业投保短期出口信用保险的，按保费的50%给予补助，每家每年最高50万元。",
        ],
        "published",
    ),
    (
        "宜商务发〔2021〕15号",
        "宜昌市外贸发展专项资金管理办法",
        "宜昌市商务局",
        M,
        "yc-swj",
        [],
        ["外贸"],
        "2021-06-01",
        None,
        None,
        [
            "对年进出口额首次突破1000万美元的企业，给予一次性奖励10万元。",
            "支持企业参加境外展会，按展位费的50%给予补助，每家企业每年最高20万元。",
            "对外贸综合服务企业，按服务进出口额每美元0.005元给予奖励。",
        ],
        "repealed_by:宜商务发〔2024〕9号",
    ),
    (
        "宜发改规〔2024〕2号",
        "宜昌市促进民间投资若干措施",
        "宜昌市发展和改革委员会",
        M,
        "yc-fgw",
        [],
        ["投资"],
        "2024-06-03",
        None,
        None,
        [
            "对民间投资5亿元以上的新建工业项目，竣工投产后按设备投资额的5%给予奖励，最高1000万元。",
            "设立总规模20亿元的市级产业引导基金，对民营企业股权投资项目的出资比例最高可达30%。",
            "对民营企业牵头实施的市级重大项目，优先纳入“绿色通道”，审批时限压缩50%。",
        ],
        "published",
    ),
    (
        "宜金发〔2024〕4号",
        "宜昌市支持企业上市挂牌融资若干措施",
        "宜昌市地方金融工作局",
        M,
        "yc-jrb",
        ["yc-czj"],
        ["金融", "投资"],
        "2024-02-19",
        None,
        None,
        [
            "对在沪深北交易所首发上市的企业，分阶段给予总额1000万元的奖励。",
            "对在新三板挂牌的企业给予一次性奖励100万元；在区域性股权市场“专精特新板”挂牌的给予10万元。",
            "对企业通过发行债券融资的，按实际融资额的1%给予补助，最高200万元。",
        ],
        "published",
    ),
    (
        "宜金发〔2023〕7号",
        "宜昌市小微企业应急转贷资金管理办法",
        "宜昌市地方金融工作局",
        M,
        "yc-jrb",
        ["yc-czj"],
        ["金融"],
        "2023-03-13",
        None,
        None,
        [
            "设立规模2亿元的应急转贷资金，为贷款即将到期、续贷有困难的小微企业提供短期周转。",
            "应急转贷资金单笔额度最高2000万元，使用期限原则上不超过10天。",
            "资金使用费按日万分之一收取，对专精特新企业免收资金使用费。",
        ],
        "published",
    ),
    (
        "宜市监发〔2024〕5号",
        "宜昌市知识产权资助和奖励办法",
        "宜昌市市场监督管理局",
        M,
        "yc-scjgj",
        [],
        ["市场", "科技"],
        "2024-03-04",
        None,
        None,
        [
            "对新获得授权的国内发明专利，每件资助5000元；通过PCT途径获得国外发明专利授权的，每件资助3万元。",
            "对新认定的国家知识产权示范企业，给予一次性奖励30万元；优势企业给予20万元。",
            "对知识产权质押融资的企业，按评估、担保费用的50%给予补助，每家每年最高20万元。",
        ],
        "published",
    ),
    (
        "宜市监发〔2023〕11号",
        "宜昌市质量强市奖励办法",
        "宜昌市市场监督管理局",
        M,
        "yc-scjgj",
        [],
        ["市场", "产业"],
        "2023-05-22",
        None,
        None,
        [
            "对获得中国质量奖的企业给予一次性奖励200万元，获得中国质量奖提名奖的奖励100万元。",
            "对主导制定国际标准的企业，每项奖励50万元；主导制定国家标准的，每项奖励20万元。",
            "对首次获评湖北省长江质量奖的企业，给予一次性奖励50万元。",
        ],
        "published",
    ),
    (
        "宜税发〔2024〕3号",
        "宜昌市落实结构性减税降费政策工作方案",
        "国家税务总局宜昌市税务局",
        M,
        "yc-swu",
        ["yc-czj"],
        ["减税"],
        "2024-01-22",
        None,
        None,
        [
            "全面落实小规模纳税人月销售额10万元以下免征增值税政策，通过电子税务局自动识别，实现“免申即享”。",
            "对制造业中小微企业依法缓缴部分税费，缓缴期限为3个月。",
            "对符合条件的先进制造业企业，按当期可抵扣进项税额加计5%抵减应纳增值税税额。",
        ],
        "published",
    ),
    (
        "宜府办发〔2023〕20号",
        "宜昌市支持大众创业万众创新若干措施",
        "宜昌市人民政府办公室",
        M,
        "yc-rsj",
        ["yc-kjj", "yc-czj"],
        ["创业"],
        "2023-06-19",
        None,
        None,
        [
            "对认定为国家级科技企业孵化器、众创空间的，分别给予一次性奖励100万元、50万元。",
            "首次创业并正常经营6个月以上的个人，给予一次性创业补贴5000元。",
            "创业担保贷款个人最高30万元、小微企业最高400万元，按贷款市场报价利率的100%给予贴息。",
            "入驻市级创业孵化基地的初创企业，3年内免收场地租金。",
        ],
        "published",
    ),
    (
        "宜府办发〔2020〕31号",
        "宜昌市支持创业带动就业若干措施",
        "宜昌市人民政府办公室",
        M,
        "yc-rsj",
        [],
        ["创业"],
        "2020-07-06",
        None,
        None,
        [
            "首次创业并正常经营6个月以上的个人，给予一次性创业补贴3000元。",
            "创业担保贷款个人最高20万元，按贷款利率的50%给予贴息。",
            "入驻创业孵化基地的初创企业，2年内减半收取场地租金。",
        ],
        "repealed_by:宜府办发〔2023〕20号",
    ),
    (
        "宜发改发〔2024〕15号",
        "宜昌市加快培育战略性新兴产业集群若干措施",
        "宜昌市发展和改革委员会",
        M,
        "yc-fgw",
        ["yc-jxj"],
        ["产业"],
        "2024-07-08",
        None,
        None,
        [
            "对新能源、新材料、生物医药等战略性新兴产业项目，按固定资产投资额的5%给予补助，最高2000万元。",
            "对年主营业务收入首次突破10亿元、50亿元、100亿元的企业，分别给予100万元、300万元、500万元奖励。",
            "对新获批的国家级企业技术中心给予一次性奖励100万元。",
        ],
        "published",
    ),
    (
        "宜财规〔2022〕1号",
        "宜昌市政府采购支持中小企业发展实施办法",
        "宜昌市财政局",
        M,
        "yc-czj",
        [],
        ["金融", "市场"],
        "2022-02-14",
        None,
        "2024-02-13",
        [
            "200万元以下的货物和服务采购项目、400万元以下的工程采购项目，适宜由中小企业提供的，专门面向中小企业采购。",
            "非专门面向中小企业的项目，对小微企业报价给予10%至20%的价格扣除。",
            "中小企业凭政府采购合同向金融机构申请融资，单笔最高可达合同金额的90%。",
        ],
        "published",
    ),
    (
        "夷科经发〔2024〕2号",
        "夷陵区支持企业科技创新奖励办法",
        "夷陵区科学技术和经济信息化局",
        C,
        "yl-kjj",
        [],
        ["科技"],
        "2024-03-15",
        None,
        None,
        [
            "对首次认定的高新技术企业，区级给予一次性奖励10万元。",
            "对新认定的省级企业技术中心、工程技术研究中心，给予一次性奖励20万元。",
            "企业年度研发投入超过200万元的，按研发投入的5%给予补助，最高50万元。",
        ],
        "published",
    ),
    (
        "夷科经发〔2024〕7号",
        "夷陵区工业企业升规入统奖励办法",
        "夷陵区科学技术和经济信息化局",
        C,
        "yl-kjj",
        [],
        ["产业"],
        "2024-05-06",
        None,
        None,
        [
            "对首次升规入统的工业企业，给予一次性奖励10万元。",
            "对连续两年保持规上且产值增长15%以上的企业，再给予5万元奖励。",
            "升规入统企业申请技术改造补助的，补助比例上浮2个百分点。",
        ],
        "published",
    ),
    (
        "夷科经发〔2022〕4号",
        "夷陵区中小企业纾困解难若干措施",
        "夷陵区科学技术和经济信息化局",
        C,
        "yl-kjj",
        [],
        ["金融", "减税"],
        "2022-05-09",
        None,
        "2023-05-08",
        [
            "对承租区属国有房屋的小微企业，免除6个月租金。",
            "对受疫情影响的中小企业贷款，区级财政按贷款利息的30%给予贴息，每家最高20万元。",
            "中小企业用水、用气实行“欠费不停供”，6个月内补缴免收滞纳金。",
        ],
        "published",
    ),
    (
        "西经商发〔2024〕3号",
        "西陵区支持商贸服务业发展若干措施",
        "西陵区经济商务和信息化局",
        C,
        "xl-jsxj",
        [],
        ["产业", "市场"],
        "2024-04-01",
        None,
        None,
        [
            "对年零售额首次突破5000万元的限上商贸企业，给予一次性奖励10万元。",
            "对新引进的品牌首店，按装修投入的20%给予补助，最高30万元。",
            "支持商贸企业开展促消费活动，按活动实际投入的30%给予补助，每家每年最高20万元。",
        ],
        "published",
    ),
    (
        "西经商发〔2024〕9号",
        "西陵区支持外贸企业开拓国际市场奖励办法",
        "西陵区经济商务和信息化局",
        C,
        "xl-jsxj",
        [],
        ["外贸"],
        "2024-06-17",
        None,
        None,
        [
            "对年进出口额首次突破500万美元的企业，给予一次性奖励5万元。",
            "对企业参加境外展会的，按展位费的50%给予补助，每家每年最高10万元。",
            "对新注册并开展进出口业务的外贸企业，给予一次性开办补助2万元。",
        ],
        "published",
    ),
    (
        "伍人社发〔2024〕2号",
        "伍家岗区青年创业就业扶持办法",
        "伍家岗区人力资源和社会保障局",
        C,
        "wjg-rsj",
        [],
        ["创业", "人才"],
        "2024-03-20",
        None,
        None,
        [
            "在区内首次创业并正常经营6个月以上的青年，给予一次性创业补贴5000元。",
            "对吸纳离校2年内高校毕业生就业的小微企业，按每人2000元给予一次性就业补贴。",
            "青年创业者入驻区级创业孵化基地的，3年内免收场地租金和物业费。",
        ],
        "published",
    ),
    (
        "伍人社发〔2023〕5号",
        "伍家岗区技能人才培育若干措施",
        "伍家岗区人力资源和社会保障局",
        C,
        "wjg-rsj",
        [],
        ["人才"],
        "2023-04-10",
        None,
        None,
        [
            "企业职工取得技师职业资格的，给予每人一次性奖励3000元；取得高级技师的，奖励5000元。",
            "对新认定的区级技能大师工作室，给予一次性建设补助5万元。",
            "企业开展新型学徒制培训的，按每人每年5000元给予培训补贴。",
        ],
        "published",
    ),
    (
        "夷科经发〔2024〕11号",
        "夷陵区支持小微企业融资担保若干措施",
        "夷陵区科学技术和经济信息化局",
        C,
        "yl-kjj",
        [],
        ["金融", "投资"],
        "2024-08-12",
        None,
        None,
        [
            "区级政府性融资担保机构对小微企业担保费率降至0.8%，单户担保额度最高1000万元。",
            "对小微企业首次贷款的，按贷款利息的20%给予贴息，每家每年最高10万元。",
            "设立规模5000万元的风险补偿资金池，对合作银行的小微企业不良贷款损失给予最高40%的补偿。",
        ],
        "published",
    ),
]

APPROVER_LOGINS = ["kjj_approver", "platform_admin"]


def _upsert(model, lookup: dict, values: dict):
    """Saves only when a value differs, so a second load writes no history."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = "演示数据"
        obj.save()
        return obj
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj._change_reason = "演示数据"
        obj.save()
    return obj


def _add_missing(related, objects) -> None:
    """Adds only what is missing: every `add` call, even of nothing new, writes a history record."""
    present = set(related.values_list("pk", flat=True))
    missing = [obj for obj in objects if obj.pk not in present]
    if missing:
        related.add(*missing)


def _text(title: str, authority: str, measures: list[str]) -> str:
    opening = (
        f"为深入贯彻落实党中央、国务院关于支持企业发展的决策部署，进一步激发市场主体活力，"
        f"经{authority}研究，现就《{title}》有关事项规定如下。"
    )
    clauses = [f"<p>{opening}</p>", "<h3>一、支持措施</h3>"]
    clauses += [f"<p>（{'一二三四五六七八'[i]}）{measure}</p>" for i, measure in enumerate(measures)]
    clauses.append(
        "<h3>二、申报与兑付</h3><p>符合条件的企业通过惠企服务平台在线申报，主管部门自受理之日起20个工作日内完成审核，"
        "审核通过的奖补资金在10个工作日内拨付至企业对公账户。同一企业同一事项不重复享受市级财政奖补。</p>"
    )
    clauses.append("<p>本措施由牵头部门负责解释。企业弄虚作假骗取奖补资金的，追回资金并纳入失信记录。</p>")
    return "".join(clauses)


def _key_point(measure: str) -> str:
    head = measure.split("，")[0].split("；")[0].rstrip("。")
    return head if len(head) <= 40 else head[:39] + "…"


def _published_at(policy: Policy) -> dt.datetime:
    """Most demo policies were published on time: on the second working day of their publishing window."""
    from portal import workdays

    day = workdays.add_workdays(policy.publishing_clock_start, 2)
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_current_timezone())


def load():
    regions = {r.code: r for r in Region.objects.all()}
    for code, name, region in EXTRA_DEPARTMENTS:
        _upsert(Department, {"code": code}, {"name": name, "region": regions[region], "kind": Department.Kind.POLICY})
    departments = {d.code: d for d in Department.objects.all()}
    categories = {c.code: c for c in PolicyCategory.objects.all()}
    user_model = get_user_model()
    approver = user_model.objects.filter(username__in=APPROVER_LOGINS).order_by("username").first()

    by_number = {}
    for number, title, authority, level, lead, co, cats, issued, outside, expiry, measures, _fate in POLICIES:
        lead_department = departments[lead]
        issue_date = dt.date.fromisoformat(issued)
        region = lead_department.region if level == C else regions["420500"]
        values = {
            "title": title,
            "issuing_authority": authority,
            "level": level,
            "region": region,
            "lead_department": lead_department,
            "issue_date": issue_date,
            "outside_publication_date": dt.date.fromisoformat(outside) if outside else None,
            "effective_date": issue_date,
            "expiry_date": dt.date.fromisoformat(expiry) if expiry else None,
            "original_text": _text(title, authority, measures),
            "summary": measures[0],
        }
        policy = _upsert(Policy, {"document_number": number}, values)
        _add_missing(policy.categories, [categories[CATEGORY[c]] for c in cats])
        _add_missing(policy.co_departments, [departments[c] for c in co])
        services.assign_ownership(policy)
        _upsert(
            Interpretation,
            {"policy": policy, "title": f"一图读懂《{title}》"},
            {
                "kind": Interpretation.Kind.GRAPHIC,
                "body": "".join(f"<p>{m}</p>" for m in measures),
                "key_points": [_key_point(m) for m in measures],
            },
        )
        if policy.status == Policy.Status.DRAFT:
            published_at = _published_at(policy)
            Interpretation.objects.filter(policy=policy).update(
                status=Interpretation.Status.APPROVED, approved_by=approver, approved_at=published_at
            )
            policy.status = Policy.Status.PUBLISHED
            policy.published_at = published_at
            policy.published_late = False
            # Already told: loading the demo must not text the demo subscribers about history.
            policy.subscribers_notified_at = published_at
            policy._change_reason = "演示数据：发布"
            policy.save()
            clocks.start(policy, services.PUBLISH_CLOCK, on=policy.publishing_clock_start)
            clocks.stop(policy, services.PUBLISH_CLOCK, at=published_at)
        by_number[number] = policy

    for number, *_rest, fate in POLICIES:
        if not fate.startswith("repealed_by:"):
            continue
        old, new = by_number[number], by_number[fate.removeprefix("repealed_by:")]
        PolicyRelation.objects.get_or_create(policy=new, target=old, kind=PolicyRelation.Kind.REPLACES)
        if old.status == Policy.Status.PUBLISHED:
            old.status = Policy.Status.REPEALED
            old.ended_on = new.effective_date
            old._change_reason = "演示数据：被新政策替代而废止"
            old.save()
            clocks.start(old, services.OFFLINE_CLOCK, on=old.ended_on)

    for policy in by_number.values():
        if (
            policy.status == Policy.Status.PUBLISHED
            and policy.expiry_date
            and policy.expiry_date < timezone.localdate()
        ):
            policy.status = Policy.Status.EXPIRED
            policy.ended_on = policy.expiry_date
            policy._change_reason = "演示数据：已过失效日期"
            policy.save()
            clocks.start(policy, services.OFFLINE_CLOCK, on=policy.ended_on)
