"""``kiosk install``: lay out the kiosk as a system service under a root directory.

Everything is written below ``--prefix`` (a staging directory, a disk image's root, or
``/`` itself), as a package would install it::

    etc/systemd/system/smartbranch-kiosk.service   the unit (Type=notify, watchdog, hardening)
    etc/udev/rules.d/99-smartbranch.rules          /dev/smartbranch/<kind>, the kiosk's group
    etc/sysusers.d/smartbranch.conf                the dedicated user and its groups
    etc/tmpfiles.d/smartbranch.conf                data dir, logs, secrets (modes)
    etc/pam.d/smartbranch-kiosk                    the display session's logind session
    etc/smartbranch/kiosk.toml                     devices by their /dev/smartbranch names
    opt/smartbranch/bin/smartbranch-session        the display session (cage or X, no WM)
    opt/smartbranch/docs/operations.md

Paths *inside* the files are the target system's (``/opt/smartbranch``), never the prefix.
Running it again changes nothing that is already right, and never overwrites kiosk.toml
(the branch's own settings). Only ``--prefix /`` touches the running system, and only then
are the users, directories, udev and systemd told (``systemd-sysusers``, …).

The templates live in the repository's ``deploy/`` folder (docs/operations.md).
"""

from __future__ import annotations

import argparse
import grp
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kiosk_core.cli import CommandError, Commands


def _shipped(name: str) -> Path:
    """``deploy/`` or ``docs/`` of the checkout, or of an installed wheel (its data files,
    <venv>/share/smartbranch/)."""
    checkout = Path(__file__).resolve().parents[1] / name
    return checkout if checkout.exists() else Path(sys.prefix) / "share" / "smartbranch" / name


DEPLOY = _shipped("deploy")
DOCS = _shipped("docs")
OPT = Path("/opt/smartbranch")
CONFIG = Path("/etc/smartbranch/kiosk.toml")
DATA_DIR = Path("/var/lib/smartbranch")
UNIT = "smartbranch-kiosk.service"
LINK_DIR = "smartbranch"  # /dev/smartbranch/<kind>
SESSIONS = ("cage", "x11")

#: Where each device is when not told otherwise: on-board RS-232 ports for the card
#: dispenser and the PIN pad, the Epson TM-T88V on USB, the first camera.
DEFAULT_DEVICES = {
    "card_dispenser": "tty:ttyS0",
    "pinpad": "tty:ttyS1",
    "printer": "usb:04b8:0202",
    "camera": "video:0",
}
SERIAL_KINDS = ("card_dispenser", "pinpad")

_PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")
_HEX4 = re.compile(r"^[0-9a-fA-F]{4}\Z")
_SAFE = re.compile(r"^[A-Za-z0-9._:+-]+\Z")  # what a match value may hold inside a rule


def add_commands(cli: Commands) -> None:
    p = cli.root.add_parser(
        "install", help="lay out the kiosk as a systemd service (unit, udev rules, user, session)")
    p.add_argument("--prefix", required=True,
                   help="root directory to install under (a staging dir; '/' for this machine)")
    p.add_argument("--user", default="smartbranch",
                   help="the kiosk's own user (default: %(default)s)")
    p.add_argument("--session", choices=SESSIONS, default="cage",
                   help="display session: cage (Wayland kiosk compositor) or x11 (X, no WM)")
    p.add_argument("--venv", default=sys.prefix,
                   help="the Python environment smartbranch is installed in "
                        "(default: this one, %(default)s)")
    p.add_argument("--device", action="append", default=[], metavar="KIND=WHERE",
                   help="where a device is: tty:ttyS0 (on-board port), usb:VID:PID[:SERIAL], "
                        "port:ID_PATH (a USB socket, from `udevadm info`), video:N (camera); "
                        f"defaults: {', '.join(f'{k}={v}' for k, v in DEFAULT_DEVICES.items())}")
    p.add_argument("--kiosk-id", default="KIOSK-01", help="kiosk.toml [kiosk] id")
    p.add_argument("--branch", default="Branch", help="kiosk.toml [kiosk] branch")
    p.add_argument("--tty", default="tty1", help="the VT the display session runs on")
    p.add_argument("--watchdog-s", type=int, default=30, help="WatchdogSec= (seconds)")
    p.set_defaults(handler=install_command)


