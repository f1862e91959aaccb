"""``python -m kiosk_ui.i18n build|update|check`` (see kiosk_ui.i18n)."""

from __future__ import annotations

import argparse
import sys

from kiosk_ui import i18n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk_ui.i18n")
    parser.add_argument("command", choices=["build", "update", "check"],
                        help="build: .ts → .qm; update: re-extract strings; check: report "
                             "unfinished translations")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            changed = i18n.build()
            print(f"translations: {len(changed)} .qm file(s) rebuilt, "
                  f"{len(i18n.LANGUAGES) - len(changed)} up to date")
        elif args.command == "update":
            i18n.update()
            print("updated: " + ", ".join(i18n.ts_file(lang).name for lang in i18n.LANGUAGES))
        found = [p for lang in i18n.LANGUAGES for p in i18n.problems(i18n.ts_file(lang))]
        for p in found:
            print(p, file=sys.stderr)
        if args.command == "check":
            print(f"{len(found)} problem(s)")
            return 1 if found else 0
    except i18n.ToolError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
