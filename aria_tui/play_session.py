"""One game played in the app: a scorecard, a game session, the agent, and the episode's history.

No Textual here: the play screen drives it and tests can drive it directly. Steps are serialised by
a lock (a person's key and the agent's step never interleave); the agent's `act`/`observe` run in a
worker thread so the event loop (and the screen) never waits on them.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.base import Action, Agent
from agent.decision import HARNESS_RESET, Decision, DecisionTally
from agent.errors import CheckpointError
from agent.registry import load_agent
from arc_client import ArcClient, FrameResponse, GameAction, GameSession, GameState, Scorecard

HUMAN = Decision(system="human", mode="manual", reason="a person pressed a key")


class PlayRefused(Exception):
    """A step that is not sent (unavailable action, spent budget, game won); says why."""


@dataclass(frozen=True)
class Step:
    """One entry of the episode: the action sent (None for the creating RESET), its decision and answer."""

    index: int
    action: GameAction | None
    x: int | None
    y: int | None
    decision: Decision | None
    response: FrameResponse

    @property
    def label(self) -> str:
        if self.action is None:
            return "start"
        return f"{self.action.name}@{self.x},{self.y}" if self.x is not None else self.action.name


class PlaySession:
    def __init__(self, client: ArcClient, game_id: str, seed: int = 0, agent_name: str = "aria",
                 agent_seed: int = 0, max_actions: int = 5000, checkpoint: str | None = None) -> None:
        self.client = client
        self.game_id = game_id
        self.seed = seed
        self.agent_name = agent_name
        self.agent_seed = agent_seed
        self.max_actions = max_actions
        self.checkpoint = checkpoint
        self.card: Scorecard | None = None
        self.game: GameSession | None = None
        self.agent: Agent | None = None
        self.history: list[Step] = []
        self.tally = DecisionTally()
        self.score: float | None = None
        self._lock = asyncio.Lock()

    async def open(self) -> FrameResponse:
        if self.seed:  # levels built from another seed are scored against the oracle on those levels
            from agent.evaluation.clients import apply_game_seed

            apply_game_seed(self.client, [(await self.client.resolve_game(self.game_id)).game_id], self.seed)
        self.card = self.client.scorecard(tags=["aria-tui"])
        await self.card.open()
        self.game = await self.card.start(self.game_id, seed=self.seed)
        self.game_id = self.game.game_id
        self.history.append(Step(0, None, None, None, None, self.game.last))
        return self.game.last

    @property
    def latest(self) -> FrameResponse:
        assert self.game is not None
        return self.game.last

    @property
    def actions(self) -> int:
        return self.game.actions if self.game is not None else 0

    def check(self, action: GameAction | None = None) -> None:
        """Raise PlayRefused when `action` (None: any action but RESET) cannot be sent now."""
        latest = self.latest
        if self.actions >= self.max_actions:
            raise PlayRefused(f"the budget of {self.max_actions} actions is spent: Esc to pick a game")
        if action is GameAction.RESET:
            return
        if latest.state is GameState.WIN:
            raise PlayRefused("the game is won: r to play it again, Esc to pick another")
        if latest.state is GameState.GAME_OVER:
            raise PlayRefused("game over: press r to reset")
        if action is not None and int(action) not in latest.available_actions:
            names = " ".join(f"A{a}" for a in latest.available_actions)
            raise PlayRefused(f"{action.name} is not available in this game (available: {names})")

    async def human(self, action: GameAction, x: int | None = None, y: int | None = None) -> Step:
        """A person's action; the agent (if loaded) observes it so it can take over from here."""
        async with self._lock:
            self.check(action)
            choice = Action(action, x, y, decision=HUMAN)
            step = await self._send(choice)
            if self.agent is not None:
                await asyncio.to_thread(self.agent.observe, choice, step.response)
            return step

    async def load_agent(self) -> Agent:
        if self.agent is None:
            cls = load_agent(self.agent_name)
            options: dict[str, Any] = {}
            if self.checkpoint:
                if not cls.loads_checkpoints:
                    raise CheckpointError(f"agent '{cls.name}' loads no checkpoint (it has no trained parts); "
                                          "start aria-tui without --checkpoint")
                if not Path(self.checkpoint).exists():
                    raise CheckpointError(f"no checkpoint at {self.checkpoint}: train one (t) or pick another")
                options["checkpoint"] = self.checkpoint
            agent = await asyncio.to_thread(cls, seed=self.agent_seed, **options)
            info = await self.client.resolve_game(self.game_id)
            await asyncio.to_thread(agent.start, info, self.latest)
            self.agent = agent
        return self.agent

    async def agent_step(self) -> Step:
        """One decision of the agent (a RESET in its place after GAME_OVER, as the harness does)."""
        async with self._lock:
            agent = await self.load_agent()
            latest = self.latest
            if latest.state is GameState.GAME_OVER:
                choice = Action(GameAction.RESET, decision=HARNESS_RESET)
            else:
                self.check()
                started = time.perf_counter()
                choice = await asyncio.to_thread(agent.act, latest)
                if choice.decision is not None and choice.decision.think_ms is None:
                    think = (time.perf_counter() - started) * 1000
                    choice = Action(choice.action, choice.x, choice.y, choice.reasoning,
                                    choice.decision.replace(think_ms=think))
                self.check(choice.action)
            step = await self._send(choice)
            await asyncio.to_thread(agent.observe, choice, step.response)
            return step

    async def _send(self, choice: Action) -> Step:
        assert self.game is not None
        before = self.latest.levels_completed
        aria = {"decision": choice.decision.to_json()} if choice.decision is not None else None
        response = await self.game.step(choice.action, x=choice.x, y=choice.y, reasoning=choice.reasoning, aria=aria)
        self.tally.add(choice.decision)
        step = Step(len(self.history), choice.action, choice.x, choice.y, choice.decision, response)
        self.history.append(step)
        if response.levels_completed != before or response.state.is_terminal:
            await self.refresh_score()
        return step

    async def refresh_score(self) -> None:
        if self.card is None or self.card.summary is not None:
            return
        try:
            self.score = (await self.card.get()).score
        except Exception:  # a server in competition mode refuses reads: keep the last figure
            return

    async def close(self) -> float | None:
        """Close the scorecard (once) and the client; the official score, when the server gives one."""
        summary = None
        try:
            if self.card is not None:
                summary = await self.card.close()
        finally:
            await self.client.aclose()
        if summary is not None:
            self.score = summary.score
        return self.score
