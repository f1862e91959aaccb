"""``kiosk version`` (issue 17, item 7): what a technician reports and the update path
checks — the package, its commit, Python, Qt and every store's schema on disk."""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from kiosk_app.version import git_commit
from kiosk_core import flows, journal
from kiosk_core.journal import Journal
from o2o_sync.schema import CURRENT_VERSION as BRANCH_DB

KIOSK = Path(sys.executable).parent / "kiosk"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def kiosk(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(KIOSK), *args], capture_output=True, text=True, timeout=60,
                          cwd=cwd, env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"})


def test_versions_and_the_stores_on_disk(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[kiosk]\nid = "K1"\nbranch = "B"\n[storage]\ndata_dir = "{tmp_path}"\n')
    Journal(tmp_path / "journal.sqlite", kiosk_id="K1").close()
    (tmp_path / "flows.sqlite").write_bytes(b"not a database, a damaged file" * 100)
    done = kiosk("version", "--config", str(cfg), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assert info["smartbranch"] == metadata.version("smartbranch")
    assert info["python"] == f"{platform.python_implementation()} {platform.python_version()}"
    from PySide6 import __version__ as pyside
    from PySide6.QtCore import qVersion

    assert (info["qt"], info["pyside6"]) == (qVersion(), pyside)
    assert info["commit"] is None or len(info["commit"]) == 40
    stores = info["stores"]
    assert stores["journal"] == {"software": journal.SCHEMA.version,
                                 "path": str(tmp_path / "journal.sqlite"),
                                 "file": journal.SCHEMA.version}
    assert stores["flows"]["software"] == flows.SCHEMA.version
    assert stores["flows"]["file"].startswith("unreadable")
    assert stores["branch_db"] == {"software": BRANCH_DB, "path": str(tmp_path / "branch.sqlite"),
                                   "file": "none"}

    text = kiosk("version", "--config", str(cfg), cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == f"smartbranch {info['smartbranch']}"
    assert f"journal     schema v{journal.SCHEMA.version}, file v{journal.SCHEMA.version}" \
        in text.stdout


def test_without_a_config_the_software_versions_still_print(tmp_path: Path) -> None:
    done = kiosk("version", cwd=tmp_path)  # no ./kiosk.toml here
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("smartbranch ") and "journal     schema v" in done.stdout
    assert "pass --config" in done.stderr


def test_a_bad_config_given_is_named(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[kiosk]\nid = "K1"\nbranch = "B"\n[logging]\nlevel = "LOUD"\n')
    done = kiosk("version", "--config", str(cfg), cwd=tmp_path)
    assert done.returncode == 1 and "logging.level" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_commit_read_from_a_checkout(tmp_path: Path) -> None:
    git = tmp_path / ".git"
    (git / "refs/heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    assert git_commit(tmp_path) is None  # a branch with no commit yet
    (git / "packed-refs").write_text(f"# pack-refs with: peeled\n{COMMIT} refs/heads/main\n")
    assert git_commit(tmp_path) == COMMIT
    (git / "refs/heads/main").write_text("f" * 40 + "\n")  # a loose ref wins
    assert git_commit(tmp_path) == "f" * 40
    (git / "HEAD").write_text(COMMIT + "\n")  # detached
    assert git_commit(tmp_path) == COMMIT
    # A worktree: .git is a file naming its git dir, refs shared through commondir.
    tree = tmp_path / "tree"
    tree.mkdir()
    wt = git / "worktrees" / "tree"
    wt.mkdir(parents=True)
    (wt / "HEAD").write_text("ref: refs/heads/main\n")
    (wt / "commondir").write_text("../..\n")
    (tree / ".git").write_text(f"gitdir: {wt}\n")
    assert git_commit(tree) == "f" * 40
    assert git_commit(tmp_path / "nowhere") is None
