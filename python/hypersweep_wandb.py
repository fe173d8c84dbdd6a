"""W&B's history and summary rules, shared by hypersweep's `wandb` stand-in (python/wandb_standin)
and the hook that mirrors the real package (python/wandb_hook). Rows and summaries reach the agent
through hypersweep's own writer (hypersweep._emit: the metrics file under an agent).

The step rules are those of W&B's handler (handle_request_partial_history, _flush_partial_history):
- `log(d)` and `log(d, commit=True)`: `d` joins the current row, which is written at the current
  step; the step then advances by one.
- `log(d, commit=False)`: `d` joins the current row; nothing is written yet.
- `log(d, step=n)`: n lower than the current step: dropped, with a warning. n higher: the current
  row is written first, then the step becomes n. Without `commit=True` the row stays open until a
  later step, a commit, or finish.
- A row holding only non-numbers (media, tables, strings) still takes a step, as in W&B, but
  sends nothing to hypersweep. Nested dicts are flattened with `/` (`{"val": {"acc": 1}}` →
  `val/acc`); bools become 0/1; numpy and torch scalars their value; NaN and infinities are dropped.

The summary follows W&B's: each key's last logged value, unless `define_metric(key, summary=...)`
asks for min, max, mean, first, last, best (with goal) or none; explicit summary values are sent at
once, the rest when the run finishes.
"""

import fnmatch
import math
import sys
from collections.abc import Mapping

import hypersweep

__all__ = ["History", "scalars", "warn"]

_AGGREGATIONS = ("min", "max", "mean", "first", "last", "best", "none")


def warn(message):
    """A warning on stderr, in W&B's form."""
    print("wandb: WARNING " + message, file=sys.stderr, flush=True)


def _number(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else None
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, Mapping):
        try:
            value = item()  # numpy / torch scalars; arrays of several values raise
        except (TypeError, ValueError, RuntimeError):
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, (int, float)) and math.isfinite(value):
            return value
    return None


def scalars(data, prefix=""):
    """The finite numbers of `data`, nested mappings flattened with `/`."""
    out = {}
    for key, value in data.items():
        name = prefix + str(key)
        if isinstance(value, Mapping):
            out.update(scalars(value, name + "/"))
            continue
        number = _number(value)
        if number is not None:
            out[name] = number
    return out


class _Stats(object):
    __slots__ = ("first", "last", "min", "max", "total", "count")

    def __init__(self, value):
        self.first = self.last = self.min = self.max = value
        self.total = value
        self.count = 1

    def add(self, value):
        self.last = value
        self.min = min(self.min, value)
        self.max = max(self.max, value)
        self.total += value
        self.count += 1


class History(object):
    """One run's history under W&B's step rules; writes through `emit` (hypersweep's writer)."""

    def __init__(self, emit=None):
        self._emit = emit or hypersweep._emit
        self.step = 0
        self._row = {}
        self._row_open = False
        self._stats = {}
        self._metrics = []  # (pattern, summary aggregations, goal)
        self._explicit = {}
        self._dropped_warned = False
        self._dirty = False  # something changed since the last finish()

    def log(self, data, step=None, commit=None):
        """One `run.log(data, step, commit)` call."""
        if not isinstance(data, Mapping):
            raise ValueError("wandb.log must be passed a dictionary")
        if any(not isinstance(key, str) for key in data.keys()):
            raise ValueError("Key values passed to `wandb.log` must be strings.")
        if step is not None:
            step = int(step)
            if step < self.step:
                if not self._dropped_warned:
                    warn("Step only supports monotonically increasing values, use define_metric to set a custom x axis.")
                    self._dropped_warned = True
                warn("(User provided step: %d is less than current step: %d. Dropping entry: %r)." % (step, self.step, dict(data)))
                return
            if step > self.step:
                self.flush()
                self.step = step
        elif commit is None:
            commit = True
        if data:
            self._row.update(scalars(data))
            self._row_open = True
        if commit:
            self.flush()

    def flush(self):
        """Writes the open row at the current step and advances the step (W&B's _flush_partial_history)."""
        if not self._row_open:
            return
        row, self._row, self._row_open = self._row, {}, False
        for key, value in row.items():
            self._explicit.pop(key, None)  # a logged value replaces an explicit one, as in W&B
            stats = self._stats.get(key)
            if stats is None:
                self._stats[key] = _Stats(value)
            else:
                stats.add(value)
        if row:
            row["_step"] = self.step
            self._emit(row)
            self._dirty = True
        self.step += 1

    def define_metric(self, name, summary=None, goal=None):
        """Records `summary=` ("min", "max", "min,max", ...) and `goal=` for `name` (a glob ending in `*` allowed)."""
        if not summary:
            return
        wanted = tuple(part.strip() for part in str(summary).split(",") if part.strip())
        unknown = [part for part in wanted if part not in _AGGREGATIONS]
        if unknown:
            warn("define_metric(%r): unknown summary %s (known: %s)" % (name, ", ".join(unknown), ", ".join(_AGGREGATIONS)))
            wanted = tuple(part for part in wanted if part in _AGGREGATIONS)
            if not wanted:
                return
        goal = {"min": "minimize", "max": "maximize"}.get(goal, goal)
        self._metrics.insert(0, (str(name), wanted, goal))
        self._dirty = True

    def _definition(self, key):
        for pattern, wanted, goal in self._metrics:
            if pattern == key or ("*" in pattern and fnmatch.fnmatchcase(key, pattern)):
                return wanted, goal
        return None, None

    def set_summary(self, values):
        """Explicit `run.summary[k] = v` / `run.summary.update(d)`: sent at once (numbers only)."""
        numbers = scalars(values)
        self._explicit.update(numbers)
        if numbers:
            self._emit({"_summary": numbers})
            self._dirty = True

    def summary(self):
        """The run's summary as W&B computes it: history-derived values, then explicit ones."""
        out = {}
        for key, stats in self._stats.items():
            wanted, goal = self._definition(key)
            if wanted is None:
                out[key] = stats.last
                continue
            values = {}
            for agg in wanted:
                if agg == "mean":
                    values[agg] = stats.total / stats.count
                elif agg == "best":
                    values[agg] = stats.max if goal == "maximize" else stats.min
                elif agg != "none":
                    values[agg] = getattr(stats, agg)
            if len(values) == 1:
                out[key] = next(iter(values.values()))
            else:
                for agg, value in values.items():
                    out[key + "." + agg] = value
        out.update(self._explicit)
        return out

    def finish(self):
        """Writes the open row and the whole summary (once: a second call without news writes nothing)."""
        self.flush()
        if not self._dirty:
            return
        self._dirty = False
        summary = self.summary()
        if summary:
            self._emit({"_summary": summary})
