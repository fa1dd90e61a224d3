"""Frames drawn in a terminal: two pixels per character cell with the upper-half block."""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text

from arc_client.palette import PALETTE_HEX

_STYLES = [[Style(color=PALETTE_HEX[top], bgcolor=PALETTE_HEX[bottom]) for bottom in range(16)] for top in range(16)]


def frame_to_text(frame: np.ndarray) -> Text:
    """A 64x64 frame as 32 lines of 64 '▀' characters (foreground = upper pixel, background = lower)."""
    grid = np.asarray(frame, dtype=np.uint8) & 15
    if grid.shape[0] % 2:
        grid = np.vstack([grid, np.zeros((1, grid.shape[1]), dtype=np.uint8)])
    text = Text(no_wrap=True, overflow="crop")
    for row in range(0, grid.shape[0], 2):
        top, bottom = grid[row], grid[row + 1]
        for t, b in zip(top.tolist(), bottom.tolist(), strict=True):
            text.append("▀", _STYLES[t][b])
        text.append("\n")
    return text


def half_block_style(top: int, bottom: int) -> Style:
    """The style of one '▀' cell: upper pixel `top` as foreground, lower pixel `bottom` as background."""
    return _STYLES[top & 15][bottom & 15]
