"""The technician's side of the kiosk: service mode, self-tests, supplies, the control API,
health and metrics (issue #13). Qt-free; kiosk_ui draws the service screens over it."""
