"""Personas and organizations for tests: a city with two departments, its legal office and government office."""

from types import SimpleNamespace

from accounts.models import Organization, User
from accounts.roles import Role
from accounts.services import create_user
from decisions import services
from decisions.models import Decision
from demo.walkthrough import Cast, Walkthrough

PASSWORD = "correct-horse-battery-staple"


def make_org(code: str, name: str, kind: str, parent: Organization | None = None) -> Organization:
    return Organization.objects.create(code=code, name=name, kind=kind, parent=parent)


def make_user(username: str, organization: Organization | None, *roles: Role, name: str = "") -> User:
    return create_user(username=username, organization=organization, roles=roles, display_name=name, password=PASSWORD)


def make_world() -> SimpleNamespace:
    K = Organization.Kind
    city = make_org("city", "示例市人民政府", K.GOVERNMENT)
    transport = make_org("transport", "市交通运输局", K.DEPARTMENT, city)
    environment = make_org("environment", "市生态环境局", K.DEPARTMENT, city)
    legal = make_org("legal", "市司法局", K.LEGAL_OFFICE, city)
    office = make_org("office", "市政府办公室", K.GOVERNMENT_OFFICE, city)
    evaluator_body = make_org("eval", "示例评估研究院", K.THIRD_PARTY, city)
    institute = make_org("institute", "示例大学公共政策研究院", K.EXPERT_INSTITUTION, city)
    other_city = make_org("other", "邻市人民政府", K.GOVERNMENT)
    other_dept = make_org("other-transport", "邻市交通运输局", K.DEPARTMENT, other_city)
    w = SimpleNamespace(
        city=city,
        transport=transport,
        environment=environment,
        legal=legal,
        office=office,
        evaluator_body=evaluator_body,
        institute=institute,
        other_city=other_city,
        other_dept=other_dept,
        drafter=make_user("drafter", transport, Role.DRAFTER, name="张起草"),
        head=make_user("head", transport, Role.DEPT_HEAD, name="李处长"),
        drafter_b=make_user("drafter_b", environment, Role.DRAFTER, name="王环保"),
        head_b=make_user("head_b", environment, Role.DEPT_HEAD, name="赵局长"),
        legal_reviewer=make_user("legal", legal, Role.LEGAL_REVIEWER, name="孙审查"),
        gov=make_user("gov", office, Role.GOV_OFFICE, name="周秘书"),
        supervisor=make_user("supervisor", city, Role.SUPERVISOR, name="吴监督"),
        evaluator=make_user("evaluator", evaluator_body, Role.EVALUATOR, name="郑评估"),
        outsider=make_user("outsider", other_dept, Role.DRAFTER, name="外市起草"),
    )
    w.cast = Cast(
        drafter=w.drafter,
        dept_head=w.head,
        legal_reviewer=w.legal_reviewer,
        gov_office=w.gov,
        evaluator=w.evaluator,
    )
    return w


def add_remaining_personas(world) -> SimpleNamespace:
    """The roles make_world leaves out: an expert and the three separated administrators (三员分立)."""
    world.expert = make_user("expert", world.institute, Role.EXPERT, name="钱专家")
    world.system_admin = make_user("sysadmin", world.city, Role.SYSTEM_ADMIN, name="冯系统")
    world.security_admin = make_user("secadmin", world.city, Role.SECURITY_ADMIN, name="陈安全")
    world.audit_admin = make_user("auditadmin", world.city, Role.AUDIT_ADMIN, name="褚审计")
    return world


def make_decision(world, *, drafter=None, **fields) -> Decision:
    values = {
        "title": "关于调整中心城区公共交通票价的决定",
        "summary": "调整公交、地铁票价结构，实行里程计价。",
        "year": 2026,
        "scope_category": Decision.ScopeCategory.PUBLIC_POLICY,
    } | fields
    return services.create_decision(actor=drafter or world.drafter, **values)


def log_in_in_english(client, user):
    """A staff member's browser session, with English pages (tests assert on the words)."""
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def enter_in_catalog(world, decision: Decision) -> Decision:
    """Proposed → in the catalog the one way there is: the organ's catalog of its year is published with it (or, once
    published, an adjustment adds it); see `demo.walkthrough.Walkthrough.enter_in_catalog`."""
    return Walkthrough(world.cast).enter_in_catalog(decision)


def withdraw(world, decision: Decision, reason: str) -> Decision:
    """Withdrawn the one way a cataloged decision is: an adjustment of its catalog removes its entry with the reason
    and is published; see `demo.walkthrough.Walkthrough.withdraw`."""
    return Walkthrough(world.cast).withdraw(decision, reason)
