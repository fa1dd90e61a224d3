"""results.json (the documented schema) and the final tables of an evaluation run."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.table import Table

from agent.decision import DecisionTally
from agent.evaluation.config import EvalConfig
from agent.evaluation.harness import EvalRun, GameRow, percentile
from arc_client import ScorecardSummary

SCHEMA_VERSION = 1
PACKAGES = ("aria-lite", "arc-agi", "arcengine", "numpy", "httpx", "torch")


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def totals(rows: list[GameRow], summary: ScorecardSummary | None = None) -> dict[str, Any]:
    """Run totals. `official_score` is the closed scorecard's own score (the toolkit's scorer), in
    percent; None when no scorecard was closed. `levels_completed` counts levels completed."""
    scores = [r.score or 0.0 for r in rows]
    tally = DecisionTally()
    for r in rows:
        tally.merge(r.tally)
    decisions, steps = sum(r.decisions for r in rows), [ms for r in rows for ms in r.step_ms]
    return {
        "official_score": summary.score if summary is not None else None,
        "games": len(rows),
        "games_won": sum(r.won for r in rows),
        "levels_completed": sum(r.levels_completed for r in rows),
        "levels_total": sum(r.win_levels for r in rows),
        "mean_score": sum(scores) / len(scores) if scores else 0.0,
        "actions": sum(r.actions for r in rows),
        "errors": sum(r.state == "ERROR" for r in rows),
        "wall_s": round(sum(r.wall_s for r in rows), 3),
        "decisions": tally.to_json(),
        "decision_modes": tally.modes_json(),  # which part of the agent took the steps
        "fast_share": tally.fast_share,
        # the agent's own time over every step of every game: the mean, and the step-by-step percentiles
        "agent_ms_per_action": round(1000 * sum(r.agent_s for r in rows) / decisions, 4) if decisions else None,
        "agent_ms_p50": percentile(steps, 50), "agent_ms_p95": percentile(steps, 95),
    }


def build_results(run: EvalRun, config: EvalConfig, agent_name: str, backend: str, source: str,
                  started_at: datetime) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "aria-eval",
        "started_at": started_at.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "wall_s": round(run.wall_s, 3),
        "interrupted": run.interrupted,
        "agent": agent_name,
        "backend": backend,
        "source": source,
        "seed": config.seed,
        "config": config.to_json(),
        "git_commit": git_commit(),
        "versions": package_versions(),
        "card_id": run.card_id,
        "games": [row.to_json() for row in run.rows],
        "totals": totals(run.rows, run.summary),
        "scorecard": run.summary.raw if run.summary is not None else None,
    }


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write to a temporary file in the same directory, then rename: never a half-written results.json."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, default=str)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def results_table(rows: list[GameRow], title: str, summary: ScorecardSummary | None = None) -> Table:
    """The final table; the total score is the scorecard's official score (not a mean of the rows)."""
    table = Table(title=title)
    for column, justify in (("game", "left"), ("levels", "right"), ("actions", "right"), ("score %", "right"),
                            ("won", "center"), ("wall s", "right"), ("fast", "right"), ("state", "left"),
                            ("stop", "left")):
        table.add_column(column, justify=justify, no_wrap=column in ("game", "state"))  # type: ignore[arg-type]
    for r in rows:
        table.add_row(r.game_id, f"{r.levels_completed}/{r.win_levels}", str(r.actions),
                      "-" if r.score is None else f"{r.score:.3f}", "yes" if r.won else "",
                      f"{r.wall_s:.1f}", _pct(r.fast_share),
                      r.state if not r.error else f"ERROR: {r.error[:60]}", r.stop_reason or "")
    t = totals(rows, summary)
    official = t["official_score"]
    table.add_section()
    table.add_row("total", f"{t['levels_completed']}/{t['levels_total']}", str(t["actions"]),
                  "-" if official is None else f"{official:.3f}", f"{t['games_won']}/{t['games']}",
                  f"{t['wall_s']:.1f}", _pct(t["fast_share"]), "", "")
    if t["decision_modes"]:
        table.caption = f"steps by system/mode: {DecisionTally(modes=t['decision_modes']).shares(3)}"
    return table
