"""A sandbox bank: the core system's behaviour (customers, accounts, card stock, PINs, keys,
idempotency) over its own SQLite file, in-process (:class:`SandboxBank`) or over loopback
HTTP (:mod:`bank_host.sandbox.server`, ``kiosk bank sandbox serve``)."""
