"""hypersweep's stand-in for the `wandb` package: training scripts written for W&B run unchanged
under `hypersweep agent` when the real package is not installed (or the sweep says
`hypersweep: {wandb: standin}`). Pure Python, no dependencies, Python 3.8+. Nothing is sent to
any server: numbers logged go to hypersweep through its metrics file.

What works with W&B's semantics: init (also as a context manager), config (locked sweep values),
log (step, commit), summary, define_metric(summary=), finish, alert, run.id/name/project/sweep_id/dir.
Accepted and ignored: login, watch, save, Settings, Image, Table, Histogram, Artifact, plot.*,
log_artifact, log_code and other media types. Any other attribute: a one-time warning and a no-op
object. wandb.sweep()/wandb.agent(): an error saying to use `hypersweep sweep` / `hypersweep agent`.
"""

import atexit
import importlib
import importlib.util
import os
import sys

try:
    import hypersweep_wandb  # noqa: F401  (python/, on PYTHONPATH under an agent)
except ImportError:  # the stand-in used from a checkout without the agent: python/ is two levels up
    sys.path.append(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from . import _noop, errors
from ._config import PreInit
from ._run import Run, Summary
from .errors import Error

__version__ = "0.19.0"  # the W&B API level the stand-in follows; integrations check it

run = None
config = PreInit("wandb.config")
summary = PreInit("wandb.summary")

_INIT_ARGS = ("config", "project", "entity", "name", "group", "job_type", "tags", "notes", "dir", "id", "config_exclude_keys", "config_include_keys", "allow_val_change")


def init(*args, **kwargs):
    """Starts the run (or returns the current one, as W&B does without reinit). Every W&B argument
    is accepted; mode, settings, resume, reinit's other forms and the rest change nothing here."""
    global run, config, summary
    if args:
        kwargs.setdefault("job_type", args[0])
    reinit = kwargs.get("reinit")
    if run is not None:
        if reinit not in (True, "finish_previous", "create_new"):
            return run
        run.finish()
    new = Run(**{k: v for k, v in kwargs.items() if k in _INIT_ARGS})
    run, config, summary = new, new.config, new.summary
    termlog("hypersweep stand-in: run %s%s (no W&B server is contacted)" % (new.id, " of sweep %s" % new.sweep_id if new.sweep_id else ""))
    return new


def _run_finished(finished):
    global run, config, summary
    if run is finished:
        run, config, summary = None, PreInit("wandb.config"), PreInit("wandb.summary")


def _current(what):
    if run is None:
        raise Error("You must call wandb.init() before %s()" % what)
    return run


def log(data, step=None, commit=None, sync=None):
    _current("wandb.log").log(data, step=step, commit=commit)


def define_metric(name, *args, **kwargs):
    return _current("wandb.define_metric").define_metric(name, *args, **kwargs)


def alert(title, text, level=None, wait_duration=None):
    _current("wandb.alert").alert(title, text, level=level, wait_duration=wait_duration)


def finish(exit_code=None, quiet=None):
    if run is not None:
        run.finish(exit_code=exit_code, quiet=quiet)


def log_artifact(*args, **kwargs):
    return _noop.NoOp()


def use_artifact(*args, **kwargs):
    return _noop.NoOp()


def login(*args, **kwargs):
    return True


def watch(*args, **kwargs):
    return None


def unwatch(*args, **kwargs):
    return None


def save(*args, **kwargs):
    return []


def restore(*args, **kwargs):
    return None


def log_code(*args, **kwargs):
    return None


def setup(*args, **kwargs):
    return _noop.NoOp()


def teardown(*args, **kwargs):
    finish()


def termlog(message="", *args, **kwargs):
    print("wandb: " + str(message), file=sys.stderr, flush=True)


def termwarn(message="", *args, **kwargs):
    print("wandb: WARNING " + str(message), file=sys.stderr, flush=True)


def termerror(message="", *args, **kwargs):
    print("wandb: ERROR " + str(message), file=sys.stderr, flush=True)


def sweep(*args, **kwargs):
    raise errors.UsageError(
        "wandb.sweep() does not run under hypersweep: create the sweep from its YAML file with "
        "`hypersweep sweep FILE` (or `hypersweep run FILE`), then start agents with `hypersweep agent SWEEP`"
    )


def agent(*args, **kwargs):
    raise errors.UsageError(
        "wandb.agent() does not run under hypersweep: start agents with `hypersweep agent SWEEP`; "
        "each run starts this script, whose wandb.init() picks up the run's config"
    )


class AlertLevel(object):
    INFO = "INFO"
    WARN = "WARN"
    ERROR = "ERROR"


class Settings(_noop.NoOp):
    pass


class Image(_noop.NoOp):
    pass


class Table(_noop.NoOp):
    pass


class Histogram(_noop.NoOp):
    pass


class Artifact(_noop.NoOp):
    pass


class Video(_noop.NoOp):
    pass


class Audio(_noop.NoOp):
    pass


class Html(_noop.NoOp):
    pass


class Object3D(_noop.NoOp):
    pass


class Molecule(_noop.NoOp):
    pass


plot = _noop.NoOp()


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    if importlib.util.find_spec(__name__ + "." + name) is not None:  # a submodule: `from wandb import sdk`
        return importlib.import_module(__name__ + "." + name)
    return _noop.unknown("wandb", name)


atexit.register(finish)

__all__ = ["init", "log", "finish", "config", "summary", "run", "Run", "Summary", "Error", "errors"]
