"""Journal through the one writer from several threads until killed (a power cut).

python journal_writer_child.py JOURNAL: prints "seq thread n" for each record the writer
confirmed (its future resolved, so it is on disk), flushed line by line.
"""

from __future__ import annotations

import sys
import threading
from concurrent.futures import Future
from pathlib import Path

from kiosk_core.journal import Journal, Record
from kiosk_core.journal_writer import JournalWriter


def main(path: Path) -> None:
    writer = JournalWriter(Journal(path, kiosk_id="CUT"))
    out = threading.Lock()

    def confirm(fut: Future[Record]) -> None:
        rec = fut.result()
        with out:
            sys.stdout.write(f"{rec.seq} {rec.data['thread']} {rec.data['n']}\n")
            sys.stdout.flush()

    def produce(t: int) -> None:
        n = 0
        while True:  # until the power goes
            writer.append("test.cut", {"thread": t, "n": n, "pad": "x" * 200}).add_done_callback(
                confirm)
            n += 1
            if n % 50 == 0:
                writer.flush(timeout=10)

    threads = [threading.Thread(target=produce, args=(t,), daemon=True) for t in range(4)]
    for th in threads:
        th.start()
    threading.Event().wait()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
