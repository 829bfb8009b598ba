"""`manage.py seed_demo`: a demo city, its departments, one person per role and about thirty decisions spread
over every state of the procedure (DESIGN.md §1–2).

Every decision is built through the procedure's services, each move made by the person whose role makes it
(`decisions/demo.py`), so its steps, documents and ledger events are exactly what the procedure would record.
Running it again adds nothing: organizations are matched by code, people by username, decisions by title.
"""

import time
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.roles import Role
from accounts.services import assign_role
from decisions import services
from decisions.demo import Cast, meeting_members, pdf_file, step_details, step_forward
from decisions.models import Decision, Document, ProcedureProfile
from decisions.procedure import UNIT_RUN_STEPS, Requirement, State, StepKind, StepStatus
from decisions.selectors import current_steps

PASSWORD = "juece-demo-2026"  # noqa: S105 - the demo's published password
SITE_URL = "http://127.0.0.1:8000/"
CITY = "sz-gov"
K = Organization.Kind
S = StepKind

# code, name, short name, kind, parent code
ORGANIZATIONS = (
    (CITY, "示例市人民政府", "示例市政府", K.GOVERNMENT, None),
    ("sz-office", "市人民政府办公室", "市政府办公室", K.GOVERNMENT_OFFICE, CITY),
    ("sz-justice", "市司法局", "市司法局", K.LEGAL_OFFICE, CITY),
    ("sz-dev", "市发展和改革委员会", "市发展改革委", K.DEPARTMENT, CITY),
    ("sz-transport", "市交通运输局", "市交通局", K.DEPARTMENT, CITY),
    ("sz-env", "市生态环境局", "市生态环境局", K.DEPARTMENT, CITY),
    ("sz-housing", "市住房和城乡建设局", "市住建局", K.DEPARTMENT, CITY),
    ("sz-edu", "市教育局", "市教育局", K.DEPARTMENT, CITY),
    ("sz-health", "市卫生健康委员会", "市卫生健康委", K.DEPARTMENT, CITY),
    ("sz-audit", "市审计局", "市审计局", K.DEPARTMENT, CITY),
    ("sz-institute", "示例大学公共政策研究院", "公共政策研究院", K.EXPERT_INSTITUTION, CITY),
    ("sz-evaluation", "示例市决策评估研究中心", "决策评估中心", K.THIRD_PARTY, CITY),
)


@dataclass(frozen=True)
class Person:
    username: str
    organization: str
    role: Role
    name: str
    title: str


PEOPLE = (
    Person("drafter", "sz-transport", Role.DRAFTER, "张明远", "综合规划处一级主任科员"),
    Person("head", "sz-transport", Role.DEPT_HEAD, "李国华", "副局长"),
    Person("drafter_dev", "sz-dev", Role.DRAFTER, "陈思远", "政策研究室一级主任科员"),
    Person("head_dev", "sz-dev", Role.DEPT_HEAD, "周建军", "副主任"),
    Person("drafter_env", "sz-env", Role.DRAFTER, "王晓燕", "法规与标准处四级调研员"),
    Person("head_env", "sz-env", Role.DEPT_HEAD, "赵志刚", "副局长"),
    Person("drafter_housing", "sz-housing", Role.DRAFTER, "刘洋", "城市更新处一级主任科员"),
    Person("head_housing", "sz-housing", Role.DEPT_HEAD, "孙立新", "副局长"),
    Person("drafter_edu", "sz-edu", Role.DRAFTER, "杨帆", "政策法规处一级主任科员"),
    Person("head_edu", "sz-edu", Role.DEPT_HEAD, "黄丽萍", "副局长"),
    Person("drafter_health", "sz-health", Role.DRAFTER, "吴静", "规划发展与信息化处一级主任科员"),
    Person("head_health", "sz-health", Role.DEPT_HEAD, "郑卫东", "副主任"),
    Person("gov", "sz-office", Role.GOV_OFFICE, "马文涛", "秘书二处处长"),
    Person("legal", "sz-justice", Role.LEGAL_REVIEWER, "林海燕", "合法性审查处处长"),
    Person("expert", "sz-institute", Role.EXPERT, "钱学文", "教授、市政府决策咨询专家"),
    Person("evaluator", "sz-evaluation", Role.EVALUATOR, "何佳", "主任、研究员"),
    Person("supervisor", "sz-audit", Role.SUPERVISOR, "高建平", "经济责任审计处处长"),
    Person("sysadmin", "sz-office", Role.SYSTEM_ADMIN, "徐磊", "信息中心系统管理员"),
    Person("secadmin", "sz-office", Role.SECURITY_ADMIN, "朱琳", "信息中心安全保密管理员"),
    Person("auditadmin", "sz-office", Role.AUDIT_ADMIN, "胡斌", "信息中心安全审计员"),
)


@dataclass(frozen=True)
class Department:
    code: str
    drafter: str
    head: str
    details: dict  # step kind → core fields that differ from decisions/demo.py's defaults


