"""Frames drawn in a terminal: two pixels per character cell with the upper-half block."""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text

from arc_client.palette import PALETTE_HEX

_STYLES = [[Style(color=PALETTE_HEX[top], bgcolor=PALETTE_HEX[bottom]) for bottom in range(16)] for top in range(16)]
_RULER = Style(dim=True)
#: x is numbered every this many columns (with a tick half way between numbers)
X_LABEL_EVERY = 8


def _grid(frame: np.ndarray) -> np.ndarray:
    grid = np.asarray(frame, dtype=np.uint8) & 15
    if grid.shape[0] % 2:
        grid = np.vstack([grid, np.zeros((1, grid.shape[1]), dtype=np.uint8)])
    return grid


def _pixel_line(top: np.ndarray, bottom: np.ndarray, text: Text) -> None:
    for t, b in zip(top.tolist(), bottom.tolist(), strict=True):
        text.append("▀", _STYLES[t][b])


def frame_to_text(frame: np.ndarray) -> Text:
    """A 64x64 frame as 32 lines of 64 '▀' characters (foreground = upper pixel, background = lower)."""
    grid = _grid(frame)
    text = Text(no_wrap=True, overflow="crop")
    for row in range(0, grid.shape[0], 2):
        _pixel_line(grid[row], grid[row + 1], text)
        text.append("\n")
    return text


def x_ruler(width: int, margin: int) -> tuple[str, str]:
    """The two lines above the grid: x numbers every 8 columns, then ticks (`|` at a number, `'`
    half way), each starting at its own column."""
    numbers = [" "] * (width + 2)
    ticks = [" "] * width
    for x in range(0, width, X_LABEL_EVERY // 2):
        if x % X_LABEL_EVERY == 0:
            label = str(x)
            numbers[x : x + len(label)] = label
            ticks[x] = "|"
        else:
            ticks[x] = "'"
    return " " * margin + "".join(numbers).rstrip(), " " * margin + "".join(ticks).rstrip()


def frame_with_rulers(frame: np.ndarray) -> Text:
    """The frame framed by rulers, so a click needs no counting: x (the column) along the top, y (the
    row) on the left of every line. A line holds two rows: its label is the upper one's y (the
    foreground colour); the lower half of the cell is y + 1."""
    grid = _grid(frame)
    margin = len(str(grid.shape[0] - 1)) + 1
    text = Text(no_wrap=True, overflow="crop")
    for line in x_ruler(grid.shape[1], margin):
        text.append(line + "\n", _RULER)
    for row in range(0, grid.shape[0], 2):
        if row:
            text.append("\n")
        text.append(f"{row:>{margin - 1}} ", _RULER)
        _pixel_line(grid[row], grid[row + 1], text)
    return text


def half_block_style(top: int, bottom: int) -> Style:
    """The style of one '▀' cell: upper pixel `top` as foreground, lower pixel `bottom` as background."""
    return _STYLES[top & 15][bottom & 15]
