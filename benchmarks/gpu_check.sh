#!/usr/bin/env bash
# The trainer's GPU checks (issue #8, item 7) in one prepared run, for a machine with one CUDA GPU:
#
#   A. `aria train --preset smoke --device $DEVICE`: all five phases, checkpoints and the held-out report
#      through the CUDA path (bf16 autocast); the run stops here if that fails;
#   B. the `full` preset's models and batches (phases 1, 2, 3 and 5; phase 4 plays games on the CPU)
#      on $DEVICE with its seeds and steps cut to fit the lease (FULL_STEPS); peak GPU memory per phase;
#   C. the same phases on the same machine's CPU, few steps, for the loop's speed-up (CPU_STEPS);
#   D. phase 1 of smoke under `torchrun --nproc_per_node 1` on $DEVICE (the NCCL and DDP path).
#
# Every stage has its own time limit. What comes back under $OUT: log.txt and one .tar.gz per run
# directory (results.json, metrics.jsonl, events.jsonl, config.toml; no weights). Read a run with
#   .venv/bin/python benchmarks/train_phases.py --from RUN_DIR
# Usage (python3 holding torch with CUDA; wheels of the other dependencies in .whl/ when absent):
#   OUT=/tmp/gpu bash benchmarks/gpu_check.sh
#   DEVICE=cpu FULL_STEPS=10 CPU_STEPS=10 OUT=/tmp/gpu bash benchmarks/gpu_check.sh   # a rehearsal
set -u
OUT=${OUT:-/tmp/gpu-check}
PY=${PY:-python3}
FULL_STEPS=${FULL_STEPS:-1000}
CPU_STEPS=${CPU_STEPS:-40}
DEVICE=${DEVICE:-cuda}  # DEVICE=cpu rehearses the script on a machine without a GPU
mkdir -p "$OUT"
exec > >(tee "$OUT/log.txt") 2>&1
export PYTHONUNBUFFERED=1
stage() { echo "== $(date -u +%T) $*"; }
pack() {  # pack NAME DIR: the run's figures, without its weights
    [ -d "$2" ] && tar -czf "$OUT/$1.tar.gz" -C "$(dirname "$2")" --exclude='*.safetensors' --exclude='*.pt' \
        "$(basename "$2")"
}

stage "environment"
if [ -d .whl ] && ls .whl/*.whl >/dev/null 2>&1; then
    $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site \
        .whl/*.whl || exit 3
    export PYTHONPATH=/tmp/site:$PWD
else
    export PYTHONPATH=$PWD
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || true
$PY - <<'EOF'
import os, torch
gpu = torch.cuda.is_available()
print("torch", torch.__version__, "cuda", torch.version.cuda, "available", gpu,
      "bf16", gpu and torch.cuda.is_bf16_supported(), torch.cuda.get_device_name(0) if gpu else "-",
      "cpus", os.cpu_count(), "torch threads", torch.get_num_threads())
EOF

stage "A: aria train --preset smoke --device $DEVICE"
rm -rf /tmp/smoke-cuda
timeout 150 $PY -m agent.cli train --preset smoke --device $DEVICE --run-dir /tmp/smoke-cuda
rc=$?
pack smoke_cuda /tmp/smoke-cuda
[ $rc -eq 0 ] || { stage "A failed (exit $rc): stopping"; exit 4; }
$PY benchmarks/train_phases.py --from /tmp/smoke-cuda

cut="--set world_model.seeds=40 --set fast_policy.seeds=40 --set slow_value.seeds=40 --set joint.seeds=40
     --set world_model.val_seeds=4 --set fast_policy.val_seeds=4 --set slow_value.val_seeds=4
     --set joint.dagger_seeds=4 --set joint.eval_seeds=3 --set joint.eval_levels=2"
steps() { echo "--set world_model.steps=$1 --set fast_policy.steps=$1 --set slow_value.steps=$1 --set joint.steps=$(($1 / 2))"; }

stage "B: the full preset's models and batches on $DEVICE, $FULL_STEPS steps a phase"
rm -rf /tmp/full-cuda
# shellcheck disable=SC2046
timeout 240 $PY benchmarks/train_phases.py --preset full --device $DEVICE --phases 1,2,3,5 --run-dir /tmp/full-cuda \
    $cut $(steps "$FULL_STEPS") --set checkpoint_every=100000
echo "exit $?"
pack full_cuda /tmp/full-cuda

stage "C: the same on this machine's CPU, $CPU_STEPS steps a phase"
rm -rf /tmp/full-cpu
# shellcheck disable=SC2046
timeout 150 $PY benchmarks/train_phases.py --preset full --device cpu --phases 1,2,3,5 --run-dir /tmp/full-cpu \
    $cut $(steps "$CPU_STEPS") --set log_every=5 --set checkpoint_every=100000
echo "exit $?"
pack full_cpu /tmp/full-cpu

stage "D: torchrun --nproc_per_node 1 (NCCL, DDP) on $DEVICE, smoke phase 1"
rm -rf /tmp/ddp-cuda
timeout 60 $PY -m torch.distributed.run --nproc_per_node 1 -m agent.cli train --preset smoke --device $DEVICE \
    --phase 1 --run-dir /tmp/ddp-cuda
echo "exit $?"
pack ddp_cuda /tmp/ddp-cuda
stage "done"
