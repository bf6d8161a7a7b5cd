from gait.cli import main

raise SystemExit(main())
