"""`run.config` / `wandb.config` with W&B's rules (wandb/sdk/wandb_config.py).

- `init(config=defaults)` is applied first; the sweep's values are then merged over it and locked
  by the user "sweep" (nested dicts merged key by key, as W&B's merge_locked does).
- A later `update`, `config.k = v` or `config["k"] = v` on a locked key is ignored with W&B's
  warning, also with allow_val_change=True (W&B's code checks the lock first; its docs suggest
  otherwise: we follow the code).
- Changing an unlocked key's value needs allow_val_change=True (else ConfigError), as in W&B;
  `setdefaults` adds only missing keys. Keys are stripped of leading/trailing `-`.
"""

from collections.abc import Mapping

from .errors import ConfigError, UsageError

_SWEEP = "sweep"


def to_dict(params):
    """A dict from what W&B's parse_config accepts: a mapping, argparse/absl flags, an object."""
    if params is None:
        return {}
    if isinstance(params, Mapping):
        return dict(params)
    flag_values = getattr(params, "flag_values_dict", None)
    if callable(flag_values):
        return dict(flag_values())
    if hasattr(params, "__dict__"):
        return {k: v for k, v in vars(params).items() if not k.startswith("_")}
    return dict(params)


def parse_config(params, exclude=None, include=None):
    if exclude and include:
        raise UsageError("Expected at most only one of exclude or include")
    out = to_dict(params)
    if exclude:
        out = {k: v for k, v in out.items() if k not in exclude}
    if include:
        out = {k: v for k, v in out.items() if k in include}
    return out


def _merge(base, extra):
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _plain(value):
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    tolist = getattr(value, "tolist", None)  # numpy scalars and arrays
    if callable(tolist) and not isinstance(value, (str, bytes)):
        try:
            return tolist()
        except (TypeError, ValueError):
            return value
    return value


class Config(object):
    """A run's config: attribute and item access, nested parameters as plain dicts."""

    def __init__(self):
        object.__setattr__(self, "_items", {})
        object.__setattr__(self, "_locked", {})

    # --- W&B's internal entry points
    def _update(self, d, allow_val_change=None, ignore_locked=None):
        parsed = parse_config(d)
        out = {}
        for key, value in parsed.items():
            key = str(key).strip("-")
            if self._check_locked(key, ignore_locked):
                continue
            out[key] = self._sanitize(key, value, allow_val_change)
        self._items.update(out)
        return out

    def merge_locked(self, d, user=_SWEEP):
        """Merge `d` over the config and lock its keys (how the sweep's values arrive)."""
        for key, value in d.items():
            key = str(key).strip("-")
            value = _plain(value)
            self._locked[key] = user
            current = self._items.get(key)
            self._items[key] = _merge(current, value) if isinstance(current, dict) and isinstance(value, dict) else value

    def _check_locked(self, key, ignore_locked=False):
        user = self._locked.get(key)
        if user is None:
            return False
        if not ignore_locked:
            from . import termwarn

            termwarn("Config item '%s' was locked by '%s' (ignored update)." % (key, user))
        return True

    def _sanitize(self, key, value, allow_val_change=None):
        value = _plain(value)
        if not allow_val_change and key in self._items and value != self._items[key]:
            raise ConfigError(
                'Attempted to change value of key "%s" from %s to %s\n'
                "If you really want to do this, pass allow_val_change=True to config.update()" % (key, self._items[key], value)
            )
        return value

    # --- the public API
    def update(self, d, allow_val_change=None):
        self._update(d, allow_val_change)

    def setdefaults(self, d):
        parsed = {str(k).strip("-"): v for k, v in parse_config(d).items()}
        for key, value in parsed.items():
            if key not in self._items:
                self._items[key] = _plain(value)

    def as_dict(self):
        return dict(self.items())

    def keys(self):
        return [k for k in self._items if not k.startswith("_")]

    def items(self):
        return [(k, v) for k, v in self._items.items() if not k.startswith("_")]

    def values(self):
        return [v for _, v in self.items()]

    def get(self, *args):
        return self._items.get(*args)

    def persist(self):
        pass

    def __getitem__(self, key):
        return self._items[key]

    def __setitem__(self, key, value):
        key = str(key).strip("-")
        if self._check_locked(key):
            return
        self._items[key] = self._sanitize(key, value)

    __setattr__ = __setitem__

    def __getattr__(self, key):
        if key.startswith("__") and key.endswith("__"):
            raise AttributeError(key)
        try:
            return self._items[key]
        except KeyError:
            raise AttributeError("%r object has no attribute %r" % (type(self), key)) from None

    def __contains__(self, key):
        return key in self._items

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self.keys())

    def __repr__(self):
        return repr(self.as_dict())


class PreInit(object):
    """`wandb.config` / `wandb.summary` before `wandb.init()`: any use says to call init first."""

    def __init__(self, name):
        object.__setattr__(self, "_name", name)

    def _refuse(self, what):
        from .errors import Error

        raise Error("You must call wandb.init() before %s%s" % (self._name, what))

    def __getattr__(self, key):
        if key.startswith("__") and key.endswith("__"):
            raise AttributeError(key)
        self._refuse("." + key)

    def __getitem__(self, key):
        self._refuse("[%r]" % (key,))

    def __setitem__(self, key, value):
        self._refuse("[%r]" % (key,))

    def __setattr__(self, key, value):
        self._refuse("." + key)

    def __repr__(self):
        return "<%s: call wandb.init() first>" % self._name


__all__ = ["Config", "PreInit", "parse_config"]
