"""ARIA on a game it has never seen: the exact planner, the model learned online, rules carried across
levels and exact budgets. Real games in-process: the fixture maze, and `fxrc` (tests/fixtures/
online_games), a game built for carrying a rule: every level is the same open field with the same goal
colour in a new layout, and red pads that end the game; and the held-out Legend Run (`hk01`), whose
red sentries patrol a row one step per action from level 3 on.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
from agent_testkit import FIXTURE_GAMES, actions_per_level, play_game

from agent.agents.online_agent import AriaOnlineAgent
from agent.agents.slow_agent import AriaSlowAgent
from agent.base import Action, Agent
from agent.evaluation.config import EvalConfig
from agent.evaluation.run import run_eval
from agent.explorer import Edge, GraphExplorer
from agent.online import (
    ACTION,
    AHEAD,
    BIAS,
    CLICK_COLOUR,
    CLICK_SEEN,
    CLICK_SHAPE,
    CLICK_SIZE,
    DIM,
    PREV,
    TOWARD,
    OnlineLearner,
    OnlineModel,
    _size,
)
from arc_client import FrameResponse, GameAction, GameState
from arc_client.games import suite_dir
from arc_client.games.heldout import heldout_dir
from arc_client.games.heldout.stage import BLUE, RED, WHITE

ONLINE_GAMES = Path(__file__).resolve().parents[1] / "fixtures" / "online_games"


class ExplorerAgent(Agent):
    name = "explorer"

    def __init__(self, seed: int = 0, learner: OnlineLearner | None = None) -> None:
        super().__init__(seed)
        self.explorer = GraphExplorer(seed=seed, learner=learner)

    def act(self, latest: FrameResponse) -> Action:
        return self.explorer.choose(latest)

    def observe(self, action: Action, result: FrameResponse) -> None:
        self.explorer.record(action, result)


class ReplayAgent(Agent):
    name = "replay"

    def __init__(self, moves: list[tuple[int, int, int]]) -> None:
        super().__init__(0)
        self.moves = list(moves)

    def act(self, latest: FrameResponse) -> Action:
        action, x, y = self.moves.pop(0)
        return Action(GameAction(action), x if action == 6 else None, y if action == 6 else None)


async def test_the_explorer_searches_out_a_level_and_keeps_the_winning_path() -> None:
    agent = ExplorerAgent(seed=0)
    result = await play_game(FIXTURE_GAMES, "fxmz", agent, 400)
    assert result.levels >= 1
    first_win = result.first_level_at
    assert first_win is not None and first_win > 12  # it had to search: the shortest path is 12 moves
    path = agent.explorer.winning_paths[0]
    assert 12 <= len(path) <= 16  # the maze's budget: the kept path is a whole successful attempt
    replay = await play_game(FIXTURE_GAMES, "fxmz", ReplayAgent(path), len(path))
    assert replay.levels == 1 and replay.actions == len(path)


async def test_the_planner_never_repeats_an_edge_that_ended_the_game() -> None:
    deaths_seen = 0
    for seed in range(3):
        agent = ExplorerAgent(seed=seed)
        result = await play_game(ONLINE_GAMES, "fxrc", agent, 1200)
        killers: set[tuple[bytes, int]] = set()
        for before, action, after in result.steps:
            edge = (before.frame.tobytes(), int(action.action))  # no HUD here: raw frames are states
            assert edge not in killers, f"seed {seed}: an edge that ended the game was taken again"
            if after.state is GameState.GAME_OVER:
                killers.add(edge)
        deaths_seen += len(killers)
        graphs = [*agent.explorer.graphs.values(), agent.explorer.graph]
        assert all(g.budget is None for g in graphs)  # no step budget in this game: red pads kill at any step
    assert deaths_seen >= 1  # the red pads were met: the check above had something to check


async def test_a_step_budget_is_told_apart_from_edges_that_kill() -> None:
    agent = ExplorerAgent(seed=0)
    result = await play_game(FIXTURE_GAMES, "fxmz", agent, 400)  # 16 moves from a level's start, nothing kills
    overs = [i for i, (_, _, after) in enumerate(result.steps) if after.state is GameState.GAME_OVER]
    assert len(overs) >= 2
    graphs = [*agent.explorer.graphs.values(), agent.explorer.graph]
    timed_out = [g for g in graphs if g.death_steps.total() >= 2]
    # the game counts the RESET that starts an attempt as a move: 15 actions after it, 16 after a level-up
    assert timed_out and all(g.budget == 15 and set(g.death_steps) <= {15, 16} for g in timed_out)
    for g in timed_out:  # no edge is blamed for the budget running out on it
        assert not any(e.deadly(g.budget) for n in g.nodes.values() for e in n.edges.values())


async def test_a_rule_learned_on_level_one_lowers_the_actions_of_level_two() -> None:
    carried, forgotten = [], []
    for seed in range(3):
        with_rules = ExplorerAgent(seed, OnlineLearner(seed=seed))
        levels = actions_per_level((await play_game(ONLINE_GAMES, "fxrc", with_rules, 1500)).steps)
        without = ExplorerAgent(seed, OnlineLearner(seed=seed, carry=False))
        levels_without = actions_per_level((await play_game(ONLINE_GAMES, "fxrc", without, 1500)).steps)
        assert len(levels) >= 2 and len(levels_without) >= 2
        assert levels_without[0] == levels[0]  # level 1 is played alike: the difference is what carried over
        assert with_rules.explorer.learner is not None and 14 in with_rules.explorer.learner.rules.goals  # green
        assert levels[1] < levels[0], levels
        carried.append(levels[1])
        forgotten.append(levels_without[1])
    assert 2 * sum(carried) < sum(forgotten), (carried, forgotten)


async def test_the_legend_learned_on_level_one_points_to_the_goal_of_the_next_levels() -> None:
    """The held-out Legend Run (`hk01`): the pad to reach has another colour on every level, shown only
    by a small swatch at the top left. On level 1 the rules see the mover step onto a pad whose colour
    also shows as that swatch; from level 2 on, the swatch's colour is the goal, whatever it is."""
    carried, forgotten = [], []
    for seed in range(3):
        with_rules = ExplorerAgent(seed, OnlineLearner(seed=seed))
        levels = actions_per_level((await play_game(heldout_dir(), "hk01", with_rules, 400)).steps)
        without = ExplorerAgent(seed, OnlineLearner(seed=seed, carry=False))
        levels_without = actions_per_level((await play_game(heldout_dir(), "hk01", without, 400)).steps)
        assert levels_without[0] == levels[0] and len(levels) >= 2  # level 1 is played alike
        assert with_rules.explorer.learner is not None
        (top, left, bottom, right), *_ = with_rules.explorer.learner.rules.legends
        assert bottom <= 10 and right <= 10  # the swatch in the top left corner
        carried.append(levels[1])
        # level 2 not cleared within the 400 actions: it took at least what was left of them
        forgotten.append(levels_without[1] if len(levels_without) >= 2 else 400 - levels_without[0])
    assert 2 * sum(carried) < sum(forgotten), (carried, forgotten)


