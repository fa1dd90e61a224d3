"""`aria eval --arc` end to end through the real CLI: built-in games in-process and over the official server."""

from __future__ import annotations

import gzip
import json
import shutil
import signal
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import httpx
import pytest
from evalkit import FIXTURES, REPO, aria, load_results, running_aria, wait_for_steps

from arc_client.games import suite_dir
from arc_client.local_server import free_port
from arc_client.recording import find_recordings, read_recording
from arc_client.scoring import load_environment_infos, rescore

GAMES = sorted(p.parent.parent.name for p in suite_dir().rglob("metadata.json"))[:3]


def comparable(results: dict) -> list[tuple]:
    return [(g["game_id"], g["levels_completed"], g["actions"], round(g["score"], 6), g["state"])
            for g in results["games"]]


def eval_args(tmp: Path, name: str, *extra: str) -> list[str]:
    return ["eval", "--arc", "--games", ",".join(GAMES), "--agent", "random", "--max-actions", "60",
            "--seed", "7", "--quiet", "--run-dir", str(tmp / name), *extra]


def test_results_json_has_the_documented_schema(tmp_path: Path) -> None:
    done = aria(*eval_args(tmp_path, "a"))
    assert done.returncode == 0, done.stderr
    results = load_results(tmp_path / "a" / "results.json")
    for key in ("schema_version", "kind", "started_at", "finished_at", "wall_s", "interrupted", "agent", "backend",
                "source", "seed", "config", "git_commit", "versions", "card_id", "games", "totals", "scorecard"):
        assert key in results, key
    assert results["agent"] == "random" and results["backend"] == "local" and results["interrupted"] is False
    assert results["versions"]["arc-agi"] == "0.9.9" and results["config"]["max_actions"] == 60
    assert [g["game_id"].split("-")[0] for g in results["games"]] == GAMES
    for game in results["games"]:
        assert set(game) >= {"game_id", "levels_completed", "win_levels", "actions", "score", "won", "wall_s",
                             "fast_share", "state", "stop_reason", "error"}
        assert 0 < game["actions"] <= 60 and game["win_levels"] >= 5 and game["error"] is None
        assert 0 < game["agent_ms_p50"] <= game["agent_ms_p95"]
    totals = results["totals"]
    # the run's mean time per step weighs each game by its steps
    games = results["games"]
    mean = sum(g["agent_ms_per_action"] * g["actions"] for g in games) / sum(g["actions"] for g in games)
    assert abs(totals["agent_ms_per_action"] - mean) < 1e-3 and 0 < totals["agent_ms_p50"] <= totals["agent_ms_p95"]
    assert totals["actions"] == sum(g["actions"] for g in results["games"])
    assert totals["levels_completed"] == sum(g["levels_completed"] for g in results["games"])
    assert results["scorecard"]["card_id"] == results["card_id"]
    # the table is printed with the totals line
    assert "official score" in done.stdout and "levels completed" in done.stdout
    # one recording per game, one line per action plus the creating RESET
    recordings = find_recordings(tmp_path / "a" / "recordings")
    assert len(recordings) == len(GAMES)
    actions = {g["game_id"]: g["actions"] for g in results["games"]}
    for path in recordings:
        steps = list(read_recording(path))
        assert len(steps) == actions[steps[0].response.game_id] + 1


def test_fixed_seed_gives_the_same_scorecard_whatever_the_concurrency(tmp_path: Path) -> None:
    one = aria(*eval_args(tmp_path, "k1", "--concurrency", "1"))
    three = aria(*eval_args(tmp_path, "k3", "--concurrency", "3"))
    assert one.returncode == 0 and three.returncode == 0, one.stderr + three.stderr
    assert comparable(load_results(tmp_path / "k1" / "results.json")) == \
        comparable(load_results(tmp_path / "k3" / "results.json"))


def test_http_against_the_official_server_matches_in_process(tmp_path: Path, suite_server) -> None:
    local = aria(*eval_args(tmp_path, "local"))
    remote = aria(*eval_args(tmp_path, "http", "--base-url", suite_server.base_url, "--concurrency", "2"))
    assert local.returncode == 0 and remote.returncode == 0, local.stderr + remote.stderr
    http_results = load_results(tmp_path / "http" / "results.json")
    assert http_results["backend"] == "http"
    assert comparable(load_results(tmp_path / "local" / "results.json")) == comparable(http_results)


