"""O2O sync: appointments from the bank's online channels into the branch, branch events back.

See docs/o2o_sync.md. Qt-free; the kiosk uses :mod:`o2o_sync.lookup`."""
