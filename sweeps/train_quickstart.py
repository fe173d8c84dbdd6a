"""A small neural network that really trains, in a couple of seconds, with no dependencies.

Two interleaved spirals (generated here, seeded: nothing is downloaded), a one-hidden-layer
tanh network trained by minibatch SGD with momentum and weight decay. Logs the validation
loss and accuracy after every epoch through the hypersweep helper, so early termination can
judge the run while it trains.
"""
import math
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import hypersweep  # noqa: E402


def spirals(n, noise, rng):
    points = []
    for i in range(n):
        label = i % 2
        t = 0.25 + 2.75 * math.pi * rng.random()
        r = t / (3 * math.pi)
        sign = 1 if label == 0 else -1
        x = sign * r * math.cos(t) + rng.gauss(0, noise)
        y = sign * r * math.sin(t) + rng.gauss(0, noise)
        points.append(((x * 2.0, y * 2.0), label))
    return points


def main():
    cfg = hypersweep.config()
    lr = float(cfg.get("lr", 0.1))
    hidden = int(cfg.get("hidden", 16))
    weight_decay = float(cfg.get("weight_decay", 1e-4))
    momentum = float(cfg.get("momentum", 0.9))
    batch_size = int(cfg.get("batch_size", 32))
    epochs = int(cfg.get("epochs", 27))

    data_rng = random.Random(1234)  # the same data for every run
    train = spirals(3000, 0.04, data_rng)
    val = spirals(600, 0.04, data_rng)

    rng = random.Random(int(cfg.get("seed", 0)))
    scale1 = math.sqrt(1.0 / 2)
    w1 = [[rng.gauss(0, scale1) for _ in range(2)] for _ in range(hidden)]
    b1 = [0.0] * hidden
    scale2 = math.sqrt(1.0 / hidden)
    w2 = [rng.gauss(0, scale2) for _ in range(hidden)]
    b2 = 0.0
    vw1 = [[0.0, 0.0] for _ in range(hidden)]
    vb1 = [0.0] * hidden
    vw2 = [0.0] * hidden
    vb2 = 0.0

    def forward(x):
        h = [math.tanh(w1[j][0] * x[0] + w1[j][1] * x[1] + b1[j]) for j in range(hidden)]
        z = sum(w2[j] * h[j] for j in range(hidden)) + b2
        z = max(-30.0, min(30.0, z))
        return h, 1.0 / (1.0 + math.exp(-z))

    for epoch in range(1, epochs + 1):
        rng.shuffle(train)
        for start in range(0, len(train), batch_size):
            batch = train[start : start + batch_size]
            gw1 = [[0.0, 0.0] for _ in range(hidden)]
            gb1 = [0.0] * hidden
            gw2 = [0.0] * hidden
            gb2 = 0.0
            for x, label in batch:
                h, p = forward(x)
                dz = p - label
                gb2 += dz
                for j in range(hidden):
                    gw2[j] += dz * h[j]
                    dh = dz * w2[j] * (1 - h[j] * h[j])
                    gw1[j][0] += dh * x[0]
                    gw1[j][1] += dh * x[1]
                    gb1[j] += dh
            m = len(batch)
            for j in range(hidden):
                vw2[j] = momentum * vw2[j] - lr * (gw2[j] / m + weight_decay * w2[j])
                w2[j] += vw2[j]
                for k in range(2):
                    vw1[j][k] = momentum * vw1[j][k] - lr * (gw1[j][k] / m + weight_decay * w1[j][k])
                    w1[j][k] += vw1[j][k]
                vb1[j] = momentum * vb1[j] - lr * gb1[j] / m
                b1[j] += vb1[j]
            vb2 = momentum * vb2 - lr * gb2 / m
            b2 += vb2

        loss = 0.0
        correct = 0
        for x, label in val:
            _, p = forward(x)
            p = min(max(p, 1e-7), 1 - 1e-7)
            loss -= label * math.log(p) + (1 - label) * math.log(1 - p)
            correct += int((p >= 0.5) == (label == 1))
        hypersweep.log({"val_loss": loss / len(val), "val_acc": correct / len(val)}, step=epoch)


if __name__ == "__main__":
    main()
