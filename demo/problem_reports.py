"""The demo city's problem reports on a decision in execution (Decree 713 Art. 35): twelve citizens and organizations
report what goes wrong with waste sorting, through the same service as the portal's form; the environment bureau and
the government office answer most, one is hidden as an advertisement, two wait for an answer."""

from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from decisions import services
from decisions.models import Decision, ExecutionProblemReport
from decisions.services.problem_reports import staff_refusal, takes_reports

DECISION_TITLE = "示例市生活垃圾分类管理实施办法"
# (name, contact, place, content, answer or None; "HIDE:" + reason hides it)
REPORTS = (
    (
        "王女士",
        "13812340001",
        "幸福路街道阳光小区",
        "小区厨余垃圾桶已满三天无人清运，夏季异味严重，居民只能把垃圾袋放在桶外。",
        "已责成环卫收运企业对阳光小区恢复每日清运，并在高温季节增加一次下午收运。",
    ),
    (
        "",
        "zhang.wei@example.cn",
        "东城区文化路",
        "分类投放点开放时间只有早7点到9点，上班族很难按时投放，建议延长晚间时段。",
        "已会同街道调整为早6:30—9:00、晚18:00—21:00两个时段，并设置一处定时定点补充投放点。",
    ),
    (
        "李先生",
        "13712340002",
        "新华小区",
        "看到收运车把已分好的四类垃圾倒进同一辆车，居民分类的积极性受打击。",
        "经核查为个别车辆调度失误，已约谈收运企业并对车辆加装分类标识，欢迎继续监督。",
    ),
    (
        "示例市餐饮行业协会",
        "0571-88001234",
        "全市",
        "部分小餐馆反映餐厨垃圾收运合同价格比公示价格高，希望公开收费标准。",
        "餐厨垃圾收运收费标准已在市城管局网站公开，对高于标准收费的行为已开展专项检查。",
    ),
    (
        "陈阿姨",
        "13612340003",
        "西湖街道",
        "老年人看不清垃圾分类指引上的小字，希望在投放点安排志愿者指导。",
        "已在西湖街道18个投放点安排志愿者在投放时段值守，并更换大字版分类指引。",
    ),
    (
        "",
        "13512340004",
        "南门菜市场",
        "菜市场周边的有害垃圾回收箱长期损坏，废电池无处投放。",
        "已更换回收箱并纳入市场日常巡查。",
    ),
    (
        "赵先生",
        "13412340005",
        "滨江花园",
        "物业将可回收物卖给废品站后，没有按办法要求登记去向，不知道是否合规。",
        "已要求物业企业按办法第二十条建立可回收物交付台账，街道每季度抽查。",
    ),
    (
        "刘同学",
        "liu.student@example.edu.cn",
        "示例大学城",
        "学校宿舍区只有其他垃圾桶，没有设置厨余垃圾桶，无法按要求分类。",
        "已函告市教育局督促大学城各校在宿舍区补齐四分类设施，完成时限为下月底。",
    ),
    (
        "孙女士",
        "13312340006",
        "和平里社区",
        "督导员对未分类的居民直接罚款，没有先劝导，居民意见较大。",
        "办法规定首次违规以劝导为主，已对和平里社区督导员开展培训并纠正做法。",
    ),
    (
        "",
        "13212340007",
        "",
        "专业代写各类申报材料，价格优惠，联系电话见上。",
        "HIDE:广告信息，与决定执行无关。",
    ),
    (
        "周先生",
        "13112340008",
        "城北工业园",
        "园区企业的大件垃圾没有预约收运渠道，只能堆在厂区门口。",
        None,
    ),
    (
        "吴女士",
        "13012340009",
        "青年路",
        "绿化修剪的枝叶被混入其他垃圾运走，没有按园林垃圾单独处理。",
        None,
    ),
)


def _answerers(decision: Decision) -> list[User]:
    """Who answers: the execution unit's drafter, then the government office (whoever the service lets answer)."""
    candidates = User.objects.filter(
        groups__name__in=[Role.DRAFTER, Role.DEPT_HEAD, Role.GOV_OFFICE], is_active=True
    ).order_by("pk")
    return [user for user in candidates.distinct() if staff_refusal(user, decision) is None][:2]


@transaction.atomic
def problem_reports(organ) -> int:
    """File the reports on the organ's waste-sorting decision, once (a decision with reports is left as it is);
    returns how many were filed. Nothing without the decision in execution or someone to answer."""
    decision = Decision.objects.filter(organ=organ, title=DECISION_TITLE).first()
    if decision is None or not takes_reports(decision):
        return 0
    if ExecutionProblemReport.objects.filter(decision=decision).exists():
        return 0
    answerers = _answerers(decision)
    if not answerers:
        return 0
    for number, (name, contact, place, content, answer) in enumerate(REPORTS):
        # A distinct address each (the documentation range): the demo is not one client flooding the form.
        report = services.receive_problem_report(
            decision, name, contact, content, place, client_address=f"198.51.100.{number + 1}"
        )
        actor = answerers[number % len(answerers)]
        if answer is None:
            continue
        if answer.startswith("HIDE:"):
            services.hide_problem_report(report, actor, answer.removeprefix("HIDE:"))
        else:
            services.answer_problem_report(report, actor, answer)
    return len(REPORTS)
