"""The UI fixtures (a KioskApp offscreen) for the voice tests."""

from ui.conftest import kiosk_config, make_app  # noqa: F401
