import pytest
import time_machine

from tests.core.pages import NOW


@pytest.fixture(autouse=True)
def _fixed_clock():
    """Factories date things relative to now, so every test here starts from the same moment."""
    with time_machine.travel(NOW, tick=False):
        yield
