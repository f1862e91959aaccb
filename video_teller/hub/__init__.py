"""The video-teller call hub: signed tokens, the queue and its routing, signalling relay,
the audit trail in SQLite and TURN credentials (docs/video_teller_hub.md).

``routing`` is pure (no I/O) so its rules are tested and benchmarked alone; ``server`` is the
aiohttp application that speaks :mod:`video_teller.protocol`; ``service`` runs it on a thread
or as ``kiosk hub``.
"""