# -- devices and their udev rules -------------------------------------------------------

@dataclass(frozen=True)
class DeviceMatch:
    """Where one device is, as udev sees it."""

    kind: str
    how: str  # tty | usb | port | video
    values: tuple[str, ...]

    @property
    def link(self) -> str:
        return f"/dev/{LINK_DIR}/{self.kind}"

    def url(self) -> str:
        """The device's URL in kiosk.toml."""
        if self.kind == "camera":
            return f"cam://{self.values[0]}" if self.how == "video" else "cam://0"
        if self.kind == "printer":
            if self.how == "usb":
                return f"usb://{self.values[0]}:{self.values[1]}"
            return f"serial://{self.link}"
        return self.link

    def rule(self, group: str) -> str:
        """One udev rule: the stable link, the kiosk's group, 0660."""
        keys: list[str]
        if self.kind == "camera":
            keys = ['SUBSYSTEM=="video4linux"', 'KERNEL=="video*"']
        elif self.kind == "printer" and self.how == "usb":
            keys = ['SUBSYSTEM=="usb"', 'ENV{DEVTYPE}=="usb_device"']
        else:
            keys = ['SUBSYSTEM=="tty"']
        usb_attr = "ATTR" if self.kind == "printer" and self.how == "usb" else "ATTRS"
        if self.how == "tty":
            keys.append(f'KERNEL=="{self.values[0]}"')
        elif self.how == "usb":
            keys += [f'{usb_attr}{{idVendor}}=="{self.values[0]}"',
                     f'{usb_attr}{{idProduct}}=="{self.values[1]}"']
            if len(self.values) > 2:
                keys.append(f'{usb_attr}{{serial}}=="{self.values[2]}"')
        elif self.how == "port":
            keys.append(f'ENV{{ID_PATH}}=="{self.values[0]}"')
        if self.kind == "camera" and self.how == "video":
            keys.append(f'ATTR{{index}}=="{self.values[0]}"')
        keys += [f'SYMLINK+="{LINK_DIR}/{self.kind}"', f'GROUP="{group}"', 'MODE="0660"',
                 'TAG+="systemd"']
        return ", ".join(keys)


def parse_device(kind: str, where: str) -> DeviceMatch:
    """``--device KIND=WHERE`` → a match; every mistake named."""
    if kind not in DEFAULT_DEVICES:
        raise CommandError(f"--device {kind}=…: unknown device kind "
                           f"(known: {', '.join(DEFAULT_DEVICES)})")
    how, _, rest = where.partition(":")
    values = tuple(rest.split(":")) if how in ("usb", "video", "tty") else (rest,)
    bad = f"--device {kind}={where}:"
    if not rest or any(not v or not _SAFE.match(v) for v in values):
        raise CommandError(f"{bad} expected tty:NAME, usb:VID:PID[:SERIAL], port:ID_PATH "
                           "or video:N (letters, digits and ._:+- only)")
    if how == "tty":
        if kind == "camera" or len(values) != 1:
            raise CommandError(f"{bad} tty:NAME is for serial devices (e.g. tty:ttyS0)")
    elif how == "usb":
        if len(values) not in (2, 3) or not all(_HEX4.match(v) for v in values[:2]):
            raise CommandError(f"{bad} expected usb:VID:PID[:SERIAL], VID and PID in hex "
                               "(from lsusb, e.g. usb:0403:6001:A10K4ZQ3)")
        values = (values[0].lower(), values[1].lower(), *values[2:])
    elif how == "port":
        if kind == "printer":
            raise CommandError(f"{bad} a USB printer is found by usb:VID:PID (python-escpos)")
    elif how == "video":
        if kind != "camera" or len(values) != 1 or not values[0].isdigit():
            raise CommandError(f"{bad} video:N is for the camera (its capture index)")
    else:
        raise CommandError(f"{bad} unknown kind of place '{how}' (tty, usb, port, video)")
    return DeviceMatch(kind, how, values)


