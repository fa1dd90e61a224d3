"""The losses and held-out measures of each model, on batches of `Transitions` rows."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from agent.models.encoding import CLICK, FRAME, frames_tensor
from agent.models.fast_policy import FastPolicy
from agent.models.world_model import WorldModelEnsemble
from agent.training.data import Transitions

CHANGED_WEIGHT = 20.0


def _long(values: np.ndarray, device: torch.device) -> torch.Tensor:
    return torch.as_tensor(np.asarray(values, dtype=np.int64), device=device)


def world_model_loss(wm: torch.nn.Module, data: Transitions, rows: np.ndarray,
                     device: torch.device) -> tuple[torch.Tensor, dict[str, float]]:
    """Cross-entropy per cell (changed cells weighted up) plus the outcome (continue/level-up/GAME_OVER)."""
    frames = frames_tensor(data.frames[data.src[rows]], device)
    has_next = data.dst[rows] >= 0
    nxt = frames_tensor(data.frames[np.where(has_next, data.dst[rows], data.src[rows])], device)
    logits, outcome = wm(frames, _long(data.action[rows], device), _long(data.x[rows], device),
                         _long(data.y[rows], device))
    members = logits.shape[0]
    changed = (nxt != frames).float()
    weight = (1.0 + CHANGED_WEIGHT * changed) * torch.as_tensor(has_next, device=device).float()[:, None, None]
    ce = F.cross_entropy(logits.flatten(0, 1).float(), nxt.repeat(members, 1, 1), reduction="none")
    ce = ce.view(members, *nxt.shape)
    frame_loss = (ce * weight).sum() / (weight.sum() * members).clamp(min=1.0)
    outcome_loss = F.cross_entropy(outcome.flatten(0, 1).float(), _long(data.outcome[rows], device).repeat(members))
    return frame_loss + outcome_loss, {"frame_loss": frame_loss.item(), "outcome_loss": outcome_loss.item()}


def click_cell_mask(data: Transitions, rows: np.ndarray, xs: np.ndarray, ys: np.ndarray,
                    device: torch.device) -> torch.Tensor:
    """(B, 64·64) True on the pixels of the board cell that contains (xs, ys) (of each row's level)."""
    geo = data.geometry[rows].astype(np.int64)
    ox, oy, scale = (torch.as_tensor(geo[:, i], device=device)[:, None, None] for i in range(3))
    line = torch.arange(FRAME, device=device)
    px, py = line[None, None, :], line[None, :, None]
    tx, ty = torch.as_tensor(xs, device=device)[:, None, None], torch.as_tensor(ys, device=device)[:, None, None]
    same = (torch.div(px - ox, scale, rounding_mode="floor") == torch.div(tx - ox, scale, rounding_mode="floor")) & \
           (torch.div(py - oy, scale, rounding_mode="floor") == torch.div(ty - oy, scale, rounding_mode="floor")) & \
           (px >= ox) & (py >= oy)
    return same.flatten(1)


def policy_outputs(policy: torch.nn.Module, data: Transitions, rows: np.ndarray,
                   device: torch.device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    frames = frames_tensor(data.frames[data.src[rows]], device)
    return policy(frames, torch.as_tensor(data.mask[rows], device=device))


def optimal_click_mask(data: Transitions, rows: np.ndarray, device: torch.device) -> torch.Tensor:
    """(B, 64·64) True on the pixels of every optimal click cell of each row (all False: none)."""
    which, xs, ys = data.optimal_clicks(rows)
    out = torch.zeros(len(rows), FRAME * FRAME, device=device)
    if len(which):
        cells = click_cell_mask(data, np.asarray(rows)[which], xs, ys, device)
        out.index_add_(0, torch.as_tensor(which, device=device), cells.float())
    return out > 0


def policy_correct(logits: torch.Tensor, click: torch.Tensor, data: Transitions, rows: np.ndarray,
                   device: torch.device) -> torch.Tensor:
    """Whether the argmax action (and for a click, the argmax pixel's cell) is the oracle's, per row."""
    labels = _long(data.label[rows], device)
    chosen = logits.argmax(-1)
    correct = chosen == labels
    is_click = labels == CLICK - 1
    if bool(is_click.any()):
        cell = click_cell_mask(data, rows, data.label_x[rows], data.label_y[rows], device)
        hit = cell.gather(1, click.argmax(-1, keepdim=True)).squeeze(1)
        correct = correct & (~is_click | hit)
    return correct


def optimal_rows(data: Transitions, rows: np.ndarray) -> np.ndarray:
    """The optimal-action mask (rows, 7) of `rows`; transitions generated without labels cannot train
    the policy."""
    if data.optimal is None:
        raise ValueError("these transitions carry no optimal-action labels (generate them with the oracle)")
    return data.optimal[rows]


def policy_optimal(logits: torch.Tensor, click: torch.Tensor, data: Transitions, rows: np.ndarray,
                   device: torch.device, cells: torch.Tensor | None = None) -> torch.Tensor:
    """Whether the argmax action (and for a click, the argmax pixel's cell) is one of the optimal ones."""
    optimal = torch.as_tensor(optimal_rows(data, rows), device=device)
    chosen = logits.argmax(-1)
    correct = optimal.gather(1, chosen[:, None]).squeeze(1)
    clicked = chosen == CLICK - 1
    if bool(clicked.any()):
        cells = optimal_click_mask(data, rows, device) if cells is None else cells
        hit = cells.gather(1, click.argmax(-1, keepdim=True)).squeeze(1)
        correct = correct & (~clicked | hit)
    return correct


def policy_loss(policy: torch.nn.Module, data: Transitions, rows: np.ndarray, device: torch.device,
                confidence_weight: float = 0.5, calibrate: np.ndarray | None = None) -> tuple[torch.Tensor, dict[str, float]]:
    """Behaviour cloning on the set of optimal moves: -log of the probability the policy gives to all
    optimal actions together (and for clicks, to all optimal cells' pixels), plus the confidence head's
    binary cross-entropy against whether the policy's own argmax is optimal.

    `calibrate` (bool per row) sets rows aside for the confidence head alone: cloned on none of them,
    it learns how often the policy is right on states it was not fitted to, as at play time.
    """
    logits, click, confidence = policy_outputs(policy, data, rows, device)
    logits = logits.float()
    held = torch.zeros(len(rows), dtype=torch.bool, device=device) if calibrate is None else \
        torch.as_tensor(np.asarray(calibrate, dtype=bool), device=device)
    fit = ~held
    optimal = torch.as_tensor(optimal_rows(data, rows), device=device)
    per_row = logits.logsumexp(-1) - logits.masked_fill(~optimal, -1e9).logsumexp(-1)
    action_loss = (per_row * fit).sum() / fit.sum().clamp(min=1)
    cells = optimal_click_mask(data, rows, device)
    click_rows = optimal[:, CLICK - 1] & cells.any(-1) & fit
    click_loss = torch.zeros((), device=device)
    if bool(click_rows.any()):
        log_probs = click.float().log_softmax(-1)
        in_cells = torch.logsumexp(log_probs.masked_fill(~cells, -1e9), -1)
        click_loss = -(in_cells * click_rows).sum() / click_rows.sum()
    correct = policy_optimal(logits.detach(), click.detach(), data, rows, device, cells).float()
    judged = held if bool(held.any()) else fit
    confidence_loss = F.binary_cross_entropy_with_logits(confidence.float()[judged], correct[judged])
    loss = action_loss + click_loss + confidence_weight * confidence_loss
    oracle = policy_correct(logits.detach(), click.detach(), data, rows, device).float()
    return loss, {"action_loss": action_loss.item(), "click_loss": click_loss.item(),
                  "confidence_loss": confidence_loss.item(), "accuracy": correct[fit].mean().item(),
                  "oracle_accuracy": oracle[fit].mean().item()}


def value_loss(value: torch.nn.Module, data: Transitions, rows: np.ndarray,
               device: torch.device) -> tuple[torch.Tensor, dict[str, float]]:
    frames = frames_tensor(data.frames[data.src[rows]], device)
    target = torch.log1p(torch.as_tensor(data.steps_to_go[rows].astype(np.float32), device=device))
    pred = value(frames)
    loss = F.smooth_l1_loss(pred.float(), target)
    return loss, {"steps_mae": float((torch.expm1(pred.detach().clamp(min=0)) - torch.expm1(target)).abs().mean())}


# ---- held-out measures ------------------------------------------------------------------------------
def batches(rows: np.ndarray, size: int) -> list[np.ndarray]:
    return [rows[i:i + size] for i in range(0, len(rows), size)]


@torch.no_grad()
def calibration(policy: FastPolicy, data: Transitions, device: torch.device, bins: int = 10) -> dict[str, Any]:
    """Accuracy (argmax optimal; `oracle_accuracy`: argmax = the oracle's own action), ECE and the
    reliability table of the confidence head against "argmax is optimal", on labelled rows."""
    rows = np.flatnonzero(data.label >= 0)
    confs, hits, same = [], [], []
    for chunk in batches(rows, 256):
        logits, click, confidence = policy_outputs(policy, data, chunk, device)
        hits.append(policy_optimal(logits, click, data, chunk, device).float().cpu().numpy())
        same.append(policy_correct(logits, click, data, chunk, device).float().cpu().numpy())
        confs.append(torch.sigmoid(confidence.float()).cpu().numpy())
    if not confs:
        return {"rows": 0}
    conf, hit = np.concatenate(confs), np.concatenate(hits)
    edges = np.linspace(0, 1, bins + 1)
    table, ece = [], 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        inside = (conf >= lo) & ((conf < hi) | (hi == 1.0))
        if inside.any():
            gap = abs(float(conf[inside].mean()) - float(hit[inside].mean()))
            ece += inside.mean() * gap
            table.append({"bin": f"{lo:.1f}-{hi:.1f}", "count": int(inside.sum()),
                          "confidence": round(float(conf[inside].mean()), 4),
                          "accuracy": round(float(hit[inside].mean()), 4)})
    return {"rows": int(len(rows)), "accuracy": float(hit.mean()), "oracle_accuracy": float(np.concatenate(same).mean()),
            "ece": float(ece), "reliability": table}


@torch.no_grad()
def world_model_errors(wm: WorldModelEnsemble, data: Transitions, device: torch.device, horizon: int = 5,
                       max_windows: int = 400) -> dict[str, float]:
    """1- and `horizon`-step error on cells that change, against the copy-last-frame baseline (whose
    error on changed cells is 1 by definition). Windows are consecutive in-level steps of one episode."""
    one_rows = np.flatnonzero(data.dst >= 0)[:max_windows * 2]
    wrong = changed = 0.0
    for chunk in batches(one_rows, 64):
        frames = frames_tensor(data.frames[data.src[chunk]], device)
        nxt = frames_tensor(data.frames[data.dst[chunk]], device)
        pred, _, _ = wm.predict(frames, _long(data.action[chunk], device), _long(data.x[chunk], device),
                                _long(data.y[chunk], device))
        moved = nxt != frames
        wrong += float((moved & (pred != nxt)).sum())
        changed += float(moved.sum())
    found = []
    for i in range(len(data) - horizon + 1):
        window = slice(i, i + horizon)
        if (data.episode[window] == data.episode[i]).all() and (data.dst[window] >= 0).all() and \
                (data.src[i + 1:i + horizon] == data.dst[i:i + horizon - 1]).all():
            found.append(i)
    starts = np.asarray(found[:max_windows], dtype=np.int64)
    wrong5 = changed5 = 0.0
    for chunk in batches(starts, 64):
        first = frames_tensor(data.frames[data.src[chunk]], device)
        frames = first
        for k in range(horizon):
            rows = chunk + k
            frames, _, _ = wm.predict(frames, _long(data.action[rows], device), _long(data.x[rows], device),
                                      _long(data.y[rows], device))
        truth = frames_tensor(data.frames[data.dst[chunk + horizon - 1]], device)
        moved = truth != first
        wrong5 += float((moved & (frames != truth)).sum())
        changed5 += float(moved.sum())
    return {"wm_error_1step": wrong / max(changed, 1.0), "wm_error_5step": wrong5 / max(changed5, 1.0),
            "copy_error": 1.0, "wm_windows_5step": int(len(starts))}
