"""Campaigns: a grid of robots x tasks x methods x seeds, each cell trained, rendered, evaluated and
submitted, by one command that a re-run resumes (scripts/campaign.py).

The grid is a hydra sweep over the `campaign` config (`config.CampaignConfig`) (`-m embodiment=h1,g1 seed=0,1,2`),
so hydra's launcher plugins run it: the basic launcher (one cell after another, in this process),
hydra-submitit-launcher's `submitit_local` (one process per cell) or `submitit_slurm` (one SLURM job
per cell; `cluster=slurm_gpu` and `cluster=slurm_cpu` set it up). A cell runs the scripts in turn,
each as its own process, logged to <campaign>/logs/<cell>/<stage>.log:

  train     scripts/train_blender.py embodiment= task= method= seed= preset= run_dir=<campaign>/runs/<cell>
            plus the `train.<key>=<value>` overrides; `resume=<run>` when the run stopped part way
            (checkpoints but no final policy), with only the overrides a resume accepts; a `method=hb`
            cell drives this campaign's `task=far_reach method=ppo` policy of the same robot and seed
            (unless train.low_level= names one), else that cell's policy as the leaderboard files it,
            and waits for one
  render    scripts/render.py run=<run> out=<run>/video.mp4 (video=false skips it)
  evaluate  scripts/evaluate.py run=<run> video=<mp4> backends= num_rollouts= seconds= (variant=<v> for a
            variant cell: its results' method reads <method>-<v>): <run>/result.json, or
            result-<backend>.json per backend when several
  submit    scripts/submit.py <result> --reproduce (submit=dry_run adds --dry-run; submit=none skips it)

A cell's state is <campaign>/cells/<cell>.json: per stage its command, status, times, log and
outputs. A stage is done when its record holds the command it would run now, it succeeded and its
outputs exist (training: when the run's final policy exists); running a stage drops the records
of the stages after it. So a re-run skips what is done, resumes training that stopped, and redoes
a stage whose settings changed (e.g. num_rollouts) and the stages after it. A finished run whose
robot's task a later SkillBench version changed (`skillbench.results.changes`) is moved aside to
<run>.stale-<version> and the cell trains again. A cell with no run of its own that the leaderboard it
submits to already holds (`filed_entries`: verified, current entries of its method label and training
seed on each of its backends) is done (`skip_filed=false`: train it again; `filed_only=true`: record those
cells and run nothing else); `plan_only` says why entries it has there do not count. A cell is locked while
a process runs it (<campaign>/cells/<cell>.lock): a second one skips it. A failed stage is recorded
(with its log's last lines) and ends the cell; the other cells go on, and the command exits 1. A stage
stopped by Ctrl-C (its own or the campaign's) is recorded as interrupted and stops the campaign; the
same command resumes it.
`finish_by=<HH:MM or ISO date-time>` starts no cell that would end after it (its training's time
limit plus `cell_overhead_min` for the stages after it): such a cell is deferred, untouched, for a
later run of the same command; a shared machine or a job with a wall-clock limit plans with it.
After each cell and at the end of the sweep, <campaign>/summary.md and summary.json are rewritten
from every cell's state and result files: the cells, and the seeds aggregated (skillbench.results.seeds).

The modules, each importing only those above it:
  overrides  hydra's override grammar (`key=value` as a script reads it back)
  config     `CampaignConfig`, the `cluster` options, the checks and readings of a cell's settings
  entries    a cell's method label and the leaderboard entries that stand for it (`filed_entries`)
  cells      a cell's paths, its stages in order (`plan`) and whether each is done
  state      a cell's state file and locks; the commit this process started from
  staleness  whether a cell's run still makes its result (`why_stale_run`), and setting it aside
  filing     whether the leaderboard's entries make a cell done, why not, and `filed_before`
  summary    summary.md and summary.json
  runner     `run_cell`: the stages in turn, each a script in its own process; the sweep's end (`SummaryCallback`)
"""
