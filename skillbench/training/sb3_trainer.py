"""The `sb3` trainer: stable-baselines3 PPO on SkillBench's gymnasium vector environment.

It reads the same configuration as the `brax` trainer (PPO hyperparameters, network sizes) and
writes the same run directory and checkpoint format, so evaluation, videos and the blender do
not care which trainer made a policy. Differences, stated plainly:

- the actor reads the actor observation and the critic the privileged one (an asymmetric
  policy built from SB3's pieces); observations are normalised by SB3's VecNormalize with the
  same formula and clip as ours, and exported as our running statistics;
- SB3 has no KL-adaptive learning rate: the rate is fixed (`learning_rate`) and `target_kl`
  (1.5 x desired_kl) stops an update's epochs early instead;
- `resume` restores the policy, optimiser and normaliser, not the environments' state or the
  random streams, so a resumed SB3 run is a continuation, not a bit-identical replay.

Requires `pip install torch==2.13.0 stable-baselines3==2.9.2` (the `sb3` extra).
"""

from __future__ import annotations

import pathlib

import numpy as np

from skillbench.errors import SkillBenchError
from skillbench.policy import checkpoint as ckpt_lib
from skillbench.policy import library
from skillbench.policy import saved as policy_lib
from skillbench.policy.normalizer import CLIP, EPS, RunningStats
from skillbench.policy.saved import Policy
from skillbench.training import curves, guards
from skillbench.training import run_dir as runs
from skillbench.training.logger import RunLogger

try:
  import torch
  from gymnasium import spaces
  from stable_baselines3 import PPO as SB3PPO
  from stable_baselines3.common.callbacks import BaseCallback
  from stable_baselines3.common.policies import MultiInputActorCriticPolicy
  from stable_baselines3.common.torch_layers import BaseFeaturesExtractor
  from stable_baselines3.common.vec_env import VecEnv, VecNormalize
except ImportError as e:  # pragma: no cover - exercised only without the extra
  raise SkillBenchError(
    "trainer=sb3 needs PyTorch and stable-baselines3: pip install torch==2.13.0 stable-baselines3==2.9.2 "
    '(or pip install -e ".[sb3]")'
  ) from e

ACTOR_KEY, CRITIC_KEY = "state", "privileged_state"


class SkillBenchVecEnv(VecEnv):
  """SB3's VecEnv interface over `SkillBenchVectorEnv` (a gymnasium VectorEnv)."""

  def __init__(self, vector_env):
    self.venv = vector_env
    super().__init__(vector_env.num_envs, vector_env.single_observation_space, vector_env.single_action_space)
    self._actions = None
    self._seed = None
    self.last_metrics = {}

  def reset(self):
    obs, _ = self.venv.reset(seed=self._seed)
    self._seed = None  # a seed applies to the next reset only, as in SB3
    return obs

  def step_async(self, actions):
    self._actions = np.asarray(actions, np.float32)

  def step_wait(self):
    obs, reward, terminated, truncated, info = self.venv.step(self._actions)
    done = terminated | truncated
    self.last_metrics = {k: v for k, v in info.items() if not k.startswith("_") and k != "final_obs"}
    infos = [{} for _ in range(self.num_envs)]
    for i in np.flatnonzero(done):
      infos[i]["terminal_observation"] = {k: v[i] for k, v in info["final_obs"].items()}
      infos[i]["TimeLimit.truncated"] = bool(truncated[i])
    return obs, reward.astype(np.float32), done, infos

  def seed(self, seed=None):
    self._seed = seed
    return [seed] * self.num_envs

  def close(self):
    self.venv.close()

  def get_attr(self, attr_name, indices=None):
    return [getattr(self.venv, attr_name)] * self.num_envs

  def set_attr(self, attr_name, value, indices=None):
    setattr(self.venv, attr_name, value)

  def env_method(self, method_name, *args, indices=None, **kwargs):
    raise NotImplementedError(f"{method_name} is not supported on the batched SkillBench environment")

  def env_is_wrapped(self, wrapper_class, indices=None):
    return [False] * self.num_envs


class KeyExtractor(BaseFeaturesExtractor):
  """Passes one entry of the observation dict through (the actor's or the critic's)."""

  def __init__(self, observation_space: spaces.Dict, key: str = ACTOR_KEY):
    super().__init__(observation_space, observation_space[key].shape[0])
    self.key = key

  def forward(self, obs):
    return obs[self.key]


