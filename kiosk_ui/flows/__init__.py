"""Flow pages and view-models that plug into the shell (see kiosk_ui.registry)."""
