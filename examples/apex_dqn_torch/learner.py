"""The Ape-X learner in PyTorch, as a Python node of the TypeScript program.

It serves what the TypeScript actors and evaluator call (``LearnerApi`` in
``examples/apex_dqn/learner-api.ts``): ``fetchVariables``, ``steps``, ``waitForSteps`` and
``restoredFrom``; its ``run()`` samples prioritised batches from the TypeScript replay
node, takes double-DQN steps (``q_learning.py``), sends new priorities back and publishes
the online network every ``publishPeriod`` steps. The hyper-parameters are the TypeScript
learner's (``examples/apex_dqn/config.ts``), passed in as ``config``. It checkpoints to
``<workdir>/apex_dqn_torch/`` every ``checkpointEveryMs`` and at stop, and a restarted
learner resumes from there.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any

import numpy as np

import launchpad_ts as lp

try:
    import torch
except ImportError as missing:
    raise ImportError(
        f"The PyTorch learner (examples/apex_dqn_torch/learner.py) needs torch, which "
        f"{sys.executable} cannot import ({missing}). Install it (Debian: apt-get install "
        f"python3-torch) or launch with an interpreter that has it: --lp_python=/usr/bin/python3."
    ) from missing

# launchpad_ts puts this file's folder on sys.path, so its sibling imports as in a script.
from q_learning import QLearner, importance_weights, unpack_batch  # noqa: E402

TABLE = "transitions"
# Sample calls kept in flight, so the next batch is on its way while this one trains.
SAMPLES_IN_FLIGHT = 2
PRIORITY_FLOOR = 1e-3


class Learner:
    """Trains the Q-network from replay and publishes it to the actors and the evaluator."""

    def __init__(self, replay: Any, config: dict[str, Any]) -> None:
        # Two cores shared by every node: one thread per op is the fastest for a network
        # this small, and leaves the other core to the actors and replay.
        torch.set_num_threads(1)
        self.replay = replay
        self.config = config
        seed = int(config["seed"])
        torch.manual_seed(seed)
        self.q = QLearner(
            hidden=[int(h) for h in config["hidden"]],
            seed=seed * 7_919 + 17,
            learning_rate=float(config["learningRate"]),
        )
        self._steps = 0
        self._stepped = threading.Condition()
        self._version = 0
        self._published: dict[str, Any] | None = None
        folder = os.path.join(lp.context().workdir, "apex_dqn_torch")
        os.makedirs(folder, exist_ok=True)
        self._checkpoint_path = os.path.join(folder, "learner.pt")
        self._version_path = os.path.join(folder, "learner.version")
        self._restored_from: str | None = None
        self._restore()
        self._publish()

    # What the TypeScript nodes call (LearnerApi).

    def fetchVariables(self, sinceVersion: int) -> dict[str, Any] | None:  # noqa: N802, N803
        """The latest parameters ``{version, values: {params}}`` when newer than ``sinceVersion``."""
        published = self._published
        if published is None or published["version"] <= sinceVersion:
            return None
        return published

    def steps(self) -> int:
        """Learner steps taken."""
        return self._steps

    def waitForSteps(self, steps: int) -> int:  # noqa: N802
        """Returns once the learner has taken ``steps`` steps (for step-budgeted runs and tests)."""
        with self._stepped:
            self._stepped.wait_for(lambda: self._steps >= steps or lp.stop_requested())
            return self._steps

    def restoredFrom(self) -> str | None:  # noqa: N802
        """The checkpoint this learner was restored from, if any."""
        return self._restored_from

    # Training.

    def run(self) -> None:
        """Trains until the program stops."""
        niceness = int(self.config.get("learnerNiceness", 0))
        if niceness > 0:
            os.nice(niceness)
        batch_size = int(self.config["batchSize"])
        beta = float(self.config["importanceExponent"])
        target_period = int(self.config["targetPeriod"])
        publish_period = int(self.config["publishPeriod"])
        checkpoint_every = float(self.config["checkpointEveryMs"]) / 1000
        last_checkpoint = time.monotonic()
        pending = [self.replay.sample.future(TABLE, batch_size) for _ in range(SAMPLES_IN_FLIGHT)]
        try:
            while not lp.stop_requested():
                items = pending.pop(0).result()
                pending.append(self.replay.sample.future(TABLE, batch_size))
                packed = np.stack([item["data"] for item in items])
                weights = importance_weights(
                    np.array([item["tableSize"] for item in items]),
                    np.array([item["probability"] for item in items]),
                    beta,
                )
                errors = self.q.train_step(unpack_batch(packed), weights)
                updates = [
                    [item["key"], float(abs(error)) + PRIORITY_FLOOR]
                    for item, error in zip(items, errors)
                ]
                # Not waited for: a late priority only delays a priority, and the next
                # batch is already on its way.
                self.replay.updatePriorities.future(TABLE, updates)
                self._steps += 1
                if self._steps % target_period == 0:
                    self.q.update_target()
                if self._steps % publish_period == 0:
                    self._publish()
                with self._stepped:
                    self._stepped.notify_all()
                if time.monotonic() - last_checkpoint >= checkpoint_every:
                    self._checkpoint()
                    last_checkpoint = time.monotonic()
        except Exception:
            # Sample calls waiting on the rate limiter are cancelled when the program stops,
            # and replay may hear of the stop a moment before this node does.
            if not lp.wait_for_stop(5.0):
                raise
        finally:
            for future in pending:
                future.cancel()
            self._checkpoint()
            with self._stepped:
                self._stepped.notify_all()

    def _publish(self) -> None:
        self._version += 1
        # Readers fetch only versions newer than theirs, so a restarted learner must go on
        # from the last version it published, which may be later than its checkpoint:
        # the number is written at each publication (a few bytes, every 50 steps).
        temporary = self._version_path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as file:
            file.write(str(self._version))
        os.replace(temporary, self._version_path)
        # A new dict each time: readers on other threads hold the old one whole.
        self._published = {"version": self._version, "values": {"params": self.q.online_params()}}

    def _checkpoint(self) -> None:
        state = {
            "online": self.q.online.state_dict(),
            "target": self.q.target.state_dict(),
            "optimizer": self.q.optimizer.state_dict(),
            "steps": self._steps,
        }
        # Written whole, then renamed: a learner killed mid-write restores the previous one.
        temporary = self._checkpoint_path + ".tmp"
        torch.save(state, temporary)
        os.replace(temporary, self._checkpoint_path)

    def _restore(self) -> None:
        # A restarted learner (or a new launch in the same workdir) goes on from its checkpoint.
        if os.path.exists(self._version_path):
            with open(self._version_path, encoding="utf-8") as file:
                self._version = int(file.read())
        if not os.path.exists(self._checkpoint_path):
            return
        state = torch.load(self._checkpoint_path)
        self.q.online.load_state_dict(state["online"])
        self.q.target.load_state_dict(state["target"])
        self.q.optimizer.load_state_dict(state["optimizer"])
        self._steps = int(state["steps"])
        self._restored_from = self._checkpoint_path