def device_matches(options: Iterable[str]) -> dict[str, DeviceMatch]:
    """The defaults, overridden by ``--device`` options."""
    chosen = dict(DEFAULT_DEVICES)
    for option in options:
        kind, sep, where = option.partition("=")
        if not sep:
            raise CommandError(f"--device {option}: expected KIND=WHERE (e.g. pinpad=tty:ttyS1)")
        chosen[kind] = where
    return {kind: parse_device(kind, where) for kind, where in chosen.items()}


def udev_rules(devices: Mapping[str, DeviceMatch], group: str) -> str:
    """The whole 99-smartbranch.rules: a header, then one rule per device."""
    header = (DEPLOY / "udev" / "99-smartbranch.rules.head").read_text("utf-8")
    lines = [header.rstrip("\n"), ""]
    for kind in DEFAULT_DEVICES:
        match = devices[kind]
        lines.append(f"# {kind}: {match.how}:{':'.join(match.values)} -> {match.link}")
        lines.append(match.rule(group))
    return "\n".join(lines) + "\n"


# -- the layout ------------------------------------------------------------------------

def render(template: str, values: Mapping[str, str]) -> str:
    """``@NAME@`` fields filled; a field with no value is an error (a template typo)."""
    missing = sorted({m.group(1) for m in _PLACEHOLDER.finditer(template)} - set(values))
    if missing:
        raise CommandError(f"template fields without a value: {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


@dataclass(frozen=True)
class Planned:
    path: Path  # relative to the prefix
    content: str
    mode: int
    keep_existing: bool = False  # kiosk.toml: the branch's edits win


def plan(args: argparse.Namespace) -> list[Planned]:
    """Every file ``kiosk install`` writes, rendered."""
    if not _SAFE.match(args.user) or args.user[0] in "-.":
        raise CommandError(f"--user {args.user!r}: not a user name")
    if not re.fullmatch(r"tty[0-9]+", args.tty):
        raise CommandError(f"--tty {args.tty!r}: expected a VT such as tty1")
    if not 2 <= args.watchdog_s <= 3600:
        raise CommandError("--watchdog-s: between 2 and 3600 seconds")
    venv = Path(args.venv)
    if not venv.is_absolute():
        raise CommandError(f"--venv {args.venv}: must be an absolute path")
    for name, text in (("--kiosk-id", args.kiosk_id), ("--branch", args.branch)):
        if not text or '"' in text or "\\" in text or "\n" in text:
            raise CommandError(f"{name}: must be non-empty, without quotes or backslashes")
    devices = device_matches(args.device)
    values = {
        "USER": args.user, "OPT": str(OPT), "VENV": str(venv), "CONFIG": str(CONFIG),
        "SESSION": args.session, "TTY": args.tty, "WATCHDOG_S": str(args.watchdog_s),
        "KIOSK_ID": args.kiosk_id, "BRANCH": args.branch,
        **{f"{kind.upper()}_URL": m.url() for kind, m in devices.items()},
    }

    def template(name: str) -> str:
        return render((DEPLOY / name).read_text("utf-8"), values)

    docs = DOCS / "operations.md"
    return [
        Planned(Path("etc/systemd/system") / UNIT, template("systemd/smartbranch-kiosk.service"),
                0o644),
        Planned(Path("etc/udev/rules.d/99-smartbranch.rules"), udev_rules(devices, args.user),
                0o644),
        Planned(Path("etc/sysusers.d/smartbranch.conf"), template("systemd/smartbranch.sysusers"),
                0o644),
        Planned(Path("etc/tmpfiles.d/smartbranch.conf"), template("systemd/smartbranch.tmpfiles"),
                0o644),
        Planned(Path("etc/pam.d/smartbranch-kiosk"), template("pam.d/smartbranch-kiosk"), 0o644),
        Planned(CONFIG.relative_to("/"), template("kiosk.toml"), 0o640, keep_existing=True),
        Planned((OPT / "bin/smartbranch-session").relative_to("/"),
                (DEPLOY / "bin/smartbranch-session").read_text("utf-8"), 0o755),
        Planned((OPT / "docs/operations.md").relative_to("/"), docs.read_text("utf-8"), 0o644),
    ]


def write(prefix: Path, files: Iterable[Planned]) -> list[tuple[str, Path]]:
    """Write what differs; returns (written | unchanged | kept, path) per file."""
    done: list[tuple[str, Path]] = []
    for item in files:
        target = prefix / item.path
        if target.is_symlink() or (target.exists() and not target.is_file()):
            raise CommandError(f"{target}: exists and is not a regular file; not replacing it")
        if target.exists():
            if item.keep_existing:
                done.append(("kept", target))
                continue
            if target.read_text("utf-8") == item.content:
                if (target.stat().st_mode & 0o7777) != item.mode:
                    target.chmod(item.mode)
                done.append(("unchanged", target))
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(item.content, "utf-8")
        tmp.chmod(item.mode)
        os.replace(tmp, target)  # never a half-written unit or rules file
        done.append(("written", target))
    return done


def activation(prefix: Path, user: str) -> list[list[str]]:
    """What makes the laid-out files live on the machine at ``prefix`` (run for ``/``,
    printed for any other prefix: the image's first boot or the packager runs them)."""
    etc = prefix / "etc"
    return [
        ["systemd-sysusers", str(etc / "sysusers.d/smartbranch.conf")],
        ["systemd-tmpfiles", "--create", str(etc / "tmpfiles.d/smartbranch.conf")],
        ["chgrp", user, str(prefix / CONFIG.relative_to("/"))],
        ["udevadm", "control", "--reload-rules"],
        ["udevadm", "trigger", "--action=add", "--subsystem-match=tty",
         "--subsystem-match=usb", "--subsystem-match=video4linux"],
        ["systemctl", "daemon-reload"],
        ["systemctl", "enable", UNIT],
    ]


def install_command(args: argparse.Namespace) -> int:
    prefix = Path(args.prefix)
    if not prefix.is_absolute():
        prefix = prefix.resolve()
    if not DEPLOY.is_dir():
        raise CommandError(f"{DEPLOY}: the deploy templates are missing (install from a "
                           "source checkout of smartbranch)")
    files = plan(args)
    live = prefix.resolve() == Path("/")
    if live and os.geteuid() != 0:
        raise CommandError("--prefix /: installing on this machine needs root")
    prefix.mkdir(parents=True, exist_ok=True)
    for state, path in write(prefix, files):
        print(f"{state:9} {path}")
    kiosk = Path(args.venv) / "bin" / "kiosk"
    if not (prefix / kiosk.relative_to("/")).exists():
        print(f"note: {kiosk} is not there under {prefix}; install smartbranch in {args.venv} "
              "(docs/operations.md) or pass --venv", file=sys.stderr)
    steps = activation(prefix, args.user)
    if not live:
        print("then, on the target machine (as root):")
        for step in activation(Path("/"), args.user):
            print("  " + " ".join(step))
        return 0
    for step in steps:
        if step[0] == "chgrp":
            try:
                grp.getgrnam(args.user)
            except KeyError:
                print(f"warning: no group {args.user}; {CONFIG} stays root's", file=sys.stderr)
                continue
        if shutil.which(step[0]) is None:
            print(f"skipped (no {step[0]}): {' '.join(step)}", file=sys.stderr)
            continue
        done = subprocess.run(step, capture_output=True, text=True, timeout=120)
        print(f"{'ok' if done.returncode == 0 else 'failed':9} {' '.join(step)}")
        if done.returncode != 0:
            print(done.stderr.strip(), file=sys.stderr)
    print(f"start it: systemctl start {UNIT}; follow it: journalctl -u {UNIT} -f")
    return 0
