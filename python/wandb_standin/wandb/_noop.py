"""Objects that accept anything and do nothing: the accepted-and-ignored part of W&B's API
(media, tables, artifacts, plots, settings) and what an unknown attribute gives back."""

import sys

_warned = set()


class NoOp(object):
    """Any call, attribute, item, iteration or `with` works and does nothing."""

    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return NoOp()

    def __call__(self, *args, **kwargs):
        return NoOp()

    def __getitem__(self, key):
        return NoOp()

    def __setitem__(self, key, value):
        pass

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0

    def __bool__(self):
        return False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return "<%s (ignored by hypersweep's wandb stand-in)>" % type(self).__name__


def unknown(owner, name):
    """What `owner.name` gives when the stand-in lacks it: a warning (once per name) and a no-op."""
    qualified = "%s.%s" % (owner, name)
    if qualified not in _warned:
        _warned.add(qualified)
        print("wandb: WARNING hypersweep's wandb stand-in has no %s; it does nothing here and the script goes on" % qualified, file=sys.stderr, flush=True)
    return NoOp()
