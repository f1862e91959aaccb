"""python-escpos' capabilities cache: parsed once, kept in the user's private cache, no
temporary directory left behind by a start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, os
from devices.printer.transport import open_transport

open_transport("file:///dev/null", profile="TM-T88V", timeout=1).close()  # the real path
import escpos.capabilities as caps
print(json.dumps({"dir": os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"],
                  "full_load": caps.full_load, "profiles": len(caps.CAPABILITIES["profiles"])}))
"""


def _probe(tmp_path: Path, **env: str) -> dict[str, object]:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir(exist_ok=True)
    full_env = {k: v for k, v in os.environ.items() if k != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    full_env.update({"TMPDIR": str(tmpdir), **env})
    out = subprocess.run([sys.executable, "-c", PROBE], env=full_env, check=True,
                         capture_output=True, text=True, timeout=60).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["tmp_left"] = sorted(p.name for p in tmpdir.iterdir())
    return result


def test_the_database_is_parsed_once_and_kept_in_the_private_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _probe(tmp_path, XDG_CACHE_HOME=str(cache))
    second = _probe(tmp_path, XDG_CACHE_HOME=str(cache))
    where = cache / "smartbranch" / "escpos"
    assert first["dir"] == second["dir"] == str(where)
    assert first["full_load"] is True and second["full_load"] is False  # from the pickle
    assert first["profiles"] == second["profiles"] and int(str(first["profiles"])) > 10
    assert (where.stat().st_mode & 0o777) == 0o700
    assert first["tmp_left"] == second["tmp_left"] == []  # python-escpos' mkdtemp: none


def test_a_cache_others_may_write_to_is_not_trusted(tmp_path: Path) -> None:
    cache = tmp_path / "shared"
    cache.mkdir()
    cache.chmod(0o777)  # anyone could plant a pickle under it
    result = _probe(tmp_path, XDG_CACHE_HOME=str(cache))
    assert not str(result["dir"]).startswith(str(cache))
    assert "smartbranch-escpos-" in str(result["dir"])
    assert result["full_load"] is True
    assert result["tmp_left"] == []  # the fallback directory is removed at exit


def test_an_operators_setting_is_kept(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    result = _probe(tmp_path, ESCPOS_CAPABILITIES_PICKLE_DIR=str(mine))
    assert result["dir"] == str(mine)
    assert any(mine.iterdir())
