"""A one-line strip of the episode's steps, one mark per step coloured by who chose it; the step on
show is highlighted. Click a mark to show that step; the screen's keys move through it too."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from .arbiter import SYSTEM_MARKS, SYSTEM_STYLES

PREFIX = len("step 0000/0000 ")


class HistoryStrip(Widget):
    DEFAULT_CSS = """
    HistoryStrip { height: 1; width: 1fr; }
    """

    class Selected(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.systems: list[str] = []
        self.position: int | None = None  # None: following the latest step

    def set_steps(self, systems: list[str], position: int | None) -> None:
        self.systems, self.position = systems, position
        self.refresh()

    def _window(self) -> tuple[int, int]:
        """First and last step shown: the newest ones, or around the position when scrubbing."""
        width = max(1, self.size.width - PREFIX)
        total = len(self.systems)
        end = total if self.position is None else min(total, max(self.position + width // 2, width))
        return max(0, end - width), end

    def render(self) -> Text:
        total = len(self.systems)
        shown = total - 1 if self.position is None else self.position
        start, end = self._window()
        text = Text(f"step {shown:>4}/{max(total - 1, 0):<4} ", style="bold", no_wrap=True, overflow="crop")
        for index in range(start, end):
            system = self.systems[index]
            style = SYSTEM_STYLES.get(system, "dim")
            if index == shown:
                style += " reverse"
            text.append(SYSTEM_MARKS.get(system, "○") if index else "◆", style=style)
        return text

    def on_click(self, event: events.Click) -> None:
        start, end = self._window()
        index = start + event.x - PREFIX
        if start <= index < end:
            self.post_message(self.Selected(index))
