"""The command palette's entries for the app's main actions (ctrl+p)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

ACTIONS = (
    ("Pick a game", "show_picker", "choose a games source and a game"),
    ("Evaluate agents", "show_eval", "run the harness on chosen games"),
    ("Train", "show_train", "start and watch a training run"),
    ("Open a recording", "show_replay", "scrub through a recorded game"),
    ("Keys", "show_keys", "the keys in force on this screen"),
    ("Quit", "quit", "close every scorecard and leave"),
)


class AriaCommands(Provider):
    async def discover(self) -> Hits:
        for name, action, help_text in ACTIONS:
            yield DiscoveryHit(name, partial(self.app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in ACTIONS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self.app.run_action, action), help=help_text)
