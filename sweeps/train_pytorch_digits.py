"""A small PyTorch network on scikit-learn's handwritten digits (8x8 images, bundled: no download),
written the way W&B's docs teach: `wandb.init(config=defaults)`, `wandb.config`, `wandb.log`,
`run.summary`, `run.finish()`. Nothing here knows about hypersweep.

    python3 sweeps/train_pytorch_digits.py          # one run with the defaults
    npx hypersweep run sweeps/pytorch-digits.yaml   # the sweep (bayes + hyperband)

Runs on `cuda` when there is one, else on one CPU thread.
"""

import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

import wandb

DEFAULTS = {
    "lr": 0.01,
    "hidden": 64,
    "dropout": 0.2,
    "batch_size": 32,
    "optimizer": "adam",
    "epochs": 27,
}


def load(device):
    images, labels = load_digits(return_X_y=True)
    x_train, x_val, y_train, y_val = train_test_split(images / 16.0, labels, test_size=0.3, random_state=0, stratify=labels)

    def as_tensors(x, y):
        return torch.tensor(x, dtype=torch.float32, device=device), torch.tensor(y, dtype=torch.long, device=device)

    return as_tensors(x_train, y_train), as_tensors(x_val, y_val)


def build(config, device):
    model = nn.Sequential(
        nn.Linear(64, config.hidden),
        nn.ReLU(),
        nn.Dropout(config.dropout),
        nn.Linear(config.hidden, config.hidden),
        nn.ReLU(),
        nn.Dropout(config.dropout),
        nn.Linear(config.hidden, 10),
    ).to(device)
    if config.optimizer == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=0.9)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    return model, optimizer


def train_epoch(model, optimizer, x, y, batch_size):
    model.train()
    order = torch.randperm(len(x), device=x.device)
    total = 0.0
    for start in range(0, len(x), batch_size):
        batch = order[start:start + batch_size]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x[batch]), y[batch])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(batch)
    return total / len(x)


@torch.no_grad()
def evaluate(model, x, y):
    model.eval()
    logits = model(x)
    return F.cross_entropy(logits, y).item(), (logits.argmax(dim=1) == y).float().mean().item()


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    run = wandb.init(project="pytorch-digits", config=DEFAULTS)
    config = wandb.config
    (x_train, y_train), (x_val, y_val) = load(device)
    model, optimizer = build(config, device)
    wandb.watch(model, log="gradients", log_freq=100)

    best_acc = 0.0
    for epoch in range(config.epochs):
        train_loss = train_epoch(model, optimizer, x_train, y_train, config.batch_size)
        val_loss, val_acc = evaluate(model, x_val, y_val)
        wandb.log({"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss, "val_acc": val_acc})
        best_acc = max(best_acc, val_acc)

    run.summary["best_val_acc"] = best_acc
    run.finish()


if __name__ == "__main__":
    main()
