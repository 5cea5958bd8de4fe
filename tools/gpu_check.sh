#!/usr/bin/env bash
# One call on a lent GPU machine (the `device` tool): install the carried wheels, unpack the carried
# robot models, then benchmark MJX or train a skill. Results land in $OUT.
#   bash tools/gpu_check.sh [bench] [scripts/benchmark.py overrides]
#   bash tools/gpu_check.sh train [scripts/train_primitive.py overrides]   (run files copied to $OUT)
#   bash tools/gpu_check.sh parity g1 reaching   (tools/compare_backends.py: native on the CPUs,
#     MJX on the GPU, one control step from the same states; $OUT/parity.log)
#   bash tools/gpu_check.sh train-many "g1:walking g1:reaching" [overrides]
#   bash tools/gpu_check.sh train-many "g1:button_press:blender g1:button_press:ppo:1" [overrides]
#     trains the listed robot:skill pairs (scripts/train_primitive.py) and robot:task:method[:seed]
#     cells (scripts/train_blender.py, seed 0 unless given) at once, sharing the GPU; every run folder
#     (without its training checkpoints) comes back in $OUT/runs.tar.gz, each log as
#     $OUT/train-<the item, : as ->.log. A cell's run folder is named as a campaign cell's
#     (<robot>-<task>-<method>-seed<S>): unpacked into <campaign_root>/<name>/runs/, the campaign's
#     next run finds it trained and renders, evaluates and submits it.
#     The processes time-share the GPU: four G1 trainings of 2048 envs ran at 8-9k env steps/s each
#     end to end (~35k together), where one H1 training of 8192 envs alone ran at 71k. Several skills
#     at once buy a checkpoint of each within one lease, not throughput.
#   bash tools/gpu_check.sh stage   (a call that only carries half of warp-lang: lists what has arrived)
#   With both halves of warp-lang on the machine (`prepare_gpu_carry.sh --warp`), setup installs it
#   too, and `bench mjx_impls=[jax,warp]` or `train backend.impl=warp` run MuJoCo Warp.
# SKILLBENCH_GPU_SETUP=0 skips the wheels and robot archive (a dry run on any machine, as the tests
# do); SKILLBENCH_GPU_RUNS names the runs folder; SKILLBENCH_TRAIN_TIMEOUT_S bounds each training.
# Prepare the carried wheels and robots here with `bash tools/prepare_gpu_carry.sh`, and run with
# carry=[".whl", ".robots"].
set -uo pipefail
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
if [[ ${1:-} == stage ]]; then
  ls -la .warp1 .warp2 2>&1
  exit 0
fi
if [[ ${SKILLBENCH_GPU_SETUP:-1} == 1 ]]; then  # 0: use this machine's packages and robots (a dry run)
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
  if [[ -d .warp1 && -d .warp2 ]]; then  # warp-lang, carried in two earlier calls (prepare_gpu_carry.sh --warp)
    cat .warp1/warp.tar.xz.part* .warp2/warp.tar.xz.part* > /tmp/warp.tar.xz
    (cd /tmp && sha256sum -c "$OLDPWD/.warp2/warp.tar.xz.sha256") || { echo "warp-lang halves do not match" >&2; exit 1; }
    tar -C /tmp/site -xJf /tmp/warp.tar.xz || exit 1
  fi
  export PYTHONPATH=/tmp/site:$PWD
  mkdir -p /tmp/robots && tar -C /tmp/robots -xJf .robots/robots.tar.xz || exit 1
  export MENAGERIE_ROOT=/tmp/robots/menagerie UNITREE_MUJOCO_ROOT=/tmp/robots/unitree_mujoco
  export SKILLBENCH_JAX_CACHE=/tmp/jax_cache
fi
export PYTHONUNBUFFERED=1
runs_root=${SKILLBENCH_GPU_RUNS:-/tmp/gpu_runs}
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv > "$OUT/gpu.txt" 2>&1
python3 -c "import jax, mujoco; print('jax', jax.__version__, jax.devices(), 'mujoco', mujoco.__version__)" | tee -a "$OUT/gpu.txt"
mode=bench
case "${1:-}" in bench|train|train-many|parity) mode=$1; shift ;; esac  # no mode named: bench, with all arguments
python3 -c "import warp; print('warp', warp.__version__)" >>"$OUT/gpu.txt" 2>&1 || echo "warp: not installed" >>"$OUT/gpu.txt"
case "$mode" in
  bench)
    python3 scripts/benchmark.py backends=[mjx] out="$OUT/gpu.json" "$@" 2>&1 | tee "$OUT/benchmark.log" ;;
  parity)
    python3 tools/compare_backends.py "$@" 2>&1 | tee "$OUT/parity.log" ;;
  train)
    python3 scripts/train_primitive.py preset=gpu runs_root="$runs_root" final_eval_rollouts=0 "$@" 2>&1 \
      | tee "$OUT/train.log"
    run=$(ls -d "$runs_root"/*/ | head -1)
    for f in config.yaml run.json metrics.jsonl policy.safetensors curves.png; do cp "$run/$f" "$OUT/" 2>/dev/null; done ;;
  train-many)
    pairs=($1)
    shift
    # Each process may take its share of the GPU's memory (JAX would otherwise take 75 % for the first).
    export XLA_PYTHON_CLIENT_MEM_FRACTION=$(python3 -c "print(round(0.9 / ${#pairs[@]}, 3))")
    pids=()
    for pair in "${pairs[@]}"; do
      IFS=: read -r robot what method seed <<<"$pair"
      if [[ -z $method ]]; then
        job=(scripts/train_primitive.py embodiment="$robot" primitive="$what")
      else
        seed=${seed:-0}
        job=(scripts/train_blender.py embodiment="$robot" task="$what" method="$method" seed="$seed"
             run_dir="$runs_root/$robot-$what-$method-seed$seed")
      fi
      timeout "${SKILLBENCH_TRAIN_TIMEOUT_S:-0}" \
        python3 "${job[@]}" preset=gpu runs_root="$runs_root" final_eval_rollouts=0 "$@" \
        >"$OUT/train-${pair//:/-}.log" 2>&1 &
      pids+=($!)
    done
    failed=()
    for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed+=("${pairs[$i]}"); done
    nvidia-smi >>"$OUT/gpu.txt" 2>&1
    mkdir -p "$runs_root" && tar -C "$runs_root" --exclude checkpoints -czf "$OUT/runs.tar.gz" .
    if (( ${#failed[@]} )); then echo "training failed: ${failed[*]} (see its log in \$OUT)" >&2; exit 1; fi ;;
esac
