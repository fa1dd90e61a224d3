"""Checkpoints: exact round trips, and one-line errors naming the file for corrupt or other-shape ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file
from trainkit import aria, one_line_error, toy_config

from agent.errors import CheckpointError
from agent.training import toy
from agent.training.checkpoint import (
    WEIGHTS,
    apply_state_dicts,
    flatten,
    list_checkpoints,
    load_checkpoint,
    load_optimizer_state,
    save_checkpoint,
)
from agent.training.config import dump_toml, load_config
from agent.training.trainer import Trainer


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished toy run (in-process): checkpoints, final weights, results."""
    tmp = tmp_path_factory.mktemp("run")
    Trainer(load_config(toy_config(tmp, steps=20, every=10)), tmp / "run", handle_signals=False).run()
    return tmp / "run"


def test_a_checkpoint_round_trips_exactly(tmp_path: Path) -> None:
    config = load_config(toy_config(tmp_path), ["model.hidden=12"])
    models = toy.build_models(config)
    optimizer = torch.optim.Adam([p for m in models.values() for p in m.parameters()], lr=0.1)
    loss = sum((p ** 2).sum() for m in models.values() for p in m.parameters())
    loss.backward()  # type: ignore[union-attr]
    optimizer.step()  # the optimizer now has moment tensors to save
    dest = save_checkpoint(tmp_path / "ckpt", models, {"phase": 1, "step": 7, "completed": [], "metrics": {}},
                           dump_toml(config.to_dict()), optimizer)
    loaded_config, state_dicts, state = load_checkpoint(dest)
    assert loaded_config.hash() == config.hash() and loaded_config.model["hidden"] == 12
    assert (state["phase"], state["step"]) == (1, 7)
    for name, model in models.items():
        mine = model.state_dict()
        assert set(mine) == set(state_dicts[name])
        for key, tensor in mine.items():
            assert torch.equal(tensor, state_dicts[name][key]) and tensor.dtype == state_dicts[name][key].dtype
    fresh = toy.build_models(config)
    apply_state_dicts(fresh, state_dicts, dest)
    assert torch.equal(flatten(fresh)["regressor.0.weight"], flatten(models)["regressor.0.weight"])
    saved = load_optimizer_state(dest, "cpu")
    assert saved is not None
    for slot, values in optimizer.state_dict()["state"].items():
        assert torch.equal(values["exp_avg"], saved["state"][slot]["exp_avg"])


def test_a_run_directory_means_its_final_weights(trained_run: Path) -> None:
    checkpoint = load_checkpoint(trained_run)
    assert checkpoint.path == trained_run / "final"
    assert checkpoint.state["completed"] == [1, 2]
    assert set(checkpoint.state_dicts) == {"regressor", "head"}
    assert json.loads((trained_run / "final" / "metrics.json").read_text())["fit"]["train_mse"] > 0
    assert len(list_checkpoints(trained_run)) == 2  # keep_checkpoints = 2




@pytest.fixture
def interrupted_run(tmp_path: Path) -> Path:
    """A real run that finished phase 1 only (its config then asks for every phase)."""
    run = tmp_path / "run"
    config = load_config(toy_config(tmp_path, steps=20, every=10)).with_runtime(phases=(1,))
    Trainer(config, run, handle_signals=False).run()
    (run / "config.toml").write_text((run / "config.toml").read_text().replace("phases = [1]", "phases = []"))
    return run


def test_a_truncated_weights_file_is_one_line_naming_it(interrupted_run: Path) -> None:
    latest = list_checkpoints(interrupted_run)[-1]
    data = (latest / WEIGHTS).read_bytes()
    (latest / WEIGHTS).write_bytes(data[: len(data) // 2])
    one_line_error(aria("train", "--resume", str(interrupted_run)), str(latest / WEIGHTS), "corrupt")
    with pytest.raises(CheckpointError, match="corrupt"):
        load_checkpoint(latest)


def test_a_garbled_state_file_is_one_line_naming_it(interrupted_run: Path) -> None:
    latest = list_checkpoints(interrupted_run)[-1]
    (latest / "state.json").write_text('{"phase": 1, "step":')
    one_line_error(aria("train", "--resume", str(interrupted_run)), str(latest / "state.json"))


def test_a_checkpoint_of_another_shape_is_one_line_naming_it(interrupted_run: Path, tmp_path: Path) -> None:
    latest = list_checkpoints(interrupted_run)[-1]
    bigger = toy.build_models(load_config(toy_config(tmp_path, name="big.toml"), ["model.hidden=40"]))
    save_file(flatten(bigger), str(latest / WEIGHTS))  # weights from a run with a wider model
    err = one_line_error(aria("train", "--resume", str(interrupted_run)), str(latest / WEIGHTS))
    assert "is [40] there, [16] here" in err
    config, state_dicts, _ = load_checkpoint(latest)
    with pytest.raises(CheckpointError, match="different model size"):
        apply_state_dicts(toy.build_models(config), state_dicts, latest)


def test_resuming_with_an_edited_config_is_refused(interrupted_run: Path) -> None:
    config = interrupted_run / "config.toml"
    config.write_text(config.read_text().replace("seed = 3", "seed = 4"))
    one_line_error(aria("train", "--resume", str(interrupted_run)), "another config")


def test_a_missing_checkpoint_is_named(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match=str(tmp_path / "nowhere")):
        load_checkpoint(tmp_path / "nowhere")


def test_a_corrupt_optimizer_or_an_unknown_format_is_named(interrupted_run: Path, tmp_path: Path) -> None:
    run = Trainer(load_config(toy_config(tmp_path, steps=20, every=10, name="mid.toml")).with_runtime(phases=(1,)),
                  tmp_path / "mid", handle_signals=False)
    run.run()
    mid = next(p for p in list_checkpoints(tmp_path / "mid") if p.name.endswith("-p1-s10"))
    (mid / "optimizer.pt").write_bytes(b"not a torch file")
    with pytest.raises(CheckpointError, match="optimizer.pt is corrupt"):
        load_optimizer_state(mid, "cpu")
    latest = list_checkpoints(interrupted_run)[-1]
    state = json.loads((latest / "state.json").read_text())
    (latest / "state.json").write_text(json.dumps({**state, "format_version": 99}))
    one_line_error(aria("train", "--resume", str(interrupted_run)), str(latest / "state.json"), "version 99")
