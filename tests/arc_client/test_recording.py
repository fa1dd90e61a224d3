"""Recordings: the official JSONL, gzip by default, written off the game loop and whole after close."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from arc_client import ArcClient, FrameResponse, GameAction, RecordingError, read_recording
from arc_client.recording import (
    RecordingWriter,
    count_steps,
    find_recordings,
    recording_path,
    recordings_of_one_card,
)

OFFICIAL_KEYS = {"game_id", "state", "levels_completed", "win_levels", "action_input", "guid", "full_reset",
                 "available_actions", "frame"}
REPO = Path(__file__).resolve().parents[2]


async def _play(games_dir: Path, recordings: Path, maze: str, actions: list[int], **client: Any
                ) -> tuple[Path, list[FrameResponse]]:
    """Play `actions` on the maze with recording on; the recording's path and every response, in order."""
    async with ArcClient.local(games_dir, recordings_dir=recordings, **client) as arc, arc.scorecard() as card:
        game = await card.start(maze)
        sent = [game.last]
        for number, action in enumerate(actions, start=2):
            sent.append(await game.step(action, aria={"step": number}))
    (path,) = find_recordings(recordings)
    return path, sent


@pytest.mark.parametrize("record_format", ["jsonl.gz", "jsonl"])
async def test_both_formats_round_trip_in_the_official_line_format(
    fixture_games_dir: Path, tmp_path: Path, fixture_games: Any, record_format: str
) -> None:
    path, sent = await _play(fixture_games_dir, tmp_path / "rec", fixture_games.maze, fixture_games.maze_levels[0],
                             record_format=record_format)
    assert path.name.endswith("." + record_format)
    raw = path.read_bytes()
    assert (raw[:2] == b"\x1f\x8b") is (record_format == "jsonl.gz")
    text = gzip.decompress(raw).decode() if record_format == "jsonl.gz" else raw.decode()  # whole: trailer there
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == len(sent) and all(set(line) == {"timestamp", "data"} for line in lines)
    assert set(lines[0]["data"]) == OFFICIAL_KEYS and set(lines[1]["data"]) == OFFICIAL_KEYS | {"aria"}
    assert lines[0]["data"]["frame"] == [f.tolist() for f in sent[0].frames]  # a list of 64x64 grids
    steps = list(read_recording(path))
    assert [s.response.action_input for s in steps] == [r.action_input for r in sent]
    assert all(np.array_equal(s.response.frame, r.frame) for s, r in zip(steps, sent, strict=True))
    assert [s.response.levels_completed for s in steps] == [r.levels_completed for r in sent]
    assert steps[-1].response.levels_completed == 1 and steps[1].aria == {"step": 2} and steps[0].aria is None


async def test_a_live_recording_is_readable_after_flush_and_within_the_flush_interval(
    fixture_games_dir: Path, tmp_path: Path, fixture_games: Any
) -> None:
    recordings = tmp_path / "rec"
    async with ArcClient.local(fixture_games_dir, recordings_dir=recordings) as arc, arc.scorecard() as card:
        game = await card.start(fixture_games.maze)
        for action in fixture_games.maze_levels[0][:4]:
            await game.step(action)
        assert game.recorder is not None
        game.recorder.flush()
        (path,) = find_recordings(recordings)
        assert count_steps(path) == 5 and len(list(read_recording(path))) == 5  # a gzip stream with no trailer yet
        await game.step(fixture_games.maze_levels[0][4])
        deadline = time.monotonic() + 10
        while count_steps(path) < 6 and time.monotonic() < deadline:  # the writer's own periodic flush
            time.sleep(0.05)
        assert count_steps(path) == 6


