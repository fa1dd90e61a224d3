"""`aria play`: play one game step by step in a plain terminal (before or without the TUI)."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from rich.console import Console

from agent.render import frame_to_text
from arc_client import ArcClient, FrameResponse, GameAction
from arc_client.errors import GameNotStartedError, InvalidActionError

KEYS = {"w": GameAction.ACTION1, "s": GameAction.ACTION2, "a": GameAction.ACTION3, "d": GameAction.ACTION4,
        "e": GameAction.ACTION5, " ": GameAction.ACTION5, "u": GameAction.ACTION7, "r": GameAction.RESET}

HELP = ("w/a/s/d or 1-4 move, e or 5 interact, u or 7 undo, `x y` click (0..63), r reset, q quit, ? help")


def parse_command(line: str) -> tuple[GameAction, int | None, int | None] | str:
    """One input line -> (action, x, y), or "quit"/"help", or an error message to show."""
    text = line.strip().lower()
    if text in ("q", "quit", "exit"):
        return "quit"
    if text in ("?", "h", "help", ""):
        return "help"
    parts = text.replace(",", " ").split()
    if len(parts) == 2 and all(p.lstrip("-").isdigit() for p in parts):
        x, y = int(parts[0]), int(parts[1])
        if not (0 <= x < 64 and 0 <= y < 64):
            return f"click ({x}, {y}) is outside the frame: x and y must be in 0..63"
        return GameAction.ACTION6, x, y
    if text in KEYS:
        return KEYS[text], None, None
    try:
        action = GameAction.parse(text if not text.startswith("a") or text.startswith("action") else text[1:])
    except (KeyError, ValueError):
        return f"unknown command {line.strip()!r}; {HELP}"
    if action is GameAction.ACTION6:
        return "ACTION6 is a click: type `x y`"
    return action, None, None


def status_line(frame: FrameResponse, actions: int) -> str:
    return (f"{frame.game_id}  level {min(frame.levels_completed + 1, frame.win_levels)}/{frame.win_levels}"
            f"  state {frame.state.value}  actions {actions}"
            f"  available {' '.join(f'A{a}' for a in frame.available_actions)}")


async def play_loop(client: ArcClient, game_id: str, seed: int, console: Console, interactive: bool) -> None:
    async with client, client.scorecard(tags=["aria-play"]) as card:
        game = await card.start(game_id, seed=seed)
        frame = game.last
        console.print(HELP)
        while True:
            console.print(frame_to_text(frame.frame))
            console.print(status_line(frame, game.actions))
            try:
                line = await asyncio.to_thread(input, "> ")
            except EOFError:
                break
            command = parse_command(line)
            if command == "quit":
                break
            if command == "help":
                console.print(HELP)
                continue
            if isinstance(command, str):
                if not interactive:  # scripted input: a bad line is an error, not a typo to retype
                    raise InvalidActionError(command)
                console.print(f"[red]{command}[/red]")
                continue
            action, x, y = command
            try:
                frame = await game.step(action, x=x, y=y)
            except GameNotStartedError:
                console.print("[yellow]the game is over: press r to reset[/yellow]")
    summary = card.summary
    if summary is not None:
        console.print(f"scorecard {summary.card_id}: score {summary.score:.2f}, "
                      f"levels {summary.total_levels_completed}, actions {summary.total_actions}")


def play_terminal(client: Any, game_id: str, seed: int) -> None:
    console = Console(highlight=False)
    try:
        asyncio.run(play_loop(client, game_id, seed, console, sys.stdin.isatty()))
    except KeyboardInterrupt:
        console.print("interrupted; the scorecard was closed")
