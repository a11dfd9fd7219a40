from __future__ import annotations

from linkvault.cli import main

raise SystemExit(main())