def test_a_torn_plain_line_and_a_truncated_gzip_lose_only_the_last_line(tmp_path: Path) -> None:
    source = _small_recording(tmp_path, "jsonl")
    whole = source.read_bytes()
    torn = tmp_path / "torn.jsonl"
    torn.write_bytes(whole + whole.splitlines()[-1][:100])  # a crash in the middle of writing a line
    assert len(list(read_recording(torn))) == 4

    packed = gzip.compress(whole, compresslevel=1)
    for cut in (len(packed) - 8, len(packed) * 3 // 4, len(packed) // 2):  # no trailer; mid-stream
        truncated = tmp_path / f"cut-{cut}.jsonl.gz"
        truncated.write_bytes(packed[:cut])
        steps = list(read_recording(truncated))
        assert 0 < len(steps) <= 4 and count_steps(truncated) == len(steps)
        assert len(steps) == 4 or cut != len(packed) - 8  # only the trailer missing: every line there
        assert [s.response.action_input for s in steps] == \
            [s.response.action_input for s in read_recording(source)][:len(steps)]


def test_damage_before_the_last_line_names_the_file_and_line(tmp_path: Path) -> None:
    lines = _small_recording(tmp_path, "jsonl").read_bytes().splitlines(keepends=True)
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_bytes(b"".join([lines[0], lines[1][:50] + b"\n", *lines[2:]]))
    with pytest.raises(RecordingError, match=rf"^{damaged}:2: not a JSON line"):
        list(read_recording(damaged))
    # a newline-terminated last line is whole, so damage there is damage too
    damaged.write_bytes(b"".join([*lines[:-1], lines[-1][:50] + b"\n"]))
    with pytest.raises(RecordingError, match=rf"^{damaged}:4: "):
        list(read_recording(damaged))

    packed = bytearray(gzip.compress(b"".join(lines)))
    packed[len(packed) // 2: len(packed) // 2 + 16] = bytes(16)  # zeroed bytes inside the compressed data
    corrupt = tmp_path / "corrupt.jsonl.gz"
    corrupt.write_bytes(bytes(packed))
    with pytest.raises(RecordingError, match=rf"^{corrupt}:\d+: (the compressed data is damaged|not a JSON line)"):
        list(read_recording(corrupt))

    foreign = tmp_path / "other.jsonl"
    foreign.write_text('{"event": "not a game step"}\n{"event": "neither"}\n')
    with pytest.raises(RecordingError, match=rf"^{foreign}:1: not a recording line"):
        list(read_recording(foreign))


def test_close_from_another_thread_leaves_a_whole_file(tmp_path: Path) -> None:
    first = next(read_recording(_small_recording(tmp_path, "jsonl"))).response
    writer = RecordingWriter(tmp_path / "threads" / "x.jsonl.gz")
    refused: list[Exception] = []

    def keep_writing() -> None:
        while True:
            try:
                writer.write(first, {"n": writer.lines})
            except ValueError as exc:  # closed
                refused.append(exc)
                return

    thread = threading.Thread(target=keep_writing)
    thread.start()
    while writer.lines < 2000:
        time.sleep(0.01)
    closer = threading.Thread(target=writer.close)
    closer.start()
    closer.join(timeout=60)
    thread.join(timeout=60)
    assert not closer.is_alive() and not thread.is_alive() and refused and "closed" in str(refused[0])
    text = gzip.decompress(writer.path.read_bytes()).decode()  # the trailer is there: no EOFError
    numbers = [json.loads(line)["data"]["aria"]["n"] for line in text.splitlines()]
    assert numbers == list(range(writer.lines)) and writer.written == writer.lines  # every accepted step, in order
    writer.close()  # again: nothing happens


CHILD = """
import asyncio, os, signal, sys
from arc_client import ArcClient
async def main():
    async with ArcClient.local(sys.argv[1], recordings_dir=sys.argv[2]) as arc:
        card = arc.scorecard()
        await card.open()
        game = await card.start("{maze}")
        for action in {actions}:
            await game.step(action)
        game.recorder.flush()
        print(game.recorder.written, flush=True)
        if sys.argv[3] == "kill":
            for action in {actions}:
                await game.step(action)
            os.kill(os.getpid(), signal.SIGKILL)
        # "exit": leave without closing anything; the atexit hook drains and closes the writer
asyncio.run(main())
"""


@pytest.mark.parametrize("ending", ["kill", "exit"])
def test_a_killed_or_unclosed_process_leaves_a_readable_recording(
    fixture_games_dir: Path, tmp_path: Path, fixture_games: Any, ending: str
) -> None:
    actions = list(fixture_games.maze_levels[0][:6])
    code = CHILD.replace("{maze}", fixture_games.maze).replace("{actions}", repr(actions))
    done = subprocess.run([sys.executable, "-c", code, str(fixture_games_dir), str(tmp_path / "rec"), ending],
                          capture_output=True, text=True, timeout=120, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == (-signal.SIGKILL if ending == "kill" else 0), done.stderr
    assert done.stdout.split() == ["7"]
    (path,) = find_recordings(tmp_path / "rec")
    steps = list(read_recording(path))
    if ending == "kill":
        assert 7 <= len(steps) <= 13  # what was flushed, and perhaps more: never a broken line
    else:
        assert len(steps) == 7 and len(gzip.decompress(path.read_bytes()).splitlines()) == 7  # whole, trailer too


def test_rescoring_refuses_what_is_not_one_scorecards_recordings(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="does not exist"):
        recordings_of_one_card(tmp_path / "nowhere")
    results = tmp_path / "results.json"
    results.write_text("{}")
    with pytest.raises(RecordingError, match=r"results.json is not a recording; pass a run directory"):
        recordings_of_one_card(results)
    with pytest.raises(RecordingError, match="no recordings"):
        recordings_of_one_card(tmp_path)
    one = _small_recording(tmp_path / "runs", "jsonl.gz", card="card-a")
    assert recordings_of_one_card(tmp_path / "runs") == ("card-a", [one])
    _small_recording(tmp_path / "runs", "jsonl.gz", card="card-b")
    with pytest.raises(RecordingError, match=r"2 scorecards \(card-a, card-b\); rescore one at a time"):
        recordings_of_one_card(tmp_path / "runs")


def _small_recording(root: Path, record_format: str, card: str = "card") -> Path:
    """A recording of 4 steps of a real game (a built-in suite game, in-process)."""
    import asyncio

    from arc_client.games import suite_dir

    async def play() -> Path:
        async with ArcClient.local(suite_dir()) as arc, arc.scorecard() as scorecard:
            game = await scorecard.start("mz01")
            path = recording_path(root, card, game.game_id, game.guid, record_format)
            with RecordingWriter(path) as writer:
                writer.write(game.last)
                for action in (GameAction.ACTION1, GameAction.ACTION2, GameAction.ACTION3):
                    writer.write(await game.step(action), {"decision": {"system": "slow"}})
            return path

    return asyncio.run(play())


def test_each_line_is_the_responses_own_json(tmp_path: Path) -> None:
    """The writer's text encoder (cached rows, frames and echoes) says exactly what `to_json` says, for
    clicks, animations (several frames), reasoning, and numpy values in `aria`."""
    import asyncio

    from arc_client.games import oracle_actions, suite_dir
    from arc_client.recording_writer import StepEncoder

    async def play() -> list[FrameResponse]:
        """The oracle's plans for sq01's first two levels (clicks; a level clear animates), with reasoning."""
        async with ArcClient.local(suite_dir()) as arc, arc.scorecard() as card:
            game = await card.start("sq01")
            sent = [game.last]
            for level in (0, 1):
                for n, (action, x, y) in enumerate(oracle_actions("sq01", 0, level)):
                    sent.append(await game.step(action, x=x, y=y, reasoning={"n": n} if n % 2 else None))
            return sent

    sent = asyncio.run(play())
    assert sent[-1].levels_completed == 2 and any(len(r.frames) > 1 for r in sent)
    assert len({r.frame.tobytes() for r in sent}) > 5 and any(r.action_input.x is not None for r in sent)
    encoder = StepEncoder()
    for number, response in enumerate(sent * 2):  # twice: the second pass is served from the caches
        aria = {"step": number, "confidence": np.float32(0.25), "heat": np.zeros(2)}
        event = json.loads(encoder.line(1_700_000_000.25, response, aria))
        assert event["timestamp"] == "2023-11-14T22:13:20.250000+00:00"
        assert event["data"] == {**response.to_json(), "aria": {"step": number, "confidence": 0.25, "heat": [0.0, 0.0]}}