def test_rescore_of_recordings_matches_the_live_scorecard(tmp_path: Path) -> None:
    done = aria(*eval_args(tmp_path, "r"))
    assert done.returncode == 0, done.stderr
    results = load_results(tmp_path / "r" / "results.json")
    assert all(p.name.endswith(".jsonl.gz") for p in find_recordings(tmp_path / "r"))  # gzip by default
    summary = rescore(tmp_path / "r" / "recordings", load_environment_infos(suite_dir()))
    assert summary.card_id == results["card_id"]
    live = {g["game_id"]: (g["levels_completed"], g["actions"], round(g["score"], 6)) for g in results["games"]}
    again = {e.id: (e.levels_completed, e.actions, round(e.score, 6)) for e in summary.environments}
    assert again == live
    shown = aria("eval", "--rescore", str(tmp_path / "r" / "recordings"))
    assert shown.returncode == 0 and "total" in shown.stdout


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_stop_signal_closes_the_scorecard_and_flushes_recordings(tmp_path: Path, suite_server, signum: int,
                                                                   code: int) -> None:
    run_dir = tmp_path / "int"
    with running_aria("eval", "--arc", "--games", GAMES[0], "--agent", "random", "--max-actions", "100000",
                      "--quiet", "--run-dir", str(run_dir), "--base-url", suite_server.base_url) as proc:
        wait_for_steps(run_dir, 30)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert signal.Signals(signum).name in out and "partial results" in out
    results = load_results(run_dir / "results.json")
    assert results["interrupted"] is True and results["games"][0]["stop_reason"] == "interrupted"
    # the server no longer knows the card: it was closed
    answer = httpx.get(f"{suite_server.base_url}/api/scorecard/{results['card_id']}",
                       headers={"X-API-Key": "aria-local"})
    assert answer.status_code == 404
    # the row counts what the scorecard counts
    assert results["scorecard"]["environments"][0]["runs"][0]["actions"] == results["games"][0]["actions"]
    # every recorded line is whole JSON: one per answered action plus the creating RESET (a command in
    # flight at the interrupt may have been applied by the server without its answer being recorded)
    steps = list(read_recording(find_recordings(run_dir / "recordings")[0]))
    assert len(steps) - 1 in (results["games"][0]["actions"], results["games"][0]["actions"] - 1)


def test_an_agent_that_raises_becomes_an_error_row_and_the_run_goes_on(tmp_path: Path) -> None:
    done = aria("eval", "--arc", "--games", ",".join(GAMES[:2]), "--agent", "faulty_agents:RaisingAgent",
                "--quiet", "--run-dir", str(tmp_path / "x"))
    assert done.returncode == 0, done.stderr
    results = load_results(tmp_path / "x" / "results.json")
    assert [g["state"] for g in results["games"]] == ["ERROR", "ERROR"]
    assert all("deliberate failure" in g["error"] and g["actions"] == 2 for g in results["games"])
    assert results["scorecard"] is not None  # closed, with its summary


def test_a_game_that_raises_becomes_an_error_row_and_the_run_goes_on(tmp_path: Path) -> None:
    games = tmp_path / "games"
    shutil.copytree(FIXTURES / "crashing_games", games)
    healthy = next(p.parent for p in suite_dir().rglob("metadata.json") if p.parent.parent.name == GAMES[0])
    shutil.copytree(healthy, games / GAMES[0] / healthy.name)
    done = aria("eval", "--arc", "--games-dir", str(games), "--agent", "random", "--max-actions", "30",
                "--quiet", "--run-dir", str(tmp_path / "g"))
    assert done.returncode == 0, done.stderr
    rows = {g["game_id"].split("-")[0]: g for g in load_results(tmp_path / "g" / "results.json")["games"]}
    assert rows["cr01"]["state"] == "ERROR" and "cr01" in rows["cr01"]["error"]
    assert rows[GAMES[0]]["state"] != "ERROR" and rows[GAMES[0]]["actions"] == 30


def test_unknown_game_is_one_line_with_suggestions(tmp_path: Path) -> None:
    done = aria("eval", "--arc", "--games", GAMES[0][:3] + "9x", "--run-dir", str(tmp_path / "u"))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: unknown game")
    assert not (tmp_path / "u" / "results.json").exists()