class _AsymmetricMlp(torch.nn.Module):
  """Separate actor and critic ELU MLPs, each on its own observation."""

  def __init__(self, actor_in, critic_in, actor_hidden, critic_hidden):
    super().__init__()

    def mlp(size, hidden):
      layers = []
      for h in hidden:
        layers += [torch.nn.Linear(size, h), torch.nn.ELU()]
        size = h
      return torch.nn.Sequential(*layers), size

    self.policy_net, self.latent_dim_pi = mlp(actor_in, actor_hidden)
    self.value_net, self.latent_dim_vf = mlp(critic_in, critic_hidden)

  def forward(self, features):
    return self.forward_actor(features[0]), self.forward_critic(features[1])

  def forward_actor(self, features):
    return self.policy_net(features)

  def forward_critic(self, features):
    return self.value_net(features)


class AsymmetricPolicy(MultiInputActorCriticPolicy):
  """Actor on the actor observation, critic on the privileged observation."""

  def __init__(self, observation_space, action_space, lr_schedule, actor_hidden=(256, 128, 64),
               critic_hidden=(256, 128, 64), **kwargs):
    self.actor_hidden, self.critic_hidden = list(actor_hidden), list(critic_hidden)
    kwargs.update(share_features_extractor=False, features_extractor_class=KeyExtractor,
                  features_extractor_kwargs={"key": ACTOR_KEY}, activation_fn=torch.nn.ELU)
    super().__init__(observation_space, action_space, lr_schedule, **kwargs)

  def make_features_extractor(self):
    # Called for the actor first, then (share_features_extractor=False) for the critic.
    key = CRITIC_KEY if hasattr(self, "pi_features_extractor") or getattr(self, "_made_actor", False) else ACTOR_KEY
    self._made_actor = True
    return KeyExtractor(self.observation_space, key)

  def _build_mlp_extractor(self):
    self.mlp_extractor = _AsymmetricMlp(
      self.observation_space[ACTOR_KEY].shape[0], self.observation_space[CRITIC_KEY].shape[0],
      self.actor_hidden, self.critic_hidden,
    )


# ------------------------------------------------------------------ export
def _linear_layers(seq):
  return [m for m in seq if isinstance(m, torch.nn.Linear)]


def _dense(linear):
  return {"kernel": linear.weight.detach().cpu().numpy().T.astype(np.float32),
          "bias": linear.bias.detach().cpu().numpy().astype(np.float32)}


def export_policy(model: SB3PPO, normalizer: VecNormalize) -> Policy:
  """Our `Policy` (flax parameter names, running statistics) from an SB3 model."""
  p = model.policy
  actor = {f"hidden_{i}": _dense(l) for i, l in enumerate(_linear_layers(p.mlp_extractor.policy_net))}
  actor["out"] = _dense(p.action_net)
  critic = {f"hidden_{i}": _dense(l) for i, l in enumerate(_linear_layers(p.mlp_extractor.value_net))}
  critic["out"] = _dense(p.value_net)
  rms = normalizer.obs_rms
  stats = lambda key: RunningStats(
    rms[key].mean.astype(np.float32), rms[key].var.astype(np.float32), np.float32(rms[key].count)
  )
  params = {"actor": actor, "critic": critic, "log_std": p.log_std.detach().cpu().numpy().astype(np.float32)}
  return Policy(params, stats(ACTOR_KEY), stats(CRITIC_KEY))


def _training_arrays(model: SB3PPO, normalizer: VecNormalize) -> dict:
  arrays = {f"policy/{k}": v.detach().cpu().numpy() for k, v in model.policy.state_dict().items()}
  opt = model.policy.optimizer.state_dict()
  for pid, state in opt["state"].items():
    for name, value in state.items():
      arrays[f"optimizer/{pid}/{name}"] = np.asarray(value.detach().cpu().numpy() if torch.is_tensor(value) else value)
  for key, rms in normalizer.obs_rms.items():
    arrays[f"normalizer/{key}/mean"], arrays[f"normalizer/{key}/var"] = rms.mean, rms.var
    arrays[f"normalizer/{key}/count"] = np.asarray(rms.count)
  arrays["num_timesteps"] = np.asarray(model.num_timesteps, np.int64)
  return arrays


