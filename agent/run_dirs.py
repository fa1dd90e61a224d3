"""Names of new run directories: runs/<kind>-<UTC time>-<random>, unique even for runs started in the
same second (by `aria eval`, `aria play --record` and `aria train` alike)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path


def new_run_dir(kind: str, root: Path = Path("runs")) -> Path:
    """A fresh path (not created here: callers check and create it before any scorecard opens)."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return root / f"{kind}-{stamp}-{secrets.token_hex(3)}"
