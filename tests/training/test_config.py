"""Configs: every key known, reserved evaluation seeds refused everywhere, presets load."""

from __future__ import annotations

from pathlib import Path

import pytest
from trainkit import aria, one_line_error, toy_config

from agent.errors import ConfigError
from agent.training.config import CONFIGS_DIR, RESERVED_SEEDS, load_config


def test_an_unknown_top_level_key_is_one_line_naming_it_and_the_file(tmp_path: Path) -> None:
    config = toy_config(tmp_path)
    config.write_text("learning_rat = 0.1\n" + config.read_text())
    one_line_error(aria("train", "--config", str(config), "--run-dir", str(tmp_path / "run")),
                   "learning_rat", str(config))
    assert not (tmp_path / "run").exists()


def test_an_unknown_key_in_a_phase_section_or_from_set_is_named(tmp_path: Path) -> None:
    config = toy_config(tmp_path)
    config.write_text(config.read_text().replace("[finetune]\n", "[finetune]\nepochs = 3\n"))
    one_line_error(aria("train", "--config", str(config)), "finetune.epochs", str(config))
    one_line_error(aria("train", "--config", str(toy_config(tmp_path, name="ok.toml")), "--set", "model.width=9"),
                   "model.width")


def test_a_wrongly_typed_value_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="fit.steps"):
        load_config(toy_config(tmp_path), ["fit.steps='many'"])


@pytest.mark.parametrize("seeds", ["9000-10000", "19999-25000", "10000-19999", "12345-12345"])
def test_train_seeds_overlapping_the_evaluation_range_exit_2(tmp_path: Path, seeds: str) -> None:
    one_line_error(aria("train", "--config", str(toy_config(tmp_path)), "--train-seeds", seeds,
                        "--run-dir", str(tmp_path / "run")), "--train-seeds", "10000-19999")
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("key", ["train_seeds", "val_seeds"])
def test_the_loader_itself_refuses_reserved_seeds(tmp_path: Path, key: str) -> None:
    config = toy_config(tmp_path)
    config.write_text(f"{key} = [{RESERVED_SEEDS[0] - 5}, {RESERVED_SEEDS[0]}]\n" + config.read_text())
    with pytest.raises(ConfigError, match=key):
        load_config(config)
    one_line_error(aria("train", "--config", str(config)), key, str(config))
    assert load_config(config, [f"{key}=[0, {RESERVED_SEEDS[0] - 1}]"]) is not None
    assert load_config(config, [f"{key}=[{RESERVED_SEEDS[1] + 1}, 30000]"]) is not None


def test_every_preset_loads_with_seeds_outside_the_reserved_range() -> None:
    names = sorted(p.stem for p in CONFIGS_DIR.glob("*.toml"))
    assert {"smoke", "quick", "full"} <= set(names)
    for name in names:
        config = load_config(CONFIGS_DIR / f"{name}.toml")
        for lo, hi in (config.train_seeds, config.val_seeds):
            assert hi < RESERVED_SEEDS[0] or lo > RESERVED_SEEDS[1]


def test_an_unknown_preset_lists_the_presets() -> None:
    one_line_error(aria("train", "--preset", "huge"), "huge", "smoke", "quick", "full")


def test_device_cuda_trains_on_the_gpu_or_says_there_is_none(tmp_path: Path) -> None:
    import json

    import torch

    run = tmp_path / "run"
    done = aria("train", "--config", str(toy_config(tmp_path, steps=5)), "--device", "cuda", "--run-dir", str(run))
    if torch.cuda.is_available():
        assert done.returncode == 0, done.stderr
        assert json.loads((run / "results.json").read_text())["device"].startswith("cuda")
    else:
        one_line_error(done, "cuda", "--device cpu")
        assert not run.exists()
