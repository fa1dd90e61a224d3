"""A rich progress bar for training, fed by the trainer's events (phase, step/total, loss, it/s)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn


class TrainingProgress:
    """An event listener: one bar per phase; `close()` when the run ends."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[metrics]}"), TextColumn("{task.fields[speed_text]}"),
                                 TimeElapsedColumn(), console=console, transient=False)
        self.task: TaskID | None = None
        self.progress.start()

    def __call__(self, event: dict[str, Any]) -> None:
        kind = event["event"]
        if kind == "phase_started":
            self.task = self.progress.add_task(f"{event['phase']} {event['name']}", total=event["steps"],
                                               completed=event.get("start_step", 0), metrics="", speed_text="")
        elif kind == "step" and self.task is not None:
            shown = {k: v for k, v in event.items()
                     if k not in ("event", "phase", "name", "step", "steps", "time") and isinstance(v, float)}
            text = " ".join(f"{k} {v:.4g}" for k, v in list(shown.items())[:3])
            self.progress.update(self.task, completed=event["step"], metrics=text)
            speed = self.progress.tasks[self.task].speed
            self.progress.update(self.task, speed_text=f"{speed:.1f} it/s" if speed else "")
        elif kind == "phase_ended" and self.task is not None:
            self.progress.update(self.task, completed=self.progress.tasks[self.task].total)
        elif kind in ("run_ended", "error"):
            self.close()

    def close(self) -> None:
        self.progress.stop()
