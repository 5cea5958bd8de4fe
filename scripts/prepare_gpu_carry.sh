#!/usr/bin/env bash
# Prepares what scripts/gpu_check.sh carries to a lent GPU machine, which has jax 0.11.2 with CUDA
# and Python 3.12 but no network and none of our other packages: the wheels in .whl/ and the robot
# models in .robots/robots.tar.xz (both ignored by git). Run it here, in the repository root, once:
#   bash scripts/prepare_gpu_carry.sh            # robots from $SKILLBENCH_ROBOTS (default ../shared/robots)
# then call the device tool with carry=[".whl", ".robots"], e.g. `bash scripts/gpu_check.sh bench`.
# Not carried: warp-lang (MJX's `impl=warp`): its wheel is ~150 MB, over the 64 MiB a call carries.
set -euo pipefail
robots=${SKILLBENCH_ROBOTS:-../shared/robots}
platforms=()
for p in manylinux_2_28_x86_64 manylinux_2_27_x86_64 manylinux_2_17_x86_64 manylinux2014_x86_64 manylinux1_x86_64; do
  platforms+=(--platform "$p")
done
rm -rf .whl && mkdir -p .whl .robots
# Versions: pyproject.toml's pins; jax, jaxlib, numpy, scipy, flax, optax and the like are already there.
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp "${platforms[@]}" \
  -d .whl mujoco==4.0.0 mujoco-core==4.0.0 mujoco-mjx==3.17.0 mujoco-menagerie==2026.10.4 gymnasium==1.4.0 \
  farama-notifications==0.0.6 hydra-core==1.3.8 omegaconf==2.3.1 trimesh==5.2.0 tensorboardx==2.6.5
python3 -m pip wheel -q --no-deps -w .whl antlr4-python3-runtime==4.9.3  # hydra's parser: pure Python, sdist only
tar -C "$robots" -cJf .robots/robots.tar.xz menagerie/unitree_h1 menagerie/unitree_g1 menagerie/booster_t1 \
  unitree_mujoco/h1_2
du -sh .whl .robots
total=$(du -sbc .whl .robots | tail -1 | cut -f1)
if (( total > 60 * 1024 * 1024 )); then
  echo "carry is $((total / 1024 / 1024)) MiB: over what a device call may carry (64 MiB with the tree)" >&2
  exit 1
fi
