"""The key store: a key per purpose, strict permissions, outside data_dir, rotation, migration."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from shutil import which as shutil_which

import pytest

from kiosk_core.config import ConfigError, CoreConfig, validate
from kiosk_core.keystore import (
    PURPOSES,
    KeyStore,
    KeyStoreError,
    Tpm,
    relocate_legacy_secrets,
)


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_each_purpose_has_its_own_key_in_owner_only_files(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "secrets", wrap="none")
    keys = {p: store.ring(p).material() for p in PURPOSES}
    assert len(set(keys.values())) == len(PURPOSES)  # no two purposes share a key
    assert all(len(k) == 32 for k in keys.values())
    assert _mode(store.root) == 0o700
    for p in PURPOSES:
        d = store.root / p
        assert _mode(d) == 0o700
        assert _mode(d / "v1.key") == 0o600 and _mode(d / "v1.json") == 0o600
        assert (d / "v1.key").stat().st_uid == os.geteuid()
    # A second store (another process) reads the same keys; nothing is made again.
    again = KeyStore(tmp_path / "secrets", wrap="none")
    assert {p: again.ring(p).material() for p in PURPOSES} == keys
    assert sorted(x.name for x in (store.root / "queue-links").iterdir()) == ["v1.json",
                                                                              "v1.key"]
    assert repr(store.ring("queue-links")) == "KeyRing('queue-links', versions=[1])"


def test_racing_first_uses_agree_on_one_key(tmp_path: Path) -> None:
    got: list[bytes] = []
    barrier = threading.Barrier(8)

    def make() -> None:
        barrier.wait()
        got.append(KeyStore(tmp_path / "s", wrap="none").ring("journal-sealing").material())

    threads = [threading.Thread(target=make) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 8 and len(set(got)) == 1
    assert sorted(p.name for p in (tmp_path / "s" / "keys" / "journal-sealing").iterdir()) \
        == ["v1.json", "v1.key"]


def test_a_key_file_others_can_read_is_refused_not_used(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "secrets", wrap="none")
    store.ring("biometric-vault")
    key = store.root / "biometric-vault" / "v1.key"
    before = key.read_bytes()
    os.chmod(key, 0o644)
    with pytest.raises(KeyStoreError, match=r"readable or writable by others \(mode 0644\).*"
                       r"chmod 600"):
        KeyStore(tmp_path / "secrets", wrap="none").ring("biometric-vault")
    assert key.read_bytes() == before  # refused, never replaced
    os.chmod(key, 0o600)
    os.chmod(store.root, 0o755)
    with pytest.raises(KeyStoreError, match=r"open to others \(mode 0755\).*chmod 700"):
        KeyStore(tmp_path / "secrets", wrap="none").ring("biometric-vault")
    os.chmod(store.root, 0o700)
    os.chmod(tmp_path / "secrets", 0o777)
    with pytest.raises(KeyStoreError, match="open to others"):
        KeyStore(tmp_path / "secrets", wrap="none").ring("biometric-vault")


def test_a_damaged_key_is_refused_naming_the_file(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "secrets", wrap="none")
    store.ring("print-jobs")
    key = store.root / "print-jobs" / "v1.key"
    key.write_bytes(b"short")
    with pytest.raises(KeyStoreError, match=r"print-jobs key v1 .*v1\.key\) is damaged"):
        KeyStore(tmp_path / "secrets", wrap="none").ring("print-jobs")


def test_an_unknown_purpose_is_named() -> None:
    with pytest.raises(KeyStoreError, match=r"unknown key purpose 'vault'.*biometric-vault"):
        KeyStore("/nonexistent", wrap="none").ring("vault")


# -- outside the data directory ----------------------------------------------------------


def test_secrets_dir_defaults_beside_the_data_dir(tmp_path: Path) -> None:
    cfg = validate(CoreConfig, {"kiosk": {"id": "K1", "branch": "B"}}, base_dir=tmp_path)
    assert cfg.data_dir == tmp_path / "var"
    assert cfg.path("secrets_dir") == tmp_path / "secrets"
    assert cfg.path("journal") == tmp_path / "var" / "journal.sqlite"


@pytest.mark.parametrize("secrets", ["var/secrets", "{tmp}/var/keys", "{tmp}/var"])
def test_a_secrets_dir_inside_the_data_dir_is_a_config_error(tmp_path: Path,
                                                             secrets: str) -> None:
    value = secrets.format(tmp=tmp_path)
    storage = {"data_dir": str(tmp_path / "var"), "secrets_dir": value}  # relative: beside
    with pytest.raises(ConfigError) as err:
        validate(CoreConfig, {"kiosk": {"id": "K1", "branch": "B"}, "storage": storage},
                 base_dir=tmp_path)
    assert err.value.problems[0].startswith("storage.secrets_dir: ")
    assert "inside storage.data_dir" in err.value.problems[0]


def test_the_old_secrets_folder_in_the_data_dir_is_moved_out(tmp_path: Path) -> None:
    cfg = validate(CoreConfig, {"kiosk": {"id": "K1", "branch": "B"}}, base_dir=tmp_path)
    old = cfg.data_dir / "secrets"
    old.mkdir(parents=True, mode=0o700)
    (old / "control.token").write_text("t" * 43)
    fd = os.open(old / "identity.key", os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b"k" * 32)
    os.close(fd)
    store = KeyStore.from_config(cfg)
    assert not old.exists()
    new = cfg.path("secrets_dir")
    assert (new / "control.token").read_text() == "t" * 43
    assert store.ring("biometric-vault").material() == b"k" * 32
    assert not (new / "identity.key").exists()  # imported, then overwritten and removed
    assert relocate_legacy_secrets(cfg) == []  # nothing left to move


# -- migration ---------------------------------------------------------------------------


def _legacy(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, data)
    os.close(fd)


def test_the_shared_vault_key_becomes_v1_of_each_purpose_that_used_it(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets"
    _legacy(secrets / "identity.key", b"\x07" * 32)
    store = KeyStore(secrets, wrap="none")
    assert store.ring("biometric-vault").material(1) == b"\x07" * 32
    assert not (secrets / "identity.key").exists()
    assert store.ring("esign-vault").material(1) == b"\x07" * 32
    # …and from now on they part: the next version of each is its own.
    store.rotate("biometric-vault")
    store.rotate("esign-vault")
    fresh = KeyStore(secrets, wrap="none")
    assert fresh.ring("biometric-vault").material() != fresh.ring("esign-vault").material()
    listed = {(v.purpose, v.version): v for v in fresh.versions()}
    assert listed[("esign-vault", 1)].source == "migrated from identity.key"
    assert listed[("esign-vault", 2)].current and not listed[("esign-vault", 1)].current


def test_old_vault_items_still_open_after_migration_and_rotation(tmp_path: Path) -> None:
    """An item written before the key store (SBV1, identity.key) opens after the key
    became biometric-vault v1 and after a rotation; new items use the newest version."""
    import secrets as rnd

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from identity.privacy import BiometricVault

    key = rnd.token_bytes(32)
    _legacy(tmp_path / "secrets" / "identity.key", key)
    item = tmp_path / "bio" / "S1" / "face.enc"
    item.parent.mkdir(parents=True)
    nonce = rnd.token_bytes(12)
    item.write_bytes(b"SBV1" + nonce + AESGCM(key).encrypt(nonce, b"old face", b"S1/face"))

    vault = BiometricVault(tmp_path / "bio", tmp_path / "secrets", retention_s=60)
    assert vault.get("S1", "face") == b"old face"
    KeyStore(tmp_path / "secrets", wrap="none").rotate("biometric-vault")
    vault = BiometricVault(tmp_path / "bio", tmp_path / "secrets", retention_s=60)
    vault.put("S1", "template", b"new template")
    blob = (tmp_path / "bio" / "S1" / "template.enc").read_bytes()
    assert blob[:8] == b"SBV2" + (2).to_bytes(4, "big")  # the key version in the record
    assert vault.get("S1", "template") == b"new template"
    assert vault.get("S1", "face") == b"old face"


def test_the_evidence_key_moves_in_and_old_records_verify_after_rotation(
        tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from esign import keys

    old = Ed25519PrivateKey.generate()
    pem = old.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    _legacy(tmp_path / "secrets" / keys.KEY_FILE, pem)
    store = KeyStore(tmp_path / "secrets", wrap="none")
    assert keys.key_id(keys.load_or_create(store)) == keys.key_id(old)
    assert not (tmp_path / "secrets" / keys.KEY_FILE).exists()
    store.rotate("evidence-signing")
    again = KeyStore(tmp_path / "secrets", wrap="none")
    current = keys.load_or_create(again)
    assert keys.key_id(current) != keys.key_id(old)  # new records: the new key
    known = keys.public_keys(again)
    assert set(known) == {keys.key_id(old), keys.key_id(current)}  # old ones still verify


def test_queue_links_printed_before_a_rotation_still_open(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from receipts.queue_page import links_for

    _legacy(tmp_path / "secrets" / "queue-links.key", b"q" * 32)
    cfg = SimpleNamespace(path=lambda name: tmp_path / "secrets")
    before = links_for(cfg).token(7, "2026-01-02", "zh_CN")
    KeyStore(tmp_path / "secrets", wrap="none").rotate("queue-links")
    links = links_for(cfg)
    after = links.token(7, "2026-01-02", "zh_CN")
    assert after.split("-")[2] == "z2"  # the key version rides after the language
    assert links.verify(before) is not None and links.verify(after) is not None
    assert links.verify(after.replace("z2", "z3")) is None  # a version we do not have
    assert links.verify(after.replace("z2", "z")) is None  # v1 with v2's signature


def test_print_jobs_kept_before_a_rotation_still_open(tmp_path: Path) -> None:
    from devices.printer.jobs import JobStore, PrintJob

    store = KeyStore(tmp_path / "secrets", wrap="none")
    ring = store.ring("print-jobs")
    jobs = JobStore(tmp_path / "jobs", key=ring)
    job = jobs.add(PrintJob(id="20261202T090000-0123abcd", template="t", lang="en_US",
                            title="Receipt", created=0.0), b"\x1b@old")
    store.rotate("print-jobs")
    ring2 = KeyStore(tmp_path / "secrets", wrap="none").ring("print-jobs")
    jobs2 = JobStore(tmp_path / "jobs", key=ring2)
    assert jobs2.data(job.id) == b"\x1b@old"
    assert not jobs2.set_aside


# -- the TPM -----------------------------------------------------------------------------


def test_without_a_tpm_keys_are_plain_files_and_sealed_ones_are_refused_clearly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TPM2TOOLS_TCTI", raising=False)
    real_exists = Path.exists
    monkeypatch.setattr(Path, "exists",
                        lambda self: False if str(self) == "/dev/tpmrm0" else real_exists(self))
    assert Tpm.detect() is None
    store = KeyStore(tmp_path / "secrets")  # "auto": no TPM, so plain 0600 files
    assert store.tpm is None
    store.ring("journal-sealing")
    assert (store.root / "journal-sealing" / "v1.key").exists()
    with pytest.raises(KeyStoreError, match='key_wrap = "tpm" but no TPM is available'):
        KeyStore(tmp_path / "secrets", wrap="tpm").ring("print-jobs")
    # A key sealed on another machine (or with the TPM gone): named, not a traceback.
    d = store.root / "esign-vault"
    d.mkdir(mode=0o700)
    for name in ("v1.pub", "v1.priv"):
        _legacy(d / name, b"sealed")
    with pytest.raises(KeyStoreError, match="sealed to this kiosk's TPM, but no TPM"):
        KeyStore(tmp_path / "secrets").ring("esign-vault")


# -- a real (software) TPM -----------------------------------------------------------------

needs_swtpm = pytest.mark.skipif(
    not (shutil_which("swtpm") and all(shutil_which(t) for t in Tpm.TOOLS)),
    reason="swtpm and tpm2-tools are not installed (dev.sh APT_PACKAGES has them)")


def _port_pair() -> int:
    import socket

    for _ in range(50):
        with socket.socket() as a, socket.socket() as b:
            a.bind(("127.0.0.1", 0))
            port = a.getsockname()[1]
            try:
                b.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
            return int(port)
    raise AssertionError("no two consecutive free ports")


class _SoftTpm:
    """swtpm on loopback TCP, with its own state folder (a machine's TPM)."""

    def __init__(self, state: Path) -> None:
        import subprocess
        import time

        self.port = _port_pair()  # the swtpm TCTI reaches the control port at port + 1
        ctrl = self.port + 1
        state.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            ["swtpm", "socket", "--tpm2", "--tpmstate", f"dir={state}",
             "--server", f"type=tcp,port={self.port},bindaddr=127.0.0.1",
             "--ctrl", f"type=tcp,port={ctrl},bindaddr=127.0.0.1",
             "--flags", "not-need-init,startup-clear"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.tpm = Tpm(f"swtpm:host=127.0.0.1,port={self.port}")
        deadline = time.monotonic() + 10
        while True:  # ready when a command goes through
            try:
                self.tpm._run(["tpm2_flushcontext", "-t"])
                break
            except KeyStoreError:
                assert self.proc.poll() is None, self.proc.stderr.read() if self.proc.stderr \
                    else "swtpm exited"
                assert time.monotonic() < deadline, "swtpm did not start"
                time.sleep(0.1)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        if self.proc.stderr:
            self.proc.stderr.close()


@pytest.fixture
def soft_tpm(tmp_path: Path) -> Iterator[_SoftTpm]:
    tpm = _SoftTpm(tmp_path / "tpm-state")
    yield tpm
    tpm.stop()


@needs_swtpm
def test_with_a_tpm_keys_are_sealed_to_it_and_useless_elsewhere(
        tmp_path: Path, soft_tpm: _SoftTpm) -> None:
    secrets = tmp_path / "secrets"
    store = KeyStore(secrets, tpm=soft_tpm.tpm)  # "auto" with a TPM: sealed
    key = store.ring("biometric-vault").material()
    d = store.root / "biometric-vault"
    assert sorted(p.name for p in d.iterdir()) == ["v1.json", "v1.priv", "v1.pub"]
    assert all(_mode(p) == 0o600 for p in d.iterdir())
    for p in d.iterdir():  # the key is nowhere on the disk in clear
        assert key not in p.read_bytes()
    assert KeyStore(secrets, tpm=soft_tpm.tpm).ring("biometric-vault").material() == key
    assert {v.wrap for v in store.versions()} == {"tpm"}
    # Rotation works sealed too; both versions unseal.
    store.rotate("biometric-vault")
    ring = KeyStore(secrets, tpm=soft_tpm.tpm).ring("biometric-vault")
    assert ring.versions == [1, 2] and ring.material(1) == key
    # The disk in another machine (another TPM): the sealed files are useless.
    other = _SoftTpm(tmp_path / "other-state")
    try:
        with pytest.raises(KeyStoreError, match="TPM: tpm2_load failed"):
            KeyStore(secrets, tpm=other.tpm).ring("biometric-vault")
    finally:
        other.stop()
    with pytest.raises(KeyStoreError, match="sealed to this kiosk's TPM"):
        KeyStore(secrets, wrap="none").ring("biometric-vault")
