"""The stand-in's `wandb.sdk`: just the names framework integrations import at run time."""
