#!/usr/bin/env bash
# The GPU checks, as one run on a machine with a CUDA GPU and torch (no install needed: the
# repository root goes on PYTHONPATH). Writes its logs to $OUT (default benchmarks/results).
#
#     bash benchmarks/gpu_check.sh                 # tests, profile, benchmark at 20/100/1000
#     SIZES="1000x1000x10" bash benchmarks/gpu_check.sh
set -o pipefail
OUT=${OUT:-benchmarks/results}
SIZES=${SIZES:-"20x20x2 100x100x10 1000x1000x10"}
PY=${PY:-python3}
export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
mkdir -p "$OUT"
{
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  $PY -c "import torch, numpy, scipy; print('torch', torch.__version__, 'numpy', numpy.__version__, 'scipy', scipy.__version__, torch.cuda.get_device_name())"
} 2>&1 | tee "$OUT/gpu_env.txt"
$PY -m pytest -q -p no:cacheprovider tests/test_gpu.py 2>&1 | tee "$OUT/gpu_tests.txt"
$PY benchmarks/profile_solver.py --size 1000x1000x10 --device cuda 2>&1 | tee "$OUT/profile_gpu.txt"
# shellcheck disable=SC2086
$PY benchmarks/solvers.py --device cuda --sizes $SIZES --repeats 3 2>&1 | tee "$OUT/solvers_gpu.txt"
