"""hypersweep's helper for training scripts. Zero dependencies: copy it next to your script.

    import hypersweep
    cfg = hypersweep.config()                      # this run's config (nested dicts for nested parameters)
    for epoch in range(cfg["epochs"]):
        ...
        hypersweep.log({"loss": loss, "acc": acc}, step=epoch)
    hypersweep.summary({"best_acc": best})         # optional final values

Under `hypersweep agent`, config() reads HYPERSWEEP_PARAMS_FILE and log() appends JSON lines to
HYPERSWEEP_METRICS_FILE. Elsewhere, config() parses `--k=v` / `--a.b=v` arguments and log()
prints the stdout form `@hypersweep {...}`, which an agent also reads.
"""

import json
import math
import os
import sys

__all__ = ["config", "log", "summary", "STDOUT_PREFIX"]

STDOUT_PREFIX = "@hypersweep "

_step = 0


def _parse_value(text):
    """`0.1` → 0.1, `True` → True, `None` → None, `[1,2]` → [1, 2]; anything else stays a string."""
    if text in ("True", "False"):
        return text == "True"
    if text == "None":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _config_from_argv(argv):
    cfg = {}
    for arg in argv:
        if not arg.startswith("--") or "=" not in arg:
            continue
        key, _, value = arg[2:].partition("=")
        node = cfg
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            node[parts[-1]] = _parse_value(value)
    return cfg


def config(argv=None):
    """This run's config: HYPERSWEEP_PARAMS_FILE under an agent, else `--k=v` arguments (nested by dots)."""
    path = os.environ.get("HYPERSWEEP_PARAMS_FILE")
    if path:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    return _config_from_argv(sys.argv[1:] if argv is None else argv)


def _numbers(values):
    out = {}
    for key, value in values.items():
        if isinstance(value, bool):
            value = int(value)
        if hasattr(value, "item") and callable(value.item):  # numpy / torch scalars
            try:
                value = value.item()
            except (TypeError, ValueError):
                continue
        if isinstance(value, dict):
            for sub_key, sub_value in _numbers(value).items():
                out[f"{key}.{sub_key}"] = sub_value
        elif isinstance(value, (int, float)) and math.isfinite(value):
            out[str(key)] = value
    return out


def _emit(obj):
    line = json.dumps(obj, allow_nan=False)
    path = os.environ.get("HYPERSWEEP_METRICS_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
    else:
        print(STDOUT_PREFIX + line, flush=True)


def log(metrics, step=None):
    """Record one history row. Without `step`, the row gets the next step (0, 1, 2, ...).
    Non-numeric and non-finite values are dropped; nested dicts become dotted names."""
    global _step
    row = _numbers(metrics)
    if not row:
        return
    if step is None:
        step = _step
    row["_step"] = step
    _step = max(_step, int(step) + 1)
    _emit(row)


def summary(values):
    """Record final values of the run (W&B's run summary)."""
    values = _numbers(values)
    if values:
        _emit({"_summary": values})
