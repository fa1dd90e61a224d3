"""The arbiter panel: what the last decision was and why, and how the two systems have shared the work.

It shows whichever fields a decision has: today's slow explorer fills mode, novelty, plan and
reason; a fast policy adds its confidence against the arbiter's threshold, the world model's
uncertainty, the top actions and a click heatmap.
"""

from __future__ import annotations

import io
from collections import deque

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from agent.decision import Decision, DecisionTally

SYSTEM_STYLES = {"fast": "bold green", "slow": "bold dodger_blue1", "human": "bold white", "harness": "grey50"}
SYSTEM_MARKS = {"fast": "F", "slow": "S", "human": "H", "harness": "·"}
BAR = 20


def bar(value: float, width: int = BAR, marker: float | None = None) -> Text:
    """`value` in 0..1 as a bar of `width` cells; `marker` (e.g. a threshold) drawn as '│'."""
    filled = round(max(0.0, min(1.0, value)) * width)
    cells = ["█" if i < filled else "░" for i in range(width)]
    if marker is not None:
        cells[min(width - 1, max(0, round(marker * width)))] = "│"
    return Text("".join(cells), style="green" if marker is None or value >= marker else "yellow")


def decision_strip(systems: list[str]) -> Text:
    text = Text()
    for system in systems:
        text.append(SYSTEM_MARKS.get(system, "?"), style=SYSTEM_STYLES.get(system, ""))
    return text


def render_decision(decision: Decision | None, tally: DecisionTally, recent: list[str],
                    heatmap_on: bool = False) -> RenderableType:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    if decision is None:
        table.add_row("system", Text("no decision yet: n lets the agent act", style="dim"))
    else:
        system = Text(decision.system.upper(), style=SYSTEM_STYLES.get(decision.system, ""))
        if decision.mode:
            system.append(f"  {decision.mode}", style="")
        table.add_row("system", system)
        if decision.confidence is not None:
            line = bar(decision.confidence, marker=decision.threshold)
            line.append(f" {decision.confidence:.2f}")
            if decision.threshold is not None:
                line.append(f" / {decision.threshold:.2f}", style="dim")
            table.add_row("confidence", line)
        if decision.uncertainty is not None:
            table.add_row("uncertainty", bar(min(decision.uncertainty, 1.0)) + Text(f" {decision.uncertainty:.3f}"))
        if decision.novelty is not None:
            table.add_row("novelty", bar(decision.novelty) + Text(f" {decision.novelty:.2f}"))
        for name, proposal in (("fast said", decision.fast), ("slow said", decision.slow)):
            if proposal is not None:
                score = f" ({proposal.score:.2f})" if proposal.score is not None else ""
                table.add_row(name, proposal.label + score)
        for rank, (label, probability) in enumerate(decision.top_actions[:5]):
            table.add_row("top actions" if rank == 0 else "", bar(probability, 12) + Text(f" {probability:.2f} {label}"))
        if decision.click_heatmap is not None:
            table.add_row("heatmap", "on the grid (h hides)" if heatmap_on else "h shows it on the grid")
        timing = []
        if decision.think_ms is not None:
            timing.append(f"think {decision.think_ms:.1f} ms")
        if decision.plan_left is not None:
            timing.append(f"plan left {decision.plan_left}")
        if timing:
            table.add_row("", "  ".join(timing))
        if decision.reason:
            table.add_row("reason", Text(decision.reason, overflow="fold"))
    share = tally.fast_share
    counts = "  ".join(f"{k} {v}" for k, v in sorted(tally.counts.items()))
    share_text = Text("fast share ", style="bold")
    share_text.append("n/a" if share is None else f"{share:.0%}")
    share_text.append(f"   {counts}", style="dim")
    return Group(table, Text(""), share_text, Text("recent ", style="bold") + decision_strip(recent))


class ArbiterPanel(Static):
    DEFAULT_CSS = """
    ArbiterPanel { padding: 0 1; border: round $primary; border-title-color: $text; }
    """

    def __init__(self, *, id: str | None = None, recent: int = 40) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.border_title = "arbiter"
        self.decision: Decision | None = None
        self.tally = DecisionTally()
        self.recent: deque[str] = deque(maxlen=recent)
        self.heatmap_on = False

    def on_mount(self) -> None:
        self.redraw()

    def add(self, decision: Decision | None) -> None:
        """A new step's decision (None for a step without one)."""
        self.tally.add(decision)
        self.recent.append(decision.system if decision is not None else "none")
        self.decision = decision
        self.redraw()

    def show(self, decision: Decision | None) -> None:
        """Show an earlier decision (scrubbing) without counting it."""
        self.decision = decision
        self.redraw()

    def plain(self, width: int = 60) -> str:
        """The panel as plain text (what tests and the benchmark read)."""
        console = Console(width=width, file=io.StringIO(), color_system=None)
        console.print(render_decision(self.decision, self.tally, list(self.recent), self.heatmap_on))
        return console.file.getvalue()  # type: ignore[attr-defined]

    def redraw(self) -> None:
        self.update(render_decision(self.decision, self.tally, list(self.recent), self.heatmap_on))
