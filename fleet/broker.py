"""Connecting to the bank's MQTT broker: the address, the credentials, a paho client.

``[fleet] broker`` is ``mqtt://host[:port]`` (1883 by default) or ``mqtts://host[:port]``
(TLS against the system's CA certificates, 8883 by default). The password is never in
kiosk.toml or the URL: it is the first line of ``secrets_dir/[fleet] password_file``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt

from fleet.settings import FleetSettings


class FleetConfigError(Exception):
    """``[fleet]`` cannot be used as written; the message names the key or the file."""


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'mqtts' if self.tls else 'mqtt'}://{host}:{self.port}"


def parse_broker(url: str) -> BrokerAddress:
    if not url:
        raise FleetConfigError('fleet.broker is empty (fleet telemetry is off)')
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FleetConfigError(f"fleet.broker {url!r}: {exc}") from None
    if parts.scheme not in ("mqtt", "mqtts"):
        raise FleetConfigError(f"fleet.broker {url!r}: expected mqtt://host:port or mqtts://…")
    if parts.username is not None or parts.password is not None:
        raise FleetConfigError(
            f"fleet.broker {url!r}: no credentials in the URL (fleet.username and "
            "fleet.password_file)")
    if not parts.hostname:
        raise FleetConfigError(f"fleet.broker {url!r}: no host")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise FleetConfigError(f"fleet.broker {url!r}: a broker URL has no path or query")
    tls = parts.scheme == "mqtts"
    return BrokerAddress(parts.hostname, port or (8883 if tls else 1883), tls)


def in_secrets(secrets_dir: Path, name: Path) -> Path:
    return name if name.is_absolute() else secrets_dir / name


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str | None


def read_credentials(settings: FleetSettings, secrets_dir: Path,
                     username: str | None = None, password_file: Path | None = None
                     ) -> Credentials:
    """The broker login: none without a username, else the password file must be readable."""
    user = settings.username if username is None else username
    if not user:
        return Credentials("", None)
    path = in_secrets(secrets_dir, password_file or settings.password_file)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FleetConfigError(
            f"fleet.password_file: {path} not found (the broker password for {user!r})"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FleetConfigError(f"fleet.password_file: cannot read {path}: {exc}") from None
    lines = text.splitlines()
    if not lines or not lines[0]:
        raise FleetConfigError(f"fleet.password_file: {path} is empty")
    return Credentials(user, lines[0])


def make_client(client_id: str, address: BrokerAddress, credentials: Credentials, *,
                clean_session: bool = True) -> mqtt.Client:
    """A paho 2.x client speaking MQTT 3.1.1 (what every broker a bank runs speaks)."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=mqtt.MQTTv311, clean_session=clean_session)
    if credentials.username:
        client.username_pw_set(credentials.username, credentials.password)
    if address.tls:
        client.tls_set()
    return client
