"""The Q-learning arithmetic of the PyTorch learner, without launchpad_ts.

The same algorithm as the TypeScript learner (``examples/apex_dqn/q-learning.ts``):
double-DQN targets from a target network, a Huber loss weighted by importance-sampling
weights, Adam with the gradient clipped to a global norm. The network's parameters
flatten into the layout of ``examples/common/mlp.ts`` (per layer: the weights, one row per
output, then the biases), so the TypeScript actors and evaluator load them as they are.

Kept apart from ``learner.py`` so it can be checked with ``python3 -m unittest`` alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
from torch import nn

# CartPole: 4 numbers per observation, 2 actions (examples/common/cartpole.ts).
OBSERVATION_SIZE = 4
ACTION_COUNT = 2
# A packed transition (examples/apex_dqn/transition.ts): observation, action, n-step
# return, next observation, discount.
_ACTION = OBSERVATION_SIZE
_REWARD = _ACTION + 1
_NEXT = _REWARD + 1
_DISCOUNT = _NEXT + OBSERVATION_SIZE
TRANSITION_SIZE = _DISCOUNT + 1


@dataclass(frozen=True)
class Batch:
    """The fields of a batch of transitions, as tensors."""

    observations: torch.Tensor  # (n, 4) float32
    actions: torch.Tensor  # (n,) int64
    rewards: torch.Tensor  # (n,) float32
    next_observations: torch.Tensor  # (n, 4) float32
    discounts: torch.Tensor  # (n,) float32


def unpack_batch(packed: np.ndarray) -> Batch:
    """Splits an ``(n, TRANSITION_SIZE)`` float32 array of packed transitions into fields."""
    if packed.ndim != 2 or packed.shape[1] != TRANSITION_SIZE:
        raise ValueError(
            f"unpack_batch: expected an (n, {TRANSITION_SIZE}) array of packed transitions, "
            f"got shape {packed.shape}"
        )
    t = torch.from_numpy(np.ascontiguousarray(packed, dtype=np.float32))
    return Batch(
        observations=t[:, :OBSERVATION_SIZE],
        actions=t[:, _ACTION].long(),
        rewards=t[:, _REWARD],
        next_observations=t[:, _NEXT:_DISCOUNT],
        discounts=t[:, _DISCOUNT],
    )


def make_network(hidden: Sequence[int], seed: int) -> nn.Sequential:
    """A ReLU MLP from observations to Q-values, initialised as ``mlp.ts`` does.

    He-normal weights (std sqrt(2 / inputs)) and zero biases on every layer, drawn from a
    generator of its own so the same seed gives the same network whatever else ran.
    """
    sizes = [OBSERVATION_SIZE, *hidden, ACTION_COUNT]
    layers: list[nn.Module] = []
    generator = torch.Generator().manual_seed(seed)
    for index, (inputs, outputs) in enumerate(zip(sizes, sizes[1:])):
        linear = nn.Linear(inputs, outputs)
        with torch.no_grad():
            linear.weight.normal_(0.0, (2.0 / inputs) ** 0.5, generator=generator)
            linear.bias.zero_()
        layers.append(linear)
        if index < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def flat_params(net: nn.Module) -> np.ndarray:
    """The network's parameters as one float32 array in ``mlp.ts``'s layout (a copy)."""
    with torch.no_grad():
        flat = torch.cat([p.detach().reshape(-1) for p in net.parameters()])
    return flat.numpy().astype(np.float32, copy=True)


def load_flat_params(net: nn.Module, flat: np.ndarray) -> None:
    """Loads parameters in ``mlp.ts``'s layout (a checkpoint, or another learner's)."""
    expected = sum(p.numel() for p in net.parameters())
    if flat.size != expected:
        raise ValueError(f"load_flat_params: expected {expected} parameters, got {flat.size}")
    offset = 0
    with torch.no_grad():
        for p in net.parameters():
            count = p.numel()
            p.copy_(torch.from_numpy(np.asarray(flat[offset : offset + count], dtype=np.float32)).view_as(p))
            offset += count


def double_q_targets(online: nn.Module, target: nn.Module, batch: Batch) -> torch.Tensor:
    """Double-DQN targets: the online network picks the next action, the target network values it."""
    with torch.no_grad():
        best = online(batch.next_observations).argmax(dim=1, keepdim=True)
        value = target(batch.next_observations).gather(1, best).squeeze(1)
        return batch.rewards + batch.discounts * value


def td_errors(online: nn.Module, target: nn.Module, batch: Batch) -> torch.Tensor:
    """TD errors ``target − Q(s, a)`` of a batch, without a gradient step."""
    targets = double_q_targets(online, target, batch)
    with torch.no_grad():
        q = online(batch.observations).gather(1, batch.actions.unsqueeze(1)).squeeze(1)
    return targets - q


def weighted_huber_loss(q: torch.Tensor, targets: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """The mean over the batch of each item's Huber loss (δ = 1) times its importance weight."""
    per_item = nn.functional.huber_loss(q, targets, reduction="none", delta=1.0)
    return (per_item * weights).mean()


def importance_weights(table_size: np.ndarray, probability: np.ndarray, beta: float) -> torch.Tensor:
    """Prioritised replay's weights (N·P(i))^-β, normalised by the largest so they only scale down."""
    weights = (table_size.astype(np.float64) * probability.astype(np.float64)) ** -beta
    return torch.from_numpy((weights / weights.max()).astype(np.float32))


class QLearner:
    """An online network, its target network and Adam: one double-DQN step at a time."""

    def __init__(
        self,
        hidden: Sequence[int],
        seed: int,
        learning_rate: float,
        max_grad_norm: float = 10.0,
    ) -> None:
        self.online = make_network(hidden, seed)
        self.target = make_network(hidden, seed)
        self.target.load_state_dict(self.online.state_dict())
        self.optimizer = torch.optim.Adam(self.online.parameters(), lr=learning_rate)
        self.max_grad_norm = max_grad_norm

    def train_step(self, batch: Batch, weights: torch.Tensor) -> np.ndarray:
        """One gradient step on the weighted Huber loss; returns the TD errors (before the step)."""
        targets = double_q_targets(self.online, self.target, batch)
        q = self.online(batch.observations).gather(1, batch.actions.unsqueeze(1)).squeeze(1)
        loss = weighted_huber_loss(q, targets, weights)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(self.online.parameters(), self.max_grad_norm)
        self.optimizer.step()
        return (targets - q.detach()).numpy()

    def online_params(self) -> np.ndarray:
        """The online network's parameters, flat, in ``mlp.ts``'s layout (a copy)."""
        return flat_params(self.online)

    def update_target(self) -> None:
        """Copies the online network into the target network."""
        self.target.load_state_dict(self.online.state_dict())

    def loss(self, batch: Batch, weights: torch.Tensor) -> float:
        """The weighted Huber loss of a batch, without a step (for checks)."""
        targets = double_q_targets(self.online, self.target, batch)
        with torch.no_grad():
            q = self.online(batch.observations).gather(1, batch.actions.unsqueeze(1)).squeeze(1)
            return float(weighted_huber_loss(q, targets, weights))
