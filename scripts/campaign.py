"""Run a campaign: robots x tasks x methods x seeds, each trained, rendered, evaluated and submitted.

  python scripts/campaign.py -m name=paper embodiment=h1,g1 task=button_press,box_push method=blender,ppo seed=0,1,2
  python scripts/campaign.py -m name=paper ... train.time_limit_min=30 backends=[mujoco,mjx]   # the same, resumed
  python scripts/campaign.py -m name=try preset=smoke num_rollouts=2 seconds=1 submit=none hydra/launcher=submitit_local
  python scripts/campaign.py -m name=paper cluster=slurm_gpu hydra.launcher.partition=gpu task=... seed=0,1,2
  python scripts/campaign.py -m name=paper ... finish_by=23:40    # start no cell that would end after 23:40
  python scripts/campaign.py -m name=paper ... plan_only=true    # what each cell would run, and how long
  python scripts/campaign.py name=paper summary_only=true                     # rewrite the summary only

The grid is a hydra sweep (-m): each job is one cell, run by hydra's launcher (the basic one: one
cell after another; `hydra/launcher=submitit_local` or `cluster=local`: a process per cell;
`cluster=slurm_gpu` / `slurm_cpu`: SLURM jobs, `pip install -e ".[cluster]"`). A cell runs
scripts/train_blender.py (`preset=`, default cpu, plus any `train.<key>=<value>`), render.py,
evaluate.py (the protocol by default; `backends=[mujoco,mjx]` evaluates on both) and
submit.py --reproduce (`submit=dry_run` files nothing, `submit=none` skips it), keeping its state
in campaigns/<name>/cells/<cell>.json. Re-running the command skips what is done and resumes
training that stopped part way. The summary (cells, and seeds aggregated: mean over seeds, 95 %
intervals across seeds and over rollouts) is campaigns/<name>/summary.md. Exit status: 1 when a
cell of the campaign has failed (its state names the stage and log) or was refused (asked for other
`train.` or `preset=` settings than it was trained with: `variant=<name>` makes such a cell its own), else 0. See
skillbench/commands/campaign/ for the details.
"""

import sys

import hydra

from skillbench.commands.campaign import config, runner


@hydra.main(version_base=None, config_name="campaign")
def main(cfg: config.CampaignConfig) -> None:
  runner.run_cell(cfg)


if __name__ == "__main__":
  config.register()
  sys.argv[1:] = config.train_arguments(sys.argv[1:])
  main()
  sys.exit(1 if runner.FAILED or runner.REFUSED else 0)
