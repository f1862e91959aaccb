"""``kiosk fleet …``: the operations centre's view of the fleet and its signed commands.

``kiosk fleet status [--json]`` lists every kiosk the broker knows with its state and age;
``kiosk fleet keygen --out DIR`` makes the command-signing key pair;
``kiosk fleet send KIOSK BRANCH out|in|reload --key FILE`` signs and sends a command and
prints the kiosk's answer. Broker, login and topic prefix default to ``[fleet]`` in
kiosk.toml; ``--broker``, ``--username`` and ``--password-file`` override them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk_core.cli import CommandError, Commands, command_config

if TYPE_CHECKING:
    import paho.mqtt.client as mqtt

    from fleet.broker import BrokerAddress, Credentials
    from fleet.signing import CommandName

#: ``kiosk fleet send``'s verbs and the command names on the wire.
VERBS: dict[str, CommandName] = {
    "out": "out_of_service", "in": "in_service", "reload": "reload_config"}
SEND_WAIT_S = 5.0


def add_commands(cli: Commands) -> None:
    fleet = cli.group("fleet", "the kiosk fleet over MQTT: status, command keys, commands")

    st = fleet.add_parser("status", help="every kiosk the broker knows: state, age, devices")
    st.add_argument("--json", action="store_true")
    st.add_argument("--wait", type=float, default=3.0, metavar="S",
                    help="at most this long for the retained status (default %(default)s)")
    _broker_options(st)
    st.set_defaults(handler=status)

    kg = fleet.add_parser("keygen", help="make the operations centre's command-signing keys")
    kg.add_argument("--out", required=True, type=Path, help="folder for the two files")
    kg.add_argument("--name", default="fleet_command",
                    help="file name stem: NAME.key (private, 0600) and NAME.pub "
                         "(default %(default)s)")
    kg.set_defaults(handler=keygen)

    sd = fleet.add_parser("send", help="sign and send a command to one kiosk, print its answer")
    sd.add_argument("kiosk")
    sd.add_argument("branch")
    sd.add_argument("verb", choices=sorted(VERBS))
    sd.add_argument("--function", default="*", help='a function id or "*" (default: the whole '
                    "kiosk)")
    sd.add_argument("--reason", default="", help="shown to technicians and journalled")
    sd.add_argument("--key", required=True, type=Path, help="the private key (PEM) from keygen")
    sd.add_argument("--issuer", default=None, help="who sends it (default: ops:<login name>)")
    sd.add_argument("--timeout", type=float, default=SEND_WAIT_S,
                    help="seconds to wait for the answer (default %(default)s)")
    _broker_options(sd)
    sd.set_defaults(handler=send)


def _broker_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--broker", help="mqtt://host:port (default: [fleet] broker)")
    p.add_argument("--username", help="broker login (default: [fleet] username)")
    p.add_argument("--password-file", type=Path,
                   help="file with the broker password (default: [fleet] password_file)")
    p.add_argument("--prefix", help="topic prefix (default: [fleet] topic_prefix)")
    p.add_argument("--config", help="kiosk.toml")


def _connection(args: argparse.Namespace) -> tuple[BrokerAddress, Credentials, str]:
    from fleet.broker import FleetConfigError, parse_broker, read_credentials
    from fleet.settings import FleetSettings

    cfg = command_config(args.config)
    try:
        settings = cfg.section(FleetSettings)
    except LookupError:
        settings = FleetSettings()
    try:
        address = parse_broker(args.broker or settings.broker)
        creds = read_credentials(settings, cfg.path("secrets_dir"), args.username,
                                 args.password_file)
    except FleetConfigError as exc:
        raise CommandError(str(exc)) from None
    return address, creds, args.prefix or settings.topic_prefix


def status(args: argparse.Namespace) -> int:
    from fleet.view import FleetView, format_table

    address, creds, prefix = _connection(args)
    view = FleetView(address, creds, prefix)
    view.start()
    try:
        view.settle(args.wait)
        if not view.wait_ready(0):
            raise CommandError(f"no answer from {address.url} within {args.wait:g} s"
                               + (f": {view.error}" if view.error else ""))
        kiosks = view.kiosks()
    finally:
        view.stop()
    if args.json:
        print(json.dumps({"broker": address.url, "prefix": prefix, "kiosks": kiosks},
                         indent=2, ensure_ascii=False))
    else:
        print(format_table(kiosks))
    return 0


def keygen(args: argparse.Namespace) -> int:
    from fleet.signing import generate_keypair

    out: Path = args.out
    private_path, public_path = out / f"{args.name}.key", out / f"{args.name}.pub"
    for p in (private_path, public_path):
        if p.exists():
            raise CommandError(f"{p} exists: not overwritten (move it away first)")
    private, public = generate_keypair()
    try:
        out.mkdir(parents=True, exist_ok=True)
        # Created 0600 (never world-readable, not even for a moment).
        fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(private)
        public_path.write_bytes(public)
    except OSError as exc:
        raise CommandError(f"cannot write the keys in {out}: {exc.strerror}") from None
    print(f"private key: {private_path} (0600; keep it at the operations centre)")
    print(f"public key:  {public_path} (copy to each kiosk's secrets_dir as "
          "[fleet] command_key_file)")
    return 0


def send(args: argparse.Namespace) -> int:
    import getpass
    import threading
    import time

    from fleet.broker import make_client
    from fleet.signing import FleetCommand, load_private_key, new_nonce, sign_command
    from fleet.topics import KioskTopics

    try:
        key = load_private_key(args.key)
    except FileNotFoundError:
        raise CommandError(f"{args.key}: no such key file") from None
    except (OSError, ValueError) as exc:
        raise CommandError(str(exc)) from None
    address, creds, prefix = _connection(args)
    topics = KioskTopics(prefix, args.branch, args.kiosk)
    issuer = args.issuer or f"ops:{getpass.getuser()}"
    cmd = FleetCommand(kiosk=args.kiosk, branch=args.branch, name=VERBS[args.verb],
                       function=args.function, reason=args.reason, issued_at=time.time(),
                       nonce=new_nonce(), issuer=issuer)
    payload = sign_command(key, cmd)
    answer: dict[str, object] = {}
    got = threading.Event()
    subscribed = threading.Event()

    client = make_client(f"fleet-send-{cmd.nonce[:12]}", address, creds)

    def on_connect(c: object, u: object, f: object, reason: object, p: object) -> None:
        client.subscribe(topics.command_result, qos=1)

    def on_subscribe(c: object, u: object, mid: int, reasons: object, p: object) -> None:
        subscribed.set()

    def on_message(c: object, u: object, message: mqtt.MQTTMessage) -> None:
        try:
            value = json.loads(message.payload)
        except ValueError:
            return
        if isinstance(value, dict) and value.get("nonce") == cmd.nonce:
            answer.update(value)
            got.set()

    client.on_connect = on_connect
    client.on_subscribe = on_subscribe
    client.on_message = on_message
    client.connect_async(address.host, address.port, keepalive=30)
    client.loop_start()
    try:
        if not subscribed.wait(args.timeout):
            raise CommandError(f"cannot reach {address.url} within {args.timeout:g} s")
        client.publish(topics.command, payload, qos=1).wait_for_publish(args.timeout)
        got.wait(args.timeout)
    finally:
        client.disconnect()
        client.loop_stop()
    if not got.is_set():
        print(f"no answer from {args.branch}/{args.kiosk} within {args.timeout:g} s "
              "(offline, or not subscribed under this prefix)", file=sys.stderr)
        return 1
    print(json.dumps(answer, ensure_ascii=False))
    if not answer.get("accepted"):
        print(f"refused: {answer.get('reason')}: {answer.get('detail', '')}", file=sys.stderr)
        return 1
    return 1 if answer.get("error") else 0
