"""aria-tui: pick a game, play it step by step with keys and clicks or let ARIA play it and watch
each fast/slow decision, evaluate, replay recordings and train.

    aria-tui [--games-dir DIR | --base-url URL [--api-key-file F]] [--agent NAME] [--seed N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from typing import ClassVar

from textual.app import App
from textual.binding import Binding

from .commands import AriaCommands
from .sources import GameSource, SourceError


class AriaApp(App[None]):
    TITLE = "aria-tui"
    COMMANDS: ClassVar = App.COMMANDS | {AriaCommands}
    BINDINGS = [
        Binding("q", "quit", "quit"),
        Binding("question_mark", "show_keys", "keys", key_display="?"),
        Binding("e", "show_eval", "eval", show=False),
        Binding("t", "show_train", "train", show=False),
        Binding("o", "show_replay", "replay", show=False),
    ]

    def __init__(self, source: GameSource | None = None, agent: str = "aria", game_seed: int = 0,
                 agent_seed: int = 0, max_actions: int = 5000, checkpoint: str | None = None,
                 train_command: list[str] | None = None, record_dir: str | None = None) -> None:
        super().__init__()
        self.record_dir = record_dir  # recordings of every game played (None: not recorded)
        self.train_command = train_command  # replaces `python -m agent.cli train` (tests use a stand-in)
        self.source = source or GameSource()
        self.agent_name = agent
        self.game_seed = game_seed
        self.agent_seed = agent_seed
        self.max_actions = max_actions
        self.checkpoint = checkpoint

    def on_mount(self) -> None:
        from .screens.picker import PickerScreen

        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):  # a job scheduler or a closed terminal: quit as q does
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, lambda: self.run_worker(self.action_quit(), group="quit"))
        self.push_screen(PickerScreen(self.source))

    def open_game(self, source: GameSource, game_id: str, seed: int) -> None:
        from .play_session import PlaySession
        from .screens.play import PlayScreen

        try:
            client = source.client(self.record_dir)
        except SourceError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        session = PlaySession(client, game_id, seed=seed, agent_name=self.agent_name, agent_seed=self.agent_seed,
                              max_actions=self.max_actions, checkpoint=self.checkpoint)
        self.push_screen(PlayScreen(session))

    def action_show_picker(self) -> None:
        from .screens.picker import PickerScreen

        if not isinstance(self.screen, PickerScreen):
            self.run_worker(self._back_to_picker())

    async def _back_to_picker(self) -> None:
        from .screens.picker import PickerScreen

        while not isinstance(self.screen, PickerScreen) and len(self.screen_stack) > 2:
            await self._close_screen_session(self.screen)
            self.pop_screen()

    def action_show_keys(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_show_eval(self) -> None:
        from .screens.evaluate import EvalScreen

        self.push_screen(EvalScreen(self.source, agent=self.agent_name, checkpoint=self.checkpoint))

    def action_show_train(self) -> None:
        from .screens.train import TrainScreen

        self.push_screen(TrainScreen(self.train_command))

    def action_show_replay(self, path: str = "") -> None:
        from .screens.replay import ReplayScreen

        self.push_screen(ReplayScreen(path))

    @staticmethod
    async def _close_screen_session(screen: object) -> None:
        close = getattr(screen, "close_session", None)
        if close is not None:
            await close()

    async def action_quit(self) -> None:
        """Quit from anywhere: every open scorecard is closed, a training run is stopped."""
        for screen in reversed(self.screen_stack):
            await self._close_screen_session(screen)
        self.exit()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="aria-tui", description="Train, play and watch ARIA decide, in the terminal.")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--games-dir", help="an environment_files directory (default: the built-in suite)")
    where.add_argument("--base-url", help="a toolkit server or the hosted API, e.g. https://three.arcprize.org")
    parser.add_argument("--api-key-file", help="file holding the API key (default: $ARC_API_KEY)")
    parser.add_argument("--agent", default="aria", help="agent name or package.module:Class (default: aria)")
    parser.add_argument("--checkpoint", help="trained weights for agents that load them")
    parser.add_argument("--seed", type=int, default=0, help="game seed for in-process games (default: 0)")
    parser.add_argument("--max-actions", type=int, default=5000, help="actions per game (default: 5000)")
    parser.add_argument("--record", metavar="DIR", help="record every game played (yours and the agent's) into DIR")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.base_url:
        source = GameSource("server", base_url=args.base_url, api_key_file=args.api_key_file)
    elif args.games_dir:
        source = GameSource("dir", games_dir=args.games_dir)
    else:
        source = GameSource()
    AriaApp(source, agent=args.agent, game_seed=args.seed, max_actions=args.max_actions,
            checkpoint=args.checkpoint, record_dir=args.record).run()


if __name__ == "__main__":
    main()
