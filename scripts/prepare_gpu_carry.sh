#!/usr/bin/env bash
# Prepares what scripts/gpu_check.sh carries to a lent GPU machine, which has jax 0.11.2 with CUDA
# and Python 3.12 but no network and none of our other packages: the wheels in .whl/ and the robot
# models in .robots/robots.tar.xz (both ignored by git). Run it here, in the repository root, once:
#   . .venv/bin/activate && bash scripts/prepare_gpu_carry.sh   # robots from $SKILLBENCH_ROBOTS (default ../shared/robots)
# then call the device tool with carry=[".whl", ".robots"], e.g. `bash scripts/gpu_check.sh bench`.
# Not carried: warp-lang (MJX's `impl=warp`): its wheel is ~150 MB, over the 64 MiB a call carries.
set -euo pipefail
robots=${SKILLBENCH_ROBOTS:-../shared/robots}
platforms=()
for p in manylinux_2_28_x86_64 manylinux_2_27_x86_64 manylinux_2_17_x86_64 manylinux2014_x86_64 manylinux1_x86_64; do
  platforms+=(--platform "$p")
done
rm -rf .whl && mkdir -p .whl .robots
# The versions this environment installed from pyproject.toml (run it in the project's venv); jax,
# jaxlib, numpy, scipy, flax, optax and the like are already on the GPU machine.
pinned() { python3 -c 'import sys, importlib.metadata as m; print(*(f"{n}=={m.version(n)}" for n in sys.argv[1:]))' "$@"; }
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp "${platforms[@]}" \
  -d .whl $(pinned mujoco mujoco-core mujoco-mjx mujoco-menagerie gymnasium farama-notifications hydra-core \
  omegaconf trimesh tensorboardx)
python3 -m pip wheel -q --no-deps -w .whl $(pinned antlr4-python3-runtime)  # hydra's parser: pure Python, sdist only
tar -C "$robots" -cJf .robots/robots.tar.xz menagerie/unitree_h1 menagerie/unitree_g1 menagerie/booster_t1 \
  unitree_mujoco/h1_2
du -sh .whl .robots
total=$(du -sbc .whl .robots | tail -1 | cut -f1)
if (( total > 60 * 1024 * 1024 )); then
  echo "carry is $((total / 1024 / 1024)) MiB: over what a device call may carry (64 MiB with the tree)" >&2
  exit 1
fi
