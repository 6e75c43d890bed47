"""PyInstaller runtime hook: runs in the frozen program before kpdesk is imported.

A windowed Windows program (no console) starts with `sys.stdout` and `sys.stderr` set to None unless its caller
redirected them (as `packaging/build-windows.ps1` does for `kpdesk.exe --selftest`). Printing then fails with
AttributeError in code that writes to `sys.stdout` directly, so the missing streams are pointed at the null
device. Redirected output stays UTF-8 whatever the Windows code page (build.spec turns on Python's UTF-8 mode).
"""

import os
import sys

for _name in ("stdout", "stderr"):
    if getattr(sys, _name) is None:
        setattr(sys, _name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (lives as long as the process)
