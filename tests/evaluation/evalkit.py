"""Helpers of the evaluation tests: run the real `aria` CLI in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"


def aria(*args: str, timeout: float = 240, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `aria` CLI in a child process."""
    full_env = {**os.environ, "PYTHONPATH": f"{FIXTURES}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "agent.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, env=full_env)


def load_results(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