async def test_the_way_earlier_levels_were_won_orders_the_moves_of_the_next() -> None:
    """The held-out Ice Floe (`hi01`): every level is an ice field whose exit lies somewhere else.
    Ordering untried moves by their share of the earlier levels' winning paths (`win_bonus`, as ARIA's
    online agent does) spends fewer actions on levels 2-6 than the fixed order; level 1, with nothing
    won yet, is played alike."""
    plain, ordered = ExplorerAgent(seed=0), ExplorerAgent(seed=0)
    ordered.explorer.win_bonus = 0.05
    levels = actions_per_level((await play_game(heldout_dir(), "hi01", plain, 2000)).steps)
    levels_ordered = actions_per_level((await play_game(heldout_dir(), "hi01", ordered, 2000)).steps)
    assert len(levels) == len(levels_ordered) == 6
    assert levels_ordered[0] == levels[0]
    assert sum(levels_ordered[1:]) < sum(levels[1:]), (levels_ordered, levels)
    wins = [a[0] for path in ordered.explorer.winning_paths.values() for a in path]
    assert ordered.explorer.win_actions == Counter(a for a in wins if a != 6)


async def test_clicks_proved_foreseeable_are_not_spent_on_states_already_known() -> None:
    """The held-out Lantern Grid (`hl01`): a click toggles a lantern and its neighbours, so clicks compose
    and most untried clicks lead to a lantern pattern already seen. Foreseeing them, the explorer clears
    levels 1 and 2 within 600 actions; trying every one of them (foresight off), level 2 is not cleared."""
    seeing = ExplorerAgent(seed=0)
    levels = actions_per_level((await play_game(heldout_dir(), "hl01", seeing, 600)).steps)
    effects = seeing.explorer.effects
    assert len(levels) >= 2, levels
    assert effects.trusted and effects.hits >= 100 and effects.misses <= 0.05 * effects.hits
    blind = ExplorerAgent(seed=0)
    blind.explorer.foresee = False
    blind_levels = actions_per_level((await play_game(heldout_dir(), "hl01", blind, 600)).steps)
    assert len(blind_levels) == 1, blind_levels  # level 1 cleared, level 2 not


async def test_online_learning_raises_the_models_accuracy_on_the_games_own_transitions() -> None:
    learner = OnlineLearner(seed=0)
    await play_game(suite_dir(), "mz01", ExplorerAgent(0, learner), 800)  # a maze of the suite, seed 0
    samples = learner.model.memory + learner.model.buffer  # every transition, in the order played
    assert len(samples) >= 300
    cut = int(len(samples) * 0.7)
    train, test = samples[:cut], samples[cut:]
    untrained = OnlineModel()
    trained = OnlineModel(seed=1)
    for features, label in train:
        trained.add(features, label)
    labels = np.array([label for _, label in test])
    before, after = untrained.accuracy(test), trained.accuracy(test)
    assert after >= before + 0.1, (before, after)
    # and it learned which actions lead where, not only how often: it beats the best constant guess
    # (the test part's own rate of new states) in log-loss and in accuracy
    p = np.clip(trained.predict([f for f, _ in test]), 1e-6, 1 - 1e-6)
    rate = float(labels.mean())
    model_loss = -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p))
    constant_loss = -(rate * np.log(rate) + (1 - rate) * np.log(1 - rate))
    assert model_loss < constant_loss and after > max(rate, 1 - rate), (model_loss, constant_loss, after, rate)


async def test_aria_online_acts_by_its_fast_system_once_it_trusts_it() -> None:
    agent = AriaOnlineAgent(seed=0)
    result = await play_game(ONLINE_GAMES, "fxrc", agent, 600)
    systems = [a.decision.system for _, a, _ in result.steps if a.decision is not None]
    fast = [i for i, s in enumerate(systems) if s == "fast"]
    assert fast and fast[0] >= 24  # not before the model has seen enough of this game
    assert len(fast) >= 0.3 * len(systems)
    first_fast = next(a.decision for _, a, _ in result.steps if a.decision and a.decision.system == "fast")
    assert first_fast.confidence is not None and first_fast.threshold is not None
    assert first_fast.confidence >= first_fast.threshold / 2  # the bar (halved for a goal-heading move)


async def test_clicks_on_a_board_stay_in_the_explorers_order() -> None:
    """Lantern Grid (`hl01`, click-only): every click reaches a new state, so the model is soon sure of
    its click picks; they are not trusted (its order explores a board less systematically than the
    explorer's, and levels were lost), so no click is the fast system's, and the explorer clears the same
    levels as without the model. Trusted, the same model takes clicks and plays otherwise."""
    agent = AriaOnlineAgent(seed=0)
    result = await play_game(heldout_dir(), "hl01", agent, 600)
    decisions = [a.decision for _, a, _ in result.steps if a.decision is not None]
    assert not [d for d in decisions if d.system == "fast"]
    assert agent.stats()["decisions_fast_click"] >= 100  # the model proposed clicks, none trusted
    alone = await play_game(heldout_dir(), "hl01", ExplorerAgent(seed=0), 600)
    assert [(int(a.action), a.x, a.y) for _, a, _ in result.steps] == \
        [(int(a.action), a.x, a.y) for _, a, _ in alone.steps]
    assert result.levels == alone.levels
    trusting = ExplorerAgent(0, OnlineLearner(seed=0, trust_clicks=True))
    taken = await play_game(heldout_dir(), "hl01", trusting, 600)
    assert [a for _, a, _ in taken.steps if a.decision is not None and a.decision.system == "fast"]


def test_the_fast_systems_bar_falls_while_its_picks_do_better_than_the_slow_systems_and_rises_after() -> None:
    learner = OnlineLearner(seed=0, min_picks=4)
    start = learner.threshold
    for _ in range(8):  # the slow system's untried picks reach new states half the time ...
        learner.judge(False, True)
        learner.judge(False, False)
    for _ in range(8):  # ... the fast system's every time
        learner.judge(True, True)
    lowered = learner.threshold
    assert lowered < start
    for _ in range(40):  # now the fast system's picks lead nowhere new
        learner.judge(True, False)
    assert learner.threshold > lowered and learner.threshold <= learner.highest
    uncalibrated = OnlineLearner(seed=0, min_picks=4, calibrate=False)
    for _ in range(8):
        uncalibrated.judge(False, False)
        uncalibrated.judge(True, True)
    assert uncalibrated.threshold == uncalibrated.min_chance


async def test_the_fast_systems_bar_is_set_by_a_held_out_comparison_where_it_was_sure() -> None:
    agent = AriaOnlineAgent(seed=1)
    # the held-out crates game (2,500 actions: with the steps back foreseen, the fifth held-out comparison came
    # after 1,500)
    await play_game(heldout_dir(), "hs01", agent, 2500)
    learner = agent.explorer.learner
    assert learner is not None
    stats = agent.stats()
    held_out, fast = stats["decisions_fast_held_out"], stats["decisions_fast"]
    assert 0 < held_out <= 0.3 * (held_out + fast)  # a small share of its sure choices went to the slow system
    assert len(learner.picks[False]) >= 5 and len(learner.picks[True]) >= 5  # both sides were compared
    assert learner.threshold != learner.min_chance  # and the comparison moved the bar


def test_an_edge_that_led_on_more_often_than_it_killed_is_a_hazard_of_timing_not_a_killer() -> None:
    edge = Edge(tries=0, game_overs=1, death_steps=[7])
    assert edge.deadly(None)  # it only ever killed
    edge.tries = 3  # it led on three times: the killing was the timing (a sentry's phase), not the move
    assert not edge.deadly(None)
    edge.death_steps += [9, 12, 15]
    assert edge.deadly(None)  # it kills as often as it leads on
    assert not Edge(tries=0, game_overs=2, death_steps=[20, 20]).deadly(20)  # the step budget explains these


async def test_a_sentry_walking_by_itself_is_left_out_of_the_state_key() -> None:
    agent = ExplorerAgent(seed=0)
    result = await play_game(heldout_dir(), "hk01", agent, 3000)
    explorer = agent.explorer
    assert RED in explorer.hidden  # the sentries' colour: it changes on every action, whatever the action
    assert BLUE not in explorer.hidden and WHITE not in explorer.hidden  # the player's colours stay in the key
    # a move into a wall while a sentry steps: the frames differ, the state is the same
    later = [(b, a) for b, _, a in result.steps if b.levels_completed >= 3 and a.levels_completed == b.levels_completed
             and a.state is GameState.NOT_FINISHED]
    assert later
    still = [1 for b, a in later if not np.array_equal(b.frame, a.frame) and explorer._key(b.frame) ==
             explorer._key(a.frame)]
    assert len(still) >= 5
    # one node per place of the player: the level's graph stays small and the levels fall (keyed by the
    # sentries' phase too, the graph passed 1,200 states by 3,000 actions and 2 levels)
    assert len(explorer.graph.nodes) < 300
    assert result.levels >= 4


async def test_an_open_field_hides_none_of_the_players_colours() -> None:
    agent = ExplorerAgent(1, OnlineLearner(seed=1))  # a run whose player walked 40-odd moves unblocked
    moving = []  # every verdict the explorer asked for
    original = agent.explorer._update_mask

    def probe() -> bool:
        verdict = agent.explorer.moving.colours()
        if verdict is not None:
            moving.append(verdict)
        return original()

    agent.explorer._update_mask = probe  # type: ignore[method-assign]
    result = await play_game(ONLINE_GAMES, "fxrc", agent, 1500)  # nearly every move of the player succeeds
    assert moving and all(v == () for v in moving)  # the player's colours change always, but hiding them
    assert agent.explorer.hidden == () and result.levels >= 2  # would hide what the actions do


async def test_budgets_are_exact(tmp_path: Path) -> None:
    for name, agent in (("slow", "agent.agents.slow_agent:AriaSlowAgent"),
                        ("online", "agent.agents.online_agent:AriaOnlineAgent")):
        for games_dir, game, budget in ((FIXTURE_GAMES, "fxmz", 23), (ONLINE_GAMES, "fxrc", 97)):
            config = EvalConfig(games=[game], games_dir=str(games_dir), agent=agent, max_actions=budget,
                                record=False, run_dir=tmp_path / f"{name}-{game}")
            outcome = await run_eval(config)
            row = outcome.results["games"][0]
            assert row["stop_reason"] == "max_actions" and row["actions"] == budget, row
            (env,) = outcome.results["scorecard"]["environments"]
            assert sum(run["actions"] for run in env["runs"]) == budget
            saved = json.loads(config.results_path.read_text())
            assert saved["totals"]["actions"] == budget
    assert AriaSlowAgent.name == "aria-slow"


class MaskProbe(GraphExplorer):
    """The explorer, noting its graph's size and edge counts around every change of HUD mask."""

    def __init__(self) -> None:
        super().__init__(seed=0)
        self.changes: list[tuple[int, int, int, int]] = []

    def _tries(self) -> int:
        return sum(edge.tries for node in self.graph.nodes.values() for edge in node.edges.values())

    def _update_mask(self) -> bool:
        nodes, tries = len(self.graph.nodes), self._tries()
        changed = super()._update_mask()
        if changed:
            self.changes.append((nodes, len(self.graph.nodes), tries, self._tries()))
        return changed


async def test_a_new_hud_mask_merges_the_states_the_bar_had_split_and_keeps_every_count() -> None:
    agent = ExplorerAgent(0)
    agent.explorer = MaskProbe()
    await play_game(suite_dir(), "mz01", agent, 60)  # the suite's maze has a step-budget bar
    changes = agent.explorer.changes
    assert changes
    nodes_before, nodes_after, tries_before, tries_after = changes[0]
    assert 1 < nodes_after < nodes_before  # the bar made every frame new; masked, the states meet again
    assert tries_after == tries_before


async def test_aria_hands_a_novel_game_to_the_systems_that_learn_it_online() -> None:
    from agent.agents.aria_agent import AriaAgent

    agent = AriaAgent(seed=0)
    result = await play_game(ONLINE_GAMES, "fxrc", agent, 600)
    decisions = [a.decision for _, a, _ in result.steps if a.decision is not None and a.decision.mode != "reset"]
    assert decisions and all("novel" in d.reason for d in decisions)
    online = [d for d in decisions if d.system == "fast"]
    assert online and all(d.mode == "online" for d in online)
    assert result.levels >= 2  # the level-1 rule carries here too


async def test_the_wall_clock_budget_stops_the_online_agent_within_one_action(tmp_path: Path) -> None:
    config = EvalConfig(games=["mz01"], agent="agent.agents.online_agent:AriaOnlineAgent",  # the suite's maze
                        max_actions=100_000, time_limit=0.5, record=False, run_dir=tmp_path / "run")
    outcome = await run_eval(config)
    row = outcome.results["games"][0]
    assert row["stop_reason"] == "time_limit" and 0 < row["actions"] < 100_000
    slowest_action = 0.5 / row["actions"] * 50  # generous: fifty average actions past the deadline at most
    assert 0.5 <= row["wall_s"] <= 0.5 + slowest_action + 0.25, row


def plain_features(learner: OnlineLearner, frame: np.ndarray, mask: np.ndarray | None, action: tuple[int, int, int],
                   signature: tuple | None, toward: dict[int, float]) -> np.ndarray:
    """`OnlineLearner.features` by its definition, every key hashed afresh (no clicks' features remembered)."""
    a = action[0]
    keys: list[tuple[int, ...]] = [(BIAS,), (ACTION, a), (PREV, a, *learner.prev)]
    if a == 6 and signature is not None and 0 <= action[2] < frame.shape[0] and 0 <= action[1] < frame.shape[1]:
        colour = int(frame[action[2], action[1]])
        shape = hash(signature) & 0xFFFF
        keys += [(CLICK_COLOUR, colour), (CLICK_SIZE, colour, _size(sum(s[3] for s in signature))),
                 (CLICK_SHAPE, shape), (CLICK_SEEN, int((CLICK_SHAPE, shape) in learner.clicked))]
    elif a != 6:
        ahead = learner.rules.ahead(frame, mask, a)
        keys += [(AHEAD, a, c) for c in ahead] + [(AHEAD, -1, c) for c in ahead]
        if a in toward:
            keys.append((TOWARD, int(toward[a])))
    return np.array([hash(k) % DIM for k in keys], dtype=np.int64)


class CheckedLearner(OnlineLearner):
    """Checks every feature vector it proposes from against `plain_features`."""

    checked = 0

    def features(self, frame, mask, action, signature, toward):  # type: ignore[no-untyped-def]
        fast = super().features(frame, mask, action, signature, toward)
        assert np.array_equal(fast, plain_features(self, frame, mask, action, signature, toward)), action
        self.checked += action[0] == 6
        return fast


async def test_the_clicks_remembered_features_are_their_features_afresh() -> None:
    # boards of like cells (Lantern Grid), buttons (Counter), and a game of keys and clicks (Shunt): every click
    # proposed or learnt from, as the level goes on (whether such a sprite was clicked changes) and across levels
    for game in ("hl01", "hc01", "hb01"):
        learner = CheckedLearner(seed=0)
        learner._click_features.clear()
        run = await play_game(heldout_dir(), game, ExplorerAgent(seed=0, learner=learner), 400)
        assert run.levels >= 1 and learner.checked >= 200, (game, run.levels, learner.checked)
        assert learner._click_features  # (remembered: what is checked is the remembered answer)
