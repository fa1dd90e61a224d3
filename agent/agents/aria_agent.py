"""ARIA: the fast policy and the slow system, with an arbiter choosing per step.

Before the arbiter, the navigator (agent.navigator, part of the slow system) walks the mover by the
shortest believed-free path to the nearest object not reached yet in this level, when the game has a
mover and such an object is reachable: validation success 43% -> 58% (mazes 10% -> 100%, keys and
doors 10% -> 80%; the block-pushing, paint and tile-walk games lose some). It leads there only while a
route it began is under way (`navigate="commit"`, the default): a new route is begun where the arbiter
hands the slow system the step, so between routes the fast policy acts where it is sure, and once begun a
route is walked to its end (levels 1-3 on reserved seeds: fast share 11.6% -> 18.9% at 95.4% -> 95.7%
success, with phase 4 re-run for it). `"first"` puts it before the arbiter on every step, `"slow"` lets it
lead only the slow system's steps (the two hand the step back and forth and dither between two
destinations: keys and doors and mazes 25 against 53 of 60 levels at threshold 0), `"off"` removes it.
Before the navigator, the matcher (agent.matcher, also the slow system's) recolours a board toward its
copy shown beside it (clicks, or a cursor and ACTION5): validation 57.7% -> 74.0% (colour cycle 23% -> 100%, paint the pattern 13% ->
100%); `match=False` removes it. After them, the legend follower (agent.legend) clicks objects in the
order a row of swatches shows (click in order 47% -> 100%) and the walker (agent.walker) walks a
patch of tiles into the picture of it shown elsewhere, then onto the exit (tile walk 13% -> 80%);
`legend=False`, `walk=False` remove them. The key reader (agent.keylock) carries a key of the shape a
lock shows, turned as it shows it (ACTION5), into the lock and on through it (Lock and Key 3 -> 6 levels,
in 136 actions); `key=False` removes it. On familiar levels the toggler (agent.toggler) presses ACTION5
on each object of the colour a press completed a level on (Light Switches 3/5 -> 5/5 levels within
1,000 actions on validation game seeds 20,000-20,003); `toggle=False` removes it. On novel levels only, the slider (agent.slider) plans a mover
that slides until stopped over the places it can stop at, to the goal colour carried from the level
before or, with the exit shut, to an object not stood on yet (Ice Floe 1,088 -> 234 actions); leaving
"slide" out of `novel_readers` removes it. On novel levels too, and first of all there, the twins
reader (agent.twins) plans two or more movers that every key moves at once (a mirrored twin among
them) onto the patches of their colours, over their joint places (Twin Walkers 2 -> 6 levels, in 86-105
actions); "twin" in `novel_readers`. Last of all (first while a walk of its own is under way),
the seeker (agent.seeker) walks a mover that steps to the goal colour the online learner's rules
carried from the level before, over colours it entered only, going to an object of a colour not
known yet first when the way is gated (Shifting Rules 1,264 -> 863 actions, Legend Run 827 -> 146 on
seed 0); "seek" in `novel_readers`. After the seeker, the navigator itself ("navigate"): it walks to each
object not reached yet (the goal colour's first), presses ACTION5 once on an object it just reached, and
counts a reached object as new again once reaching or pressing another changed the world away from the
mover (Courier, parcels carried to their slots: 29 -> 48 levels and 0.5% -> 88.0% over agent seeds 0-7;
Shifting Rules' later levels cost more, 83.4% -> 73.1%, BENCHMARKS.md). Without ACTION5, the step after
reaching an object that changed nothing away from the mover (a fuel can, used up) is its own too (Fuel
62.7% -> 85.8%); and it leaves the goal colour for an object when the HUD bar, read as actions left
(agent.gauge), lasts no longer than its route there (a tank a can refills: Fuel 85.8% -> 89.3%): of those
the bar reaches, the one with the shortest walk there and on to the goal (Fuel 96.5% -> 100%).

The arbiter lets the fast policy act when all of these hold, and hands the step to the slow system
otherwise (the reason names the first that failed):
- its trained confidence is at least the threshold phase 4 calibrated on validation seeds;
- the frame is familiar (novelty: the share of its patches never seen in training);
- the state is not being revisited in this level (loop detection over HUD-masked state keys);
- the move was not already tried from this state (the exact graph knows where it leads: a loop in the
  making, or a move the search can weigh against the untried ones);
- the world-model ensemble agrees on what the proposed action will do (uncertainty).
The slow system searches the level's exact transition graph in the fast policy's order (agent.guided):
the policy's most likely move not yet tried in this state, or the known path to a state that still
has a likely untried move; a move the graph saw do nothing or loop back is not sent again while an
untried one is left, and moves the world model expects to do nothing are pruned. With `guided=False`
it is the previous slow system: the graph explorer (agent.explorer: untried actions in a fixed order,
the shortest known path to one) and, when nothing untried is within reach, world-model rollouts
scored by the value (agent.planner: best-first search under an expansion budget).

A level whose first frame is novel (a game unlike anything trained on) is played by the systems that
learn it online instead (`agent.agents.online_agent`): the graph planner, and as fast system the model
it learns from this game's own transitions, trusted by its running accuracy. The trained models would
only guess there, and a world-model search per step would cost tens of milliseconds for nothing.
The goal readers lead there first where they read the frame (`novel_readers`): from the HUD
detector's first look in the game (the matcher, which reads no mask, from its first step), so on a
later level from its first step, through the mask learnt before (the walker waits for the level's own
first look, `LOOK_FIRST`, unless it won the level before).
Each reader leads until it has three strikes in the level (its own moves going round in circles, or a
move of its own ending the game unexplained); a reader struck out leaves the others asked (one count for
all of them had turned every reader off in Twin Walkers' level 2 after the walker's five moves there).
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from agent.agents.fast_agent import WAITING, top_actions
from agent.agents.online_agent import online_explorer
from agent.base import Action, Agent
from agent.beams import Beams
from agent.decision import Decision, Proposal
from agent.explorer import MASK_CHECKPOINTS, key_of_action, within_budget
from agent.frames import edge_lines, state_key
from agent.gauge import Gauge
from agent.guided import GuidedSearch
from agent.keylock import KeyLock
from agent.legend import LegendFollower
from agent.matcher import Matcher
from agent.matcher import Move as ReaderMove
from agent.models.encoding import frames_tensor
from agent.models.fast_policy import FastPolicy
from agent.models.goal_walker import destination, planes, walk_proposal
from agent.models.loading import load_models
from agent.models.policy_runtime import FastProposal, propose
from agent.models.world_model_runtime import runtime_of
from agent.navigator import Navigator
from agent.numerals import Numerals
from agent.planner import Move, SearchPlanner
from agent.pusher import Pusher
from agent.seeker import Seeker
from agent.shunter import Shunter
from agent.slider import Slider
from agent.tiles import Tiles
from agent.tilter import Tilter
from agent.toggler import Toggler
from agent.turner import Turner
from agent.twins import Twins
from agent.visits import VisitCounter
from agent.walker import Walker
from arc_client.types import FrameResponse, GameAction, GameInfo, GameState

# On a novel level's first steps the goal readers see the frame through the HUD mask learnt on an
# earlier level; these wait for this level's own first look (Legend Run's level 5 walk cut short when the
# mask changed under it, 123 actions against 22). The matcher once did too: read at once, Lantern Grid's
# level 4 (diagonal toggles) took 886 x baseline, its clicks all on the board's edge showing no diagonal
# toward the outside; it now clicks a cell inside the board before it gives up (`Matcher._choose`).
# A reader whose move completed the level before does not wait (Tile Walk's novel level 6, validation
# game seed 20,001: while the walker waited, the seeker walked the mover onto a tile, 910 actions against
# 22); its reading through the earlier mask is tentative (`Walker.tentative`: made again if it finds no walk)
LOOK_FIRST = ("walk",)
# asks in a row that a reader which won the last two levels or more may have no move in a novel level, only
# the readers that walk the mover (`WALKERS`) asked and taught beside it, before every reader is asked again
# (`AriaAgent._alone`)
ALONE_PATIENCE = 8
WALKERS = ("seek", "navigate")
# the readers whose reading of a novel level takes no HUD mask, asked before the game's first HUD look too:
# the matcher reads a board beside its legend whole (Lantern Grid's level 1 began with six of the
# explorer's clicks, which the matcher's plan then had to undo: 12 actions, baseline 3). (The turner reads
# none either, but learns its pieces from a turn seen, and before the first look the readers learn from
# their own moves only.) The shunter reads pieces and outlines on their own grid, where a bar along an edge
# is no square (Shunt's level 1 began with six of the explorer's moves: 12 actions, plan 6). The tiles reader
# reads a lattice of like tiles and its legend, which no bar is; the tilter follows its blocks by their pictures.
UNMASKED = ("match", "shunt", "tiles", "tilt", "beam")
# on novel levels a goal reader that has made no move in this game and had none at its last `QUIET_AFTER` asks
# in a row is asked at every `QUIET_EVERY`th step only, until it makes one (its searches for a puzzle the game
# does not hold were the dearest part of the steps other systems chose: Courier's slider, key reader and pusher
# answered nothing at every step of its walks, 0.6-0.7 ms of its 2.5 ms an action); the navigator, asked last,
# always is
QUIET_AFTER = 32
QUIET_EVERY = 8


def _xy(fast: FastProposal) -> tuple[int, int]:
    return (fast.x if fast.x is not None else -1, fast.y if fast.y is not None else -1)


class _Shown:
    """What a familiar step's decision shows beside its own move: the arbiter's threshold, the frame's
    novelty and the fast policy's proposal, made once when first asked for. A goal walker's step shows the
    walker's proposal instead and never runs the policy (the policy's pass was half a walker step's time:
    #8's fast decision p50); the guided search asks for it only where it ranks the state's moves."""

    def __init__(self, policy: FastPolicy, latest: FrameResponse, threshold: float, novelty: float) -> None:
        self.policy, self.latest = policy, latest
        self.threshold, self.novelty = threshold, novelty
        self._fast: FastProposal | None = None
        self._fields: dict[str, Any] | None = None

    def fast(self) -> FastProposal:
        if self._fast is None:
            self._fast = propose(self.policy, self.latest.frame, self.latest.available_actions)
        return self._fast

    def fields(self) -> dict[str, Any]:
        if self._fields is None:
            fast = self.fast()
            self._fields = {"confidence": fast.confidence, "threshold": self.threshold, "novelty": self.novelty,
                            "fast": Proposal(GameAction(fast.action).name, fast.x, fast.y, fast.confidence),
                            "top_actions": top_actions(fast), "click_heatmap": fast.heatmap}
        return self._fields


