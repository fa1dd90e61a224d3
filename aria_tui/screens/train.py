"""Train: choose a preset, start and stop `aria train` without blocking, watch each phase's loss."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, ProgressBar, Select, Sparkline, Static

from agent.run_dirs import new_run_dir

from ..training_run import PhaseProgress, TrainingProcess, TrainingState, presets, train_command


def phase_title(phase: PhaseProgress) -> str:
    steps = f"{phase.step}/{phase.steps}" if phase.steps else str(phase.step)
    loss = "-" if phase.loss is None else f"{phase.loss:.4g}"
    done = "  done" if phase.ended else ""
    metrics = "  ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in phase.metrics.items())
    return f"phase {phase.phase} {phase.name}  step {steps}  loss {loss}{done}  {metrics}".rstrip()


class PhaseView(Vertical):
    DEFAULT_CSS = """
    PhaseView { height: auto; margin-bottom: 1; }
    PhaseView Sparkline { height: 3; }
    """

    def __init__(self, phase: PhaseProgress) -> None:
        super().__init__(id=f"phase-{phase.phase}")
        self.phase = phase

    def compose(self) -> ComposeResult:
        yield Label(phase_title(self.phase), classes="title")
        yield ProgressBar(total=100, show_eta=False)
        yield Sparkline([], summary_function=max)

    def redraw(self) -> None:
        self.query_one(".title", Label).update(phase_title(self.phase))
        self.query_one(ProgressBar).update(progress=round(self.phase.fraction * 100))
        self.query_one(Sparkline).data = list(self.phase.losses)


class TrainScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "start", "start"),
        Binding("ctrl+x", "stop", "stop (saves)"),
        Binding("ctrl+e", "evaluate", "eval checkpoint"),
        Binding("ctrl+g", "play", "play checkpoint"),
        Binding("escape", "leave", "back"),
    ]
    DEFAULT_CSS = """
    TrainScreen #train-bar { height: 3; }
    TrainScreen #preset { width: 20; }
    TrainScreen #run-dir { width: 1fr; }
    TrainScreen #train-info { height: auto; padding: 0 1; background: $panel; }
    TrainScreen #phases { height: 1fr; padding: 0 1; }
    TrainScreen #checkpoints { height: auto; max-height: 6; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, command_base: list[str] | None = None, cwd: str | None = None) -> None:
        super().__init__()
        self.command_base = command_base
        self.cwd = cwd
        self.state = TrainingState()
        self.process: TrainingProcess | None = None
        self.views: dict[int, PhaseView] = {}
        self.done = asyncio.Event()

    def compose(self) -> ComposeResult:
        names = presets(Path(self.cwd) if self.cwd else None)
        with Horizontal(id="train-bar"):
            yield Select([(n, n) for n in names], value=names[0], allow_blank=False, id="preset")
            yield Input(str(new_run_dir("train")), placeholder="run directory", id="run-dir")
            yield Button("Start", id="start", variant="success")
            yield Button("Stop", id="stop", variant="error", disabled=True)
        yield Static("no run yet: choose a preset and press Start (ctrl+s)", id="train-info")
        yield VerticalScroll(id="phases")
        yield Static("", id="checkpoints")
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(0.1, self.redraw)

    @property
    def running(self) -> bool:
        return self.process is not None and not self.state.finished

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        if self.running:
            self.notify("a run is going: stop it first (ctrl+x)", severity="warning")
            return
        preset = str(self.query_one("#preset", Select).value)
        run_dir = self.query_one("#run-dir", Input).value.strip()
        if not run_dir:
            self.notify("give a run directory", severity="warning")
            return
        self.state = TrainingState(run_dir=run_dir)
        for view in self.views.values():
            view.remove()
        self.views = {}
        self.done.clear()
        self.process = TrainingProcess(train_command(preset, run_dir, self.command_base), cwd=self.cwd)
        self.query_one("#start", Button).disabled = True
        self.query_one("#stop", Button).disabled = False
        self.follow(self.process)

    @on(Button.Pressed, "#stop")
    def action_stop(self) -> None:
        if not self.running or self.process is None:
            self.notify("no run is going", severity="warning")
            return
        self.process.stop()
        self.notify("stopping: the trainer saves a checkpoint first")

    @work(exclusive=True, group="train")
    async def follow(self, process: TrainingProcess) -> None:
        state = self.state
        try:
            await process.start()
        except OSError as exc:
            state.exit_code = -1
            self.notify(f"cannot start training ({' '.join(process.command[:4])}…): {exc}", severity="error")
            self.finish()
            return
        async for event in process.events():
            state.apply(event)
        state.exit_code = await process.wait()
        if state.exit_code not in (0, 130):
            detail = state.errors[-1] if state.errors else (process.stderr_tail[-1] if process.stderr_tail else "")
            self.notify(f"training exited with code {state.exit_code}: {detail}", severity="error", timeout=15)
        elif state.errors:
            self.notify(f"training reported: {state.errors[-1]}", severity="error", timeout=15)
        self.finish()

    def finish(self) -> None:
        self.query_one("#start", Button).disabled = False
        self.query_one("#stop", Button).disabled = True
        self.redraw()
        self.done.set()

    def redraw(self) -> None:
        state = self.state
        if self.process is None:
            return
        for number in sorted(state.phases):
            if number not in self.views:
                self.views[number] = PhaseView(state.phases[number])
                self.query_one("#phases").mount(self.views[number])
            elif self.views[number].is_mounted:
                self.views[number].redraw()
        if not state.finished:
            status = "running (ctrl+x stops and saves)"
        elif state.exit_code == 0:
            status = "finished: ctrl+e evaluates, ctrl+g plays with the checkpoint"
        elif state.exit_code == 130:
            status = "stopped (checkpoint saved): ctrl+e evaluates, ctrl+g plays with it"
        else:
            status = f"failed (exit {state.exit_code})"
        info = [f"run {state.run_dir}", f"device {state.device or '?'}"]
        if state.memory:
            info.append(f"memory {state.memory}")
        if state.phase_names:
            info.append("phases " + ", ".join(state.phase_names))
        self.query_one("#train-info", Static).update("  ".join(info) + f"\n{status}")
        self.query_one("#checkpoints", Static).update(
            "\n".join(f"checkpoint {path}" for path in state.checkpoints[-5:]))

    def checkpoint(self) -> str | None:
        if not self.state.finished or self.state.exit_code not in (0, 130):
            self.notify("no finished run yet: start one, or wait for it to end", severity="warning")
            return None
        found = self.state.last_checkpoint or self.state.run_dir
        if found is None or not Path(self.cwd or ".", found).exists():
            self.notify(f"the checkpoint {found} is not there: did the run save one?", severity="error")
            return None
        return found

    def action_evaluate(self) -> None:
        path = self.checkpoint()
        if path is not None:
            from .evaluate import EvalScreen

            self.app.push_screen(EvalScreen(self.app.source, agent="aria", checkpoint=path))  # type: ignore[attr-defined]

    def action_play(self) -> None:
        path = self.checkpoint()
        if path is not None:
            self.app.checkpoint = path  # type: ignore[attr-defined]
            self.app.agent_name = "aria"  # type: ignore[attr-defined]
            self.notify(f"games now play with the agent from {path}: pick one")
            self.dismiss()

    async def close_session(self) -> None:
        if self.process is not None:
            await self.process.stop_and_wait()

    async def action_leave(self) -> None:
        if self.running:
            self.notify("stopping the run (it saves a checkpoint first)")
            await self.close_session()
        self.dismiss()
