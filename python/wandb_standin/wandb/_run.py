"""The stand-in's Run: config, log, summary, define_metric, finish, alert, with W&B's semantics.
History and summary rules live in python/hypersweep_wandb.py (shared with the hook)."""

import json
import os
import random
import string
import time
from collections.abc import Mapping

import hypersweep_wandb

from . import _noop
from ._config import Config


class Summary(object):
    """`run.summary`: item and attribute access; every write reaches hypersweep at once."""

    def __init__(self, history):
        object.__setattr__(self, "_history", history)

    def _as_dict(self):
        return self._history.summary()

    def update(self, d):
        self._history.set_summary(dict(d) if isinstance(d, Mapping) else vars(d))

    def __setitem__(self, key, value):
        self.update({key: value})

    __setattr__ = __setitem__

    def __getitem__(self, key):
        return self._as_dict()[key]

    def __getattr__(self, key):
        if key.startswith("__") and key.endswith("__"):
            raise AttributeError(key)
        try:
            return self._as_dict()[key]
        except KeyError:
            raise AttributeError(key) from None

    def get(self, key, default=None):
        return self._as_dict().get(key, default)

    def keys(self):
        return list(self._as_dict().keys())

    def items(self):
        return list(self._as_dict().items())

    def __contains__(self, key):
        return key in self._as_dict()

    def __iter__(self):
        return iter(self.keys())

    def __repr__(self):
        return repr(self._as_dict())


def _random_id():
    return "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(8))


class Run(object):
    """One run of a training script. Create it with `wandb.init()`."""

    def __init__(self, config=None, project=None, entity=None, name=None, group=None, job_type=None, tags=None, notes=None, dir=None, id=None, config_exclude_keys=None, config_include_keys=None, allow_val_change=None):
        from ._config import parse_config

        env = os.environ
        self._history = hypersweep_wandb.History()
        self._finished = False
        self._dir_root = dir or env.get("WANDB_DIR") or os.getcwd()
        self._files_dir = None
        self.id = str(id or env.get("HYPERSWEEP_RUN_ID") or env.get("WANDB_RUN_ID") or _random_id())
        self.name = name or env.get("WANDB_NAME") or self.id
        self.project = project or env.get("WANDB_PROJECT") or "uncategorized"
        self.entity = entity or env.get("WANDB_ENTITY")
        self.group = group or env.get("WANDB_RUN_GROUP")
        self.job_type = job_type or env.get("WANDB_JOB_TYPE")
        self.tags = tuple(tags or ())
        self.notes = notes
        self.sweep_id = env.get("HYPERSWEEP_SWEEP_ID") or env.get("WANDB_SWEEP_ID")
        self.start_time = time.time()
        self.resumed = False
        self.offline = True
        self.disabled = False
        self.url = None
        self.summary = Summary(self._history)
        self.config = Config()
        if isinstance(config, str):
            config = _read_config_file(config)
        self.config._update(parse_config(config, config_exclude_keys, config_include_keys), allow_val_change=True, ignore_locked=True)
        params = env.get("HYPERSWEEP_PARAMS_FILE")
        if params:
            with open(params, encoding="utf-8") as f:
                self.config.merge_locked(json.load(f))

    @property
    def dir(self):
        """Where the run's files go, as in W&B: <dir>/wandb/run-<time>-<id>/files (made on first use)."""
        if self._files_dir is None:
            stamp = time.strftime("%Y%m%d_%H%M%S", time.localtime(self.start_time))
            self._files_dir = os.path.join(self._dir_root, "wandb", "run-%s-%s" % (stamp, self.id), "files")
            os.makedirs(self._files_dir, exist_ok=True)
        return self._files_dir

    @property
    def step(self):
        return self._history.step

    @property
    def path(self):
        return "/".join(p for p in (self.entity, self.project, self.id) if p)

    def log(self, data, step=None, commit=None, sync=None):
        if self._finished:
            from .errors import UsageError

            raise UsageError("Run (%s) is finished. The call to `log` will be ignored. Please make sure that you are using an active run." % self.id)
        self._history.log(data, step=step, commit=commit)

    def define_metric(self, name, step_metric=None, step_sync=None, hidden=None, summary=None, goal=None, overwrite=None, **kwargs):
        self._history.define_metric(name, summary=summary, goal=goal)
        return _noop.NoOp()

    def alert(self, title, text, level=None, wait_duration=None):
        level = getattr(level, "value", level) or "INFO"
        print("wandb: ALERT [%s] %s: %s" % (level, title, text), flush=True)

    def finish(self, exit_code=None, quiet=None):
        """Writes the open row and the summary. The exit code of the process decides the run's outcome."""
        if self._finished:
            return
        self._finished = True
        self._history.finish()
        from . import _run_finished

        _run_finished(self)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.finish(exit_code=0 if exc_type is None else 1)
        return False

    # --- accepted and ignored
    def log_artifact(self, *args, **kwargs):
        return _noop.NoOp()

    def use_artifact(self, *args, **kwargs):
        return _noop.NoOp()

    def log_code(self, *args, **kwargs):
        return None

    def save(self, *args, **kwargs):
        return []

    def watch(self, *args, **kwargs):
        return None

    def unwatch(self, *args, **kwargs):
        return None

    def mark_preempting(self):
        return None

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return _noop.unknown("Run", name)

    def __repr__(self):
        return "<Run %s (hypersweep's wandb stand-in)>" % self.id


def _read_config_file(path):
    try:
        import yaml
    except ImportError:
        raise ImportError("wandb.init(config=%r): reading a YAML config file needs PyYAML" % path) from None
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    data.pop("wandb_version", None)
    data.pop("_wandb", None)
    return {k: (v["value"] if isinstance(v, dict) and set(v) <= {"value", "desc"} and "value" in v else v) for k, v in data.items()}


__all__ = ["Run", "Summary"]
