"""The composition root: the whole kiosk.toml model, the ``kiosk`` CLI, the runtime's
wiring and the background services. The only package that may import every other."""
