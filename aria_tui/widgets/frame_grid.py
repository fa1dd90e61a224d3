"""A 64×64 frame as 64 columns × 32 rows of '▀' half-blocks, redrawn only where it changed.

Each terminal row shows two pixel rows: the upper pixel is the foreground, the lower the
background (the palette and styles come from `agent.render`). A row is redrawn only when its two
pixel rows (or its heatmap overlay) changed, and rendered strips are cached by their content, so an
agent playing fast repaints a few rows per step.

A click sends the pixel under the pointer: the cell gives x and the pixel-row pair, the half of the
cell gives which of the two. Terminals that report the pointer in pixels (SGR-pixels, as Textual
enables where it can) tell the half; elsewhere a click takes the upper pixel and a right-click or
shift-click the lower one.
"""

from __future__ import annotations

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from agent.render import half_block_style
from arc_client.palette import PALETTE_RGB

SIZE = 64
ROWS = SIZE // 2
HEAT_LEVELS = 8
HEAT_RGB = np.array((255, 32, 0), dtype=np.float32)
_PALETTE = np.array(PALETTE_RGB, dtype=np.float32)


def pixel_at(cell_x: int, pointer_y: float, lower: bool = False) -> tuple[int, int]:
    """The (x, y) pixel under a pointer at column `cell_x`, row `pointer_y` (fractional when the
    terminal reports pixels); `lower` forces the lower pixel of the cell."""
    row = int(pointer_y)
    half = 1 if lower or (pointer_y - row) >= 0.5 else 0
    return cell_x, row * 2 + half


def _heat_style(top: int, bottom: int, heat_top: int, heat_bottom: int) -> Style:
    def blend(colour: int, level: int) -> Color:
        alpha = 0.85 * level / HEAT_LEVELS
        r, g, b = (_PALETTE[colour] * (1 - alpha) + HEAT_RGB * alpha).astype(int).tolist()
        return Color.from_rgb(r, g, b)

    return Style(color=blend(top, heat_top), bgcolor=blend(bottom, heat_bottom))


class FrameGrid(Widget):
    DEFAULT_CSS = """
    FrameGrid { width: 64; height: 32; }
    """

    class Clicked(Message):
        """A click on pixel (x, y) of the frame."""

        def __init__(self, x: int, y: int) -> None:
            super().__init__()
            self.x, self.y = x, y

    class Hovered(Message):
        """The pointer is over pixel (x, y) of colour `colour`; all None when it left the grid."""

        def __init__(self, x: int | None, y: int | None, colour: int | None) -> None:
            super().__init__()
            self.x, self.y, self.colour = x, y, colour

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.grid = np.zeros((SIZE, SIZE), dtype=np.uint8)
        self.heat: np.ndarray | None = None  # quantised 0..HEAT_LEVELS, or None
        self._row_keys: list[bytes] = [b""] * ROWS
        self._strips: dict[bytes, Strip] = {}
        #: rows repainted since the widget was made (what the benchmark and tests read)
        self.rows_redrawn = 0
        self.frames_shown = 0

    def show(self, frame: np.ndarray, heatmap: np.ndarray | None = None) -> list[int]:
        """Show `frame` (and a click heatmap over it); returns the terminal rows that changed."""
        grid = np.zeros((SIZE, SIZE), dtype=np.uint8)
        data = np.asarray(frame, dtype=np.uint8)[:SIZE, :SIZE] & 15
        grid[: data.shape[0], : data.shape[1]] = data
        heat = None
        if heatmap is not None:
            values = np.nan_to_num(np.asarray(heatmap, dtype=np.float32)[:SIZE, :SIZE].clip(min=0))
            top = float(values.max())
            heat = np.zeros((SIZE, SIZE), dtype=np.uint8)
            if top > 0:
                heat[: values.shape[0], : values.shape[1]] = np.rint(values / top * HEAT_LEVELS).astype(np.uint8)
        self.grid, self.heat = grid, heat
        changed = []
        for row in range(ROWS):
            key = grid[2 * row: 2 * row + 2].tobytes()
            if heat is not None:
                key += heat[2 * row: 2 * row + 2].tobytes()
            if key != self._row_keys[row]:
                self._row_keys[row] = key
                changed.append(row)
        self.frames_shown += 1
        self.rows_redrawn += len(changed)
        for row in changed:
            self.refresh(Region(0, row, SIZE, 1))
        return changed

    def render_line(self, y: int) -> Strip:
        if not 0 <= y < ROWS:
            return Strip.blank(self.size.width)
        key = self._row_keys[y]
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) > 4096:
                self._strips.clear()
            strip = self._strips[key] = self._build_strip(y)
        return strip

    def _build_strip(self, row: int) -> Strip:
        top, bottom = self.grid[2 * row].tolist(), self.grid[2 * row + 1].tolist()
        if self.heat is not None:
            heat_top, heat_bottom = self.heat[2 * row].tolist(), self.heat[2 * row + 1].tolist()
        else:
            heat_top = heat_bottom = [0] * SIZE
        segments: list[Segment] = []
        run_start = 0
        for x in range(1, SIZE + 1):
            if x < SIZE and (top[x], bottom[x], heat_top[x], heat_bottom[x]) == (
                    top[run_start], bottom[run_start], heat_top[run_start], heat_bottom[run_start]):
                continue
            cell = (top[run_start], bottom[run_start], heat_top[run_start], heat_bottom[run_start])
            style = half_block_style(cell[0], cell[1]) if cell[2:] == (0, 0) else _heat_style(*cell)
            segments.append(Segment("▀" * (x - run_start), style))
            run_start = x
        return Strip(segments, SIZE)

    def _pixel(self, event: events.MouseEvent, lower: bool = False) -> tuple[int, int] | None:
        x, y = pixel_at(event.x, event.pointer_y, lower)
        return (x, y) if 0 <= x < SIZE and 0 <= y < SIZE else None

    def on_click(self, event: events.Click) -> None:
        pixel = self._pixel(event, lower=event.shift or event.button == 3)
        if pixel is not None:
            event.stop()
            self.post_message(self.Clicked(*pixel))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        pixel = self._pixel(event)
        if pixel is None:
            self.post_message(self.Hovered(None, None, None))
        else:
            self.post_message(self.Hovered(pixel[0], pixel[1], int(self.grid[pixel[1], pixel[0]])))

    def on_leave(self, event: events.Leave) -> None:
        self.post_message(self.Hovered(None, None, None))
