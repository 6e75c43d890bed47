"""The installed `kpdesk` program: the window with no command, the self-test, and otherwise the command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import ui

if TYPE_CHECKING:
    from kpdesk.department.summary import ChartMaker
    from kpdesk.pdf import Converter


def shell(args: argparse.Namespace) -> int:
    """Open the main window, or run the self-test with `--selftest`."""
    if args.selftest:
        from ui.selftest import run_selftest

        return run_selftest()
    from kpdesk.upgrade import check_upgrade

    ui.load_qt()  # before `ui.app` imports Qt: PySide's support modules compiled once, not at every start
    from ui.app import run

    data_dir = getattr(args, "data_dir", None)
    check_upgrade(Path(data_dir) if data_dir else None)  # a new version backs the data up before its first start
    return run(args)


def pdf_fallback() -> Converter | None:
    """Qt's PDF writer, for `kpdesk render … -o X.pdf` when neither Word nor LibreOffice makes the PDF (None
    when Qt cannot be loaded); imported only when a PDF is made, so other commands start without Qt."""
    try:
        from ui.printing import qt_converter
    except ImportError:
        return None
    return qt_converter()


def chart_maker() -> ChartMaker | None:
    """The drawer of the department's charts, for `kpdesk department summary --charts` (None when Qt cannot be
    loaded); imported only when charts are asked for."""
    try:
        from ui.department.charts import chart_appendix
    except ImportError:
        return None
    return chart_appendix


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if not words:  # `kpdesk` alone, the officer's start: the window, without building the command line first
        ui.collect_later()  # until the window is first idle (`ui.app.run`), or the start ends without one
        try:
            from kpdesk.kinds import kinds_of_data_dir

            args = argparse.Namespace(
                data_dir=None, selftest=False, command=None, pdf_fallback=pdf_fallback, chart_maker=chart_maker
            )
            with kinds_of_data_dir(None):  # as `cli.main` does for every command
                return shell(args)
        finally:
            ui.collect_as_usual()
    from kpdesk import cli

    return cli.main(words, shell=shell, pdf_fallback=pdf_fallback, chart_maker=chart_maker)


if __name__ == "__main__":
    raise SystemExit(main())
