"""Every shared library Qt's platform plugins load is on this machine (issue 17, item 1).

Qt loads its platform plugin (xcb on X, wayland under cage, offscreen in tests) with
dlopen; a library missing there makes the kiosk die at start with a message that names
the wrong one (Qt blames libxcb-cursor0 for a missing libxcb-icccm4). ``ldd`` over each
plugin names every unresolved library, so a package missing from dev.sh's APT_PACKAGES
fails CI instead of a kiosk's start.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import PySide6
import pytest

PLUGINS = Path(PySide6.__file__).resolve().parent / "Qt" / "plugins"
#: The plugin folders a kiosk's display needs: the platforms, the GL integration xcb loads,
#: and the shell / graphics / decoration plugins the Wayland platform loads under cage.
FOLDERS = ("platforms", "xcbglintegrations", "wayland-shell-integration",
           "wayland-graphics-integration-client", "wayland-decoration-client")
#: Must be among them: a PySide6 wheel without one of these would leave a display unserved.
REQUIRED = ("platforms/libqxcb.so", "platforms/libqwayland.so", "platforms/libqoffscreen.so")

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


def plugins() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (PLUGINS / folder).glob("*.so"))


def missing_libraries(plugin: Path) -> list[str]:
    """The libraries ldd cannot resolve for ``plugin`` (direct or indirect)."""
    done = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, f"ldd {plugin}: {done.stderr.strip()}"
    return _NOT_FOUND.findall(done.stdout)


def test_ldd_reports_missing_libraries_by_name() -> None:
    sample = ("\tlinux-vdso.so.1 (0x00007ffd)\n"
              "\tlibxcb-icccm.so.4 => not found\n"
              "\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x7f)\n"
              "\tlibxcb-keysyms.so.1 => not found\n")
    assert _NOT_FOUND.findall(sample) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]


def test_the_display_plugins_are_there() -> None:
    names = {str(p.relative_to(PLUGINS)) for p in plugins()}
    assert set(REQUIRED) <= names, f"PySide6 has no {set(REQUIRED) - names} in {PLUGINS}"
    assert any(n.startswith("wayland-shell-integration/") for n in names), names
    assert "xcbglintegrations/libqxcb-glx-integration.so" in names or \
        "xcbglintegrations/libqxcb-egl-integration.so" in names, names


def test_every_platform_plugin_library_resolves() -> None:
    if shutil.which("ldd") is None:  # part of libc-bin: essential on Debian
        pytest.fail("ldd is not installed (Debian: libc-bin)")
    missing = {str(p.relative_to(PLUGINS)): libs for p in plugins()
               if (libs := missing_libraries(p))}
    report = "; ".join(f"{plugin} needs {', '.join(sorted(set(libs)))}"
                       for plugin, libs in missing.items())
    assert not missing, (f"Qt platform plugins cannot load — {report}. "
                         "Add the Debian packages to APT_PACKAGES in dev.sh")
