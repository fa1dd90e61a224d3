"""The four agents side by side on the held-out games (issue #10): random, aria-slow, aria-fast, aria.

    python benchmarks/heldout.py [--max-actions 5000] [--agents random,aria-slow,aria-fast,aria]
        [--games all] [--seed 0 | --seeds A-B] [--run-root /tmp/heldout-bench] [--checkpoint RUN_DIR]
        [--tag heldout | --tag sealed]

Each agent plays every game tagged `heldout` (or `--tag sealed`: the games no agent was developed on,
`arc_client.games.sealed`, played to measure and never to tune) through `run_eval` (in-process, official
scorer). Printed: levels completed, the official score, actions per completed level against the level's baseline (all
levels, first levels, later levels), the agent's own ms per action (the median over games of each
game's mean; the mean over all actions; the median and 95th percentile of single steps) and the fast
share; then a per-game table and, per game, actions/baseline level by level. An agent that cannot
start (e.g. no trained checkpoint yet) is reported as such and skipped. `--agents` also takes
`aria-online` (the online systems without a checkpoint) and `aria-cnn` (`aria` whose online fast
system also consults the checkpoint's policy fine-tuned on the game, `agent.online_cnn`).

The seed is the agents' (the held-out games are fixed): exploration on a game's hardest level can go
either way with it. `--seeds A-B` plays every seed of the range and ends with each game's levels summed
over the seeds, per agent, and the games where an agent clears fewer than `aria-slow` in total.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from pathlib import Path
from typing import Any

from step_quality import seed_range  # "A-B" or "a,b,c" (benchmarks/ is this script's import path)

from agent.errors import AriaError
from agent.evaluation.config import EvalConfig
from agent.evaluation.run import run_eval
from agent.registry import list_agents

# the project's own agents by import path, for an environment installed before they were registered
OWN_AGENTS = {"random": "agent.agents.random_agent:RandomAgent", "aria": "agent.agents.aria_agent:AriaAgent",
              "aria-fast": "agent.agents.fast_agent:AriaFastAgent", "aria-slow": "agent.agents.slow_agent:AriaSlowAgent",
              "aria-online": "agent.agents.online_agent:AriaOnlineAgent",
              "aria-cnn": "agent.agents.aria_agent:AriaOnlineCNNAgent"}


def level_ratios(results: dict[str, Any]) -> dict[str, list[float]]:
    """Per game: agent actions / baseline actions of each completed level, from the scorecard."""
    out: dict[str, list[float]] = {}
    for env in (results.get("scorecard") or {}).get("environments") or []:
        runs = env.get("runs") or []
        if not runs:
            continue
        best = max(runs, key=lambda r: (r.get("levels_completed") or 0, r.get("score") or 0))
        done = int(best.get("levels_completed") or 0)
        actions = best.get("level_actions") or []
        baselines = best.get("level_baseline_actions") or []
        out[str(env.get("id", "?")).split("-", 1)[0]] = [
            actions[i] / baselines[i] for i in range(min(done, len(actions), len(baselines))) if baselines[i]
        ]
    return out


def summarise(name: str, results: dict[str, Any]) -> dict[str, Any]:
    totals = results["totals"]
    ratios = level_ratios(results)
    firsts = [r[0] for r in ratios.values() if r]
    laters = [x for r in ratios.values() for x in r[1:]]
    every = [x for r in ratios.values() for x in r]
    ms = [g["agent_ms_per_action"] for g in results["games"] if g.get("agent_ms_per_action") is not None]
    return {
        "agent": name, "levels": totals["levels_completed"], "levels_total": totals["levels_total"],
        "score": totals["official_score"] or 0.0, "actions": totals["actions"],
        "ratio_all": statistics.median(every) if every else None,
        "ratio_first": statistics.median(firsts) if firsts else None,
        "ratio_later": statistics.median(laters) if laters else None,
        "ms": statistics.median(ms) if ms else None, "fast": totals["fast_share"],
        "ms_all": totals.get("agent_ms_per_action"), "p50": totals.get("agent_ms_p50"),
        "p95": totals.get("agent_ms_p95"),
        "games": {g["game_id"].split("-", 1)[0]: g for g in results["games"]}, "ratios": ratios,
    }


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def play_seed(args: argparse.Namespace, seed: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    registered = set(list_agents())
    for name in args.agents.split(","):
        agent = name if name in registered else OWN_AGENTS.get(name, name)
        config = EvalConfig(games=args.games.split(","), tags=[args.tag], agent=agent, max_actions=args.max_actions,
                            seed=seed, record=False, overwrite=True, run_dir=Path(args.run_root) / name,
                            checkpoint=args.checkpoint if name in ("aria", "aria-fast", "aria-cnn") else None)
        try:
            outcome = asyncio.run(run_eval(config))
        except AriaError as exc:
            print(f"{name}: cannot run ({exc})")
            continue
        rows.append(summarise(name, outcome.results))
        print(f"{name}: {outcome.results['totals']['levels_completed']} levels", flush=True)
    return rows


def print_seed(rows: list[dict[str, Any]], max_actions: int, seed: int, tag: str = "heldout") -> None:
    print(f"\n{'held-out' if tag == 'heldout' else tag} games, {max_actions} actions per game, seed {seed}")
    print(f"{'agent':10} {'levels':>8} {'score %':>8} {'act/base':>9} {'first':>7} {'later':>7} {'ms/act':>7} "
          f"{'fast':>6} {'all ms':>7} {'p50 ms':>7} {'p95 ms':>7}")
    for r in rows:
        print(f"{r['agent']:10} {r['levels']:>4}/{r['levels_total']:<3} {r['score']:8.3f} "
              f"{_fmt(r['ratio_all'], '9.2f')} {_fmt(r['ratio_first'], '7.2f')} {_fmt(r['ratio_later'], '7.2f')} "
              f"{_fmt(r['ms'], '7.3f')} {_fmt(r['fast'], '6.0%')} {_fmt(r['ms_all'], '7.3f')} "
              f"{_fmt(r['p50'], '7.3f')} {_fmt(r['p95'], '7.3f')}")
    if not rows:
        return
    games = sorted(rows[0]["games"])
    print("\nlevels per game (ms/action)")
    print(f"{'game':6}" + "".join(f"{r['agent']:>18}" for r in rows))
    for game in games:
        cells = []
        for r in rows:
            g = r["games"].get(game)
            cells.append("-" if g is None else
                         f"{g['levels_completed']}/{g['win_levels']} ({_fmt(g['agent_ms_per_action'], '.2f')})")
        print(f"{game:6}" + "".join(f"{c:>18}" for c in cells))
    print("\nactions / baseline per completed level")
    for r in rows:
        for game in games:
            ratios = r["ratios"].get(game) or []
            if ratios:
                print(f"{r['agent']:10} {game:6} " + " ".join(f"{x:.1f}" for x in ratios))



def print_totals(per_seed: dict[int, list[dict[str, Any]]]) -> None:
    """Each game's levels summed over the seeds, per agent, and where an agent falls short of aria-slow."""
    seeds = sorted(per_seed)
    agents = [r["agent"] for r in per_seed[seeds[0]]]
    totals: dict[str, dict[str, list[int]]] = {a: {} for a in agents}
    wins: dict[str, int] = {}
    for seed in seeds:
        for r in per_seed[seed]:
            for game, g in r["games"].items():
                totals[r["agent"]].setdefault(game, []).append(int(g["levels_completed"]))
                wins[game] = int(g["win_levels"])
    games = sorted(wins)
    print(f"\nlevels per game over seeds {seeds[0]}-{seeds[-1]} ({len(seeds)} runs; per seed in brackets)")
    print(f"{'game':6}" + "".join(f"{a:>24}" for a in agents))
    for game in games:
        cells = []
        for a in agents:
            got = totals[a].get(game, [])
            cells.append(f"{sum(got)}/{wins[game] * len(seeds)} [{''.join(str(x) for x in got)}]")
        print(f"{game:6}" + "".join(f"{c:>24}" for c in cells))
    print(f"{'all':6}" + "".join(f"{sum(sum(v) for v in totals[a].values()):>24}" for a in agents))
    if "aria-slow" in totals:
        slow = totals["aria-slow"]
        for a in agents:
            if a == "aria-slow":
                continue
            short = [g for g in games if sum(totals[a].get(g, [])) < sum(slow.get(g, []))]
            print(f"{a}: fewer levels than aria-slow over the seeds on " + (", ".join(short) if short else "no game"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-actions", type=int, default=5000)
    parser.add_argument("--agents", default="random,aria-slow,aria-fast,aria")
    parser.add_argument("--games", default="all")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds", default=None, help="A-B (or a,b,c): every agent seed listed, then per-game totals")
    parser.add_argument("--run-root", default="/tmp/heldout-bench")
    parser.add_argument("--checkpoint", default=None)
    parser.add_argument("--tag", default="heldout", choices=("heldout", "sealed"),
                        help="the games played: the development set (heldout) or the test set (sealed)")
    args = parser.parse_args()
    per_seed: dict[int, list[dict[str, Any]]] = {}
    for seed in seed_range(args.seeds) if args.seeds else [args.seed]:
        per_seed[seed] = play_seed(args, seed)
        print_seed(per_seed[seed], args.max_actions, seed, args.tag)
    if len(per_seed) > 1 and all(per_seed.values()):
        print_totals(per_seed)


if __name__ == "__main__":
    main()