class AriaAgent(Agent):
    name = "aria"
    loads_checkpoints = True

    def __init__(self, seed: int = 0, checkpoint: str | None = None, models: dict[str, Any] | None = None,
                 threshold: float | None = None, expansions: int = 2, guided: bool = True,
                 online_cnn: bool = False, navigate: str = "commit", match: bool = True,
                 legend: bool = True, walk: bool = True, push: bool = True, turn: bool = True,
                 key: bool = True, toggle: bool = True, lead_alone: bool = True, quiet_after: int | None = QUIET_AFTER,
                 walker_threshold: float | None = None, walker_veto: bool = True, walker_repeat: bool = False,
                 novel_readers: tuple[str, ...] = ("match", "legend", "walk", "push", "turn", "key", "twin", "shunt",
                                                   "count", "tiles", "beam", "tilt", "slide", "seek", "navigate"),
                 **options: Any) -> None:
        super().__init__(seed, **options)
        torch.set_num_threads(1)
        self.models = models if models is not None else load_models(checkpoint)
        self.policy = self.models["fast_policy"]
        self.world_model = self.models["world_model"]
        self.runtime = runtime_of(self.world_model)  # the ensemble in one batched pass (same function)
        arbiter = self.models["arbiter"]
        self.threshold = float(arbiter.threshold) if threshold is None else float(threshold)
        self.max_uncertainty = float(arbiter.max_uncertainty)
        self.max_novelty = float(arbiter.max_novelty)
        self.seen = arbiter.seen.cpu().numpy()
        self.arbiter = arbiter
        # the goal walker (agent.models.goal_walker): the fast policy walking the navigator's routes on
        # familiar levels where its confidence reaches its threshold (phase 5's; inf: the checkpoint has none)
        self.goal_walker = self.models.get("goal_walker")
        walker = self.goal_walker
        self.walker_threshold = (float(walker.threshold) if walker is not None else float("inf")) \
            if walker_threshold is None else float(walker_threshold)
        self.walker_veto = walker_veto  # never a bump, a stopping colour or a step straight back
        self.walker_repeat = walker_repeat  # False: never twice from one place for one destination in a level
        self._walked_from: set[tuple[int, tuple[int, int], tuple[int, int]]] = set()
        self._here: tuple[int, int] | None = None  # the mover's place when last seen, and the one before it
        self._left_from: tuple[int, int] | None = None
        self.planner = SearchPlanner(self.world_model, self.models["value"], expansions=expansions)
        self.online_cnn = online_cnn  # novel levels: the online model averaged with this policy tuned on the game
        self.explorer = online_explorer(seed, self._tuned())
        self.use_guided = guided
        # "commit": it begins a route on a slow step and leads until the route ends; "first": before the
        # arbiter on every step; "slow": it leads the slow system's steps only; "off"
        self.navigate = navigate
        self.navigator = Navigator()
        self._share_rules()
        self.match = match  # the matcher (agent.matcher) clicks a board toward its target panel
        self.matcher = Matcher()
        self.follow = legend  # the legend follower (agent.legend) clicks objects in a legend's order
        self.legend = LegendFollower()
        self.walk = walk  # the walker (agent.walker) walks a patch of tiles into its picture
        self.walker = Walker()
        self.push = push  # the pusher (agent.pusher) pushes blocks onto their targets
        self.turn = turn  # the turner (agent.turner) clicks pieces round to their legend's pictures
        self.turner = Turner()
        self.key = key  # the key reader (agent.keylock) carries a key of the lock's shape into it
        self.keylock = KeyLock()
        self.toggle = toggle  # the toggler (agent.toggler) presses ACTION5 on the objects a level wants pressed
        self.toggler = Toggler()
        self.slider = Slider()
        self.shunter = Shunter()  # pieces a click takes hold of, moved onto outlines of their colour (novel levels)
        self.numerals = Numerals()  # a number display clicked to a target number (novel levels)
        self.tiles = Tiles()  # tiles slid into the arrangement a legend shows (agent.tiles; novel levels)
        self.tilter = Tilter()  # blocks every key slides, rested on their rings (agent.tilter; novel levels)
        self.beams = Beams()  # mirrors flipped until a beam touches what a won level lit (agent.beams; novel levels)
        self.seeker = Seeker()
        self.twins = Twins()  # movers that move together (agent.twins), on novel levels
        # the goal readers asked on novel levels too, before the online systems (the matcher for legend
        # boards only: its other readings' few clicks there cost the online systems levels, BENCHMARKS.md)
        self.novel_readers = tuple(novel_readers)
        self.pusher = Pusher()
        self._before: tuple[np.ndarray, int] | None = None  # the frame acted on, and its level
        self._won_by: str | None = None  # the mode of the decision that completed the last level
        self._alone: str | None = None  # the goal reader leading this novel level alone (`_dormant`)
        self._streak = 0  # levels in a row won by `_won_by`'s mode
        self._alone_idle = 0  # asks in a row `_alone` had no move (from ALONE_PATIENCE: every reader asked)
        self.lead_alone = lead_alone  # whether a level's winner leads the next novel level alone
        self._legend_looked = False  # the first level's frame was looked at for a legend (`_guess_legend`)
        # per goal reader, its asks in a row on novel levels without a move, and the readers that made a move in
        # this game (`QUIET_AFTER`); the steps so far
        self.quiet_after = quiet_after  # None: every reader asked at every step
        self._silent: Counter[str] = Counter()
        self._moved: set[str] = set()
        self._steps = 0
        # the goal readers on a novel level: its index, strikes, off for the level, asks in a row no
        # reader answered, the states their moves reached in this attempt, a reader led in this level, a
        # reader chose the last step
        self._reader_level, self._reader_idle = -1, 0
        # strikes per reader (its mode): at three it is off in the level, the others still asked
        self._reader_strikes: Counter[str] = Counter()
        self._reader_off: set[str] = set()
        self._reader_seen: dict[str, set[bytes]] = {}  # per reader, the states its moves reached
        self._reader_used = self._reader_acted = False
        self._reader_last: str | None = None  # the reader whose move was the last a reader made
        self._reader_led: set[str] = set()  # the readers that made a move in this level
        self._probed = False  # that move was the navigator's ACTION5 on an object just reached
        # the cells where sprites that move on their own were seen in this level (`_reader_mask`)
        self._hazard_level: int = -1
        self._hazard_seen: np.ndarray | None = None
        self.gauge = Gauge()  # the HUD bar read as actions left (novel levels: `_route_move`)
        self.guided = GuidedSearch(self.runtime, self.seed)
        self.unfamiliar: tuple[int, float] | None = None  # (level, its first frame's novelty) when novel
        self.level = -1
        self.visits = VisitCounter()
        self.fruitless: set[bytes] = set()  # states (graph keys) where the world-model search found no plan
        # the rest of the slow system's last plan: (move, the frame the world model expects before it)
        self.plan: deque[tuple[Move, np.ndarray]] = deque()

    def start(self, game: GameInfo, first: FrameResponse) -> None:
        self.explorer = online_explorer(self.seed, self._tuned())
        self.guided = GuidedSearch(self.runtime, self.seed)
        self.unfamiliar, self.level = None, -1
        self.visits = VisitCounter()
        self.fruitless.clear()
        self.plan.clear()
        self.navigator = Navigator()
        self._share_rules()
        self.matcher = Matcher()
        self.legend = LegendFollower()
        self.walker = Walker()
        self.pusher = Pusher()
        self.turner = Turner()
        self.keylock = KeyLock()
        self.toggler = Toggler()
        self.slider = Slider()
        self.shunter = Shunter()
        self.numerals = Numerals()
        self.tiles = Tiles()
        self.tilter = Tilter()
        self.beams = Beams()
        self.seeker = Seeker()
        self.twins = Twins()
        self._before = None
        self._won_by = self._alone = None
        self._streak = 0
        self._legend_looked = False
        self._silent, self._moved, self._steps = Counter(), set(), 0
        self.gauge = Gauge()
        self._hazard_level, self._hazard_seen = -1, None
        self._readers_level(-1)
        self._walked_from = set()
        self._here = self._left_from = None

    def _share_rules(self) -> None:
        """The navigator's rules and the online learner's see the same sprites that move on their own: the
        learner watches every move of the game, the navigator only those after the readers' first look."""
        if self.explorer.learner is not None:
            self.navigator.rules.autonomous = self.explorer.learner.rules.autonomous

    def _tuned(self) -> FastPolicy | None:
        """The policy the online systems tune on a novel game (`aria-cnn`), or None (the default)."""
        return self.policy if self.online_cnn else None

    # -- the arbiter ------------------------------------------------------------------------------
    def _uncertainty(self, frame: np.ndarray, fast: FastProposal) -> float:
        xs = torch.tensor([fast.x if fast.x is not None else -1])
        ys = torch.tensor([fast.y if fast.y is not None else -1])
        unc = self.runtime.uncertainty(frames_tensor(frame), torch.tensor([fast.action - 1]), xs, ys)
        return float(unc[0])

    def act(self, latest: FrameResponse) -> Action:
        if latest.state in WAITING:
            return self.explorer.choose(latest)
        started = time.perf_counter()
        self._steps += 1
        if latest.levels_completed != self.level:
            self.level = latest.levels_completed
            self._here = self._left_from = None  # the mover's places are per level
            novelty = self.arbiter.novelty(latest.frame, self.seen)
            self.unfamiliar = (self.level, novelty) if novelty > self.max_novelty else None
            # objects reached before are destinations again once reaching one changed the world elsewhere,
            # on novel levels (a parcel picked up, then its slot); on familiar ones it cost Key Behind a
            # Block a level (validation game seeds 20,000-20,013: 80 -> 79 of 84)
            self.navigator.reset_touched = self.unfamiliar is not None
            # on a novel level the readers' searches get a tenth of their budgets: they are tried there,
            # not relied on, and the agent's time per action is the online systems' to spend; a reader whose
            # move completed the level before is relied on, and keeps its whole budget (Tile Walk's novel
            # level 6, a patch of six tiles: no walk found within a tenth)
            def scale(mode: str) -> int:
                return 10 if self.unfamiliar is not None and self._won_by != mode else 1

            # (the pusher, once it saw the blocks pushed, searches each layout of them once a level with its
            # whole budget, at the cost of one search per push another system makes)
            self.walker.max_nodes = Walker.max_nodes // scale("walk")
            self.pusher.guess_nodes = Pusher.max_nodes // scale("push")
            # the goal reader whose move completed the level before leads a novel level alone, the others
            # neither asked nor taught, until it has no move (`_dormant`): their looks cost a game they do
            # not play 15-40% of the agent's time (the navigator, which goes to any object, never leads alone).
            # A reader that won two levels in a row or more is the game's: while it has no move (up to
            # `ALONE_PATIENCE` asks in a row) only the readers that walk the mover are asked beside it, as when
            # it waits for the mover to reach its puzzle (Crates' pusher at each level's start); then every
            # reader is.
            self._alone = self._won_by if (self.lead_alone and self.unfamiliar is not None
                                           and self._won_by in self.novel_readers and self._won_by != "navigate") else None
            self._alone_idle = 0 if self._alone is not None and self._streak >= 2 else ALONE_PATIENCE
        self._track_mover(latest.frame)
        if self.unfamiliar is not None:
            if self.novel_readers and self._readers_trusted(latest):
                if self.explorer.looks:
                    self._guess_legend(latest)
                    self._before = (latest.frame, latest.levels_completed)
                only = tuple(m for m in self.novel_readers if m not in self._reader_off
                             and (self.explorer.looks or m in UNMASKED))
                note = f"level {self.unfamiliar[0] + 1} novel ({self.unfamiliar[1]:.0%} unfamiliar)"
                alone = self._alone
                if alone is not None and alone in self._reader_off:
                    alone = self._alone = None  # struck out: the others are asked again
                reading = {"novelty": self.unfamiliar[1]}
                read = self._read_goals(latest, started, lambda: reading, self._reader_mask(latest),
                                        only if alone is None else tuple(m for m in only if m == alone), note)
                if read is not None and alone is not None and self._alone_idle < ALONE_PATIENCE:
                    self._alone_idle = 0  # (the asks without a move are counted in a row)
                if read is None and alone is not None and alone in only and self._alone_idle < ALONE_PATIENCE:
                    self._alone_idle += 1  # the game's reader has no move yet: the walkers', if they have one
                    read = self._read_goals(latest, started, lambda: reading, self._reader_mask(latest),
                                            tuple(m for m in only if m in WALKERS), note)
                elif read is None and alone is not None and alone in only:
                    # the reader that won the level before has no move here: every reader is asked from now
                    # on in this level (this step too)
                    self._alone = None
                    read = self._read_goals(latest, started, lambda: reading, self._reader_mask(latest),
                                            tuple(m for m in only if m != alone), note)
                self._reader_acted = read is not None
                self._reader_idle = 0 if read is not None else self._reader_idle + 1
                if read is not None:
                    # (before the first look the others learn nothing from the online systems' moves, whose
                    # frames they would read without a mask; the reader that moved learns from its own)
                    self._before = (latest.frame, latest.levels_completed)
                    self._reader_used = True
                    self._reader_last = read.decision.mode if read.decision is not None else None
                    self._reader_led.add(self._reader_last or "")
                    return read
            self._reader_acted = False
            return self._online(latest, started)
        frame = latest.frame
        self._before = (frame, latest.levels_completed)
        novelty = self.arbiter.novelty(frame, self.seen)
        shown = _Shown(self.policy, latest, self.threshold, novelty)
        # the state and the policy's ranking there (made when the search ranks it); loops counted under
        # the graph's keys (one HUD detector for both), the previous slow system's with its own
        state, visits = self.guided.arrive(latest, shown.fast) if self.use_guided else (None, self.visits.visit(latest))
        uncertainty = None
        read = self._read_goals(latest, started, shown.fields)
        if read is not None:
            return read
        if self.navigate == "first" or (self.navigate == "commit" and self.navigator.plan):
            under_way = ("the route it began is under way" if self.navigate == "commit"
                         else "an untouched object is within reach")
            routed = self._navigate(latest, started, under_way, None, shown)
            if routed is not None:
                return routed
        fast, common = shown.fast(), shown.fields()
        if fast.confidence < self.threshold:
            why = f"fast confidence {fast.confidence:.2f} below the threshold {self.threshold:.2f}"
        elif novelty > self.max_novelty:
            why = f"novel frame ({novelty:.0%} of it unfamiliar)"
        elif visits > 1:
            why = f"state visited {visits} times in this level: a loop"
        elif state is not None and self.guided.map.tried(state, (fast.action, *_xy(fast))):
            why = "the fast move was tried here before: the graph knows where it leads"
        else:
            if self.max_uncertainty < float("inf"):  # no bound (phase 4's pick): the ensemble cannot veto
                uncertainty = self._uncertainty(frame, fast)
            if uncertainty is not None and uncertainty > self.max_uncertainty:
                why = f"world models disagree ({uncertainty:.2f}) on the fast action"
            else:
                self.plan.clear()
                if self.navigate == "commit":
                    self.navigator.plan.clear()
                decision = Decision("fast", "policy", uncertainty=uncertainty, **common,
                                    think_ms=(time.perf_counter() - started) * 1000,
                                    reason="confident, familiar, no loop: the fast policy acts")
                return Action(GameAction(fast.action), fast.x, fast.y, decision=decision)
        return self._slow(latest, started, why, uncertainty, shown)

    def _reader_mask(self, latest: FrameResponse) -> np.ndarray | None:
        """The HUD mask the readers see a novel level through: the explorer's, but for the lines where
        sprites that move on their own were seen in this level (a guard pacing a column changes it on every
        action, as a bar does; masked, the navigator walked into it and could not cross its beat)."""
        mask = self.explorer.mask
        hazards = self.navigator.rules.hazards(latest.frame)
        if self._hazard_level != latest.levels_completed:
            self._hazard_level, self._hazard_seen = latest.levels_completed, None
        if hazards is not None:
            self._hazard_seen = hazards if self._hazard_seen is None else self._hazard_seen | hazards
        if mask is None or self._hazard_seen is None:
            return mask
        rows, cols = mask.all(1) & ~self._hazard_seen.any(1), mask.all(0) & ~self._hazard_seen.any(0)
        out = np.zeros_like(mask)
        out[rows, :] = True
        out[:, cols] = True
        return out

    def _guess_legend(self, latest: FrameResponse) -> None:
        """The game's first level, looked at once: before any level-up has shown a goal, a lone framed
        swatch in the frame's margin is taken for a legend naming the goal colour (`GameRules.guess_legend`),
        for the slider (the navigator's rules) and the seeker (the online learner's) to head for."""
        if latest.levels_completed != 0 or self._legend_looked:
            return
        self._legend_looked = True
        self.navigator.begin(0)
        self.navigator.rules.guess_legend(latest.frame)
        if self.explorer.learner is not None:
            self.explorer.learner.rules.guess_legend(latest.frame)

    def _readers_level(self, level: int) -> None:
        """The goal readers' record on a novel level, afresh."""
        self._reader_level, self._reader_idle = level, 0
        self._reader_strikes, self._reader_off = Counter(), set()
        self._reader_seen = {}
        self._reader_used = self._reader_acted = False
        self._reader_last = None
        self._reader_led = set()

    def _dormant(self, mode: str) -> bool:
        """Whether the goal reader `mode` is neither asked nor taught now: another reader won the level
        before and leads this novel level alone (the readers that walk the mover are taught while it may
        wait for them, `ALONE_PATIENCE`)."""
        return (self._alone is not None and mode != self._alone
                and not (mode in WALKERS and self._alone_idle < ALONE_PATIENCE))

    def _readers_trusted(self, latest: FrameResponse) -> bool:
        """On a novel level each goal reader leads until three strikes: a move of its own back to a state
        its moves reached before, or (two strikes) a move of its own that ended the game when the step
        budget does not explain it. A reader struck out is not asked again in the level; the others are."""
        self.explorer.see(latest)  # the explorer's current state, whichever system chose the last move
        # the readers' own key: the frame with only the HUD lines along its edges masked (a detector may
        # take lines through a puzzle's middle for a bar, which would make distinct layouts one state)
        key = state_key(latest.frame, edge_lines(self.explorer.mask))
        if latest.levels_completed != self._reader_level:
            self._readers_level(latest.levels_completed)
        if self._reader_acted:
            # a state the readers' own moves reached before: they go round in circles (a plan that walks
            # back over ground the explorer covered, as a pusher fetching the far side of a block, does not)
            seen = self._reader_seen.setdefault(self._reader_last or "", set())
            if key in seen and not self._probed:
                self._strike(1)  # (ACTION5 that did nothing on an object just reached is a probe, not a circle)
            seen.add(key)
        self._probed = False
        # nor before the HUD detector's first look in this game (a timer bar reads as a row of swatches),
        # but for the readers that read no HUD mask (`UNMASKED`); on later levels the mask learnt before
        # serves until this level's detector looks
        if self._reader_off >= set(self.novel_readers) or not (self.explorer.looks
                                                               or set(self.novel_readers) & set(UNMASKED)):
            return False
        # readers that proposed nothing for 20 steps are asked every 16th step only (their searches are
        # the dearest part of a step where they do not apply)
        if self._reader_idle >= 20 and self._reader_idle % 16:
            self._reader_idle += 1
            return False
        return True

    def _strike(self, count: int) -> None:
        """Strikes against the reader that moved last; off in this level at three."""
        if self._reader_last is not None:
            self._reader_strikes[self._reader_last] += count
            if self._reader_strikes[self._reader_last] >= 3:
                self._reader_off.add(self._reader_last)

    def _online(self, latest: FrameResponse, started: float) -> Action:
        """The level is unlike training: the online systems choose (their decision says which acted)."""
        assert self.unfamiliar is not None
        chosen = self.explorer.choose(latest)
        base = chosen.decision
        note = f"level {self.unfamiliar[0] + 1} novel ({self.unfamiliar[1]:.0%} unfamiliar): learnt online"
        decision = None if base is None else base.replace(
            novelty=self.unfamiliar[1], reason=f"{note}; {base.reason}",
            think_ms=(time.perf_counter() - started) * 1000)
        return Action(chosen.action, chosen.x, chosen.y, decision=decision)

    def _on_plan(self, frame: np.ndarray) -> Move | None:
        """The plan's next move when the game went where the world model said (HUD masked), else None."""
        if not self.plan:
            return None
        move, expected = self.plan.popleft()
        mask = self.visits.mask
        if np.array_equal(np.where(mask, 0, frame), np.where(mask, 0, expected)):
            return move
        self.plan.clear()
        return None

    def _slow(self, latest: FrameResponse, started: float, why: str, uncertainty: float | None,
              shown: _Shown) -> Action:
        if self.use_guided:
            return self._guided(latest, started, why, uncertainty, shown)
        common = shown.fields()
        move = self._on_plan(latest.frame)
        if move is not None:
            action, x, y = move
            slow = Proposal(GameAction(action).name, x if x >= 0 else None, y if y >= 0 else None)
            decision = Decision("slow", "plan", uncertainty=uncertainty, slow=slow, plan_left=len(self.plan),
                                think_ms=(time.perf_counter() - started) * 1000,
                                reason=f"{why}; the searched plan continues as predicted", **common)
            return Action(GameAction(action), slow.x, slow.y, decision=decision)
        # The exact transition graph first: an untried action here or a short known path to one is
        # cheaper (about a millisecond) and surer than any rollout of a learned model. The
        # world-model search ranks moves only when nothing untried is within reach.
        chosen = self.explorer.choose(latest)
        base = chosen.decision
        if base is not None and base.mode != "random":
            decision = Decision("slow", "explore", uncertainty=uncertainty, slow=base.slow or base.fast,
                                plan_left=base.plan_left,
                                think_ms=(time.perf_counter() - started) * 1000,
                                reason=f"{why}; exact graph: {base.reason}", extra=dict(base.extra), **common)
            return Action(chosen.action, chosen.x, chosen.y, decision=decision)
        state = self.explorer.current
        plan = None
        if state not in self.fruitless:  # a search that found nothing here would find nothing again
            useless = self._useless_here()
            plan = self.planner.search(latest.frame, latest.available_actions, self.explorer.mask, useless,
                                       self.visits.counts)
            if plan is None and state is not None:
                self.fruitless.add(state)
        if plan is not None:
            self.explorer.pending = None  # the explorer's pick is not sent: it learns from what is
            self.plan = deque(zip(plan.path[1:], plan.frames[:-1], strict=True))
            slow = Proposal(GameAction(plan.action).name, plan.x, plan.y, plan.steps)
            decision = Decision("slow", "plan", uncertainty=plan.uncertainty if uncertainty is None else uncertainty,
                                slow=slow, plan_left=plan.depth - 1,
                                think_ms=(time.perf_counter() - started) * 1000,
                                reason=f"{why}; nothing untried within reach; search ({plan.expansions} "
                                       f"expansions) expects {plan.steps:.0f} steps left vs {plan.root_steps:.0f}",
                                extra={"expansions": plan.expansions}, **common)
            return Action(GameAction(plan.action), plan.x, plan.y, decision=decision)
        decision = Decision("slow", "explore", uncertainty=uncertainty,
                            slow=(base.slow or base.fast) if base is not None else None,
                            plan_left=base.plan_left if base is not None else None,
                            think_ms=(time.perf_counter() - started) * 1000,
                            reason=f"{why}; search saw no progress: "
                                   f"{base.reason if base is not None else 'exploring'}", **common)
        return Action(chosen.action, chosen.x, chosen.y, decision=decision)

    def _guided(self, latest: FrameResponse, started: float, why: str, uncertainty: float | None,
                shown: _Shown) -> Action:
        """The policy-guided search over the exact graph (`agent.guided`)."""
        if self.navigate in ("slow", "commit"):
            routed = self._navigate(latest, started, why, uncertainty, shown)
            if routed is not None:
                return routed
        common = shown.fields()
        choice = self.guided.choose(latest, shown.fast)
        action, x, y = choice.move
        slow = Proposal(GameAction(action).name, x if x >= 0 else None, y if y >= 0 else None,
                        choice.probability)
        decision = Decision("slow", "guided", uncertainty=uncertainty, slow=slow, plan_left=choice.distance,
                            think_ms=(time.perf_counter() - started) * 1000,
                            reason=f"{why}; guided search: {choice.why}",
                            extra={"pruned": choice.pruned}, **common)
        return Action(GameAction(action), slow.x, slow.y, decision=decision)

    def _navigate(self, latest: FrameResponse, started: float, why: str, uncertainty: float | None,
                  shown: _Shown) -> Action | None:
        """The navigator's move toward the nearest untouched object (`agent.navigator`), if any; on the way
        there, the goal walker's move as a fast step where the arbiter trusts it (`_walk`)."""
        walked = self._walk(latest, started, uncertainty, shown)
        if walked is not None:
            return walked
        route = self.navigator.route(latest.frame, latest.available_actions, self.guided.map.mask,
                                     latest.levels_completed)
        if route is None:
            return None
        slow, common = Proposal(GameAction(route.action).name, None, None), shown.fields()
        decision = Decision("slow", "navigate", uncertainty=uncertainty, slow=slow, plan_left=route.length,
                            think_ms=(time.perf_counter() - started) * 1000,
                            reason=f"{why}; {route.why}", **common)
        return Action(GameAction(route.action), decision=decision)

    def _walk(self, latest: FrameResponse, started: float, uncertainty: float | None,
              shown: _Shown) -> Action | None:
        """The goal walker's step along a route under way, or None (the navigator walks it).

        On a familiar level, while the navigator's route is under way and the mover stands on its path
        (fast steps that kept to it are taken off the route), the walker's move toward the route's
        destination is a fast step when its confidence reaches the threshold, and not: a second step from
        one place for one destination in a level (the arbiter's loop rule: a confident mistake would repeat
        for ever), a move that bumped from there before, one straight back to where the mover just was (no
        shortest way does it) or one onto a colour that has stopped the mover in this level (the veto).
        Elsewhere the navigator's route is followed as before, and searched again when a fast step left it.
        """
        if self.goal_walker is None or self.walker_threshold == float("inf"):
            return None
        nav = self.navigator
        now = nav.rules.mover_box(latest.frame, self.guided.map.mask)
        if now is None or not nav.plan or nav.last is None or self.unfamiliar is not None:
            return None
        here = (now[0], now[1])
        ahead = next((i for i, (place, _) in enumerate(nav.plan) if place == here), None)
        if ahead is None:
            if here == nav.end:
                nav.plan.clear()  # fast steps walked to the route's end: the navigator marks the object reached
            return None
        for _ in range(ahead):
            nav.plan.popleft()  # fast steps took the mover along the path
        place = (latest.levels_completed, here, nav.last.target)
        if place in self._walked_from and not self.walker_repeat:
            return None
        self._walked_from.add(place)
        added = planes(destination(latest.frame, nav.last.target), now, self._left_from)
        walker = walk_proposal(self.goal_walker, latest.frame, added, latest.available_actions)
        move, sure = walker.action, walker.confidence
        if sure < self.walker_threshold or (self.walker_veto and self._into_a_wall(latest.frame, now, move)):
            return None
        self.plan.clear()
        # (the fast policy's own proposal is not made: the walker's is the step's, and its time the step's)
        walked: dict[str, Any] = {"confidence": sure, "threshold": self.walker_threshold, "novelty": shown.novelty,
                                  "fast": Proposal(GameAction(move).name, None, None, sure),
                                  "top_actions": top_actions(walker)}
        decision = Decision("fast", "goal", uncertainty=uncertainty, **walked,
                            think_ms=(time.perf_counter() - started) * 1000,
                            reason=f"the goal walker walks to the navigator's destination ({sure:.2f} >= "
                                   f"{self.walker_threshold:.2f})")
        return Action(GameAction(move), decision=decision)

    def _track_mover(self, frame: np.ndarray) -> None:
        """The mover's place in this level (`_here`) and the one it left last (`_left_from`), at every step
        (whichever system moved it): the goal walker's third plane and its veto's step back."""
        now = self.navigator.rules.mover_box(frame, self.guided.map.mask)
        if now is not None and (now[0], now[1]) != self._here:
            self._left_from, self._here = self._here, (now[0], now[1])

    def _into_a_wall(self, frame: np.ndarray, box: tuple[int, int, int, int], action: int) -> bool:
        """Whether `action` bumped from here before, takes the mover straight back to where it just was,
        leaves the frame, or enters a colour that has stopped it in this level (the walker's veto)."""
        nav = self.navigator
        if (box[0], box[1], action) in nav.blocked:
            return True
        move = nav.rules.displacement(action)
        if move is None:
            return False
        top, left, bottom, right = box[0] + move[1], box[1] + move[0], box[2] + move[1], box[3] + move[0]
        if (top, left) == self._left_from:
            return True
        if top < 0 or left < 0 or bottom > frame.shape[0] or right > frame.shape[1]:
            return True
        return any(nav.blocking(int(c)) for c in np.unique(frame[top:bottom, left:right]) if c != nav.rules.mover)

    def _read_goals(self, latest: FrameResponse, started: float, common: Callable[[], dict[str, Any]],
                    mask: np.ndarray | None = None, only: tuple[str, ...] | None = None,
                    note: str = "") -> Action | None:
        """The first goal reader that proposes a move, in order: the twins reader (movers that move
        together; novel levels), the tiles reader (tiles slid to a legend's arrangement; novel levels), the
        matcher (a board and its target panel), the legend follower, the key reader, the shunter, the beam
        reader and the tilter (novel levels), the slider, the walker (a patch of tiles and its picture), the
        turner, the number reader (a number clicked to a target; novel levels), the pusher, the toggler, the
        seeker, the navigator. `note` heads the decision's reason (a novel level)."""
        frame, available, level = latest.frame, latest.available_actions, latest.levels_completed
        mask = self.guided.map.mask if mask is None else mask
        readers: list[tuple[str, str, Callable[[], Any]]] = []
        if self.match:
            readers.append(("match", "a board and its target panel",
                            lambda: self.matcher.act(frame, available, mask, level, self.navigator.rules,
                                                     legend_only=self.unfamiliar is not None)))
        if self.follow:
            # through the mask's edge lines only: a detector may take a line under the legend, whose
            # marks change with every right click, or a column of blocks clicked grey, for a bar
            legend_mask = edge_lines(mask)
            readers.append(("legend", "a row of swatches and objects in their colours",
                            lambda: self.legend.act(frame, available, legend_mask, level)))
        if self.key:
            readers.append(("key", "a lock's picture and keys of its shape",
                            lambda: self.keylock.act(frame, available, mask, self.navigator, level)))
        if "shunt" in (only or ()):
            # through the mask's edge lines only: the detector takes lines the pieces cross, changed by most
            # moves, for bars (Shunt's yard had two rows and four columns masked, the pieces on them unseen)
            readers.append(("shunt", "pieces a click takes hold of and outlines of their colours",
                            lambda: self.shunter.act(frame, available, edge_lines(mask), level)))
        if "beam" in (only or ()):
            readers.append(("beam", "a beam, mirrors a click flips, and what a won level lit",
                            lambda: self.beams.act(frame, available, edge_lines(mask), level)))
        if "tilt" in (only or ()):
            readers.append(("tilt", "blocks a key slides together, and rings of their colours",
                            lambda: self.tilter.act(frame, available, level)))
        if "slide" in (only or ()):
            readers.append(("slide", "a mover that slides until stopped, and its goal",
                            lambda: self.slider.act(frame, available, mask, self.navigator, level)))
        if self.walk:
            readers.append(("walk", "a patch of tiles and its picture",
                            lambda: self.walker.act(frame, available, mask, self.navigator, level)))
        if self.turn:
            readers.append(("turn", "pieces a click turns and a legend of their pictures",
                            lambda: self.turner.act(frame, available, level)))
        if "count" in (only or ()):
            readers.append(("count", "a number, buttons that change it and a target number",
                            lambda: self.numerals.act(frame, available, level, self._click_points(),
                                                      self.explorer.start_frame, self.explorer.steps > 0)))
        if "tiles" in (only or ()):
            # before the matcher: a lattice of tiles with one place empty beside a legend is a board the
            # matcher reads too (each cell one of the legend's colours), and would click to recolour
            readers.insert(0, ("tiles", "tiles that slide into the empty place and a legend of their arrangement",
                               lambda: self.tiles.act(frame, available, level)))
        if self.push:
            readers.append(("push", "blocks and as many targets",
                            lambda: self.pusher.act(frame, available, mask, self.navigator, level,
                                                    self.explorer.start_frame)))
        if self.toggle:
            readers.append(("toggle", "objects a press of ACTION5 completed a level on",
                            lambda: self.toggler.act(frame, available, mask, self.navigator, level)))
        if "seek" in (only or ()):
            seek = ("seek", "a mover that steps, and its goal",
                    lambda: self.seeker.act(frame, available, mask, self.navigator, level, self.slider.slides,
                                            None if self.explorer.learner is None else self.explorer.learner.rules))
            # asked last, but first while a walk of its own is under way (the others' searches, which
            # found nothing when it began, are not made at every step of it)
            readers.insert(0 if self.seeker.plan else len(readers), seek)
        if "navigate" in (only or ()):
            readers.append(("navigate", "objects not reached yet", lambda: self._route_move(frame, available, mask, level)))
        if "twin" in (only or ()):
            # first of all where two or more sprites were seen moving on one key: the other readers follow
            # one mover, and took turns with it (the seeker walking one twin back where the plan sent both)
            readers.insert(0, ("twin", "movers that move together and patches of their colours",
                               lambda: self.twins.act(frame, available, mask, level)))
        # a novel level before this level's own HUD look: readers see it through an earlier level's mask
        early = only is not None and self.explorer.detector.transitions < min(MASK_CHECKPOINTS)
        self.walker.tentative = early
        for mode, seen, ask in readers:
            if only is not None and mode not in only:
                continue
            if early and mode in LOOK_FIRST and mode != self._won_by:
                continue
            if (only is not None and self.quiet_after is not None and mode != "navigate" and mode not in self._moved
                    and self._silent[mode] >= self.quiet_after and self._steps % QUIET_EVERY):
                continue  # quiet (`QUIET_AFTER`)
            aim = (self.slider.aim, self.seeker.aim, self._destination())
            move = ask()
            if only is not None:
                if move is None:
                    self._silent[mode] += 1
                else:
                    self._silent[mode] = 0
                    self._moved.add(mode)
            if move is None:
                continue
            if mode in ("slide", "seek") and (self.slider.aim, self.seeker.aim) != aim[:2]:
                self._reader_seen.clear()  # from the shut goal to a switch and back: the same places again
            if mode == "navigate" and self._destination() != aim[2]:
                self._reader_seen.pop(mode, None)  # a new destination: over old ground to reach it, no circle
            slow = Proposal(GameAction(move.action).name, move.x, move.y)
            shown = common()  # (the fast policy's proposal, where shown, made before the step's time is taken)
            decision = Decision("slow", mode, slow=slow, think_ms=(time.perf_counter() - started) * 1000,
                                reason=f"{note}: {seen}; {move.why}" if note else f"{seen}; {move.why}", **shown)
            return Action(GameAction(move.action), move.x, move.y, decision=decision)
        return None

    def _click_points(self) -> list[tuple[int, int, tuple[int, int, int]]]:
        """The current state's click candidates in the explorer's order, but for those on the HUD, each with
        its kind: the colour, height and width of its sprite's largest part (like buttons share it)."""
        node = self.explorer.graph.nodes.get(self.explorer.current) if self.explorer.current is not None else None
        if node is None:
            return []
        mask = self.explorer.mask
        out = []
        for action, x, y in node.candidates:
            # (a click on a part of a sprite is the explorer's second guess, not a button of its own)
            if action == int(GameAction.ACTION6) and (mask is None or not mask[y, x]) and (action, x, y) not in node.parts:
                main = max(node.click_signature[(action, x, y)], key=lambda part: part[3])
                out.append((x, y, main[:3]))
        return out

    def _destination(self) -> tuple[int, int] | None:
        """Where the navigator's route goes (the object's top-left cell), if it has one."""
        return None if self.navigator.last is None else self.navigator.last.target

    def _route_move(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None,
                    level: int) -> ReaderMove | None:
        """The navigator as a goal reader on novel levels: ACTION5 once on an object just reached, else the
        next move toward an object not reached yet (the goal colour carried from the levels before first)."""
        if self.navigator.paused and int(GameAction.ACTION5) in available:
            # an object was just reached: use it (once in this state), as a person tries a switch stood on
            node = self.explorer.graph.nodes.get(self.explorer.current) if self.explorer.current is not None else None
            if node is not None and (int(GameAction.ACTION5), -1, -1) not in node.edges:
                self.navigator.paused = False
                self._probed = True
                return ReaderMove(int(GameAction.ACTION5), "navigator: ACTION5 on the object just reached")
        if self.navigator.paused and self.navigator.quiet:
            # reaching it changed nothing away from the mover and there is no ACTION5 to try: an item used
            # up by stepping on it (a fuel can), so the next step is the navigator's own (it was the online
            # systems', a unit of fuel spent after every can); after a switch, whose effect elsewhere another
            # system may use, the step stays theirs (Shifting Rules' gates)
            self.navigator.paused = False
        rules = None if self.explorer.learner is None else self.explorer.learner.rules
        goal = None if rules is None or not rules.goals else rules.goal_cells(frame, mask)
        prefer = None
        if goal is not None:  # the goal colour carried from the levels before: its objects first
            prefer = np.zeros(frame.shape, dtype=bool)
            prefer[goal[:, 0], goal[:, 1]] = True
        route = self.navigator.route(frame, available, mask, level, prefer)
        if (route is None and mask is not None and not self.navigator.paused
                and self.explorer.detector.transitions < min(MASK_CHECKPOINTS)
                and not self._reader_led - {"navigate"}):
            # no route through the mask of a level before (this level's own HUD look not taken yet): through
            # its lines along the frame's edges only (a line that detector took for a bar may cross this
            # level's floor: Fuel's level 5 began with a row of its yard masked); not where another reader
            # already reads the level through that mask (Tile Walk's level 6 on game seed 20,000: the walker
            # paused a step, the navigator's route trod a tile, the level lost)
            mask = edge_lines(mask)
            route = self.navigator.route(frame, available, mask, level, prefer)
        left = self.gauge.actions_left(frame, mask) if route is not None and prefer is not None else None
        if route is not None and left is not None and route.length >= left:
            # the HUD bar runs out before the goal is reached (a tank): an object first (a can may fill
            # it), of those the bar reaches the one most on the way to the goal; Fuel's exit lies beyond a
            # full tank from level 2
            route = self.navigator.route(frame, available, mask, level, toward=prefer, within=left)
        return None if route is None else ReaderMove(route.action, route.why)

    def _useless_here(self) -> set[tuple[int, int, int]]:
        """Actions the exact transition graph saw leave this state unchanged."""
        current = self.explorer.current
        node = self.explorer.graph.nodes.get(current) if current is not None else None
        if node is None:
            return set()
        return {a for a, edge in node.edges.items() if edge.tries and set(edge.outcomes) == {current}}

    def observe(self, action: Action, result: FrameResponse) -> None:
        # the slow system's graph learns from every transition, whichever system chose the action
        prev, prev_level = self.explorer.frame, self.explorer.level
        self.explorer.record(action, result)
        if prev is not None and result.levels_completed > prev_level:
            won_by = action.decision.mode if action.decision is not None else None
            self._streak = self._streak + 1 if won_by == self._won_by else 1
            self._won_by = won_by
        if self.unfamiliar is not None and prev is not None and "slide" in self.novel_readers:
            # the slider learns from every move on a novel level (its colours, a goal, what kills)
            key, mask = int(action.action.value), self.explorer.mask
            slide, seek = not self._dormant("slide"), not self._dormant("seek")
            if result.state is GameState.GAME_OVER:
                self.seeker.restart()
                if not self.explorer.spent:  # (a bar run out says nothing of what the move stepped into)
                    if slide:
                        self.slider.game_over(prev, key, mask, self.navigator)
                    if seek:
                        self.seeker.game_over(prev, key, mask, self.navigator)
            elif result.levels_completed > prev_level:
                if slide:
                    self.slider.level_up(prev, key, mask, self.navigator)
            elif result.levels_completed == prev_level:
                if slide:
                    self.slider.observe(prev, key, result.frame, mask, self.navigator, prev_level)
                if seek:
                    self.seeker.observe(prev, key, result.frame, mask, self.navigator)
        if (self.unfamiliar is not None and prev is not None and "count" in self.novel_readers
                and result.levels_completed == prev_level and not self._dormant("count")):
            # (through the mask's edge lines only: a detector may take the display's rows, which most clicks
            # change, for a bar)
            self.numerals.observe(prev, int(action.action.value), action.x, action.y, result.frame,
                                  edge_lines(self.explorer.mask), prev_level, result.state is GameState.GAME_OVER)
        if (self.unfamiliar is not None and prev is not None and "beam" in self.novel_readers
                and int(action.action.value) == 6 and result.state is not GameState.GAME_OVER
                and not self._dormant("beam")):
            self.beams.observe(prev, action.x, action.y, result.frame, result.frames[0], edge_lines(self.explorer.mask),
                               prev_level, result.levels_completed > prev_level)
        tilted = False  # a game over that taught the tilter, whose move it was, what kills: no strike
        if self.unfamiliar is not None and prev is not None and "tilt" in self.novel_readers and not self._dormant("tilt"):
            if result.state is GameState.GAME_OVER:
                if not self.explorer.spent:  # (a bar run out says nothing of what the move slid onto)
                    tilted = self.tilter.game_over(prev, int(action.action.value), result.frame) and self._reader_last == "tilt"
            elif result.levels_completed == prev_level:
                self.tilter.observe(prev, int(action.action.value), result.frame, edge_lines(self.explorer.mask),
                                    prev_level)
        if (self.unfamiliar is not None and prev is not None and "tiles" in self.novel_readers
                and result.levels_completed == prev_level and result.state is not GameState.GAME_OVER
                and not self._dormant("tiles")):
            self.tiles.observe(prev, int(action.action.value), action.x, action.y, result.frame, prev_level)
        if self.unfamiliar is not None and prev is not None:
            if result.levels_completed != prev_level:
                self.gauge.new_level()
            elif result.state is GameState.GAME_OVER:
                self.gauge.restart()  # the bar is drawn full again
            else:
                self.gauge.observe(result.frame, self.explorer.mask)
        learnt = False  # a game over that taught the reader that made the move what kills: no strike
        # (not where the tilter saw blocks slide: a key moves them by no one displacement, which is what the
        # twins reader follows, and its looks cost a segmentation of both frames a move)
        if (self.unfamiliar is not None and prev is not None and "twin" in self.novel_readers
                and not ("tilt" in self.novel_readers and self.tilter.slides) and not self._dormant("twin")):
            key = int(action.action.value)
            if result.state is GameState.GAME_OVER:
                learnt = self.twins.game_over(prev, key, self.explorer.spent
                                              or within_budget(self.explorer.steps, self.explorer.graph.budget))
                learnt = learnt and self._reader_last == "twin"
            elif result.levels_completed == prev_level:
                self.twins.observe(prev, key, result.frame, self.explorer.mask, prev_level)
        if (result.state is GameState.GAME_OVER and self.unfamiliar is not None and self._reader_used
                and result.levels_completed == self._reader_level):
            # (the strikes go to a reader whose own move ended the game)
            # the readers led into a game over on this novel level: two strikes (off at three), none when
            # the level's step budget explains it (an attempt out of actions, not a move that kills); the
            # next attempt's states are new to them again
            if (self._reader_acted and not learnt and not tilted and not self.explorer.spent
                    and not within_budget(self.explorer.steps, self.explorer.graph.budget)):
                self._strike(2)
            self._reader_seen.clear()
        if self._before is not None and result.state is not GameState.GAME_OVER:
            before, level = self._before
            if result.levels_completed == level:
                mask = self.explorer.mask if self.unfamiliar is not None else self.guided.map.mask
                # (the navigator's rules, the mover's moves, serve every reader: always taught)
                self.navigator.observe(before, int(action.action.value), result.frame, mask, level)
                if not self._dormant("walk"):
                    self.walker.observe(result.frame, mask, self.navigator, level)
                if not self._dormant("push"):
                    self.pusher.observe(before, int(action.action.value), result.frame, mask, self.navigator)
                if not self._dormant("key"):
                    self.keylock.observe(before, int(action.action.value), result.frame, mask, self.navigator)
                if not self._dormant("toggle"):
                    self.toggler.observe(before, int(action.action.value), result.frame, mask, self.navigator)
            elif result.levels_completed > level and not self._dormant("toggle"):
                self.toggler.level_up(int(action.action.value), self.navigator)
            if not self._dormant("match"):
                self.matcher.observe(before, int(action.action.value), result.frame, result.levels_completed)
            if not self._dormant("turn"):
                self.turner.observe(before, int(action.action.value), action.x, action.y, result.frame,
                                    self.explorer.mask if self.unfamiliar is not None else self.guided.map.mask,
                                    result.levels_completed)
            if not self._dormant("legend"):
                self.legend.observe(before, int(action.action.value), result.frame, result.levels_completed)
        self._before = None
        self.guided.observe(key_of_action(action), result, self.explorer.steps, self.explorer.graph.budget)
        if not self.use_guided:
            self.visits.observe(key_of_action(action)[0], result)

    def stats(self) -> dict[str, Any]:
        return self.explorer.stats()


class AriaOnlineCNNAgent(AriaAgent):
    """`aria` whose online fast system also consults the checkpoint's policy fine-tuned on the game
    (`agent.online_cnn`): measured below the default on the held-out games, kept to re-run that."""

    name = "aria-cnn"

    def __init__(self, seed: int = 0, **options: Any) -> None:
        super().__init__(seed, online_cnn=True, **options)
