import pytest

from tests.factories import make_world


@pytest.fixture
def world(db):
    """The usual world, with every member of staff given an e-mail address (the factories give none)."""
    world = make_world()
    for user in vars(world).values():
        if hasattr(user, "email") and hasattr(user, "username"):
            user.email = f"{user.username}@example.gov.cn"
            user.save(update_fields=["email"])
    return world
