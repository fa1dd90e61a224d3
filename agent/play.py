"""`aria play`: play one game step by step in a plain terminal (before or without the TUI).

Input is read from stdin on the event loop itself (no thread blocked in `input()`), so Ctrl-C ends a
waiting prompt at once: the scorecard is closed (shielded) and the command exits 130. Typed lines
and piped scripts (`aria play mz01 < moves.txt`) are read alike.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from agent.decision import Decision
from agent.errors import AriaError
from agent.render import frame_with_rulers
from agent.run_dirs import new_run_dir
from agent.stdin_lines import StdinLines
from arc_client import (
    ArcClient,
    FrameResponse,
    GameAction,
    GameSession,
    GameState,
    InvalidActionError,
    Scorecard,
    validate_action,
)
from arc_client.errors import GameNotStartedError

KEYS = {"w": GameAction.ACTION1, "s": GameAction.ACTION2, "a": GameAction.ACTION3, "d": GameAction.ACTION4,
        "e": GameAction.ACTION5, "u": GameAction.ACTION7, "r": GameAction.RESET}

HELP = ("w/a/s/d or 1-4 move, e or 5 interact, u or 7 undo, `x y` click (x along the top ruler, y on the "
        "left, 0..63), r reset, q quit, ? help")

#: what a person's step records under data["aria"]["decision"]
HUMAN = Decision(system="human", mode="manual")

EXIT_INTERRUPTED = 130


class RecordDirError(AriaError):
    """--record names a directory that cannot be written."""


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
        try:
            validate_action(GameAction.ACTION6, x, y)
        except InvalidActionError as exc:
            return str(exc)
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


def announcement(before: FrameResponse, after: FrameResponse) -> str | None:
    """What a step changed that a player must not miss: a level cleared, the game won or lost."""
    if after.state is GameState.WIN and before.state is not GameState.WIN:
        return f"WIN: all {after.win_levels} levels cleared"
    if after.levels_completed > before.levels_completed:
        return f"level {after.levels_completed}/{after.win_levels} cleared"
    if after.state is GameState.GAME_OVER and before.state is not GameState.GAME_OVER:
        return "game over: r to retry the level"
    return None


def refusal(frame: FrameResponse, action: GameAction, allow_unavailable: bool = False) -> str | None:
    """Why `action` is not sent on `frame`, or None: the game is over, or the action is not in
    `available_actions` (unless `allow_unavailable`: then it is sent, and counted)."""
    if action is GameAction.RESET:
        return None
    if frame.state is GameState.GAME_OVER:
        return "game over: r to retry the level"
    if frame.state is GameState.WIN:
        return "the game is won: r to play it again, q to quit"
    if int(action) not in frame.available_actions and not allow_unavailable:
        available = " ".join(f"A{a}" for a in frame.available_actions)
        return (f"{action.name} is not available in this game (available: {available}); not sent "
                "(--allow-unavailable sends it anyway)")
    return None


@dataclass(frozen=True)
class PlayOptions:
    game_id: str
    seed: int = 0
    #: send actions the game does not list as available (they are counted)
    allow_unavailable: bool = False
    #: a person at a terminal: a bad line is a typo to retype, not an error that ends a script
    interactive: bool = True
    #: record the play (as an agent's is) under this recordings directory
    record_dir: Path | None = None
    #: record under a new runs/play-<stamp>/recordings
    record_default: bool = False


async def play_loop(client: ArcClient, card: Scorecard, options: PlayOptions, console: Console) -> None:
    """Play on `card` until q or the end of input; the card is closed on every exit path.

    The game and the recording directory are checked before the card opens: bad input opens nothing.
    """
    async with client:
        await client.resolve_game(options.game_id)
        if options.record_dir is not None or options.record_default:
            client.recordings_dir = (prepare_record_dir(options.record_dir) if options.record_dir
                                     else default_record_dir())
        async with card:
            console.print(f"scorecard {card.card_id} opened", soft_wrap=True)
            await play_game(card, options, console)


async def play_game(card: Scorecard, options: PlayOptions, console: Console) -> None:
    """The game's loop: draw, read a line, refuse it or send it, announce what changed."""
    game = await card.start(options.game_id, seed=options.seed)
    lines = StdinLines()
    try:
        console.print(HELP, soft_wrap=True)
        show(console, game)
        while True:
            console.print("> ", end="")
            line = await lines.readline()
            command = "quit" if line is None else parse_command(line)
            if command == "quit":
                return
            if command == "help":
                console.print(HELP, soft_wrap=True)
            elif isinstance(command, str):
                if not options.interactive:  # scripted input: a bad line is an error, not a typo to retype
                    raise InvalidActionError(command)
                console.print(f"[red]{command}[/red]", soft_wrap=True)
            else:
                await take_turn(game, *command, options, console)
    finally:
        lines.close()


async def take_turn(game: GameSession, action: GameAction, x: int | None, y: int | None, options: PlayOptions,
                    console: Console) -> None:
    """Send one action (unless refused), then draw the frame and announce what it changed."""
    before = game.last
    refused = refusal(before, action, options.allow_unavailable)
    if refused is not None:
        console.print(f"[yellow]{refused}[/yellow]", soft_wrap=True)
        return
    try:
        after = await game.step(action, x=x, y=y, aria={"decision": HUMAN.to_json()})
    except GameNotStartedError:
        console.print("[yellow]the game is over: r to retry the level[/yellow]", soft_wrap=True)
        return
    show(console, game)
    news = announcement(before, after)
    if news is not None:
        console.print(f"[bold]{news}[/bold]")


def show(console: Console, game: GameSession) -> None:
    console.print(frame_with_rulers(game.last.frame))
    console.print(status_line(game.last, game.actions), soft_wrap=True)


def default_record_dir(root: Path = Path("runs")) -> Path:
    """runs/play-<UTC stamp>-<random>/recordings, made here, unique even within one second."""
    path = new_run_dir("play", root) / "recordings"
    return prepare_record_dir(path)


def prepare_record_dir(path: Path) -> Path:
    """`path` made and proven writable before any scorecard opens (RecordDirError otherwise)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        if missing:  # nothing left behind
            shutil.rmtree(missing[-1], ignore_errors=True)
        raise RecordDirError(f"cannot write recordings to {path}: {exc.strerror or exc}; "
                             "pass a writable --record DIR") from None
    return path


def play_terminal(client: ArcClient, options: PlayOptions, console: Console | None = None) -> int:
    """Run `aria play`; the exit code: 0, or 130 after Ctrl-C (the scorecard closed either way)."""
    console = console or Console(highlight=False)
    card = client.scorecard(tags=["aria-play", "human"])
    code = 0
    try:
        asyncio.run(play_loop(client, card, options, console))
    except KeyboardInterrupt:
        console.print()
        code = EXIT_INTERRUPTED
    summary = card.summary
    if summary is not None:
        closed = "interrupted: scorecard" if code else "scorecard"
        console.print(f"{closed} {summary.card_id} closed: score {summary.score:.3f}%, "
                      f"levels {summary.total_levels_completed}, actions {summary.total_actions}", soft_wrap=True)
    for game in card.games:
        if game.recorder is not None:
            console.print(f"recording: {game.recorder.path}", soft_wrap=True)
    return code