def _restore(model: SB3PPO, normalizer: VecNormalize, arrays: dict, source: str) -> None:
  try:
    state = {k[len("policy/"):]: torch.as_tensor(v) for k, v in arrays.items() if k.startswith("policy/")}
    model.policy.load_state_dict(state)
    opt = model.policy.optimizer.state_dict()
    for pid, st in opt["state"].items():
      for name in st:
        st[name] = torch.as_tensor(arrays[f"optimizer/{pid}/{name}"])
    model.policy.optimizer.load_state_dict(opt)
    for key, rms in normalizer.obs_rms.items():
      rms.mean, rms.var = arrays[f"normalizer/{key}/mean"], arrays[f"normalizer/{key}/var"]
      rms.count = float(arrays[f"normalizer/{key}/count"].reshape(()))
    model.num_timesteps = int(arrays["num_timesteps"].reshape(()))
  except (KeyError, RuntimeError) as e:
    raise ckpt_lib.CheckpointError(f"{source} does not fit this SB3 model ({e})") from e


# ------------------------------------------------------------------ training
class _Logging(BaseCallback):
  """Logs every rollout and writes checkpoints, in the run directory's formats. Before each rollout
  it checks the last update's loss and parameters are finite (else NonFiniteError); after a Ctrl-C
  (`stop`) it ends the rollout and so the training."""

  def __init__(self, run, logger: RunLogger, venv: SkillBenchVecEnv, normalizer, save_every: int, keep: int, meta,
               stop: guards.StopRequest | None = None, learning_rate: float = float("nan")):
    super().__init__()
    self.run, self.log, self.venv, self.normalizer = run, logger, venv, normalizer
    self.save_every, self.keep, self.meta = save_every, keep, meta
    self.stop, self.learning_rate = stop, learning_rate
    self.rollouts = 0
    self.sums = {}
    self.returns = np.zeros(venv.num_envs)
    self.lengths = np.zeros(venv.num_envs)
    self.ended = []  # (return, length, fell) of episodes that ended in this rollout

  def _on_rollout_start(self) -> None:
    self.check_finite()

  def check_finite(self) -> None:
    """NonFiniteError when the last update (after rollout `rollouts`) left a NaN or Inf loss or parameter."""
    loss = self.model.logger.name_to_value.get("train/loss", 0.0)
    bad = guards.non_finite({"loss": bool(np.isfinite(loss)), **_finite_flags(self.model)})
    if bad:
      error = guards.diverged(bad, self.rollouts, self.learning_rate, self.run)
      self.log.write(str(error), echo=False)
      raise error

  def _on_step(self) -> bool:
    for k, v in self.venv.last_metrics.items():
      self.sums[k] = self.sums.get(k, 0.0) + float(np.mean(v))
    self.sums["_steps"] = self.sums.get("_steps", 0) + 1
    rewards, dones = self.locals["rewards"], self.locals["dones"]
    self.sums["_reward"] = self.sums.get("_reward", 0.0) + float(np.mean(rewards))
    self.returns += rewards
    self.lengths += 1
    for i in np.flatnonzero(dones):
      fell = bool(np.asarray(self.venv.last_metrics["fell"])[i])  # not a time-out, not a task's success
      self.ended.append((self.returns[i], self.lengths[i], fell))
      self.returns[i] = self.lengths[i] = 0.0
    return not (self.stop is not None and self.stop.requested)  # False ends the rollout and learn()

  def _on_rollout_end(self) -> None:
    self.rollouts += 1
    n = max(self.sums.pop("_steps", 1), 1)
    reward = self.sums.pop("_reward", 0.0) / n
    metrics = {k: v / n for k, v in self.sums.items()}
    metrics["reward_per_step"] = reward
    ended = np.array(self.ended).reshape(-1, 3)
    metrics["episodes"] = len(ended)
    metrics["episode_return"] = ended[:, 0].mean() if len(ended) else float("nan")
    metrics["episode_length_s"] = ended[:, 1].mean() * self.venv.venv.batched.env.dt if len(ended) else float("nan")
    metrics["fall_fraction"] = ended[:, 2].mean() if len(ended) else float("nan")
    self.sums, self.ended = {}, []
    for k in ("train/approx_kl", "train/value_loss", "train/entropy_loss", "train/policy_gradient_loss"):
      value = self.model.logger.name_to_value.get(k)
      if value is not None:
        metrics[k.split("/")[1]] = value
    self.log.log(self.rollouts, self.model.num_timesteps, metrics)
    if self.rollouts % self.save_every == 0:
      self.save()

  def save(self) -> None:
    path = runs.checkpoint_path(self.run, self.rollouts)
    ckpt_lib.save(path, _training_arrays(self.model, self.normalizer), "training",
                  training={"iteration": self.rollouts, "env_steps": self.model.num_timesteps, "trainer": "sb3"},
                  **self.meta)
    runs.prune_checkpoints(self.run, self.keep)
    self.log.write(f"checkpoint {path}")


