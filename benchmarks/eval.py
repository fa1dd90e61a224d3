"""Harness overhead per action, scaling with --concurrency, in-process and over HTTP, and in-process
scaling with --workers (games split across processes; the figure includes starting the processes).

Prints figures, asserts nothing. Baseline: the same agent and games driven by a bare loop over the
same backend (agent.act + backend.command), without the harness's scorecard handling, rows, live
view or recordings. Run: `.venv/bin/python benchmarks/eval.py [--actions N] [--worker-actions N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from agent.agents.random_agent import RandomAgent
from agent.evaluation.config import EvalConfig
from agent.evaluation.harness import run_games, seeded_factory
from agent.evaluation.workers import run_games_in_workers
from arc_client import ArcClient, GameAction, GameInfo
from arc_client.games import suite_dir
from arc_client.local_server import LocalServer


async def bare_loop(client: ArcClient, infos: list[GameInfo], actions: int, seed: int) -> float:
    """Actions/s of agent + game with nothing in between but the backend call."""
    backend = client.backend
    card_id = await backend.open_scorecard()
    total, started = 0, time.perf_counter()
    for info in infos:
        agent = seeded_factory(RandomAgent, EvalConfig(seed=seed))(info)
        frame = await backend.command(card_id, info.game_id, GameAction.RESET, seed=0)
        agent.start(info, frame)
        for _ in range(actions):
            choice = agent.act(frame)
            frame = await backend.command(card_id, info.game_id, choice.action, guid=frame.guid, x=choice.x,
                                          y=choice.y)
            agent.observe(choice, frame)
            total += 1
    elapsed = time.perf_counter() - started
    await backend.close_scorecard(card_id)
    return total / elapsed


async def harness(client: ArcClient, infos: list[GameInfo], actions: int, seed: int, concurrency: int) -> float:
    config = EvalConfig(agent="random", max_actions=actions, seed=seed, concurrency=concurrency, record=False)
    started = time.perf_counter()
    run = await run_games(client, infos, seeded_factory(RandomAgent, config), config)
    return sum(r.actions for r in run.rows) / (time.perf_counter() - started)


async def measure(make_client, label: str, actions: int, repeats: int) -> None:
    client = make_client()
    infos = sorted(await client.list_games(), key=lambda g: g.game_id)[:4]
    await harness(client, infos, 50, 1, 1)  # warm-up: game classes loaded, caches filled
    bare, full = [], []
    for _ in range(repeats):  # interleaved so that machine noise hits both alike
        bare.append(await bare_loop(client, infos, actions, 1))
        full.append(await harness(client, infos, actions, 1, 1))
    b, h = statistics.median(bare), statistics.median(full)
    print(f"{label}: bare loop {b:8.0f} actions/s | harness {h:8.0f} actions/s | "
          f"overhead {100 * (b / h - 1):+.1f}% per action (goal <= 5%)")
    base = None
    for k in (1, 2, 4):
        rate = statistics.median([await harness(client, infos, actions, 1, k) for _ in range(repeats)])
        base = base or rate
        print(f"{label}: --concurrency {k}: {rate:8.0f} actions/s aggregate ({rate / base:.2f}x of 1)")
    await client.aclose()


async def workers_rate(actions: int, workers: int) -> float:
    """Aggregate actions/s of 4 in-process games over `workers` processes (1: the ordinary harness)."""
    client = ArcClient.local(suite_dir())
    infos = sorted(await client.list_games(), key=lambda g: g.game_id)[:4]
    config = EvalConfig(agent="random", max_actions=actions, seed=1, workers=workers, record=False)
    started = time.perf_counter()
    if workers == 1:
        run = await run_games(client, infos, seeded_factory(RandomAgent, config), config)
    else:
        run = await run_games_in_workers(client, infos, config, {})
    rate = sum(r.actions for r in run.rows) / (time.perf_counter() - started)
    await client.aclose()
    return rate


def measure_workers(actions: int, repeats: int) -> None:
    base = None
    for workers in (1, 2):
        rate = statistics.median([asyncio.run(workers_rate(actions, workers)) for _ in range(repeats)])
        base = base or rate
        print(f"in-process: --workers {workers}: {rate:8.0f} actions/s aggregate ({rate / base:.2f}x of 1; "
              f"4 games x {actions} actions, process start included)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=1000, help="actions per game (4 games)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--worker-actions", type=int, default=2000, help="actions per game for --workers (4 games)")
    parser.add_argument("--only-workers", action="store_true", help="measure --workers only")
    args = parser.parse_args()
    measure_workers(args.worker_actions, args.repeats)
    if args.only_workers:
        return
    asyncio.run(measure(lambda: ArcClient.local(suite_dir()), "in-process", args.actions, args.repeats))
    with LocalServer(suite_dir()) as server:
        asyncio.run(measure(lambda: ArcClient.http(server.base_url, "aria-bench", requests_per_minute=None), "http (local server)",
                            max(args.actions // 10, 50), args.repeats))


if __name__ == "__main__":
    main()
