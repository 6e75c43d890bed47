from kpdesk.cli import main

raise SystemExit(main())
