import pytest

from accounts.roles import Role
from tests.factories import make_org, make_user


@pytest.fixture
def second_gov(world):
    """Another member of the city's government office (the plan's two-person rule)."""
    return make_user("gov2", world.office, Role.GOV_OFFICE, name="钱秘书")


@pytest.fixture
def other_evaluator(world):
    """An evaluator of another third-party body of the city."""
    body = make_org("eval-b", "另一评估中心", "third_party", world.city)
    return make_user("evaluator_b", body, Role.EVALUATOR, name="孔评估")
