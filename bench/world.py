"""A minimal city for benchmarks, built with the real models and services (as tests/factories.py does).

Import only after `django.setup()`.
"""

from types import SimpleNamespace

from accounts.models import Organization, User
from accounts.roles import Role
from accounts.services import create_user
from decisions import services
from decisions.models import Decision


def make_org(code: str, name: str, kind: str, parent: Organization | None = None) -> Organization:
    return Organization.objects.create(code=code, name=name, kind=kind, parent=parent)


def make_user(username: str, organization: Organization | None, *roles: Role, name: str = "") -> User:
    return create_user(username=username, organization=organization, roles=roles, display_name=name)


def build_world() -> SimpleNamespace:
    """One city government with a department, its legal office and government office; a user per role."""
    kind = Organization.Kind
    city = make_org("city", "示例市人民政府", kind.GOVERNMENT)
    transport = make_org("transport", "市交通运输局", kind.DEPARTMENT, city)
    legal = make_org("legal", "市司法局", kind.LEGAL_OFFICE, city)
    office = make_org("office", "市政府办公室", kind.GOVERNMENT_OFFICE, city)
    return SimpleNamespace(
        city=city,
        transport=transport,
        legal=legal,
        office=office,
        drafter=make_user("drafter", transport, Role.DRAFTER, name="张起草"),
        head=make_user("head", transport, Role.DEPT_HEAD, name="李处长"),
        legal_reviewer=make_user("legal", legal, Role.LEGAL_REVIEWER, name="孙审查"),
        gov=make_user("gov", office, Role.GOV_OFFICE, name="周秘书"),
        supervisor=make_user("supervisor", city, Role.SUPERVISOR, name="吴监督"),
    )


def make_decisions(world: SimpleNamespace, count: int, *, year: int = 2026) -> list[Decision]:
    """`count` proposed decisions of the transport department, created through `create_decision`."""
    return [
        services.create_decision(
            actor=world.drafter,
            title=f"关于调整中心城区公共交通票价的决定（第{index + 1}号）",
            summary="调整公交、地铁票价结构，实行里程计价。",
            year=year,
            scope_category=Decision.ScopeCategory.PUBLIC_POLICY,
        )
        for index in range(count)
    ]
