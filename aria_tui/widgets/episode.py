"""What the play screen and the replay viewer share: the frame grid in its border, the history
strip under it and the arbiter panel beside it (hidden on narrow terminals; `i` brings it back)."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from .arbiter import ArbiterPanel
from .frame_grid import FrameGrid
from .history import HistoryStrip

WIDE = 100  # columns from which the arbiter panel shows beside the grid


class EpisodeView(Horizontal):
    DEFAULT_CSS = """
    EpisodeView { height: 1fr; }
    EpisodeView #board { width: 66; height: auto; border: round $primary; }
    EpisodeView #left { width: 68; height: 1fr; overflow-y: auto; }
    EpisodeView ArbiterPanel { width: 1fr; min-width: 30; }
    """

    def __init__(self, title: str, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.board_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="left"):
            board = Vertical(id="board")
            board.border_title = self.board_title
            with board:
                yield FrameGrid(id="grid")
            yield HistoryStrip(id="history")
        yield ArbiterPanel(id="arbiter")

    def on_resize(self, event: events.Resize) -> None:
        self.query_one(ArbiterPanel).display = self.app.size.width >= WIDE