DEPARTMENTS = {
    "dev": Department(
        "sz-dev",
        "drafter_dev",
        "head_dev",
        {
            S.EXPERT_REVIEW: {
                "experts": "刘振华（示例大学经济学院教授）、钱学文（示例大学公共政策研究院教授）、"
                "何敏（市宏观经济研究院高级经济师）",
                "opinion_summary": "专家认为方案目标明确、措施可行，建议细化财政资金绩效目标，意见已采纳。",
            },
            S.RISK_ASSESSMENT: {
                "risk_level": "low",
                "measures": "风险点：政策兑现不及时影响企业预期。措施：建立政策兑现“一网通办”和督办机制，定期评估。",
            },
            S.DEPARTMENT_CONSULTATION: {
                "units_consulted": "市财政局：同意；市市场监管局：建议明确监管职责分工，已采纳；市数据局：无意见。",
            },
        },
    ),
    # decisions/demo.py's default step details are a transport matter
    "transport": Department("sz-transport", "drafter", "head", {}),
    "env": Department(
        "sz-env",
        "drafter_env",
        "head_env",
        {
            S.EXPERT_REVIEW: {
                "experts": "周立（示例大学环境学院教授）、吴海涛（市环境科学研究院正高级工程师）、冯洁（律师）",
                "opinion_summary": "专家认为治理目标与排放标准衔接合理，建议增加监测点位并分区域推进，意见均已采纳。",
            },
            S.RISK_ASSESSMENT: {
                "risk_level": "medium",
                "measures": "风险点：部分企业生产成本上升、个别群众生活习惯改变。"
                "措施：设置过渡期、给予技改补助、加强宣传引导。",
            },
            S.DEPARTMENT_CONSULTATION: {
                "units_consulted": "市城市管理局：同意；市财政局：同意；市公安局：建议明确联合执法机制，已采纳。",
            },
        },
    ),
    "housing": Department(
        "sz-housing",
        "drafter_housing",
        "head_housing",
        {
            S.EXPERT_REVIEW: {
                "experts": "郭伟（示例大学建筑学院教授）、韩冬（市建筑设计研究院总工程师）、宋雨（注册造价工程师）",
                "opinion_summary": "专家认为技术路线可行，建议优先改造安全隐患突出的项目并完善居民议事机制，"
                "意见均已采纳。",
            },
            S.RISK_ASSESSMENT: {
                "risk_level": "medium",
                "measures": "风险点：施工扰民、居民出资意愿分歧。"
                "措施：“一小区一方案”、居民议事协商、文明施工和信访快速响应。",
            },
            S.DEPARTMENT_CONSULTATION: {
                "units_consulted": "市自然资源和规划局：同意；市财政局：同意；各区人民政府：均无异议。",
            },
        },
    ),
    "edu": Department(
        "sz-edu",
        "drafter_edu",
        "head_edu",
        {
            S.EXPERT_REVIEW: {
                "experts": "谢红梅（示例师范学院教育科学学院教授）、罗杰（市教育科学研究院研究员）、唐敏（律师）",
                "opinion_summary": "专家认为方案兼顾公平与质量，建议对困难家庭学生减免费用，意见已采纳。",
            },
            S.RISK_ASSESSMENT: {
                "risk_level": "medium",
                "measures": "风险点：家长对收费和服务质量有疑虑。"
                "措施：自愿参加、收费公示、家长委员会监督、困难学生减免。",
            },
            S.DEPARTMENT_CONSULTATION: {
                "units_consulted": "市发展改革委：同意；市财政局：同意；市市场监管局：建议加强收费监管，已采纳。",
            },
        },
    ),
    "health": Department(
        "sz-health",
        "drafter_health",
        "head_health",
        {
            S.EXPERT_REVIEW: {
                "experts": "曹志明（示例医科大学公共卫生学院教授）、袁芳（市疾病预防控制中心主任医师）、"
                "邓磊（卫生经济学研究员）",
                "opinion_summary": "专家认为资源配置测算依据充分，建议加强基层医疗卫生机构能力建设，意见已采纳。",
            },
            S.RISK_ASSESSMENT: {
                "risk_level": "medium",
                "measures": "风险点：患者医疗费用负担变化、医务人员工作量增加。"
                "措施：医保同步支付、分步实施、舆情监测。",
            },
            S.DEPARTMENT_CONSULTATION: {
                "units_consulted": "市医疗保障局：同意；市财政局：同意；"
                "市人力资源和社会保障局：建议同步完善薪酬制度，已采纳。",
            },
        },
    ),
}

# The document each unit-run step is completed with: kind and title.
STEP_DOCUMENTS = {
    S.PUBLIC_PARTICIPATION: (Document.Kind.REPORT, "公众意见采纳情况说明"),
    S.HEARING: (Document.Kind.RECORD, "听证会笔录"),
    S.EXPERT_REVIEW: (Document.Kind.OPINION, "专家论证意见"),
    S.RISK_ASSESSMENT: (Document.Kind.REPORT, "社会稳定风险评估报告"),
    S.FAIR_COMPETITION_REVIEW: (Document.Kind.OPINION, "公平竞争审查意见"),
    S.DEPARTMENT_CONSULTATION: (Document.Kind.OPINION, "部门协商意见汇总"),
    S.PARTY_REPORT: (Document.Kind.REPORT, "关于该事项的请示报告"),
    S.CONGRESS_REPORT: (Document.Kind.REPORT, "向市人大常委会的报告"),
}

DEFAULT_REPORTS = (
    "已制定实施细则并召开全市部署会，各责任单位分工明确、按计划推进。",
    "已完成年度任务的60%，群众反映总体良好；发现的问题已建立台账逐项整改。",
)


@dataclass(frozen=True)
class Spec:
    unit: str
    year: int
    title: str
    summary: str
    scope: str
    scenario: str
    flags: tuple[str, ...] = ()
    term_end: date | None = None
    confidential_reason: str = ""
    reports: tuple[str, ...] = DEFAULT_REPORTS


P = Decision.ScopeCategory
TECH, RISK, MARKET, DEPTS, HEARING, CONGRESS = (
    "is_technical",
    "has_stability_risk",
    "affects_market_entities",
    "touches_other_departments",
    "requires_hearing",
    "in_congress_report_list",
)

