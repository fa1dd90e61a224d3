"""The play screen under load: frames per second while the agent plays unthrottled, and how long a
key press waits meanwhile. Headless (Textual's run_test), 120×40. Prints figures; asserts nothing.

    python benchmarks/tui.py [--game mz01] [--agent aria] [--seconds 10] [--presses 30]

- frames/s: frames put on the grid per second (a multi-frame answer counts each frame), and the
  agent's steps per second; rows repainted per frame shows what redrawing only the changed rows saves
  (a full frame is 32 rows);
- input latency: from posting a key (`+`, which only changes the speed shown) to its handler having
  run, while the agent plays; median, 95th percentile and worst.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402

from aria_tui.app import AriaApp  # noqa: E402
from aria_tui.screens.play import SPEEDS, PlayScreen  # noqa: E402
from aria_tui.widgets.frame_grid import FrameGrid  # noqa: E402


async def measure(game: str, agent: str, seconds: float, presses: int) -> dict[str, float]:
    app = AriaApp(agent=agent)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_game(app.source, game, 0)
        while not isinstance(app.screen, PlayScreen):
            await asyncio.sleep(0.01)
        screen = app.screen
        await screen.opened.wait()
        await screen.session.load_agent()  # loading the agent is not part of the run
        screen.speed_index = len(SPEEDS) - 1  # unthrottled
        grid = screen.query_one(FrameGrid)
        frames0, rows0, steps0 = grid.frames_shown, grid.rows_redrawn, screen.session.actions
        await pilot.press("p")
        started = time.perf_counter()
        latencies = []
        loop = asyncio.get_running_loop()
        gap = seconds / (presses + 1)
        for _ in range(presses):
            await asyncio.sleep(gap)
            before = screen.speed_index
            screen.speed_index = len(SPEEDS) - 2  # `+` moves it back to the last (unthrottled) speed
            sent = loop.time()
            app.post_message(events.Key("plus", "+"))
            while screen.speed_index != len(SPEEDS) - 1:
                await asyncio.sleep(0)
            latencies.append((loop.time() - sent) * 1000)
            screen.speed_index = max(before, screen.speed_index)
        elapsed = time.perf_counter() - started
        frames, rows = grid.frames_shown - frames0, grid.rows_redrawn - rows0
        steps = screen.session.actions - steps0
        await pilot.press("p")
    latencies.sort()
    return {
        "seconds": elapsed, "steps": steps, "steps_per_s": steps / elapsed, "frames_per_s": frames / elapsed,
        "rows_per_frame": rows / frames if frames else 0.0, "latency_median_ms": statistics.median(latencies),
        "latency_p95_ms": latencies[int(0.95 * (len(latencies) - 1))], "latency_max_ms": latencies[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--game", default="mz01")
    parser.add_argument("--agent", default="aria")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--presses", type=int, default=30)
    args = parser.parse_args()
    figures = asyncio.run(measure(args.game, args.agent, args.seconds, args.presses))
    print(f"play screen, agent {args.agent} unthrottled on {args.game}, {figures['seconds']:.1f} s headless at 120x40")
    print(f"  agent steps       {figures['steps']} ({figures['steps_per_s']:.0f}/s)")
    print(f"  frames on grid    {figures['frames_per_s']:.0f}/s, {figures['rows_per_frame']:.1f} of 32 rows repainted per frame")
    print(f"  key latency       median {figures['latency_median_ms']:.1f} ms, p95 {figures['latency_p95_ms']:.1f} ms, "
          f"max {figures['latency_max_ms']:.1f} ms ({args.presses} presses)")


if __name__ == "__main__":
    main()
