"""A stand-in training script for the example sweeps: takes any config, "trains" for a few
epochs and logs a loss curve whose floor depends on the config, so every method, nested
parameters and early termination can be tried in seconds without a dataset.

It reads its config the W&B way too: run it as `python3 sweeps/train.py --lr=0.01 --layers=3`.
Replace it with your own script; keep the `hypersweep.log(...)` line.
"""
import hashlib
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import hypersweep  # noqa: E402


def leaves(cfg, prefix=""):
    for key, value in sorted(cfg.items()):
        if isinstance(value, dict):
            yield from leaves(value, prefix + key + ".")
        else:
            yield prefix + key, value


def penalty(name, value):
    """How far a value is from what this toy problem likes, in [0, 1]."""
    if isinstance(value, bool):
        return 0.0 if value else 0.2
    if isinstance(value, (int, float)):
        if value > 0:
            # the best learning rate is 1e-2, the best size 128: distance in log-space
            target = 1e-2 if value < 1 else 128.0
            return min(1.0, abs(math.log10(value / target)) / 3)
        return min(1.0, abs(value) / 10)
    # categorical strings: a stable, arbitrary preference
    return int(hashlib.sha256(f"{name}={value}".encode()).hexdigest()[:2], 16) / 255


def main():
    cfg = hypersweep.config()
    items = list(leaves(cfg))
    floor = 0.05 + sum(penalty(n, v) for n, v in items) / max(1, len(items))
    # a second objective that pulls the other way: bigger sizes are slower (sweeps/objectives.yaml)
    latency_ms = 5 + sum(v for _, v in items if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 1) / 8
    epochs = int(cfg.get("epochs", 12)) if isinstance(cfg.get("epochs", 12), (int, float)) else 12
    print("config:", json.dumps(cfg, sort_keys=True), flush=True)
    for epoch in range(1, epochs + 1):
        time.sleep(0.02)
        val_loss = floor + math.exp(-epoch / 3)
        hypersweep.log({"loss": val_loss * 0.9, "val_loss": val_loss, "val_accuracy": 1 - val_loss / 2, "score": -val_loss, "latency_ms": latency_ms}, step=epoch)


if __name__ == "__main__":
    main()
