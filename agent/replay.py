"""`aria replay RECORDING`: step through a recorded game in the plain terminal, frame and decision.

`load_replay(path)` is the reader (the app's replay viewer reuses it): one `ReplayStep` per recorded
line of a plain or gzip recording, the step's Decision decoded. Step 0 is the frame the game started
on; step N is the frame after the N-th action.

Keys in a terminal: n, Enter, space or → next; p or ← back; g then a number: go to that step; q
quit. When stdin is not a terminal, the same commands are read one per line (`n`, `p`, `g 12`, `q`,
or an empty line for next), so a script can drive it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from agent.decision import Decision
from agent.errors import AriaError
from agent.render import frame_to_text
from arc_client.errors import RecordingError
from arc_client.recording import is_recording_name, read_recording
from arc_client.types import FrameResponse, GameAction

HELP = "n/Enter/→ next, p/← back, g N go to step N, q quit"


@dataclass(frozen=True)
class ReplayStep:
    """One recorded step: the game's answer, and the agent's decision that led to it (if recorded)."""

    index: int
    timestamp: str
    response: FrameResponse
    decision: Decision | None
    aria: dict[str, Any] | None

    @property
    def action(self) -> str:
        """`ACTION1`, `ACTION6 at (12, 40)`; step 0 is `RESET (start)`."""
        action_input = self.response.action_input
        name = action_input.id.name
        if self.index == 0:
            return f"{name} (start)"
        if action_input.id is GameAction.ACTION6 and "x" in action_input.data:
            return f"{name} at ({action_input.data['x']}, {action_input.data.get('y')})"
        return name


def load_replay(path: str | os.PathLike[str]) -> list[ReplayStep]:
    """Every step of a recording (plain or gzip). RecordingError (file:line) for anything unreadable."""
    if not is_recording_name(path):
        raise RecordingError(f"{path} is not a recording; pass a *.jsonl or *.jsonl.gz file "
                             "(a run's recordings are under <run-dir>/recordings/<card_id>/)")
    steps = []
    for index, step in enumerate(read_recording(path)):
        decision = None
        recorded = (step.aria or {}).get("decision")
        if recorded is not None:
            try:
                decision = Decision.from_json(recorded)
            except (KeyError, TypeError, ValueError) as exc:
                raise RecordingError(f"{path}:{index + 1}: a malformed decision ({type(exc).__name__}: {exc})") from None
        steps.append(ReplayStep(index, step.timestamp, step.response, decision, step.aria))
    if not steps:
        raise RecordingError(f"{path} holds no steps; pass a recording written by `aria eval` or the ARC toolkit")
    return steps


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def decision_lines(decision: Decision | None) -> list[str]:
    """A decision for people: system and mode, the figures the arbiter weighed, proposals, reason."""
    if decision is None:
        return ["decision: none recorded"]
    head = f"decision: {decision.system}" + (f" / {decision.mode}" if decision.mode else "")
    figures = []
    if decision.confidence is not None or decision.threshold is not None:
        figures.append(f"confidence {_figure(decision.confidence)} / threshold {_figure(decision.threshold)}")
    for name in ("uncertainty", "novelty", "think_ms", "plan_left"):
        value = getattr(decision, name)
        if value is not None:
            figures.append(f"{name.replace('_', ' ')} {_figure(value)}")
    lines = [head + ("  " + "  ".join(figures) if figures else "")]
    proposals = [f"{system} proposed {p.label}" + (f" ({_figure(p.score)})" if p.score is not None else "")
                 for system, p in (("fast", decision.fast), ("slow", decision.slow)) if p is not None]
    if proposals:
        lines.append("; ".join(proposals))
    if decision.top_actions:
        lines.append("top actions: " + ", ".join(f"{label} {p:.2f}" for label, p in decision.top_actions[:5]))
    if decision.reason:
        lines.append(f"reason: {decision.reason}")
    if decision.extra:
        lines.append("extra: " + "  ".join(f"{key} {value}" for key, value in decision.extra.items()))
    return lines


def describe(step: ReplayStep, total: int) -> list[str]:
    """The lines under the frame: step, action, state, levels, then the decision."""
    r = step.response
    return [f"step {step.index}/{total - 1}  action {step.action}  state {r.state.value}  "
            f"levels {r.levels_completed}/{r.win_levels}  {r.game_id}", *decision_lines(step.decision)]


def parse_command(text: str, current: int, total: int) -> int | str:
    """One command -> the step to show next, "quit", or a message to show."""
    words = text.strip().lower().split()
    if not words or words[0] in ("n", "next", "right"):
        return min(current + 1, total - 1)
    if words[0] in ("p", "prev", "back", "left"):
        return max(current - 1, 0)
    if words[0] in ("q", "quit", "exit"):
        return "quit"
    if words[0] in ("g", "go", "goto") and len(words) == 2 and words[1].isdigit():
        return min(int(words[1]), total - 1)
    return f"unknown command {text.strip()!r}; {HELP}"


def _line_commands() -> Iterator[str]:
    for line in sys.stdin:
        yield line.rstrip("\n")


def _key_commands(read_number: Callable[[], str]) -> Iterator[str]:
    """Single keys from a terminal in cbreak mode, as the line commands they stand for."""
    import select
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        while True:
            tty.setcbreak(fd)
            key = os.read(fd, 1)
            if key == b"\x1b" and select.select([fd], [], [], 0.05)[0]:
                key += os.read(fd, 2)
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
            if key in (b"\x1b[C", b"\x1b[B", b" ", b"\r", b"\n") or key.lower() == b"n":
                yield "n"
            elif key in (b"\x1b[D", b"\x1b[A") or key.lower() == b"p":
                yield "p"
            elif key.lower() == b"q" or key == b"\x04":
                yield "q"
            elif key.lower() == b"g":
                yield f"g {read_number().strip()}"
            elif key:
                yield key.decode(errors="replace")
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def replay_terminal(path: Path, start: int = 0) -> None:
    """The `aria replay` loop (see the module docstring)."""
    steps = load_replay(path)
    if not 0 <= start < len(steps):
        raise AriaError(f"--step {start} is outside the recording: it has steps 0..{len(steps) - 1}")
    console = Console(highlight=False)
    if not console.is_terminal:  # piped: whole lines rather than 80 columns
        console = Console(highlight=False, width=max(console.width, 160))
    interactive = sys.stdin.isatty()
    commands = _key_commands(lambda: console.input("go to step: ")) if interactive else _line_commands()
    console.print(f"{path}: {len(steps)} steps; {HELP}", soft_wrap=True)
    current, note = start, ""
    while True:
        if interactive:
            console.clear()
        console.print(frame_to_text(steps[current].response.frame))
        for line in describe(steps[current], len(steps)):
            console.print(Text(line))
        if note:
            console.print(Text(note, style="yellow"))
        command = next(commands, "q")
        target = parse_command(command, current, len(steps))
        if target == "quit":
            return
        if isinstance(target, str):
            note = target
            continue
        note = "" if target != current else f"still at step {current} (the recording has steps 0..{len(steps) - 1})"
        current = target
