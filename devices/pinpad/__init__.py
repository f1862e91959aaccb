"""Encrypting PIN pad (EPP)."""
