"""ESC/POS single-byte code pages: the printer's own table (ESC t n), used by whoever builds
jobs (receipts/) and by whoever reads them (the simulator's renderer)."""

from __future__ import annotations

#: ESC/POS code page name -> (ESC t n, Python codec). The common Epson table.
CODE_PAGES: dict[str, tuple[int, str]] = {
    "CP437": (0, "cp437"),
    "CP850": (2, "cp850"),
    "CP860": (3, "cp860"),
    "CP863": (4, "cp863"),
    "CP865": (5, "cp865"),
    "CP1252": (16, "cp1252"),
    "CP866": (17, "cp866"),
    "CP852": (18, "cp852"),
    "CP858": (19, "cp858"),
}
CODE_PAGE_BY_NUMBER = {n: codec for n, codec in CODE_PAGES.values()}
