"""Walk-in fixtures: the check-in's (a real branch DB seeded with today's bookings, the
printer and camera simulators, the app maker)."""

from __future__ import annotations

from ..checkin.conftest import (  # noqa: F401  (fixtures)
    checkin_config,
    desks,
    make_app,
    make_config,
    opened,
)
