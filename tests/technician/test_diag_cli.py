"""``kiosk diag status|selftest|counters|replenish|service|export|journal`` and ``kiosk
technician hash-pin``: through the running kiosk's control API when one answers, opening
the devices only when none does — and never under a kiosk that answers badly.

The "kiosk" is a runtime with every device simulated and its control server, in this
process; the CLI is the real ``kiosk`` command in a child process (a few: each costs a
start-up), or its handlers called here where only the decision is under test."""

from __future__ import annotations

import getpass
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from technician_support import PIN, records, short_tmp

from kiosk_core.cli import CommandError, use_config_loader
from kiosk_core.runtime import KioskRuntime
from technician.auth import pin_matches
from technician.commands import OFFLINE_NOTE
from technician.control import start_control
from technician.control_client import control_paths
from technician.service import TechnicianService
from technician.settings import TechnicianSettings

REPO = Path(__file__).resolve().parents[2]
WHO = f"cli:{getpass.getuser()}"


@pytest.fixture
def short() -> Iterator[Path]:
    folder = short_tmp()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def tech_config(tech_config: Any, short: Path) -> Any:
    tech = tech_config.section(TechnicianSettings).model_copy(
        update={"control_socket": short / "control.sock"})
    return tech_config.model_copy(update={"technician": tech})


@pytest.fixture
def toml(tmp_path: Path, short: Path) -> Path:
    """kiosk.toml for the command: the repository's, storage in tmp_path (as the runtime
    fixture's), the control socket in ``short``; two cards already in the retain bin."""
    text = (REPO / "kiosk.toml").read_text(encoding="utf-8")
    text = text.replace('url = "sim://card-dispenser?cards=50"',
                        'url = "sim://card-dispenser?cards=50&bin=2"')
    socket_line = 'control_socket = "control.sock"'
    assert socket_line in text
    text = text.replace(socket_line, f'control_socket = "{short / "control.sock"}"')
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def kiosk(runtime: KioskRuntime, technician: TechnicianService) -> KioskRuntime:
    """A running kiosk answering on its control socket."""
    assert start_control(runtime, technician)
    return runtime


def run(*argv: str) -> tuple[int, str, str]:
    """The real ``kiosk`` command, in its own process."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-m", "kiosk_app.cli", *argv], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The command's handler in this process (as kiosk_app.cli.main calls it, without
    re-configuring this process's logging)."""
    from kiosk_app.cli import _load, build_parser

    use_config_loader(_load)
    capsys.readouterr()
    try:
        args = build_parser().parse_args(list(argv))
        code = args.handler(args)
    except CommandError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        code = 1
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


# -- with a kiosk running: through its control API ---------------------------------------


def test_the_cli_goes_through_the_running_kiosk(kiosk: KioskRuntime, toml: Path) -> None:
    cfg = ["--config", str(toml)]
    starts = len(records(kiosk, "kiosk.start"))

    code, out, err = run("diag", "replenish", "cards", "40", *cfg)
    assert code == 0, err
    assert OFFLINE_NOTE not in err
    assert "stacker loaded   40  (40 left by our count)" in out

    code, out, err = run("diag", "counters", "--json", *cfg)
    assert code == 0, err
    assert json.loads(out)["cards"]["stacker_loaded"] == 40

    code, out, err = run("diag", "service", "out", "card_issuance", "--reason",
                         "card jam, engineer called", *cfg)
    assert code == 0, err
    assert f"card_issuance by {WHO} at " in out and "card jam, engineer called" in out

    code, out, err = run("diag", "status", "--json", *cfg)
    assert code == 0, err  # the other functions still serve
    status = json.loads(out)
    issuance = next(f for f in status["functions"] if f["function"] == "card_issuance")
    assert not issuance["available"] and "out_of_service" in issuance["reasons"]
    assert [(o["function"], o["who"], o["reason"]) for o in status["overrides"]] == [
        ("card_issuance", WHO, "card jam, engineer called")]

    # The kiosk journalled each action with the technician's user; nothing opened the
    # devices a second time (that would have started a second runtime on this journal).
    assert records(kiosk, "technician.replenish") == [
        {"supply": "cards", "count": 40, "who": WHO}]
    assert records(kiosk, "technician.service_out") == [
        {"function": "card_issuance", "who": WHO, "reason": "card jam, engineer called"}]
    assert len(records(kiosk, "kiosk.start")) == starts


