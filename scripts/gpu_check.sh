#!/usr/bin/env bash
# One call on a lent GPU machine (the `device` tool): install the carried wheels, unpack the carried
# robot models, then benchmark MJX. Results land in $OUT. Prepare, on this machine:
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
#     --platform manylinux_2_28_x86_64 -d .whl mujoco==4.0.0 mujoco-core==4.0.0 mujoco-mjx==3.17.0 \
#     mujoco-menagerie==2026.10.4 gymnasium==1.4.0 farama-notifications==0.0.6 hydra-core==1.3.8 \
#     omegaconf==2.3.1 trimesh==5.2.0          # plus antlr4-python3-runtime 4.9.3 (a wheel built locally)
#   tar -C ../shared/robots -cJf .robots/robots.tar.xz menagerie/unitree_h1 menagerie/unitree_g1 \
#     menagerie/booster_t1 unitree_mujoco/h1_2
# and run with carry=[".whl", ".robots"]:  bash scripts/gpu_check.sh [benchmark args...]
set -uo pipefail
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1
mkdir -p /tmp/robots && tar -C /tmp/robots -xJf .robots/robots.tar.xz || exit 1
export MENAGERIE_ROOT=/tmp/robots/menagerie UNITREE_MUJOCO_ROOT=/tmp/robots/unitree_mujoco
export SKILLBENCH_JAX_CACHE=/tmp/jax_cache
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv > "$OUT/gpu.txt" 2>&1
python3 -c "import jax, mujoco; print('jax', jax.__version__, jax.devices(), 'mujoco', mujoco.__version__)" | tee -a "$OUT/gpu.txt"
python3 scripts/benchmark.py backends=[mjx] out="$OUT/gpu.json" "$@" 2>&1 | grep -v "^Failed to import" | tee "$OUT/benchmark.log"