DECISIONS = (
    # proposed, cataloged, withdrawn
    Spec(
        "housing",
        2026,
        "示例市城市更新单元规划管理办法",
        "规范城市更新单元的划定、规划编制、审批和实施监督，明确政府、市场主体和居民的权利义务。",
        P.PUBLIC_POLICY,
        "proposed",
        (TECH, MARKET, DEPTS),
    ),
    Spec(
        "health",
        2026,
        "示例市托育服务体系建设三年行动方案（2026—2028年）",
        "新增普惠托位1.2万个，完善托育机构备案、补贴和监管制度。",
        P.PUBLIC_POLICY,
        "proposed",
        (MARKET, DEPTS),
    ),
    Spec(
        "edu",
        2026,
        "示例市义务教育学校布局调整专项规划（2026—2030年）",
        "结合学龄人口变化新建、改扩建中小学校42所，稳妥撤并农村小规模学校。",
        P.DEVELOPMENT_PLAN,
        "cataloged",
        (TECH, RISK, HEARING, CONGRESS),
    ),
    Spec(
        "dev",
        2026,
        "示例市低空经济发展规划（2026—2030年）",
        "布局低空起降设施和飞行服务站，培育无人机物流、城市空中交通等应用场景。",
        P.DEVELOPMENT_PLAN,
        "cataloged",
        (TECH, RISK, MARKET, DEPTS),
    ),
    Spec(
        "transport",
        2025,
        "关于中心城区限制摩托车通行的通告",
        "拟在中心城区部分道路和时段限制摩托车通行，缓解交通拥堵、减少交通事故。",
        P.PUBLIC_POLICY,
        "withdrawn_cataloged",
        (RISK, HEARING),
    ),
    Spec(
        "env",
        2026,
        "示例市烟花爆竹禁放区域调整方案",
        "拟调整中心城区烟花爆竹禁止燃放区域和限放时段。",
        P.PUBLIC_POLICY,
        "withdrawn_drafting",
        (RISK, HEARING, DEPTS),
    ),
    # drafting
    Spec(
        "dev",
        2026,
        "示例市新能源汽车充电基础设施建设实施方案（2026—2028年）",
        "新建公共充电桩3万个，推动居民小区充电设施“统建统服”。",
        P.PUBLIC_CONSTRUCTION,
        "drafting_new",
        (TECH, MARKET, DEPTS),
    ),
    Spec(
        "env",
        2026,
        "示例市河湖岸线生态修复三年行动计划（2026—2028年）",
        "修复主要河湖岸线120公里，清理违法占用岸线项目，建设滨水生态廊道。",
        P.RESOURCES,
        "drafting_partial",
        (TECH, RISK, DEPTS),
    ),
    Spec(
        "transport",
        2026,
        "示例市机动车停放服务收费管理办法",
        "按区域、时段实行差别化停车收费，规范经营性停车场收费行为。",
        P.PUBLIC_POLICY,
        "drafting_submitted",
        (HEARING, MARKET, RISK),
    ),
    Spec(
        "edu",
        2026,
        "示例市中小学课后服务收费标准",
        "明确课后服务性质、收费标准和减免政策，保障课后服务可持续开展。",
        P.PUBLIC_POLICY,
        "drafting_returned",
        (HEARING, RISK),
    ),
    Spec(
        "housing",
        2026,
        "示例市住宅专项维修资金管理办法",
        "规范住宅专项维修资金的交存、使用、续筹和监督管理，简化应急使用程序。",
        P.PUBLIC_POLICY,
        "drafting_na_proposed",
        (TECH, MARKET),
    ),
    Spec(
        "transport",
        2026,
        "示例市电动自行车通行秩序管理规定",
        "规范电动自行车通行秩序，强化外卖、快递企业对骑手的安全管理责任。",
        P.PUBLIC_POLICY,
        "drafting_unlawful",
        (MARKET, RISK, DEPTS),
    ),
    # legality review
    Spec(
        "dev",
        2026,
        "示例市公共数据开放管理办法",
        "建立公共数据分级分类开放目录，明确开放方式、安全管理和利用规则。",
        P.PUBLIC_POLICY,
        "legality_review",
        (TECH, MARKET, DEPTS),
    ),
    Spec(
        "health",
        2026,
        "示例市传染病定点医院应急扩容建设方案",
        "改扩建定点医院负压病房和重症监护床位，建立平急转换机制。",
        P.PUBLIC_CONSTRUCTION,
        "legality_urgent",
        (TECH, RISK, DEPTS),
    ),
    Spec(
        "edu",
        2026,
        "示例市学前教育普惠保障实施办法",
        "提高普惠性幼儿园覆盖率，完善生均公用经费和收费标准动态调整机制。",
        P.PUBLIC_POLICY,
        "legality_changes_pending",
        (MARKET, RISK, DEPTS),
    ),
    Spec(
        "transport",
        2026,
        "示例市巡游出租汽车运力投放与经营权管理办法",
        "建立运力动态调整机制，推行经营权无偿、有期限使用和服务质量招投标。",
        P.PUBLIC_POLICY,
        "legality_after_deferral",
        (HEARING, MARKET, RISK),
    ),
    # awaiting discussion, rejected, decided, published
    Spec(
        "housing",
        2026,
        "示例市城市内涝治理系统化实施方案（2026—2028年）",
        "改造易涝点87处，建设雨水调蓄设施和排涝泵站，完善内涝预警与应急处置。",
        P.PUBLIC_CONSTRUCTION,
        "awaiting_discussion",
        (TECH, RISK, DEPTS, MARKET),
    ),
    Spec(
        "dev",
        2026,
        "示例市数据要素市场化配置改革试点方案",
        "探索数据产权登记、数据交易和收益分配机制，设立市数据交易服务中心。",
        P.PUBLIC_POLICY,
        "awaiting_exploratory",
        (TECH, MARKET, RISK),
    ),
    Spec(
        "env",
        2025,
        "示例市中心城区机动车尾号限行方案",
        "拟在重污染天气以外的工作日对中心城区实行机动车尾号限行。",
        P.PUBLIC_POLICY,
        "rejected",
        (HEARING, RISK, DEPTS, MARKET),
    ),
    Spec(
        "health",
        2026,
        "示例市医疗卫生服务体系规划（2026—2030年）",
        "优化医疗卫生资源布局，每千人口床位数达到7.2张，建设区域医疗中心和紧密型医联体。",
        P.DEVELOPMENT_PLAN,
        "decided",
        (TECH, DEPTS, CONGRESS),
    ),
    Spec(
        "dev",
        2026,
        "示例市促进民营经济高质量发展若干措施",
        "从市场准入、融资支持、权益保护、政务服务等方面提出25条措施。",
        P.PUBLIC_POLICY,
        "published",
        (MARKET, DEPTS),
    ),
    Spec(
        "housing",
        2026,
        "示例市建筑垃圾管理办法",
        "建立建筑垃圾产生、运输、消纳和资源化利用全过程管理制度。",
        P.PUBLIC_POLICY,
        "published",
        (MARKET, RISK),
    ),
    # in execution, evaluating, suspended, terminated, adjustment, archived
    Spec(
        "env",
        2025,
        "示例市生活垃圾分类管理实施办法",
        "全面推行生活垃圾分类投放、收集、运输和处理，明确各方责任和激励措施。",
        P.PUBLIC_POLICY,
        "in_execution_evaluated",
        (HEARING, RISK, MARKET, DEPTS, CONGRESS),
        reports=(
            "全市居民小区分类设施覆盖率达到95%，生活垃圾回收利用率38%。",
            "厨余垃圾处理能力新增600吨/日，督导员队伍已覆盖全部街道。",
        ),
    ),
    Spec(
        "housing",
        2025,
        "示例市老旧小区改造三年行动计划（2025—2027年）",
        "改造2000年底前建成的老旧小区386个，同步加装电梯、完善养老托育等配套设施。",
        P.PUBLIC_CONSTRUCTION,
        "in_execution",
        (TECH, RISK, DEPTS, CONGRESS),
        reports=(
            "2025年度开工改造小区132个，完工98个，加装电梯214部。",
            "2026年度计划已下达，居民满意度抽样调查为91%。",
        ),
    ),
    Spec(
        "edu",
        2025,
        "示例市中小学校园餐管理办法",
        "规范校园餐供应模式、食材采购和资金管理，落实校长陪餐和家长监督制度。",
        P.PUBLIC_POLICY,
        "in_execution",
        (RISK, MARKET, DEPTS),
    ),
    Spec(
        "housing",
        2025,
        "示例市重要目标周边建设管控方案",
        "对重要目标周边一定范围内的建设项目高度、用途和审批程序实行管控。",
        P.OTHER,
        "confidential_execution",
        (TECH, DEPTS),
        confidential_reason="涉及国家秘密，依照《中华人民共和国保守国家秘密法》和《中华人民共和国军事设施保护法》不予公开。",
        reports=("已将管控要求纳入国土空间详细规划和项目审批系统，按保密规定组织实施。",),
    ),
    Spec(
        "dev",
        2025,
        "示例市城市轨道交通第三期建设规划（2025—2030年）",
        "建设轨道交通线路4条、总长126公里，总投资约980亿元。",
        P.DEVELOPMENT_PLAN,
        "evaluating",
        (TECH, RISK, DEPTS, CONGRESS),
        reports=("6号线、7号线已开工，完成投资112亿元。", "征地拆迁完成82%，施工期交通组织方案运行平稳。"),
    ),
    Spec(
        "health",
        2025,
        "示例市公立医院医疗服务价格调整方案",
        "调增体现技术劳务价值的医疗服务项目价格，同步降低大型设备检查价格，总体不增加患者负担。",
        P.PUBLIC_POLICY,
        "evaluating",
        (TECH, HEARING, RISK, MARKET),
    ),
    Spec(
        "transport",
        2025,
        "示例市互联网租赁电动自行车管理办法（试行）",
        "实行总量控制和服务质量考核，规范停放秩序，明确运营企业安全责任。",
        P.PUBLIC_POLICY,
        "suspended",
        (HEARING, MARKET, RISK, DEPTS),
    ),
    Spec(
        "dev",
        2025,
        "示例市东郊化工园区扩区规划",
        "拟将东郊化工园区向东扩区5.6平方公里，引进精细化工项目。",
        P.RESOURCES,
        "terminated",
        (TECH, RISK, MARKET, HEARING, DEPTS),
    ),
    Spec(
        "transport",
        2025,
        "关于调整中心城区公共交通票价的决定",
        "调整公交、地铁票价结构，实行里程计价和换乘优惠，完善老年人、学生优惠政策。",
        P.PUBLIC_POLICY,
        "adjustment",
        (TECH, HEARING, RISK, MARKET),
        reports=(
            "新票价体系已于2025年10月1日实施，日均客流同比增长3.2%。",
            "部分远郊线路乘客反映换乘成本上升，已提请评估。",
        ),
    ),
    Spec(
        "env",
        2025,
        "示例市2025—2026年冬春季大气污染防治攻坚行动方案",
        "实施工业企业错峰生产、扬尘精细化管控和重污染天气应急减排。",
        P.PUBLIC_POLICY,
        "archived",
        (RISK, MARKET, DEPTS),
        term_end=date(2026, 3, 31),
        reports=("PM2.5平均浓度同比下降8.1%，重污染天数减少5天。", "各项攻坚任务已全部完成。"),
    ),
    Spec(
        "health",
        2025,
        "示例市基层医疗卫生机构基本药物配备使用办法",
        "规范基层医疗卫生机构基本药物配备比例、采购和使用监测。",
        P.PUBLIC_POLICY,
        "archived",
        (TECH, MARKET),
    ),
)

