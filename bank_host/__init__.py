"""The bank's core system, as the kiosk sees it: the :class:`bank_host.api.BankHost` Protocol,
its HTTP client (:mod:`bank_host.http_client`) and a sandbox bank (:mod:`bank_host.sandbox`)
served over loopback HTTP for the demo and the tests. See docs/bank_host.md."""
