"""``kiosk install --prefix DIR`` (issue 17, item 3): the service laid out under a staging
root, idempotent, and checked by the tools the target machine runs — ``systemd-analyze
verify`` on the unit, ``systemd-sysusers`` on the user, ``udevadm test`` on the rules.

The tools run against the staged root inside a private mount namespace (``unshare -m``):
the host's /usr bind-mounted into the stage for systemd's own units, and for udev the
staged rules, users and a scratch /dev over the host's, so nothing on this machine changes.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from kiosk_app.install import DEFAULT_DEVICES, DEPLOY, device_matches, udev_rules

KIOSK = Path(sys.executable).parent / "kiosk"
UNIT = "etc/systemd/system/smartbranch-kiosk.service"
RULES = "etc/udev/rules.d/99-smartbranch.rules"
EXPECTED = {
    UNIT: 0o644,
    RULES: 0o644,
    "etc/sysusers.d/smartbranch.conf": 0o644,
    "etc/tmpfiles.d/smartbranch.conf": 0o644,
    "etc/pam.d/smartbranch-kiosk": 0o644,
    "etc/smartbranch/kiosk.toml": 0o640,
    "opt/smartbranch/bin/smartbranch-session": 0o755,
    "opt/smartbranch/docs/operations.md": 0o644,
}


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(KIOSK), *args], capture_output=True, text=True, timeout=60)


def install(prefix: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = kiosk("install", "--prefix", str(prefix), *args)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


def tree(prefix: Path) -> dict[str, tuple[str, int]]:
    return {str(p.relative_to(prefix)): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                         stat.S_IMODE(p.stat().st_mode))
            for p in sorted(prefix.rglob("*")) if p.is_file()}


def unit_settings(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            out.setdefault(key, []).append(value)
    return out


def test_lays_out_the_service_under_the_prefix_only(tmp_path: Path) -> None:
    stage = tmp_path / "stage"
    done = install(stage, "--user", "kiosk7", "--kiosk-id", "BR042-K1", "--branch", "West Lake")
    files = tree(stage)
    assert {name: mode for name, (_, mode) in files.items()} == EXPECTED
    assert "written" in done.stdout and "systemctl enable smartbranch-kiosk.service" in done.stdout

    unit = (stage / UNIT).read_text()
    s = unit_settings(unit)
    assert s["Type"] == ["notify"] and s["NotifyAccess"] == ["all"]
    assert s["WatchdogSec"] == ["30"] and s["Restart"] == ["on-failure"]
    assert s["User"] == ["kiosk7"] and s["Group"] == ["kiosk7"]
    assert s["ProtectSystem"] == ["strict"] and s["PrivateTmp"] == ["yes"]
    assert s["NoNewPrivileges"] == ["yes"] and s["ProtectHome"] == ["yes"]
    assert "/var/lib/smartbranch" in s["ReadWritePaths"][0].split()
    assert s["KillMode"] == ["mixed"]
    assert s["ExecStart"] == ["/opt/smartbranch/bin/smartbranch-session run "
                              "--config /etc/smartbranch/kiosk.toml"]
    assert f"KIOSK_BIN={sys.prefix}/bin/kiosk" in s["Environment"]
    assert "KIOSK_SESSION=cage" in s["Environment"]
    # Paths in the files are the target machine's, never the staging directory's.
    for name in files:
        text = (stage / name).read_text()
        assert str(stage) not in text, name
        assert not re.search(r"@[A-Z][A-Z0-9_]*@", text), name  # every field filled

    rules = (stage / RULES).read_text()
    assert 'KERNEL=="ttyS0", SYMLINK+="smartbranch/card_dispenser", GROUP="kiosk7"' in rules
    assert 'ATTR{idVendor}=="04b8", ATTR{idProduct}=="0202"' in rules
    assert "u kiosk7 -" in (stage / "etc/sysusers.d/smartbranch.conf").read_text()

    cfg = tomllib.loads((stage / "etc/smartbranch/kiosk.toml").read_text())
    assert cfg["kiosk"] == {**cfg["kiosk"], "id": "BR042-K1", "branch": "West Lake"}
    assert cfg["storage"]["data_dir"] == "/var/lib/smartbranch"
    assert cfg["devices"]["card_dispenser"]["url"] == "/dev/smartbranch/card_dispenser"
    assert cfg["devices"]["pinpad"]["url"] == "/dev/smartbranch/pinpad"
    assert cfg["devices"]["printer"]["url"] == "usb://04b8:0202"
    check = kiosk("config", "check", str(stage / "etc/smartbranch/kiosk.toml"))
    assert check.returncode == 0, check.stderr


def test_installing_again_changes_nothing_and_keeps_the_branch_config(tmp_path: Path) -> None:
    stage = tmp_path / "stage"
    install(stage)
    first = tree(stage)
    again = install(stage)
    assert tree(stage) == first
    states = {line.split()[0] for line in again.stdout.splitlines() if str(stage) in line}
    assert states == {"unchanged", "kept"}

    config = stage / "etc/smartbranch/kiosk.toml"
    config.write_text(config.read_text().replace('branch = "Branch"', 'branch = "Edited"'))
    (stage / UNIT).write_text("damaged")
    (stage / "opt/smartbranch/bin/smartbranch-session").chmod(0o600)
    repaired = install(stage, "--watchdog-s", "20")
    assert 'branch = "Edited"' in config.read_text()  # the branch's edit survives
    assert f"written   {stage / UNIT}" in repaired.stdout
    assert "WatchdogSec=20\n" in (stage / UNIT).read_text()
    assert stat.S_IMODE((stage / "opt/smartbranch/bin/smartbranch-session").stat().st_mode) \
        == 0o755
    assert not list(stage.rglob(".*.tmp"))


def test_devices_where_the_site_has_them(tmp_path: Path) -> None:
    stage = tmp_path / "stage"
    install(stage, "--device", "card_dispenser=usb:0403:6001:A10K4ZQ3",
            "--device", "pinpad=port:pci-0000:00:14.0-usb-0:3:1.0",
            "--device", "printer=usb:04B8:0E15", "--device", "camera=video:2")
    rules = (stage / RULES).read_text()
    assert ('SUBSYSTEM=="tty", ATTRS{idVendor}=="0403", ATTRS{idProduct}=="6001", '
            'ATTRS{serial}=="A10K4ZQ3", SYMLINK+="smartbranch/card_dispenser"') in rules
    assert 'ENV{ID_PATH}=="pci-0000:00:14.0-usb-0:3:1.0", SYMLINK+="smartbranch/pinpad"' in rules
    assert 'ATTR{idProduct}=="0e15", SYMLINK+="smartbranch/printer"' in rules
    assert 'ATTR{index}=="2", SYMLINK+="smartbranch/camera"' in rules
    cfg = tomllib.loads((stage / "etc/smartbranch/kiosk.toml").read_text())
    assert cfg["devices"]["printer"]["url"] == "usb://04b8:0e15"
    assert cfg["devices"]["camera"]["url"] == "cam://2"


@pytest.mark.parametrize(("args", "message"), [
    (["--device", "dispenser=tty:ttyS0"], "unknown device kind"),
    (["--device", "printer=usb:4b8:202"], "VID and PID in hex"),
    (["--device", "pinpad=usb:0403:6001:A1\"B"], "letters, digits"),
    (["--device", "printer=port:pci-0000:00:14.0-usb-0:3"], "usb:VID:PID"),
    (["--device", "camera=tty:ttyS0"], "serial devices"),
    (["--device", "pinpad"], "KIND=WHERE"),
    (["--user=-root"], "not a user name"),
    (["--tty", "ttyS0"], "a VT"),
    (["--branch", 'a"b'], "without quotes"),
])
def test_bad_options_are_named_and_nothing_is_written(tmp_path: Path, args: list[str],
                                                      message: str) -> None:
    stage = tmp_path / "stage"
    done = kiosk("install", "--prefix", str(stage), *args)
    assert done.returncode == 1, done.stdout
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not stage.exists()


def test_the_shipped_rules_are_the_default_layout() -> None:
    shipped = (DEPLOY / "udev" / "99-smartbranch.rules").read_text()
    assert shipped == udev_rules(device_matches([]), "smartbranch"), \
        "deploy/udev/99-smartbranch.rules is out of date: regenerate it with udev_rules()"
    assert set(DEFAULT_DEVICES) == {"card_dispenser", "pinpad", "printer", "camera"}


# -- the target machine's own tools -------------------------------------------------------

def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (dev.sh APT_PACKAGES: systemd, udev)")
    return path


def _in_namespace(script: str) -> subprocess.CompletedProcess[str]:
    """``script`` (sh) in a private mount namespace: its mounts vanish with it."""
    if os.geteuid() != 0:
        pytest.skip("needs root for a private mount namespace (unshare -m) over /dev and /etc")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"mount namespaces are not allowed here: {probe.stderr.strip()}")
    return subprocess.run(["unshare", "-m", "sh", "-ec", script], capture_output=True,
                          text=True, timeout=120)


def _verify(stage: Path) -> subprocess.CompletedProcess[str]:
    analyze = _tool("systemd-analyze")
    (stage / "usr").mkdir(exist_ok=True)  # systemd's own units (sysinit.target…) from /usr
    return _in_namespace(f"mount --bind /usr {shlex.quote(str(stage / 'usr'))}\n"
                         f"{analyze} --root={shlex.quote(str(stage))} verify "
                         "smartbranch-kiosk.service")


@pytest.mark.parametrize("session", ["cage", "x11"])
def test_systemd_analyze_verifies_the_laid_out_unit(tmp_path: Path, session: str) -> None:
    stage = tmp_path / "stage"
    install(stage, "--session", session)
    done = _verify(stage)
    assert done.returncode == 0 and not done.stdout.strip() and not done.stderr.strip(), \
        done.stdout + done.stderr


def test_systemd_analyze_catches_a_broken_unit(tmp_path: Path) -> None:
    stage = tmp_path / "stage"
    install(stage)
    unit = stage / UNIT
    unit.write_text(unit.read_text().replace("ProtectSystem=strict", "ProtectSystm=strict")
                    .replace("WatchdogSec=30", "WatchdogSec=thirty"))
    output = (lambda d: d.stdout + d.stderr)(_verify(stage))
    assert "Unknown key" in output and "ProtectSystm" in output, output
    assert "thirty" in output, output


def _udev_test(stage: Path, devpath: str = "/sys/class/tty/ttyS0") -> str:
    """``udevadm test`` with the staged rules, users and groups, on a scratch /dev."""
    udevadm = _tool("udevadm")
    sysusers = _tool("systemd-sysusers")
    made = subprocess.run([sysusers, f"--root={stage}"], capture_output=True, text=True,
                          timeout=60)
    assert made.returncode == 0, made.stderr  # the sysusers snippet is valid and applies
    if not Path(devpath).exists():
        pytest.skip(f"{devpath} is not in this machine's sysfs")
    rdev = os.stat("/dev/ttyS0").st_rdev if Path("/dev/ttyS0").exists() else os.makedev(4, 64)
    q = shlex.quote
    done = _in_namespace("\n".join([
        "mount -t tmpfs tmpfs /dev",
        f"mknod /dev/ttyS0 c {os.major(rdev)} {os.minor(rdev)} || true",  # udev chmods it
        "mkdir -p /run/udev && mount -t tmpfs tmpfs /run/udev",
        f"mount --bind {q(str(stage / 'etc/udev/rules.d'))} /etc/udev/rules.d",
        f"mount --bind {q(str(stage / 'etc/group'))} /etc/group",
        f"mount --bind {q(str(stage / 'etc/passwd'))} /etc/passwd",
        f"{udevadm} test --action=add {q(devpath)}",
    ]))
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _rules_problems(output: str) -> list[str]:
    """udev's complaints about our file while reading it (not its per-device results)."""
    return [line for line in output.splitlines()
            if line.startswith("/etc/udev/rules.d/99-smartbranch.rules:")]


