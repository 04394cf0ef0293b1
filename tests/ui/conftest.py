"""UI fixtures: an AppContext over the test store whose task runner runs at once."""

from __future__ import annotations

import pytest

from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.tasks import ImmediateRunner


@pytest.fixture
def ctx(qapp, store, admin) -> AppContext:
    return AppContext(store=store, actor=admin, runner=ImmediateRunner(), bus=ChangeBus())
