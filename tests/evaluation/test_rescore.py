"""`aria eval --rescore`: gzip and plain recordings of real runs score as the live scorecard did, and
anything that is not one scorecard's recordings is a one-line error."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from evalkit import aria, load_results

from arc_client.games import suite_dir
from arc_client.recording import find_recordings
from arc_client.scoring import load_environment_infos, rescore


def _eval(run_dir: Path, *extra: str) -> dict:
    done = aria("eval", "--arc", "--games", "mz01", "--max-actions", "300", "--quiet", "--run-dir", str(run_dir),
                *extra)
    assert done.returncode == 0, done.stderr
    return load_results(run_dir / "results.json")


@pytest.fixture(scope="module")
def recorded_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real in-process eval of the random agent on mz01, recorded in the default format (gzip)."""
    run_dir = tmp_path_factory.mktemp("rescore") / "run"
    _eval(run_dir, "--agent", "random")
    return run_dir


@pytest.mark.parametrize("agent, record_format", [("random", None), ("aria", "jsonl")])
def test_a_real_runs_recordings_rescore_to_its_live_scorecard(
    recorded_run: Path, tmp_path: Path, agent: str, record_format: str | None
) -> None:
    if record_format is None:
        run_dir, results = recorded_run, load_results(recorded_run / "results.json")
    else:
        run_dir = tmp_path / "plain"
        results = _eval(run_dir, "--agent", agent, "--record-format", record_format)
    (path,) = find_recordings(run_dir)
    assert path.name.endswith(".jsonl" if record_format == "jsonl" else ".jsonl.gz")
    assert path.parent.name == results["card_id"]
    summary = rescore(run_dir, load_environment_infos(suite_dir()))
    (row,) = results["games"]
    (env,) = summary.environments
    assert (env.id, env.levels_completed, env.actions, round(env.score, 6)) == \
        (row["game_id"], row["levels_completed"], row["actions"], round(row["score"], 6))
    assert row["actions"] == 300 or row["won"]
    assert summary.card_id == results["card_id"] and round(summary.score, 6) == round(results["scorecard"]["score"], 6)
    shown = aria("eval", "--rescore", str(run_dir))  # the run directory itself is accepted
    assert shown.returncode == 0, shown.stderr
    assert results["card_id"] in shown.stdout and f"{summary.score:.3f}" in shown.stdout.split("total")[1]


def _one_line_error(*args: str) -> str:
    done = aria("eval", "--rescore", *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    return done.stderr


def test_what_is_not_one_scorecards_recordings_is_a_one_line_error(recorded_run: Path, tmp_path: Path) -> None:
    unrelated = tmp_path / "unrelated"
    unrelated.mkdir()
    (unrelated / "notes.txt").write_text("hello\n")
    shutil.copy(recorded_run / "results.json", unrelated / "results.json")
    assert "no recordings (*.jsonl, *.jsonl.gz) under" in _one_line_error(str(unrelated))
    message = _one_line_error(str(unrelated / "results.json"))
    assert "results.json is not a recording; pass a run directory" in message

    foreign = tmp_path / "foreign" / "events.jsonl"
    foreign.parent.mkdir()
    foreign.write_text('{"event": 1}\n{"event": 2}\n')
    assert f"{foreign}:1: not a recording line" in _one_line_error(str(foreign.parent))

    (original,) = find_recordings(recorded_run)
    lines = gzip.decompress(original.read_bytes()).splitlines(keepends=True)
    damaged = tmp_path / "damaged" / original.parent.name / original.name
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(gzip.compress(b"".join([lines[0], lines[1][: len(lines[1]) // 2] + b"\n", *lines[2:]])))
    assert f"{damaged}:2: not a JSON line" in _one_line_error(str(damaged))

    two_cards = tmp_path / "two"
    shutil.copytree(recorded_run / "recordings", two_cards)
    shutil.copytree(original.parent, two_cards / "another-card")
    message = _one_line_error(str(two_cards))
    assert f"2 scorecards ({', '.join(sorted(['another-card', original.parent.name]))}); rescore one at a time" \
        in message