def test_udevadm_applies_the_rules_to_a_serial_port(tmp_path: Path) -> None:
    stage = tmp_path / "stage"
    install(stage, "--device", "pinpad=usb:0403:6001:A10K4ZQ3",
            "--device", "camera=port:pci-0000:00:14.0-usb-0:4:1.0")
    output = _udev_test(stage)
    assert _rules_problems(output) == [], output
    gid = next(line.split(":")[2] for line in (stage / "etc/group").read_text().splitlines()
               if line.startswith("smartbranch:"))
    ours = [line for line in output.splitlines() if "99-smartbranch.rules:" in line]
    assert any(line.endswith("LINK 'smartbranch/card_dispenser'") for line in ours), output
    assert any(line.endswith(f"GROUP {gid}") for line in ours), output
    assert any(line.endswith("MODE 0660") for line in ours), output
    assert "DEVLINKS=/dev/smartbranch/card_dispenser" in output
    assert not Path("/dev/smartbranch").exists()  # made on the scratch /dev only


def test_udevadm_reports_a_broken_rule(tmp_path: Path) -> None:
    stage = tmp_path / "stage"
    install(stage)
    rules = stage / RULES
    rules.write_text(rules.read_text() + 'SUBSYSTEM=="tty", SYMLNK+="smartbranch/x"\n')
    problems = _rules_problems(_udev_test(stage))
    assert any("SYMLNK" in p for p in problems), problems