def test_answers_refusals_and_usage(kiosk: KioskRuntime, toml: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = ("--config", str(toml))
    code, out, err = cli(capsys, "diag", "status", *cfg)
    assert code == 0 and out.startswith("KIOSK-DEMO-01 at Demo Branch: in service"), err
    assert "card_dispenser  online" in out and OFFLINE_NOTE not in err

    code, out, err = cli(capsys, "diag", "selftest", "printer", "--json", *cfg)
    assert code == 0, err
    report = json.loads(out)
    assert report["ok"] and Path(report["artifact"]).is_file()

    code, out, err = cli(capsys, "diag", "journal", *cfg)
    assert code == 0 and out.startswith("ok: ") and "chain intact" in out
    code, out, err = cli(capsys, "diag", "counters", "--live", "--json", *cfg)
    assert code == 0 and "stacker_loaded" in json.loads(out)["cards"] and not err

    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "diag", "export", "evidence", *cfg)
    assert code == 0, err
    assert out.startswith(f"exported 6 files to {tmp_path / 'evidence'}")
    assert (tmp_path / "evidence" / "journal.sqlite").is_file()

    # The kiosk refuses (409) or rejects (400): exit 1 with its words, nothing opened.
    code, out, err = cli(capsys, "diag", "service", "out", "teller_video", *cfg)
    assert code == 1 and "no function 'teller_video'" in err and OFFLINE_NOTE not in err
    code, out, err = cli(capsys, "diag", "selftest", "scanner", *cfg)
    assert code == 1 and "no scanner configured" in err
    code, out, err = cli(capsys, "diag", "export", "evidence", *cfg)
    assert code == 1 and "not empty" in err

    # Usage: exit 2 before anything is asked.
    for argv in (("replenish", "cards"), ("replenish", "cards", "-3"),
                 ("replenish", "paper", "3"), ("replenish", "ink", "3"),
                 ("empty-bin", "many"), ("service", "sideways")):
        code, out, err = cli(capsys, "diag", *argv, *cfg)
        assert code == 2, (argv, err)
    assert not records(kiosk, "technician.replenish")
    assert not kiosk.out_of_service


