"""Every device kind the kiosk knows: one line per kind, naming its plugin module.

Adding a kind (a PIN pad, say) is a package ``devices/<kind>/`` with a ``plugin.py``
defining ``KIND`` and one line here; config, registry and CLI need no other edit.
"""

from __future__ import annotations

PLUGINS: tuple[str, ...] = (
    "devices.card_dispenser.plugin",
    "devices.printer.plugin",
    "devices.camera.plugin",
    "devices.pinpad.plugin",
)
