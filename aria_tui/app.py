"""The aria-tui application. Until its own issue lands it shows what exists and how to use it."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

WELCOME = """\
[b]ARIA[/b] - an agent for ARC-AGI-3 games

The interactive screens (training curves, step-by-step play with keys and clicks, and the live
fast/slow arbiter view) are not built yet. Until they are, use the `aria` command:

  aria games list          the built-in suite and any --games-dir
  aria play GAME           play a game step by step in the terminal
  aria eval --arc          evaluate an agent and print the official score

Press q to quit."""


class AriaApp(App[None]):
    TITLE = "aria-tui"
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(WELCOME, id="welcome")
        yield Footer()


def main() -> None:
    AriaApp().run()