MEETING = "市人民政府常务会议"
MAYOR = "王市长"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


class Seeder:
    """Builds the demo world; every decision move is a service call by the person whose role makes it."""

    def __init__(self):
        self.today = timezone.localdate()
        self.orgs: dict[str, Organization] = {}
        self.users: dict[str, User] = {}

    # ------------------------------------------------------------ organizations and people

    @transaction.atomic
    def organizations(self) -> None:
        for code, name, short_name, kind, parent in ORGANIZATIONS:
            self.orgs[code], _created = Organization.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "short_name": short_name,
                    "kind": kind,
                    "parent": self.orgs.get(parent),
                },
            )
        city = self.orgs[CITY]
        if not ProcedureProfile.objects.filter(organ=city).exists():  # Decree 713's numbers, two steps always
            services.update_procedure_profile(
                organ=city,
                actor=None,
                min_comment_days=30,
                min_review_working_days=7,
                default_required_steps=[S.PARTY_REPORT.value, S.PUBLIC_PARTICIPATION.value],
                reminder_days_before_due=[3, 1],
            )

    def people(self) -> None:
        password_hash = None  # hashed once: 20 slow hashes of the same demo password would only cost time
        for person in PEOPLE:
            user = User.objects.filter(username=person.username).first()
            if user is None:
                password_hash = password_hash or make_password(PASSWORD)
                with transaction.atomic():
                    user = User.objects.create(
                        username=person.username,
                        password=password_hash,
                        email=f"{person.username}@example.gov.cn",
                        display_name=person.name,
                        title=person.title,
                        organization=self.orgs[person.organization],
                    )
                    assign_role(user=user, role=person.role, actor=None)
                    if person.role == Role.SYSTEM_ADMIN:
                        self.admin_site_access(user)
            self.users[person.username] = user

    @staticmethod
    def admin_site_access(user: User) -> None:
        """The Django admin is the system administrator's: users, organizations and the holiday calendar."""
        from django.contrib.auth.models import Permission

        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=["accounts", "review"],
                content_type__model__in=["user", "organization", "holiday"],
            )
        )

    def cast(self, unit: str) -> Cast:
        department = DEPARTMENTS[unit]
        return Cast(
            drafter=self.users[department.drafter],
            dept_head=self.users[department.head],
            legal_reviewer=self.users["legal"],
            gov_office=self.users["gov"],
            evaluator=self.users["evaluator"],
        )

    @property
    def gov(self) -> User:
        return self.users["gov"]

    @property
    def legal(self) -> User:
        return self.users["legal"]

    # ------------------------------------------------------------ building blocks

    def details(self, spec: Spec, kind: StepKind) -> dict:
        values = step_details(kind, self.today) | DEPARTMENTS[spec.unit].details.get(kind, {})
        if kind == S.PUBLIC_PARTICIPATION:
            seed = zlib.crc32(spec.title.encode())
            received = 40 + seed % 260
            adopted, partly = received * (20 + seed % 15) // 100, received * (10 + seed % 10) // 100
            values |= {
                "comments_received": received,
                "feedback_summary": f"共收到意见{received}条，采纳{adopted}条，部分采纳{partly}条，"
                f"未采纳{received - adopted - partly}条并逐条说明理由。",
            }
        return values

    def work_on_step(self, spec: Spec, decision: Decision, kind: StepKind, cast: Cast, *, until="done"):
        """Fill in a unit-run step and attach its document; then submit it (until="submitted") and have the
        head approve it (until="done")."""
        step = current_steps(decision)[kind]
        if step.status == StepStatus.DONE or step.requirement == Requirement.NOT_APPLICABLE:
            return step
        services.update_step_details(step=step, actor=cast.drafter, details=self.details(spec, kind))
        if kind == S.PUBLIC_PARTICIPATION:
            services.add_document(
                decision=decision,
                actor=cast.drafter,
                uploaded_file=pdf_file("draft.pdf", spec.title),
                kind=Document.Kind.DRAFT,
                title=f"{spec.title}（征求意见稿）",
                is_public=True,
            )
        document_kind, title = STEP_DOCUMENTS[kind]
        services.add_document(
            decision=decision,
            actor=cast.drafter,
            uploaded_file=pdf_file(f"{kind}.pdf", f"{spec.title} {title}"),
            kind=document_kind,
            title=title,
            step=step,
            is_public=kind == S.PUBLIC_PARTICIPATION,
        )
        if until in ("submitted", "done"):
            services.submit_step(step=step, actor=cast.drafter)
        if until == "done":
            services.approve_step(step=step, actor=cast.dept_head, comment="同意。")
        return step

    def complete_required(self, spec: Spec, decision: Decision, cast: Cast) -> None:
        for kind, step in current_steps(decision).items():
            if (
                kind in UNIT_RUN_STEPS
                and step.requirement == Requirement.REQUIRED
                and not step.awaits_not_applicable_confirmation
            ):
                self.work_on_step(spec, decision, StepKind(kind), cast)

    def request_review(self, spec: Spec, decision: Decision, cast: Cast, **kwargs) -> None:
        self.complete_required(spec, decision, cast)
        decision.refresh_from_db()
        sent = decision.documents.filter(
            kind=Document.Kind.DRAFT, title__endswith="送审稿）", uploaded_at__gte=decision.status_changed_at
        )
        if not sent.exists():
            label = "调整方案送审稿" if decision.is_adjustment else "送审稿"
            services.add_document(
                decision=decision,
                actor=cast.drafter,
                uploaded_file=pdf_file("draft.pdf", f"{spec.title} {label}"),
                kind=Document.Kind.DRAFT,
                title=f"{spec.title}（{label}）",
            )
            services.add_document(
                decision=decision,
                actor=cast.drafter,
                uploaded_file=pdf_file("explanation.pdf", spec.title),
                kind=Document.Kind.EXPLANATION,
                title="起草说明",
            )
        services.request_legality_review(
            decision=decision,
            actor=cast.drafter,
            legal_basis="《重大行政决策程序暂行条例》《示例省重大行政决策程序规定》及相关法律、法规、规章",
            procedure_statement="已依法履行公众参与、专家论证、风险评估、部门协商等程序，相关材料附后。",
            **kwargs,
        )

    def meet(self, decision: Decision, outcome: str, head_statement: str, members: list[dict] | None = None):
        services.record_collective_decision(
            decision=decision,
            actor=self.gov,
            meeting_name=MEETING,
            meeting_date=self.today,
            members=members or meeting_members(outcome),
            head_name=MAYOR,
            head_statement=head_statement,
            outcome=outcome,
        )

    def drive(self, spec: Spec, decision: Decision, cast: Cast, target: State) -> Decision:
        """Along the main path to `target`, completing the required steps on the way."""
        for _attempt in range(12):
            decision.refresh_from_db()
            if decision.status == target:
                return decision
            if decision.status == State.DRAFTING:
                if decision.is_confidential and not decision.is_lawfully_confidential:
                    services.confirm_confidentiality(
                        decision=decision, actor=cast.legal_reviewer, confirm=True, comment="经审核，符合保密规定。"
                    )
                self.request_review(spec, decision, cast)
            elif decision.status == State.AWAITING_DISCUSSION:
                stopping = decision.adjustment_purpose == Decision.AdjustmentPurpose.STOP
                self.meet(
                    decision,
                    "adopted",
                    "同意停止执行，请做好善后工作。"
                    if stopping
                    else "原则同意，请承办单位按会议意见修改完善后按程序印发。",
                )
            else:
                step_forward(decision, cast)
        raise CommandError(f"{spec.title}: could not reach {target}; it is {decision.status}")

    def report(self, spec: Spec, decision: Decision, cast: Cast, reports: tuple[str, ...] | None = None):
        for progress in spec.reports if reports is None else reports:
            services.report_execution(decision=decision, actor=cast.drafter, progress=progress)

    def evaluate(self, spec: Spec, decision: Decision, conclusion: str, summary: str, *, complete=True):
        services.start_evaluation(
            decision=decision,
            actor=self.gov,
            evaluator_org=self.orgs["sz-evaluation"],
            staged=True,
            stage_reason="第一阶段评估：实施满半年的阶段性效果",
        )
        if not complete:
            return
        evaluator = self.users["evaluator"]
        step = current_steps(decision)[S.POST_EVALUATION]
        services.add_document(
            decision=decision,
            actor=evaluator,
            uploaded_file=pdf_file("evaluation.pdf", spec.title),
            kind=Document.Kind.REPORT,
            title=f"《{spec.title}》实施情况第三方评估报告",
            step=step,
        )
        services.complete_evaluation(decision=decision, actor=evaluator, conclusion=conclusion, summary=summary)

    # ------------------------------------------------------------ one decision

    def build(self, spec: Spec) -> Decision:
        cast = self.cast(spec.unit)
        fields = dict.fromkeys(spec.flags, True)
        if spec.confidential_reason:
            fields |= {"is_confidential": True, "confidential_reason": spec.confidential_reason}
        decision = services.create_decision(
            actor=cast.drafter,
            undertaking_unit=self.orgs[DEPARTMENTS[spec.unit].code],
            title=spec.title,
            summary=spec.summary,
            year=spec.year,
            scope_category=spec.scope,
            term_end=spec.term_end,
            **fields,
        )
        getattr(self, f"scenario_{spec.scenario}")(spec, decision, cast)
        decision.refresh_from_db()
        return decision

    # ------------------------------------------------------------ scenarios, one per situation the demo shows

    def scenario_proposed(self, spec, decision, cast):
        pass

    def scenario_cataloged(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.CATALOGED)

    def scenario_withdrawn_cataloged(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.CATALOGED)
        services.withdraw_decision(
            decision=decision,
            actor=self.gov,
            reason="经年度决策事项目录调整，该事项不再作为重大行政决策事项办理，调出目录。",
        )

    def scenario_withdrawn_drafting(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.DRAFTING)
        self.work_on_step(spec, decision, S.PUBLIC_PARTICIPATION, cast)
        services.withdraw_decision(
            decision=decision,
            actor=self.gov,
            reason="公开征求意见中社会各方分歧较大，经市政府研究本年度暂不推进，调出年度目录。",
        )

    def scenario_drafting_new(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.DRAFTING)

    def scenario_drafting_partial(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.DRAFTING)
        self.work_on_step(spec, decision, S.PUBLIC_PARTICIPATION, cast)
        self.work_on_step(spec, decision, S.DEPARTMENT_CONSULTATION, cast)
        services.propose_not_applicable(  # optional: the drafter's reason suffices
            step=current_steps(decision)[S.HEARING],
            actor=cast.drafter,
            reason="本计划不直接涉及特定群体的重大利益调整，各方意见无重大分歧，不举行听证。",
        )

    def scenario_drafting_submitted(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.DRAFTING)
        self.work_on_step(spec, decision, S.PUBLIC_PARTICIPATION, cast)
        self.work_on_step(spec, decision, S.HEARING, cast)
        self.work_on_step(spec, decision, S.FAIR_COMPETITION_REVIEW, cast, until="submitted")

    def scenario_drafting_returned(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.DRAFTING)
        self.work_on_step(spec, decision, S.HEARING, cast)
        self.work_on_step(spec, decision, S.PARTY_REPORT, cast)
        step = self.work_on_step(spec, decision, S.PUBLIC_PARTICIPATION, cast, until="submitted")
        services.return_step(
            step=step,
            actor=cast.dept_head,
            comment="意见采纳情况说明过于简略，请对未采纳的意见逐条说明理由后重新提交。",
        )

    def scenario_drafting_na_proposed(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.DRAFTING)
        self.work_on_step(spec, decision, S.PUBLIC_PARTICIPATION, cast)
        services.propose_not_applicable(  # required: waits for the legal office's confirmation
            step=current_steps(decision)[S.EXPERT_REVIEW],
            actor=cast.drafter,
            reason="本次修订主要是简化资金使用程序，不涉及专业技术问题，拟不组织专家论证。",
        )

    def scenario_drafting_unlawful(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.LEGALITY_REVIEW)
        services.give_legality_opinion(
            decision=decision,
            actor=self.legal,
            opinion="unlawful",
            opinion_text="草案第十二条对电动自行车设定登记许可并规定罚款，超越本级政府规范性文件的设定权限，"
            "与《中华人民共和国行政许可法》第十四条至第十七条不符，不得提交讨论。请删除后重新送审。",
            advisers_consulted="市政府法律顾问张律师、李教授",
        )

    def scenario_legality_review(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.LEGALITY_REVIEW)

    def scenario_legality_urgent(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.DRAFTING)
        self.request_review(
            spec,
            decision,
            cast,
            review_working_days=3,
            urgency_reason="应对呼吸道传染病流行高峰，市委、市政府要求尽快实施，审查期限压缩为3个工作日。",
        )

    def scenario_legality_changes_pending(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.LEGALITY_REVIEW)
        self.lawful_with_changes(spec, decision, cast)

    def lawful_with_changes(self, spec, decision, cast):
        services.give_legality_opinion(
            decision=decision,
            actor=self.legal,
            opinion="lawful_with_changes",
            opinion_text="草案符合法定权限和程序，主要内容合法，部分条款需修改后提交讨论。",
            required_changes="1. 第八条关于收费标准调整的程序应补充成本监审和听证的规定；"
            "2. 第十五条“一律不予办理”的表述缺乏上位法依据，应予删除。",
            advisers_consulted="市政府法律顾问王律师",
        )
        services.add_document(
            decision=decision,
            actor=cast.drafter,
            uploaded_file=pdf_file("draft.pdf", f"{spec.title} 修改"),
            kind=Document.Kind.DRAFT,
            title=f"{spec.title}（按合法性审查意见修改稿）",
        )

    def scenario_legality_after_deferral(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.AWAITING_DISCUSSION)
        self.meet(decision, "deferred", "暂缓决定。请承办单位进一步听取出租汽车企业和驾驶员意见，修改完善后再提交。")
        self.drive(spec, decision, cast, State.LEGALITY_REVIEW)

    def scenario_awaiting_discussion(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.DRAFTING)
        step = services.propose_not_applicable(
            step=current_steps(decision)[S.FAIR_COMPETITION_REVIEW],
            actor=cast.drafter,
            reason="方案内容为政府投资的排水设施建设，不涉及市场准入、产业发展等市场主体经济活动。",
        )
        services.confirm_not_applicable(
            step=step, actor=self.legal, confirm=True, comment="经审核，同意不进行公平竞争审查。"
        )
        self.drive(spec, decision, cast, State.AWAITING_DISCUSSION)

    def scenario_awaiting_exploratory(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.LEGALITY_REVIEW)
        services.give_legality_opinion(
            decision=decision,
            actor=self.legal,
            opinion="exploratory_reform",
            opinion_text="方案属于改革探索事项，总体符合国家关于数据要素市场化配置改革的政策方向。",
            legal_risk="数据产权登记、数据交易规则等事项国家层面尚无明确法律规定，试点内容存在与今后立法不一致的风险；"
            "建议明确试点期限，建立动态评估和调整机制。",
            advisers_consulted="市政府法律顾问团",
        )

    def scenario_rejected(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.AWAITING_DISCUSSION)
        self.meet(
            decision,
            "rejected",
            "不同意实施。限行对群众出行影响大、减排效果有限，请承办单位研究替代措施。",
            [
                {"name": "陈副市长", "view": "disagree", "remarks": "减排效果测算依据不足。"},
                {"name": "刘副市长", "view": "disagree", "remarks": "对通勤群众影响较大。"},
                {"name": "赵秘书长", "view": "agree", "remarks": "可考虑先行试点。"},
            ],
        )

    def scenario_decided(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.LEGALITY_REVIEW)
        self.lawful_with_changes(spec, decision, cast)
        services.confirm_legality_changes(
            decision=decision, actor=self.legal, comment="经核对，修改稿已按审查意见修改。"
        )
        self.drive(spec, decision, cast, State.DECIDED)

    def scenario_published(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.PUBLISHED)

    def scenario_in_execution(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.IN_EXECUTION)
        self.report(spec, decision, cast)

    def scenario_in_execution_evaluated(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.IN_EXECUTION)
        self.report(spec, decision, cast)
        self.evaluate(
            spec,
            decision,
            "continue",
            "分类投放准确率和资源化利用率明显提高，群众满意度82%；建议继续执行，加强农村地区分类设施建设。",
        )
        self.report(spec, decision, cast, ("已按评估建议制定农村生活垃圾分类三年工作方案。",))

    def scenario_confidential_execution(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.IN_EXECUTION)  # decided → in_execution: nothing is published
        self.report(spec, decision, cast)

    def scenario_evaluating(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.IN_EXECUTION)
        self.report(spec, decision, cast)
        self.evaluate(spec, decision, "", "", complete=False)

    def scenario_suspended(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.IN_EXECUTION)
        self.report(
            spec,
            decision,
            cast,
            ("投放车辆2.8万辆，日均骑行量11万人次。", "近期发生多起电池起火事故，已责令运营企业全面排查。"),
        )
        services.suspend_decision(
            decision=decision,
            actor=self.gov,
            reason="连续发生电池起火事故，存在重大安全隐患，经市长同意先行暂停执行，依法启动调整程序。",
        )

    def scenario_terminated(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.IN_EXECUTION)
        self.report(spec, decision, cast, ("扩区范围内征地工作已启动，完成土地勘测定界。",))
        services.suspend_decision(
            decision=decision,
            actor=self.gov,
            reason="扩区范围周边群众反映强烈，环境风险出现新情况，市长决定先行暂停执行。",
        )
        services.start_adjustment(
            decision=decision,
            actor=self.gov,
            purpose="stop",
            reason="经重新评估，扩区规划的环境风险不可控，拟停止执行。",
        )
        self.drive(spec, decision, cast, State.TERMINATED)

    def scenario_adjustment(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.IN_EXECUTION)
        self.report(spec, decision, cast)
        self.evaluate(
            spec,
            decision,
            "adjust",
            "里程计价总体达到预期，但远郊线路乘客换乘成本上升明显；建议延长换乘优惠时限、扩大优惠范围。",
        )
        services.start_adjustment(
            decision=decision,
            actor=self.gov,
            purpose="change",
            reason="根据第三方评估报告，调整换乘优惠政策，依法重新履行决策程序。",
        )
        self.work_on_step(spec, decision, S.PUBLIC_PARTICIPATION, cast)

    def scenario_archived(self, spec, decision, cast):
        self.drive(spec, decision, cast, State.IN_EXECUTION)
        self.report(spec, decision, cast)
        services.archive_decision(
            decision=decision, actor=self.gov, reason="决策执行完毕，执行情况良好，决策全过程材料按规定归档。"
        )