def _finite_flags(model: SB3PPO) -> dict[str, bool]:
  """Are the policy's parameters, and its action std (exp of a finite but huge log std overflows), finite?"""
  policy = model.policy
  return {"parameters": all(bool(torch.isfinite(p).all()) for p in policy.parameters()),
          "action std": bool(torch.isfinite(policy.log_std.exp()).all())}


def _learn(model: SB3PPO, cfg, start_steps: int, callback: _Logging) -> None:
  """model.learn; a NaN or Inf that torch's distributions refuse mid-update (a raw ValueError) becomes
  the trainer's NonFiniteError when the parameters or the action std went non-finite."""
  try:
    model.learn(total_timesteps=max(cfg.trainer.total_env_steps - start_steps, 1), callback=callback,
                reset_num_timesteps=not cfg.resume)
  except guards.TrainingDiverged:
    raise
  except ValueError as e:
    bad = guards.non_finite(_finite_flags(model))
    if not bad:
      raise
    error = guards.diverged(bad, callback.rollouts, callback.learning_rate, callback.run)
    callback.log.write(str(error), echo=False)
    raise error from e


def train(cfg, run: pathlib.Path) -> None:
  from skillbench.envs.gym_envs import SkillBenchVectorEnv
  from skillbench.training.run_config import config_summary, env_arguments, evaluate_run, skill_name, training_summary

  ppo = cfg.trainer.ppo
  torch.manual_seed(cfg.seed)
  vector = SkillBenchVectorEnv(ppo.num_envs, cfg.embodiment.name, skill_name(cfg), cfg.backend.name,
                               **env_arguments(cfg))
  venv = SkillBenchVecEnv(vector)
  venv.seed(cfg.seed)
  gamma = ppo.discount(vector.batched.env.dt)
  normalizer = VecNormalize(venv, norm_obs=True, norm_reward=False, clip_obs=CLIP, epsilon=EPS, gamma=gamma)
  model = SB3PPO(
    AsymmetricPolicy, normalizer, n_steps=ppo.unroll_length, batch_size=ppo.batch_size // ppo.num_minibatches,
    n_epochs=ppo.num_epochs, learning_rate=ppo.learning_rate, gamma=gamma, gae_lambda=ppo.gae_lambda,
    clip_range=ppo.clip_eps, clip_range_vf=ppo.clip_eps, ent_coef=ppo.entropy_coef, vf_coef=ppo.value_coef,
    max_grad_norm=ppo.max_grad_norm, target_kl=1.5 * ppo.desired_kl if ppo.adaptive_lr else None,
    policy_kwargs={"actor_hidden": ppo.actor_hidden, "critic_hidden": ppo.critic_hidden,
                   "log_std_init": float(np.log(ppo.init_std))},
    seed=cfg.seed, device="cpu", verbose=0,
  )
  env = vector.batched.env
  meta = dict(embodiment=env.embodiment.name, skill=env.skill.name,
              observation=policy_lib.observation_metadata(env), network=policy_lib.network_metadata(ppo))
  start_steps = 0
  if cfg.resume:
    path = runs.latest_checkpoint(run)
    ckpt = ckpt_lib.load(path, expect_embodiment=env.embodiment.name, expect_skill=env.skill.name,
                         expect_kind="training")
    _restore(model, normalizer, ckpt.arrays, str(path))
    start_steps = model.num_timesteps
  logger = RunLogger(run, cfg.trainer.total_env_steps, start_steps, cfg.wandb, config=config_summary(cfg))
  logger.write(f"training {env.embodiment.name} {env.skill.name} with stable-baselines3 PPO on {env.backend}, run {run}")
  try:
    with guards.StopRequest() as stop:
      callback = _Logging(run, logger, venv, normalizer, cfg.trainer.checkpoint_every, cfg.trainer.keep_checkpoints,
                          meta, stop, ppo.learning_rate)
      _learn(model, cfg, start_steps, callback)
    callback.check_finite()
    callback.rollouts += 1
    callback.save()  # after the last update: resuming from here continues the finished run
    if stop.requested:
      error = guards.interrupted(run, callback.rollouts, model.num_timesteps,
                                 runs.checkpoint_path(run, callback.rollouts))
      logger.write(str(error), echo=False)
      raise error
  finally:
    logger.close()
  policy_lib.save(run / library.FINAL_POLICY, export_policy(model, normalizer), env, ppo,
                  training=training_summary(cfg, model.num_timesteps, run), config=config_summary(cfg))
  curves.plot(run)
  if cfg.final_eval_rollouts:
    evaluate_run(run, cfg.final_eval_rollouts, cfg.final_eval_seconds, backend=cfg.backend.name)
