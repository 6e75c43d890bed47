"""The frozen program's entry point (build.spec's script): the same `kpdesk` program as the installed command."""

from ui.launch import main

if __name__ == "__main__":
    raise SystemExit(main())
