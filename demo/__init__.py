"""The demo as plugins: seeded appointments, simulator scenes, the simulated customer.

Imported only by the composition root (kiosk_app) when the configuration is a demo one;
no session or view-model knows it exists."""

from demo.plugin import SCENES, attach_customer, register_scenes

__all__ = ["SCENES", "attach_customer", "register_scenes"]
