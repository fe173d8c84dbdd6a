"""The stand-in's errors, named as W&B names them (wandb.errors.Error, UsageError, CommError)."""


class Error(Exception):
    """Base of W&B's errors."""


class UsageError(Error):
    """The script used the API in a way W&B (or the stand-in) refuses."""


class CommError(Error):
    """Never raised by the stand-in (it talks to no server); here so `except` clauses still work."""


class ConfigError(Error):
    """A config key's value was changed without allow_val_change=True."""
