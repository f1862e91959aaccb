"""``kiosk sim printer`` and ``kiosk diag printer`` as a technician runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from qr_images import opencv_qrs, zxing_qrs

from kiosk_app.cli import main

KIOSK = [sys.executable, "-m", "kiosk_app.cli"]


@pytest.fixture
def sim_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, Path]]:
    out = tmp_path / "pngs"
    proc = subprocess.Popen(
        [*KIOSK, "sim", "printer", "--tcp", "127.0.0.1:0", "--out", str(out),
         "--paper", "near-end"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        assert first.startswith("tcp: tcp://127.0.0.1:"), first
        yield proc, first.split(" ", 1)[1], out
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_sim_then_diag_json_and_test_page(sim_process, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    proc, url, out = sim_process
    assert "paper near end" in proc.stdout.readline()
    data_dir = str(tmp_path / "data")
    assert main(["diag", "printer", "--url", url, "--json", "--data-dir", data_dir]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["device"] == "online" and report["supplies"]["paper"] == "low"
    assert report["errorCode"] == "paperLow"

    assert main(["diag", "printer", "--url", url, "--test-page", "--lang", "zh_CN",
                 "--data-dir", data_dir]) == 0
    text = capsys.readouterr().out
    assert "printed" in text and "kept jobs 0" in text
    line = proc.stdout.readline()
    assert line.startswith("job 1: ") and line.rstrip().endswith("(complete)")
    png = out / "job-0001.png"
    from PIL import Image

    with Image.open(png) as img:
        assert zxing_qrs(img) == opencv_qrs(img) == ["smartbranch test page printer"]

    # A fault typed on the console: the next job is kept, and reprinted after "clear".
    proc.stdin.write("fault cover-open\n")
    proc.stdin.flush()
    assert "cover open" in proc.stdout.readline()
    assert main(["diag", "printer", "--url", url, "--test-page", "--data-dir", data_dir]) == 1
    text = capsys.readouterr().out
    assert "NOT printed (cover open" in text
    job_id = text.split("job       ", 1)[1].split(":", 1)[0]
    proc.stdin.write("clear\n")
    proc.stdin.flush()
    assert "ready, paper ok" in proc.stdout.readline()
    assert main(["diag", "printer", "--url", url, "--reprint", job_id,
                 "--data-dir", data_dir]) == 0
    assert "kept jobs 0" in capsys.readouterr().out


def test_pty_first_line(tmp_path: Path) -> None:
    proc = subprocess.Popen([*KIOSK, "sim", "printer", "--pty", "--out", str(tmp_path)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        assert first.startswith("pty: /dev/pts/")
        assert os.path.exists(first.split(" ", 1)[1])
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize(("argv", "message"), [
    (["diag", "printer", "--url", "bogus://x"], "unknown scheme 'bogus'"),
    (["diag", "printer", "--url", "tcp://127.0.0.1:9"], "cannot open tcp://127.0.0.1:9"),
    (["diag", "printer", "--url", "sim://printer?paper=half"], "paper must be one of"),
    (["diag", "printer", "--url", "sim://printer", "--reprint", "nope"], "bad job id"),
])
def test_diag_errors_are_one_line(argv: list[str], message: str, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_sim_refuses_unknown_fault(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sim", "printer", "--tcp", "127.0.0.1:0", "--out", str(tmp_path),
                 "--fault", "fire"]) == 1
    assert "unknown fault 'fire'" in capsys.readouterr().err
