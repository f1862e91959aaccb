"""A kiosk's fleet agent alone in a process, for a test to SIGKILL: ``python
fleet_agent_child.py BROKER_URL SECRETS_DIR STATE_DIR``; prints "connected" once it is."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[2]), str(Path(__file__).parent)]

from fleet_support import USER, report  # noqa: E402

from fleet.agent import FleetAgent  # noqa: E402
from fleet.settings import FleetSettings  # noqa: E402


def main() -> None:
    url, secrets, state = sys.argv[1:4]
    snap = report()
    agent = FleetAgent(FleetSettings(broker=url, username=USER, topic_prefix="sb"),
                       kiosk_id="K01", branch="Main St", secrets_dir=Path(secrets),
                       state_dir=Path(state), snapshot=lambda: snap,
                       on_command=lambda c: "ok", journal=lambda k, d: None)
    agent.start()
    while not agent.status().connected:
        time.sleep(0.02)
    print("connected", flush=True)
    while True:
        time.sleep(60)


if __name__ == "__main__":
    main()
