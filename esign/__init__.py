"""Signed e-signature evidence (domain; imports kiosk_core only).

What the customer was shown (:mod:`esign.terms`), what they drew and when, bound together
in an Ed25519-signed record (:mod:`esign.record`) with the kiosk's own key
(:mod:`esign.keys`), kept write-once per flow (:mod:`esign.store`) and checked by
``kiosk evidence verify`` (:mod:`esign.commands`). See docs/esign.md.
"""
