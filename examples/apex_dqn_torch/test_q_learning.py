"""Checks of the PyTorch learner's arithmetic, without a launch.

Run: ``/usr/bin/python3 -m unittest discover -s examples/apex_dqn_torch`` (an interpreter
with torch and numpy; Debian: python3-torch).
"""

from __future__ import annotations

import unittest

import numpy as np
import torch

from q_learning import (
    ACTION_COUNT,
    OBSERVATION_SIZE,
    TRANSITION_SIZE,
    QLearner,
    double_q_targets,
    flat_params,
    importance_weights,
    load_flat_params,
    make_network,
    unpack_batch,
)


def mlp_ts_forward(flat: np.ndarray, sizes: list[int], x: np.ndarray) -> np.ndarray:
    """``examples/common/mlp.ts``'s forward pass, read off its layout, in numpy."""
    offset = 0
    for layer, (inputs, outputs) in enumerate(zip(sizes, sizes[1:])):
        weights = flat[offset : offset + inputs * outputs].reshape(outputs, inputs)
        biases = flat[offset + inputs * outputs : offset + (inputs + 1) * outputs]
        offset += (inputs + 1) * outputs
        x = x @ weights.T + biases
        if layer < len(sizes) - 2:
            x = np.maximum(x, 0)
    return x


def fixed_batch(n: int, seed: int) -> np.ndarray:
    """Random packed transitions: CartPole-sized observations, rewards as n-step returns."""
    rng = np.random.default_rng(seed)
    packed = np.zeros((n, TRANSITION_SIZE), dtype=np.float32)
    packed[:, :OBSERVATION_SIZE] = rng.normal(0, 0.5, (n, OBSERVATION_SIZE))
    packed[:, OBSERVATION_SIZE] = rng.integers(0, ACTION_COUNT, n)
    packed[:, OBSERVATION_SIZE + 1] = rng.uniform(1, 3, n)
    packed[:, OBSERVATION_SIZE + 2 : 2 * OBSERVATION_SIZE + 2] = rng.normal(0, 0.5, (n, OBSERVATION_SIZE))
    # Some episodes ended (discount 0); the others bootstrap 3 steps on.
    packed[:, -1] = np.where(np.arange(n) % 5 == 0, 0.0, 0.99**3)
    return packed


