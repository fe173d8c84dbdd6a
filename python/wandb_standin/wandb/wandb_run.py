"""`from wandb.wandb_run import Run` (PyTorch Lightning's WandbLogger, isinstance checks)."""
from ._run import Run

__all__ = ["Run"]
