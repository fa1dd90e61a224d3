"""`aria train`: options → a TrainConfig and a Trainer; the bar, the summary and the exit code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent.errors import ConfigError
from agent.training.config import TrainConfig, load_config, parse_seed_range, preset_path

EXIT_CODES = {2: 130, 15: 143}  # SIGINT, SIGTERM


def build_config(options: dict[str, Any]) -> TrainConfig:
    """The config named by --preset/--config (default: --checkpoint's own config, else the quick preset),
    with --set and flag overrides."""
    if options.get("preset") and options.get("config"):
        raise ConfigError("give --preset or --config, not both")
    if options.get("config"):
        path = Path(options["config"])
    elif options.get("checkpoint") and not options.get("preset"):
        from agent.training.checkpoint import CONFIG, resolve_checkpoint

        path = resolve_checkpoint(Path(options["checkpoint"])) / CONFIG
    else:
        path = preset_path(options.get("preset") or "quick")
    overrides = list(options.get("overrides") or ())
    if options.get("train_seeds"):
        lo, hi = parse_seed_range(options["train_seeds"], "--train-seeds", "the command line")
        overrides.append(f"train_seeds=[{lo}, {hi}]")
    config = load_config(path, overrides)
    changes: dict[str, Any] = {}
    if options.get("device"):
        changes["device"] = options["device"]
    if options.get("phase"):
        changes["phases"] = (options["phase"],)
        from agent.training.config import load_registry

        numbers = {p.number for p in load_registry(config.registry, config.source).PHASES}
        if options["phase"] not in numbers:
            raise ConfigError(f"--phase {options['phase']}: phases are {sorted(numbers)}")
    return config.with_runtime(**changes) if changes else config


def train_command(options: dict[str, Any]) -> int:
    """Run training; the process exit code (0, 130 after Ctrl-C, 143 after SIGTERM)."""
    from rich.console import Console

    from agent.training.api import TrainingInterrupted
    from agent.training.trainer import Trainer, default_run_dir, resume_config

    if options.get("resume"):
        if options.get("checkpoint"):
            raise ConfigError("--resume continues a run; --checkpoint starts a new one from weights: give one")
        if options.get("preset") or options.get("config") or options.get("overrides") or options.get("train_seeds"):
            raise ConfigError("--resume continues a run with its own config; drop --preset/--config/--set/"
                              "--train-seeds")
        run_dir = Path(options["resume"])
        config = resume_config(run_dir, options.get("device"))
        if options.get("phase"):
            config = config.with_runtime(phases=(options["phase"],))
    else:
        config = build_config(options)
        run_dir = Path(options["run_dir"]) if options.get("run_dir") else default_run_dir()
        if (run_dir / "checkpoints").is_dir() or (run_dir / "final").is_dir():
            raise ConfigError(f"run directory {run_dir} already holds a run; continue it with --resume "
                              f"{run_dir} or choose another --run-dir")
    events_target = options.get("events_jsonl")
    console = Console(stderr=events_target == "-")
    bar = None
    if console.is_terminal and not options.get("quiet"):
        from agent.training.progress import TrainingProgress

        bar = TrainingProgress(console)
    rerun = (options["phase"],) if options.get("resume") and options.get("phase") else ()
    trainer = Trainer(config, run_dir, on_event=bar, resume=bool(options.get("resume")),
                      events_target=events_target, rerun=rerun,
                      init_from=Path(options["checkpoint"]) if options.get("checkpoint") else None)
    try:
        results = trainer.run()
    except TrainingInterrupted as stop:
        if bar is not None:
            bar.close()
        console.print(f"interrupted: checkpoint saved; continue with `aria train --resume {run_dir}`")
        return EXIT_CODES.get(stop.signum, 130)
    finally:
        if bar is not None:
            bar.close()
    print_summary(console, results)
    return 0


def print_summary(console: Any, results: dict[str, Any]) -> None:
    """Each phase's final scalar metrics, the evaluation's summary, and where the full results are."""
    from rich.table import Table

    table = Table(title=f"training run {results['run_dir']} on {results['device']}")
    table.add_column("phase")
    table.add_column("metrics")
    for name, metrics in results["phases"].items():
        table.add_row(name, _fmt(metrics))
    evaluation = results.get("evaluation") or {}
    if evaluation:
        table.add_row("evaluation", _fmt(evaluation.get("summary", evaluation)))
    console.print(table)
    console.print(f"results: {Path(results['run_dir']) / 'results.json'}; weights: "
                  f"{Path(results['run_dir']) / 'final'}")


def _fmt(metrics: dict[str, Any]) -> str:
    """Scalars as `key value`; a flat dict of scalars (e.g. success per agent) as `key a=1 b=2`; lists and
    deeper values are left to results.json."""
    def one(value: Any) -> str | None:
        if isinstance(value, float):
            return f"{value:.4g}"
        if isinstance(value, bool | int | str):
            return str(value)
        return None

    parts = []
    for key, value in metrics.items():
        if one(value) is not None:
            parts.append(f"{key} {one(value)}")
        elif isinstance(value, dict) and value and all(one(v) is not None for v in value.values()):
            parts.append(f"{key} " + " ".join(f"{k}={one(v)}" for k, v in value.items()))
    return ", ".join(parts)