class Command(BaseCommand):
    help = (
        "Create a demo city (示例市人民政府) with its departments, one person per role and about thirty "
        "decisions in every state of the procedure, all through the procedure's services. Running it again "
        "adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not list each decision as it is created.")

    def handle(self, *args, quiet=False, **options):
        quiet = quiet or options["verbosity"] == 0
        started = time.monotonic()
        try:
            validate_password(PASSWORD)
        except ValidationError as error:  # pragma: no cover - only if the validators are tightened
            raise CommandError(" ".join(error.messages)) from error

        seeder = Seeder()
        seeder.organizations()
        seeder.people()
        city = seeder.orgs[CITY]
        existing = set(Decision.objects.filter(organ=city).values_list("title", flat=True))
        created = 0
        for spec in DECISIONS:
            if spec.title in existing:
                continue
            with transaction.atomic():
                decision = seeder.build(spec)
            created += 1
            if not quiet:
                self.stdout.write(
                    _("Created %(number)s %(title)s — %(state)s")
                    % {
                        "number": decision.number,
                        "title": decision.title,
                        "state": State(decision.status).label,
                    }
                )
        self.summary(seeder, created, time.monotonic() - started)

    def summary(self, seeder: Seeder, created: int, seconds: float) -> None:
        write = self.stdout.write
        decisions = Decision.objects.filter(organ=seeder.orgs[CITY])
        if created:
            write(
                self.style.SUCCESS(
                    _("Demo data ready: %(created)s decisions created in %(seconds).1f s.")
                    % {"created": created, "seconds": seconds}
                )
            )
        else:
            write(self.style.SUCCESS(_("The demo data was already there; nothing was added.")))
        counts = Counter(decisions.values_list("status", flat=True))
        write(_("Decisions by state (%(total)s in all):") % {"total": sum(counts.values())})
        for state in State:
            if counts[state]:
                write(f"  {_pad(str(state.label), 34)}{counts[state]:>3}")
        write("")
        write(
            _("Open %(url)s — the public portal; the staff workspace is %(manage)s.")
            % {"url": SITE_URL, "manage": f"{SITE_URL}manage/"}
        )
        write(_("Demo logins (every account's password is %(password)s):") % {"password": PASSWORD})
        rows = [(_("Username"), _("Role"), _("Organization"), _("Name"))]
        for person in PEOPLE:
            user = seeder.users[person.username]
            organization = user.organization.name if user.organization_id else ""
            name = f"{user.display_name}（{user.title}）" if user.title else user.display_name
            rows.append((user.username, str(person.role.label), organization, name))
        widths = [max(_width(row[column]) for row in rows) + 2 for column in range(3)]
        for row in rows:
            cells = "".join(_pad(cell, width) for cell, width in zip(row[:3], widths, strict=True))
            write(f"  {cells}{row[3]}")
