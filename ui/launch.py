"""The installed `kpdesk` program: the window with no command, the self-test, and otherwise the command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from kpdesk import cli


def shell(args: argparse.Namespace) -> int:
    """Open the main window, or run the self-test with `--selftest`."""
    if args.selftest:
        from ui.selftest import run_selftest

        return run_selftest()
    from kpdesk.upgrade import check_upgrade
    from ui.app import run

    check_upgrade(cli.data_dir(args))  # a new version backs the data up before its first start
    return run(args)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, shell=shell)


if __name__ == "__main__":
    raise SystemExit(main())
