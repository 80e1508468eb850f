from lmms_eval.cli.main import main

raise SystemExit(main())
