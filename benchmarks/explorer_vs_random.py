"""Explorer (ARIA's slow system) vs random play on local games, same seeds, same action budget.

    .venv/bin/python benchmarks/explorer_vs_random.py [--games DIR] [--seeds 5] [--max-actions 2000]

Prints, per game and agent: levels completed (mean over seeds), actions to clear level 1 (median over
the seeds that cleared it; '-' if none did) and the agent's own time per action. Games are played by
the harness's game loop (`agent.evaluation.harness.play_game`), as `aria eval` plays them.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from pathlib import Path

from agent.base import Agent
from agent.evaluation.config import EvalConfig
from agent.evaluation.events import DecisionMade, EvalEvent
from agent.evaluation.harness import GameRow, play_game
from agent.registry import load_agent
from arc_client import ArcClient, GameInfo


async def play(client: ArcClient, info: GameInfo, agent: Agent, max_actions: int) -> tuple[int, int | None, float]:
    """Levels completed, actions when level 1 was cleared (None if never), agent seconds per action."""
    first_level_at: list[int] = []

    def on_event(event: EvalEvent) -> None:
        if isinstance(event, DecisionMade) and event.frame.levels_completed >= 1 and not first_level_at:
            first_level_at.append(event.step)

    row = GameRow(game_id=info.game_id)
    async with client.scorecard(tags=["benchmark"]) as card:
        await play_game(card, info, agent, row, EvalConfig(max_actions=max_actions), on_event)
    if row.error:
        raise RuntimeError(row.error)
    return row.levels_completed, (first_level_at or [None])[0], row.agent_s / max(row.decisions, 1)


async def main() -> None:
    from arc_client.games import suite_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=Path, action="append", help="environment_files dir (repeatable)")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--max-actions", type=int, default=2000)
    parser.add_argument("--agents", default="random,aria")
    args = parser.parse_args()
    dirs = args.games or [Path("tests/fixtures/environment_files"), suite_dir()]
    names = args.agents.split(",")
    print(f"{'game':<16}{'agent':<8}{'levels (mean)':>14}{'cleared L1':>11}{'actions to L1 (median)':>24}{'ms/action':>10}")
    for games_dir in dirs:
        client = ArcClient.local(games_dir)
        for info in sorted(await client.list_games(), key=lambda g: g.game_id):
            for name in names:
                cls = load_agent(name)
                try:
                    runs = [await play(client, info, cls(seed=s), args.max_actions) for s in range(args.seeds)]
                except RuntimeError as exc:  # one broken game must not hide the others' figures
                    print(f"{info.game_id:<16}{name:<8}  error: {exc}")
                    continue
                levels = statistics.mean(r[0] for r in runs)
                firsts = [r[1] for r in runs if r[1] is not None]
                median = f"{statistics.median(firsts):.0f}" if firsts else "-"
                ms = 1000 * statistics.mean(r[2] for r in runs)
                print(f"{info.game_id:<16}{name:<8}{levels:>14.2f}{len(firsts):>8}/{args.seeds:<2}{median:>24}{ms:>10.3f}"
                      f"   (of {info.baseline_actions and len(info.baseline_actions) or '?'} levels)")
        await client.aclose()


if __name__ == "__main__":
    asyncio.run(main())
