#!/usr/bin/env bash
# smartbranch set-up and entry points. Two commands do everything on a fresh machine:
#   ./dev.sh demo    set up, then run the kiosk on simulated devices
#   ./dev.sh test    set up, then lint, type-check and run the whole test suite
# Other: ./dev.sh setup | bench | screens
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

VENV=.venv
PY=$VENV/bin/python
# Debian packages the project needs: CJK + OCR-B fonts, the libraries Qt's offscreen and
# xcb platforms load, Chromium for the browser tests (Playwright uses /usr/bin/chromium) and
# coturn, the TURN relay the video-teller tests run on loopback, and mosquitto, the MQTT
# broker of the fleet telemetry (tests start their own on loopback).
# Qt's xcb and Wayland platform plugins load these (Qt's own error names only
# libxcb-cursor0; tests/test_platform_libs.py runs ldd over every plugin). libusb-1.0-0 is
# pyusb's backend for usb:// printers. The service (docs/operations.md): systemd and udev
# (their tests run systemd-analyze verify and udevadm), cage (the Wayland kiosk session;
# it will not start without Xwayland),
# Xvfb + xinit (the X session and the test that starts the kiosk on a real X server).
APT_PACKAGES=(fonts-noto-cjk fonts-ocr-b fontconfig libegl1 libgl1 libxkbcommon0 libfontconfig1
  libdbus-1-3 libglib2.0-0 chromium chromium-driver coturn
  mosquitto
  espeak-ng
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-randr0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-xfixes0 libxcb-xkb1
  libxcb-glx0 libxcb-render0 libx11-xcb1 libxkbcommon-x11-0
  libwayland-client0 libwayland-cursor0 libwayland-egl1
  libusb-1.0-0
  swtpm swtpm-tools tpm2-tools
  systemd udev cage xwayland xvfb xinit xauth)

log() { printf '\033[1m[dev.sh]\033[0m %s\n' "$*" >&2; }

setup_system() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    log "missing system packages (install them by hand): ${missing[*]}"; return 0
  fi
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_python() {
  local stamp=$VENV/.smartbranch-stamp want
  want=$(cat pyproject.toml constraints.txt dev.sh | sha256sum | cut -d' ' -f1)
  if [ -x "$PY" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  if [ ! -x "$PY" ]; then
    log "creating $VENV"
    python3 -m venv "$VENV"
  fi
  log "installing Python packages (pinned by constraints.txt)"
  "$PY" -m pip install -q --disable-pip-version-check -c constraints.txt -U pip setuptools wheel
  "$PY" -m pip install -q --disable-pip-version-check -c constraints.txt -e ".[dev]"
  echo "$want" > "$stamp"
}

setup_assets() {
  # Compiled translations (.qm) are built from the .ts sources, never committed.
  "$PY" -m kiosk_ui.i18n build >/dev/null
  # Byte-code, as an installed kiosk has it (pip compiles a wheel's modules): where
  # PYTHONDONTWRITEBYTECODE is set, every start would compile each module again (~65 ms of
  # the cold start). Up-to-date files are skipped.
  local pkgs=() d
  for d in */__init__.py; do d=${d%/__init__.py}; [[ $d == tests || $d == bench ]] || pkgs+=("$d"); done
  "$PY" -m compileall -q -j 0 "${pkgs[@]}" >/dev/null
}

setup() { setup_system; setup_python; setup_assets; }

cmd=${1:-help}; shift || true
case "$cmd" in
  setup) setup ;;
  demo)
    setup
    exec "$VENV/bin/kiosk" run "$@" ;;
  test)
    setup
    export QT_QPA_PLATFORM=offscreen
    log "ruff"; "$VENV/bin/ruff" check .
    log "mypy"; "$VENV/bin/mypy"
    # Two workers (the machine's two cores; much of the suite waits on devices, sockets and
    # subprocesses), a file's tests on one worker so its module fixtures are made once.
    # KIOSK_TEST_WORKERS=0 runs everything in this process.
    log "pytest"; exec "$PY" -m pytest -n "${KIOSK_TEST_WORKERS:-2}" --dist loadfile "$@" ;;
  bench)
    setup
    export QT_QPA_PLATFORM=offscreen
    exec "$PY" -m bench "$@" ;;
  screens)
    # Every screen of every flow, both languages, every display mode, into docs/screens:
    # the shell screens (kiosk screens), then each flow's own walk (real app, simulators).
    setup
    export QT_QPA_PLATFORM=offscreen
    "$VENV/bin/kiosk" screens --out docs/screens "$@"  # shell, calls, and every flow's walk
    "$PY" tests/receipt_links/make_screens.py
    SMARTBRANCH_SCREENSHOTS=1 "$PY" -m pytest -q -p no:cacheprovider \
      tests/o2o_sync/test_console.py -k chromium ;;  # the staff console, both languages
  *) sed -n '2,6p' "$0"; exit 2 ;;
esac
