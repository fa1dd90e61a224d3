"""Can the explorer click what a level needs? The held-out click games' own solutions, checked click by click.

    PYTHONPATH=. .venv/bin/python benchmarks/click_audit.py [--games hb01,hl01] [--seeds 0] [--no-parts]

For every held-out game with ACTION6 and every level, the game is moved to the level's start by the solver's
plans and the level's plan is played step by step; before each of its clicks, every click candidate the
explorer would offer in that frame (`segment(frame, boards=True)`, `click_candidates(parts=True)`, as
`GraphExplorer` builds them; `--no-parts`: one per sprite, as before the parts of a sprite were candidates) is
tried on a copy of the game. A plan click no candidate reproduces (the same next frame) is one the explorer
cannot make: a level whose plan needs it is out of the explorer's reach unless another plan exists. Printed:
per game and level, the plan clicks no candidate reproduces / the plan's clicks, and the first of them with
what the segmentation made of the cell clicked. The held-out games only: the sealed games are not looked into.
Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import copy
from typing import Any

import numpy as np
from step_quality import seed_range  # "A-B" or "a,b,c" (benchmarks/ is this script's import path)

from agent.perception import BACKGROUND, HUD, OBJECT, TEXTURE, click_candidates, segment
from arc_client.games.heldout import HELDOUT
from arc_client.games.play import act, play_plan

KINDS = {OBJECT: "object", BACKGROUND: "background", TEXTURE: "texture", HUD: "HUD"}


def frame_of(result: Any) -> np.ndarray:
    return np.asarray(result.frame[-1], dtype=np.int16)


def reproduced(game: Any, frame: np.ndarray, target: np.ndarray, parts: bool) -> bool:
    """Whether a candidate click in `frame` leads where the plan's click led (`target`)."""
    for c in click_candidates(segment(frame, None, boards=True), None, 192, parts=parts):
        if np.array_equal(frame_of(act(copy.deepcopy(game), 6, c.x, c.y)), target):
            return True
    return False


def audit(cls: Any, seed: int, parts: bool) -> list[tuple[int, int, str]]:
    """Per level: (plan clicks no candidate reproduces, plan clicks, the first such click described)."""
    out = []
    levels = len(cls(seed=seed).solutions)
    for level in range(levels):
        game = cls(seed=seed)
        result = act(game, 0)
        for plan in game.solutions[:level]:
            result = play_plan(game, plan)
        frame = frame_of(result)
        missed, clicks, first = 0, 0, ""
        for action, x, y in game.solutions[level]:
            if action == 6:
                clicks += 1
                target = frame_of(act(copy.deepcopy(game), action, x, y))
                if not reproduced(game, frame, target, parts):
                    missed += 1
                    if not first:
                        seg = segment(frame, None, boards=True)
                        label = int(seg.labels[y, x])
                        first = (f"({x}, {y}) colour {int(frame[y, x])}, a part of {KINDS.get(int(seg.kinds[label]), '?')}"
                                 + (f" in a sprite of {len(next(s for s in seg.sprites if any(p.index == label for p in s.parts)).parts)} parts"
                                    if label in seg.parts else ""))
            frame = frame_of(act(game, action, x, y))
        out.append((missed, clicks, first))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--games", default="all", help="held-out game ids, comma-separated (default: every click game)")
    parser.add_argument("--seeds", default="0", help="game seeds: A-B or a,b,c")
    parser.add_argument("--no-parts", action="store_true", help="one click per sprite (the explorer before 0e46a00)")
    args = parser.parse_args()
    wanted = None if args.games == "all" else set(args.games.split(","))
    total = [0, 0]
    for seed in seed_range(args.seeds):
        print(f"game seed {seed}, {'one click per sprite' if args.no_parts else 'the parts of a sprite too'}")
        for cls in HELDOUT:
            if 6 not in cls.AVAILABLE or (wanted is not None and cls.NAME not in wanted):
                continue
            rows = audit(cls, seed, not args.no_parts)
            total[0] += sum(r[0] for r in rows)
            total[1] += sum(r[1] for r in rows)
            cells = " ".join(f"L{i + 1} {m}/{c}" for i, (m, c, _) in enumerate(rows))
            print(f"  {cls.NAME} {cls.TITLE:14} {cells}")
            for i, (m, _, first) in enumerate(rows):
                if m:
                    print(f"      L{i + 1}: {first}")
    print(f"plan clicks no candidate reproduces: {total[0]} of {total[1]}")


if __name__ == "__main__":
    main()