def test_unreachable_server_is_one_line(tmp_path: Path) -> None:
    done = aria("eval", "--arc", "--base-url", f"http://127.0.0.1:{free_port()}", "--run-dir", str(tmp_path / "s"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and done.stderr.startswith("error:")


class _Rejecting(BaseHTTPRequestHandler):
    def _reject(self) -> None:
        body = json.dumps({"error": "UNAUTHORIZED", "message": "invalid API key"}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _reject

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def rejecting_server():
    server = HTTPServer(("127.0.0.1", 0), _Rejecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_rejected_api_key_is_one_line_and_never_printed(tmp_path: Path, rejecting_server: str) -> None:
    key = "secret-key-4f1d9c2a-never-print-me"
    done = aria("eval", "--arc", "--base-url", rejecting_server, "--run-dir", str(tmp_path / "k"),
                env={"ARC_API_KEY": key})
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "401" in done.stderr and "ARC_API_KEY" in done.stderr
    assert key not in done.stderr + done.stdout


def test_tags_select_games_and_competition_mode_runs_over_http(tmp_path: Path, suite_server) -> None:
    done = aria("eval", "--arc", "--tags", "click", "--agent", "random", "--max-actions", "20", "--quiet",
                "--competition", "--base-url", suite_server.base_url, "--run-dir", str(tmp_path / "c"))
    assert done.returncode == 0, done.stderr
    results = load_results(tmp_path / "c" / "results.json")
    infos = {p.parent.parent.name: json.loads(p.read_text()) for p in suite_dir().rglob("metadata.json")}
    clicks = sorted(name for name, meta in infos.items() if "click" in meta["tags"])
    assert clicks and [g["game_id"].split("-")[0] for g in results["games"]] == clicks
    assert results["scorecard"]["competition_mode"] is True
    assert all(g["actions"] == 20 and g["error"] is None for g in results["games"])


def test_a_checkpoint_for_an_agent_without_trained_parts_is_refused(tmp_path: Path) -> None:
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"not really")
    done = aria("eval", "--arc", "--games", GAMES[0], "--checkpoint", str(weights), "--run-dir", str(tmp_path / "w"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "checkpoint" in done.stderr


def test_interrupting_an_in_process_run_saves_partial_results(tmp_path: Path) -> None:
    run_dir = tmp_path / "ip"
    with running_aria("eval", "--arc", "--games", ",".join(GAMES), "--agent", "random", "--max-actions",
                      "10000000", "--quiet", "--run-dir", str(run_dir)) as proc:
        wait_for_steps(run_dir, 200)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    results = load_results(run_dir / "results.json")
    assert results["interrupted"] is True and results["scorecard"] is not None
    played = [g for g in results["games"] if g["actions"] > 0]
    assert played and all(g["stop_reason"] == "interrupted" for g in results["games"])
    for path in find_recordings(run_dir / "recordings"):
        steps = list(read_recording(path))  # whole JSON lines only
        row = next(g for g in results["games"] if g["game_id"] == steps[0].response.game_id)
        assert len(steps) - 1 in (row["actions"], row["actions"] - 1)


def test_time_limit_stops_each_game(tmp_path: Path) -> None:
    done = aria("eval", "--arc", "--games", GAMES[0], "--agent", "random", "--max-actions", "10000000",
                "--time-limit", "1.5", "--quiet", "--run-dir", str(tmp_path / "t"))
    assert done.returncode == 0, done.stderr
    row = load_results(tmp_path / "t" / "results.json")["games"][0]
    assert row["stop_reason"] == "time_limit" and 1.5 <= row["wall_s"] < 30 and row["actions"] > 0


def test_the_api_key_never_reaches_results_recordings_or_output(tmp_path: Path, suite_server) -> None:
    key = "k3y-5ecret-77c1d2e3-do-not-leak"
    done = aria(*eval_args(tmp_path, "key", "--base-url", suite_server.base_url), env={"ARC_API_KEY": key})
    assert done.returncode == 0, done.stderr
    assert key not in done.stdout + done.stderr
    for path in (tmp_path / "key").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert key not in (gzip.decompress(data) if path.name.endswith(".gz") else data).decode(), path


def _children(pid: int) -> set[int]:
    """Processes whose parent is `pid`, read from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _runs_without_guids(results: dict) -> list[tuple]:
    return [(env["id"], [{k: v for k, v in run.items() if k != "guid" and v is not None} for run in env["runs"]])
            for env in results["scorecard"]["environments"]]


def test_workers_play_the_same_games_as_one_process(tmp_path: Path) -> None:
    one = aria(*eval_args(tmp_path, "w1", "--workers", "1"))
    two = aria(*eval_args(tmp_path, "w2", "--workers", "2"))
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    serial, parallel = load_results(tmp_path / "w1" / "results.json"), load_results(tmp_path / "w2" / "results.json")
    assert comparable(parallel) == comparable(serial)
    # the workers' rows come back through JSON with their decisions counted by system and mode
    assert parallel["totals"]["decision_modes"] == serial["totals"]["decision_modes"] != {}
    assert [g["decision_modes"] for g in parallel["games"]] == [g["decision_modes"] for g in serial["games"]]
    assert _runs_without_guids(parallel) == _runs_without_guids(serial)  # the official scorer's view, run by run
    assert parallel["config"]["workers"] == 2 and serial["config"]["workers"] == 1
    assert parallel["scorecard"]["card_id"] == parallel["card_id"]
    # every recording under the run's one card directory, one line per action plus the creating RESET
    recordings = find_recordings(tmp_path / "w2" / "recordings")
    assert len(recordings) == len(GAMES) and {p.parent.name for p in recordings} == {parallel["card_id"]}
    assert [p.name for p in (tmp_path / "w2" / "recordings").iterdir()] == [parallel["card_id"]]
    actions = {g["game_id"]: g["actions"] for g in parallel["games"]}
    for path in recordings:
        steps = list(read_recording(path))
        assert len(steps) == actions[steps[0].response.game_id] + 1


def test_workers_with_a_server_is_one_line(tmp_path: Path) -> None:
    done = aria("eval", "--arc", "--workers", "2", "--base-url", f"http://127.0.0.1:{free_port()}",
                "--run-dir", str(tmp_path / "wb"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("error: --workers") and "--base-url" in done.stderr
    assert not (tmp_path / "wb").exists()
    competition = aria("eval", "--arc", "--workers", "2", "--competition", "--run-dir", str(tmp_path / "wc"))
    assert competition.returncode == 2 and competition.stderr.count("\n") == 1
    assert "--competition" in competition.stderr and not (tmp_path / "wc").exists()


def test_a_worker_that_dies_makes_error_rows_and_the_run_finishes(tmp_path: Path) -> None:
    done = aria("eval", "--arc", "--games", ",".join(GAMES[:2]), "--agent", "faulty_agents:ExitingAgent",
                "--max-actions", "30", "--workers", "2", "--quiet", "--run-dir", str(tmp_path / "d"),
                env={"FAULTY_EXIT_GAME": GAMES[0]})
    assert done.returncode == 0, done.stderr
    results = load_results(tmp_path / "d" / "results.json")
    dead, alive = results["games"]
    assert dead["state"] == "ERROR" and "died (exit code 3)" in dead["error"]
    assert alive["error"] is None and alive["actions"] == 30
    assert [env["id"] for env in results["scorecard"]["environments"]] == [alive["game_id"]]


def test_a_message_torn_by_a_dying_worker_reads_as_end_of_file_not_a_hang() -> None:
    """A worker killed in the middle of a message leaves half a message on its own pipe: the parent
    takes the whole messages before it, drops the pipe and waits for nothing (it used to share one
    queue lock with the other workers, which a death mid-message could hold for ever)."""
    import multiprocessing
    import os
    import pickle
    import struct

    from agent.evaluation.harness import EvalRun, GameRow
    from agent.evaluation.workers import _drain

    reader, writer = multiprocessing.get_context("spawn").Pipe(duplex=False)
    writer.send(("row", 0, {"actions": 7}))
    body = pickle.dumps(("done", 0, {"rows": {}}))
    os.write(writer.fileno(), struct.pack("!i", len(body)) + body[: len(body) // 2])  # torn: then it died
    writer.close()
    run, seen, payloads = EvalRun(rows=[GameRow(game_id="g", title="g")]), [], {}
    readers = [reader]
    drained = threading.Thread(target=lambda: seen.append(_drain(readers, run, lambda row: None, payloads)),
                               daemon=True)
    drained.start()
    drained.join(10)
    assert seen == [1], "the parent blocked on a torn message"
    assert run.rows[0].actions == 7 and payloads == {} and readers == [None]


def test_interrupting_a_workers_run_saves_partial_results_and_leaves_no_process(tmp_path: Path) -> None:
    run_dir = tmp_path / "wi"
    with running_aria("eval", "--arc", "--games", ",".join(GAMES), "--agent", "random", "--max-actions",
                      "10000000", "--workers", "2", "--quiet", "--run-dir", str(run_dir)) as proc:
        deadline = time.monotonic() + 60
        while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        children = _children(proc.pid)
        assert len(children) >= 2, "the workers never started"
        wait_for_steps(run_dir, 250, files=2)  # both workers' recordings, under recordings/.worker-*
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        code = proc.returncode
        gone_by = time.monotonic() + 10  # checked before running_aria kills what is left of the group
        while any(_running(pid) for pid in children) and time.monotonic() < gone_by:
            time.sleep(0.1)
        assert not any(_running(pid) for pid in children)
    assert code == 143, err
    results = load_results(run_dir / "results.json")
    assert results["interrupted"] is True and results["scorecard"] is not None
    assert all(g["stop_reason"] == "interrupted" and g["error"] is None for g in results["games"])
    assert sum(g["actions"] > 200 for g in results["games"]) >= 2
    recordings = find_recordings(run_dir / "recordings")
    assert {p.parent.name for p in recordings} == {results["card_id"]}
    for path in recordings:
        steps = list(read_recording(path))  # whole JSON lines only
        row = next(g for g in results["games"] if g["game_id"] == steps[0].response.game_id)
        assert len(steps) - 1 in (row["actions"], row["actions"] - 1)


def one_line_error(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr and all(w in done.stderr for w in words), done.stderr


@pytest.mark.parametrize(("args", "words"), [
    (("--run-dir", "/proc/aria-x"), ("--run-dir", "/proc/aria-x")),
    (("--out", "/nonexistent-aria/b/r.json"), ("/nonexistent-aria/b", "does not exist")),
    (("--games", ","), ("--games",)),
    (("--tags", "nosuch"), ("nosuch", "keyboard")),
    (("--games", "mz01", "--tags", "click"), ("mz01", "click")),
    (("--agent", "nosuch"), ("unknown agent",)),
    (("--game-seed", "5", "--base-url", "http://127.0.0.1:9"), ("--game-seed",)),
])
def test_bad_input_is_one_line_exit_2_and_creates_nothing(tmp_path: Path, args: tuple[str, ...],
                                                          words: tuple[str, ...]) -> None:
    before = set(Path(REPO, "runs").glob("*")) if Path(REPO, "runs").exists() else set()
    run_dir = [] if "--run-dir" in args else ["--run-dir", str(tmp_path / "new")]
    done = aria("eval", "--arc", "--max-actions", "5", *run_dir, *args)
    one_line_error(done, *words)
    assert not (tmp_path / "new").exists() and not Path("/nonexistent-aria").exists()
    after = set(Path(REPO, "runs").glob("*")) if Path(REPO, "runs").exists() else set()
    assert after == before


def test_a_used_run_dir_is_refused_unless_overwrite_and_then_holds_one_run(tmp_path: Path) -> None:
    first = aria(*eval_args(tmp_path, "same"))
    assert first.returncode == 0, first.stderr
    card = load_results(tmp_path / "same" / "results.json")["card_id"]
    again = aria(*eval_args(tmp_path, "same"))
    one_line_error(again, "not empty", "--overwrite")
    assert load_results(tmp_path / "same" / "results.json")["card_id"] == card  # nothing lost
    third = aria(*eval_args(tmp_path, "same"), "--overwrite")
    assert third.returncode == 0, third.stderr
    results = load_results(tmp_path / "same" / "results.json")
    assert results["card_id"] != card
    assert {p.parent.name for p in find_recordings(tmp_path / "same" / "recordings")} == {results["card_id"]}


def test_printed_official_score_is_the_scorecards(tmp_path: Path) -> None:
    done = aria(*[a for a in eval_args(tmp_path, "s") if a != "--quiet"])
    assert done.returncode == 0, done.stderr
    results = load_results(tmp_path / "s" / "results.json")
    assert results["totals"]["official_score"] == results["scorecard"]["score"]
    assert f"official score {results['scorecard']['score']:.3f}%" in " ".join(done.stdout.split())
    # piped output: a line per finished game
    assert sum(line.startswith("done ") for line in done.stdout.splitlines()) == len(results["games"])


def test_default_run_dirs_are_unique_within_a_second() -> None:
    from agent.evaluation.run import default_run_dir

    assert len({default_run_dir() for _ in range(50)}) == 50
