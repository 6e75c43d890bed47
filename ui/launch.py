"""The installed `kpdesk` program: the window with no command, the self-test, and otherwise the command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kpdesk import cli

if TYPE_CHECKING:
    from kpdesk.department.summary import ChartMaker
    from kpdesk.pdf import Converter


def shell(args: argparse.Namespace) -> int:
    """Open the main window, or run the self-test with `--selftest`."""
    if args.selftest:
        from ui.selftest import run_selftest

        return run_selftest()
    from kpdesk.upgrade import check_upgrade
    from ui.app import run

    check_upgrade(cli.data_dir(args))  # a new version backs the data up before its first start
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
    return cli.main(argv, shell=shell, pdf_fallback=pdf_fallback, chart_maker=chart_maker)


if __name__ == "__main__":
    raise SystemExit(main())
