"""The official ARC-AGI-3 16-colour palette (the toolkit's renderer uses the same values)."""

PALETTE_HEX: tuple[str, ...] = (
    "#FFFFFF",  # 0 white
    "#CCCCCC",  # 1 off-white
    "#999999",  # 2 light grey
    "#666666",  # 3 grey
    "#333333",  # 4 off-black
    "#000000",  # 5 black
    "#E53AA3",  # 6 magenta
    "#FF7BCC",  # 7 light magenta
    "#F93C31",  # 8 red
    "#1E93FF",  # 9 blue
    "#88D8F1",  # 10 light blue
    "#FFDC00",  # 11 yellow
    "#FF851B",  # 12 orange
    "#921231",  # 13 maroon
    "#4FCC30",  # 14 green
    "#A356D6",  # 15 purple
)

PALETTE_RGB: tuple[tuple[int, int, int], ...] = tuple(
    (int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16)) for h in PALETTE_HEX
)