class QLearningTest(unittest.TestCase):
    def setUp(self) -> None:
        torch.set_num_threads(1)

    def test_flat_parameters_are_in_the_typescript_mlp_layout(self) -> None:
        net = make_network([64, 64], seed=5)
        flat = flat_params(net)
        self.assertEqual(flat.dtype, np.float32)
        self.assertEqual(flat.size, 64 * 5 + 64 * 65 + 2 * 65)
        x = np.random.default_rng(0).normal(size=(7, OBSERVATION_SIZE)).astype(np.float32)
        expected = mlp_ts_forward(flat, [OBSERVATION_SIZE, 64, 64, ACTION_COUNT], x)
        with torch.no_grad():
            actual = net(torch.from_numpy(x)).numpy()
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5)

    def test_loading_flat_parameters_round_trips(self) -> None:
        source = make_network([16], seed=1)
        copy = make_network([16], seed=2)
        self.assertFalse(np.array_equal(flat_params(source), flat_params(copy)))
        load_flat_params(copy, flat_params(source))
        np.testing.assert_array_equal(flat_params(copy), flat_params(source))
        with self.assertRaisesRegex(ValueError, "expected 114 parameters, got 3"):
            load_flat_params(copy, np.zeros(3, dtype=np.float32))

    def test_initialisation_is_seeded_and_he_normal_with_zero_biases(self) -> None:
        a = make_network([64, 64], seed=7)
        b = make_network([64, 64], seed=7)
        np.testing.assert_array_equal(flat_params(a), flat_params(b))
        self.assertFalse(np.array_equal(flat_params(a), flat_params(make_network([64, 64], seed=8))))
        hidden = a[2]
        self.assertAlmostEqual(float(hidden.weight.std()), (2 / 64) ** 0.5, delta=0.01)
        self.assertEqual(float(hidden.bias.abs().sum()), 0.0)

    def test_unpack_reads_the_typescript_transition_layout(self) -> None:
        packed = np.arange(2 * TRANSITION_SIZE, dtype=np.float32).reshape(2, TRANSITION_SIZE)
        packed[:, 4] = [1, 0]
        batch = unpack_batch(packed)
        np.testing.assert_array_equal(batch.observations.numpy(), packed[:, 0:4])
        np.testing.assert_array_equal(batch.actions.numpy(), [1, 0])
        np.testing.assert_array_equal(batch.rewards.numpy(), packed[:, 5])
        np.testing.assert_array_equal(batch.next_observations.numpy(), packed[:, 6:10])
        np.testing.assert_array_equal(batch.discounts.numpy(), packed[:, 10])
        with self.assertRaisesRegex(ValueError, r"expected an \(n, 11\) array"):
            unpack_batch(np.zeros((2, 10), dtype=np.float32))

    def test_double_q_targets_take_the_online_action_at_the_target_value(self) -> None:
        learner = QLearner([8], seed=3, learning_rate=1e-3)
        packed = fixed_batch(16, seed=4)
        batch = unpack_batch(packed)
        # The target network is another network: the online one was trained since.
        learner.online = make_network([8], seed=13)
        targets = double_q_targets(learner.online, learner.target, batch).numpy()
        with torch.no_grad():
            online_next = learner.online(batch.next_observations).numpy()
            target_next = learner.target(batch.next_observations).numpy()
        best = online_next.argmax(axis=1)
        # Not what the target network would pick everywhere, or the test shows nothing.
        self.assertTrue((best != target_next.argmax(axis=1)).any())
        expected = packed[:, 5] + packed[:, 10] * target_next[np.arange(16), best]
        np.testing.assert_allclose(targets, expected, rtol=1e-6)
        # A terminated transition's target is its return alone.
        ended = packed[:, 10] == 0
        self.assertTrue(ended.any())
        np.testing.assert_allclose(targets[ended], packed[ended, 5], rtol=1e-6)

    def test_importance_weights_only_scale_down(self) -> None:
        weights = importance_weights(np.array([100, 100, 100]), np.array([0.01, 0.02, 0.04]), 0.4).numpy()
        self.assertAlmostEqual(float(weights.max()), 1.0)
        # The rarest item is sampled least, so it weighs most.
        self.assertEqual(int(weights.argmax()), 0)
        self.assertAlmostEqual(float(weights[2]), 4**-0.4, places=6)

    def test_a_few_steps_lower_the_td_loss_on_a_fixed_batch(self) -> None:
        learner = QLearner([64, 64], seed=11, learning_rate=1e-3)
        batch = unpack_batch(fixed_batch(64, seed=12))
        weights = torch.ones(64)
        before = learner.loss(batch, weights)
        errors = learner.train_step(batch, weights)
        self.assertEqual(errors.shape, (64,))
        for _ in range(19):
            learner.train_step(batch, weights)
        after = learner.loss(batch, weights)
        self.assertGreater(before, 0.5)
        self.assertLess(after, before * 0.5)

    def test_training_is_reproducible_from_the_seed(self) -> None:
        def train() -> np.ndarray:
            learner = QLearner([32], seed=5, learning_rate=1e-3)
            batch = unpack_batch(fixed_batch(32, seed=6))
            for _ in range(5):
                learner.train_step(batch, torch.ones(32))
            return learner.online_params()

        np.testing.assert_array_equal(train(), train())

    def test_update_target_copies_the_online_network(self) -> None:
        learner = QLearner([8], seed=9, learning_rate=1e-2)
        batch = unpack_batch(fixed_batch(32, seed=10))
        learner.train_step(batch, torch.ones(32))
        self.assertFalse(np.array_equal(flat_params(learner.target), learner.online_params()))
        learner.update_target()
        np.testing.assert_array_equal(flat_params(learner.target), learner.online_params())


if __name__ == "__main__":
    unittest.main()