def test_a_kiosk_that_refuses_the_token_is_an_error(kiosk: KioskRuntime, toml: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _, token = control_paths(kiosk.config)
    token.write_text("someone-else's-token-" + "x" * 30)
    starts = len(records(kiosk, "kiosk.start"))
    code, _out, err = cli(capsys, "diag", "counters", "--config", str(toml))
    assert code == 1 and "refused the control token" in err
    assert "the devices were not opened" in err and OFFLINE_NOTE not in err
    assert len(records(kiosk, "kiosk.start")) == starts


def test_a_hung_kiosk_is_an_error_not_a_reason_to_open_the_devices(
        toml: Path, short: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import technician.control_client as client

    monkeypatch.setattr(client, "TIMEOUT_S", 0.5)
    secrets = tmp_path / "secrets"  # beside data_dir (the key store's folder, issue 15)
    secrets.mkdir(parents=True)
    (secrets / "control.token").write_text("a" * 43)
    hung = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    hung.bind(str(short / "control.sock"))
    hung.listen(1)  # accepted by the kernel, never answered
    try:
        code, _out, err = cli(capsys, "diag", "status", "--config", str(toml))
    finally:
        hung.close()
    assert code == 1 and "did not answer within 0.5 s" in err and OFFLINE_NOTE not in err
    assert not (tmp_path / "var" / "journal.sqlite").exists()  # no runtime was started


# -- no kiosk: the command opens the devices itself ------------------------------------------


def test_without_a_kiosk_the_devices_are_opened_directly(
        toml: Path, short: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A kiosk that was killed left its socket: nobody listens, so nobody holds the devices.
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(short / "control.sock"))
    dead.close()
    cfg = ("--config", str(toml))

    code, out, err = run("diag", "counters", "--json", *cfg)
    assert code == 0, err
    assert OFFLINE_NOTE in err
    cards = json.loads(out)["cards"]
    # Opened as the kiosk opens it: the bin count reconciled with the device's counter.
    assert cards["retained"] == 2 and cards["retained_source"] == "device"
    counters_file = tmp_path / "var" / "card_dispenser_counters.json"
    assert counters_file.is_file()
    # --file: the saved counts alone, nothing opened (the README's older form still works).
    code, out, err = cli(capsys, "diag", "counters", "--file", str(counters_file), "--json")
    assert code == 0 and OFFLINE_NOTE not in err, err
    assert json.loads(out) == {"file": str(counters_file), "cards": cards}
    code, out, err = cli(capsys, "diag", "counters", "--file", str(counters_file))
    assert code == 0 and "retained         2  (bin count from the device)" in out
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    code, out, err = cli(capsys, "diag", "counters", "--file", str(bad))
    assert code == 1 and "not JSON" in err and "Traceback" not in err
    code, out, err = cli(capsys, "diag", "counters", "--file", str(tmp_path / "none.json"))
    assert code == 1 and "no counters file" in err
    code, out, err = cli(capsys, "diag", "counters", "--file", str(bad), "--live")
    assert code == 2

    code, out, err = cli(capsys, "diag", "replenish", "cards", "40", *cfg)
    assert code == 0 and OFFLINE_NOTE in err, err
    code, out, err = cli(capsys, "diag", "counters", "--json", *cfg)
    assert code == 0 and json.loads(out)["cards"]["stacker_loaded"] == 40

    code, out, err = cli(capsys, "diag", "service", "out", "card_issuance", "--reason",
                         "no cards delivered", *cfg)
    assert code == 0 and OFFLINE_NOTE in err, err
    code, out, err = cli(capsys, "diag", "status", "--json", *cfg)
    assert code == 0, err
    assert [(o["function"], o["who"], o["reason"]) for o in json.loads(out)["overrides"]] == [
        ("card_issuance", WHO, "no cards delivered")]
    code, out, err = cli(capsys, "diag", "journal", "--json", *cfg)
    assert code == 0 and json.loads(out)["ok"]

    from kiosk_core.journal import Journal

    journal = Journal(tmp_path / "var" / "journal.sqlite", kiosk_id="KIOSK-DEMO-01")
    try:
        data = [(r.kind, r.data) for r in journal.records() if r.kind.startswith("technician.")]
    finally:
        journal.close()
    assert data == [
        ("technician.replenish", {"supply": "cards", "count": 40, "who": WHO}),
        ("technician.service_out", {"function": "card_issuance", "who": WHO,
                                    "reason": "no cards delivered"})]
    assert not (short / "control.sock").exists() or not _listening(short / "control.sock")


def _listening(path: Path) -> bool:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(str(path))
        return True
    except OSError:
        return False
    finally:
        s.close()


# -- kiosk technician hash-pin ---------------------------------------------------------------


def test_hash_pin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    code, out, err = run_stdin(f"{PIN}\n", "technician", "hash-pin", "--pin-stdin")
    assert code == 0, err
    line = out.strip()
    assert line.startswith("scrypt$") and pin_matches(PIN, line)
    assert not pin_matches("135790", line) and "kiosk.toml" in err

    monkeypatch.setattr(sys, "stdin", io.StringIO("12\n"))
    code, out, err = cli(capsys, "technician", "hash-pin", "--pin-stdin")
    assert code == 1 and "4 to 12 digits" in err and not out
    answers = iter(["246810", "246811"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    code, out, err = cli(capsys, "technician", "hash-pin")
    assert code == 1 and "differ" in err and not out
    answers = iter(["97531246", "97531246"])
    code, out, err = cli(capsys, "technician", "hash-pin")
    assert code == 0 and pin_matches("97531246", out.strip())


def run_stdin(stdin: str, *argv: str) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-m", "kiosk_app.cli", *argv], cwd=REPO,
                          input=stdin, capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr
