"""The train screen against a stand-in trainer (a real subprocess writing the documented JSONL
stream): progress and losses per phase, checkpoints, stopping with SIGINT, a failing run."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.widgets import Input, ProgressBar, Sparkline
from tuikit import HERE, fixture_app, notifications, until

from aria_tui.screens.evaluate import EvalScreen
from aria_tui.screens.train import TrainScreen


def trainer(*extra: str) -> list[str]:
    return [sys.executable, str(HERE / "fake_trainer.py"), *extra]


async def open_train(app, pilot, run_dir: Path) -> TrainScreen:
    await pilot.press("t")
    await until(lambda: isinstance(app.screen, TrainScreen), what="the train screen")
    screen = app.screen
    screen.query_one("#run-dir", Input).value = str(run_dir)
    return screen


async def test_a_run_shows_phases_losses_and_checkpoints_and_can_be_evaluated(tmp_path: Path) -> None:
    app = fixture_app(train_command=trainer("--steps", "20"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_train(app, pilot, tmp_path / "run")
        await pilot.press("ctrl+s")
        await until(lambda: screen.done.is_set(), what="the run's end")
        await pilot.pause(0.2)
        state = screen.state
        assert state.exit_code == 0 and state.device == "cpu" and state.phase_names == ["world_model", "policy"]
        assert [(p.name, p.step, p.ended) for p in state.phases.values()] == [("world_model", 20, True),
                                                                             ("policy", 20, True)]
        assert len(state.phases[1].losses) == 20 and state.phases[1].losses[0] > state.phases[1].losses[-1]
        assert state.checkpoints == [str(tmp_path / "run" / "checkpoint-p1-s20.pt"),
                                     str(tmp_path / "run" / "checkpoint-p2-s20.pt")]
        view = screen.query_one("#phase-1")
        assert view.query_one(ProgressBar).percentage == 1.0
        assert list(view.query_one(Sparkline).data) == list(state.phases[1].losses)
        assert "finished" in str(screen.query_one("#train-info").render())
        await pilot.press("ctrl+e")
        await until(lambda: isinstance(app.screen, EvalScreen), what="the eval screen")
        assert app.screen.checkpoint == state.checkpoints[-1]


async def test_stopping_sends_sigint_and_the_trainer_saves(tmp_path: Path) -> None:
    app = fixture_app(train_command=trainer("--steps", "100000", "--step-s", "0.005"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_train(app, pilot, tmp_path / "run")
        await pilot.press("ctrl+s")
        await until(lambda: screen.state.events > 10, what="progress")
        await pilot.press("question_mark")  # the UI answers keys during training
        await until(lambda: bool(app.screen.query("HelpPanel")), what="the keys panel")
        await pilot.press("ctrl+x")
        await until(lambda: screen.done.is_set(), what="the run's end")
        assert screen.state.exit_code == 130
        saved = Path(screen.state.last_checkpoint)
        assert saved.exists() and saved.parent == tmp_path / "run"
        assert "stopped (checkpoint saved)" in str(screen.query_one("#train-info").render())
        await pilot.press("ctrl+g")  # play with it: back to the games, the agent loads the checkpoint
        await until(lambda: not isinstance(app.screen, TrainScreen), what="back to the games")
        assert app.checkpoint == str(saved)


async def test_a_failing_trainer_is_a_notification(tmp_path: Path) -> None:
    app = fixture_app(train_command=trainer())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_train(app, pilot, tmp_path / "run")
        screen.query_one("#preset").set_options([("broken", "broken")])
        screen.query_one("#preset").value = "broken"
        await pilot.press("ctrl+s")
        await until(lambda: screen.done.is_set(), what="the run's end")
        assert any("exited with code 2: error: unknown preset 'broken'" in m for m in notifications(app))
        await pilot.press("ctrl+e")
        assert any("no finished run yet" in m for m in notifications(app))


async def test_quitting_during_a_run_stops_the_trainer(tmp_path: Path) -> None:
    app = fixture_app(train_command=trainer("--steps", "100000", "--step-s", "0.005"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_train(app, pilot, tmp_path / "run")
        await pilot.press("ctrl+s")
        await until(lambda: screen.state.events > 5, what="progress")
        process = screen.process.process
        await pilot.press("q")
    assert process.returncode == 130


async def test_the_real_trainer_drives_the_screen(tmp_path: Path) -> None:
    """`aria train` itself (phase 2 of the smoke preset, shrunk): its stream is what the screen reads."""
    real = [sys.executable, "-m", "agent.cli", "train", "--phase", "2", "--set", "fast_policy.steps=6",
            "--set", "fast_policy.seeds=2", "--set", "fast_policy.val_seeds=1"]
    app = fixture_app(train_command=real)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_train(app, pilot, tmp_path / "run")
        await pilot.press("ctrl+s")
        await until(lambda: screen.done.is_set(), timeout=240, what="the real run's end")
        await pilot.pause(0.2)
        state = screen.state
        assert state.exit_code == 0 and state.device == "cpu", state
        (phase,) = state.phases.values()
        assert phase.name == "fast_policy" and phase.ended and phase.step == 6 and len(phase.losses) >= 1
        assert state.checkpoints and all(Path(c).exists() for c in state.checkpoints)
        assert (tmp_path / "run" / "final" / "model.safetensors").exists()
