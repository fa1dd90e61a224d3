"""Perception speed per 64x64 frame on real frames of the held-out games and the suite.

Frames come from random play (seeded) of every held-out game and every suite game. For each frame the
best of `--repeat` timings is kept (the least disturbed by other processes on a shared machine), and
the median over frames is printed per game, for: labelling components, `segment` (parts, kinds,
sprites), `click_candidates` and `motions` between consecutive frames.

    python benchmarks/perception.py [--frames 40] [--repeat 15]
"""

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from agent.frames import label_components
from agent.perception import click_candidates, motions, segment
from arc_client.games import SUITE
from arc_client.games.heldout import HELDOUT
from arc_client.games.play import act


def frames_of(cls: Any, count: int, seed: int = 0) -> list[np.ndarray]:
    game, rng = cls(seed=0), random.Random(seed)
    out = [np.array(act(game, 0).frame[-1], dtype=np.uint8)]
    while len(out) < count:
        action = rng.choice(cls.AVAILABLE)
        result = act(game, action, rng.randrange(64), rng.randrange(64)) if action == 6 else act(game, action)
        if result.state.name in ("GAME_OVER", "WIN"):
            result = act(game, 0)
        out.append(np.array(result.frame[-1], dtype=np.uint8))
    return out


def best_ms(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    print(f"{'game':6} {'label':>7} {'segment':>8} {'clicks':>7} {'motions':>8}  ms per frame (median of best-of-{args.repeat})")
    totals: list[float] = []
    for cls in [*HELDOUT, *SUITE]:
        frames = frames_of(cls, args.frames)
        segs = [segment(f) for f in frames]
        label = [best_ms(lambda f=f: label_components(f), args.repeat) for f in frames]
        seg = [best_ms(lambda f=f: segment(f), args.repeat) for f in frames]
        clicks = [best_ms(lambda s=s: click_candidates(s), args.repeat) for s in segs]
        moved = [best_ms(lambda a=a, b=b: motions(a, b), args.repeat) for a, b in zip(segs, segs[1:], strict=False)]
        totals += [s + c for s, c in zip(seg, clicks, strict=True)]
        print(f"{cls.NAME:6} {statistics.median(label):7.3f} {statistics.median(seg):8.3f} "
              f"{statistics.median(clicks):7.3f} {statistics.median(moved):8.3f}")
    print(f"segment + click candidates, all frames: median {statistics.median(totals):.3f} ms, "
          f"90th percentile {np.percentile(totals, 90):.3f} ms")


if __name__ == "__main__":
    main()
