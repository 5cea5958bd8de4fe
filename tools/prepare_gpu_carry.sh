#!/usr/bin/env bash
# Prepares what tools/gpu_check.sh carries to a lent GPU machine, which has jax 0.11.2 with CUDA
# and Python 3.12 but no network and none of our other packages: the wheels in .whl/ and the robot
# models in .robots/robots.tar.xz (both ignored by git). Run it here, in the repository root, once:
#   . .venv/bin/activate && bash tools/prepare_gpu_carry.sh   # robots from $SKILLBENCH_ROBOTS (default ../shared/robots)
# then call the device tool with carry=[".whl", ".robots"], e.g. `bash tools/gpu_check.sh bench`.
# With --warp it also stages warp-lang for MJX's `impl=warp`. Its wheel (149 MB; warp.so alone is
# 284 MiB unpacked) cannot travel in one call, so this writes it, trimmed (no warp-clang.so, which
# only Warp's CPU device loads, no examples or tests) and xz-compressed (~77 MB), as two halves in
# .warp1/ and .warp2/. Carry them in two calls of their own, one after the other, before the check:
#   run carry=[".warp1"] `bash tools/gpu_check.sh stage`; run carry=[".warp2"] `bash tools/gpu_check.sh stage`;
#   run carry=[".whl", ".robots"] `bash tools/gpu_check.sh bench mjx_impls=[jax,warp] ...`
# An ignored folder a call does not name stays on the machine while it is held (it goes back after
# 30 s idle), and gpu_check.sh installs warp once both halves are there and their sha256 matches.
set -euo pipefail
robots=${SKILLBENCH_ROBOTS:-../shared/robots}
platforms=()
for p in manylinux_2_28_x86_64 manylinux_2_27_x86_64 manylinux_2_17_x86_64 manylinux2014_x86_64 manylinux1_x86_64; do
  platforms+=(--platform "$p")
done
warp=0
[[ ${1:-} == --warp ]] && warp=1
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

if (( warp )); then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp "${platforms[@]}" \
    -d "$tmp" "warp-lang==$(sed -n 's/.*"warp-lang==\([^"]*\)".*/\1/p' pyproject.toml)"
  mkdir "$tmp/pkg" && (cd "$tmp/pkg" && python3 -m zipfile -e "$tmp"/warp_lang-*.whl .)
  rm -rf "$tmp/pkg/warp/bin/warp-clang.so" "$tmp/pkg/warp/examples" "$tmp/pkg/warp/tests"
  tar -C "$tmp/pkg" -cf - . | xz -9 -T1 > "$tmp/warp.tar.xz"
  rm -rf .warp1 .warp2 && mkdir .warp1 .warp2
  split -n 2 -d "$tmp/warp.tar.xz" "$tmp/warp.tar.xz.part"
  mv "$tmp/warp.tar.xz.part00" .warp1/ && mv "$tmp/warp.tar.xz.part01" .warp2/
  (cd "$tmp" && sha256sum warp.tar.xz) > .warp2/warp.tar.xz.sha256
  du -sh .warp1 .warp2
  for half in .warp1 .warp2; do
    if (( $(du -sb $half | cut -f1) > 44 * 1024 * 1024 )); then
      echo "$half is over 44 MiB: with the working tree it would not fit in one device call" >&2
      exit 1
    fi
  done
fi
