"""On PYTHONPATH only under `hypersweep agent`, when the run's interpreter has the real wandb package.

When the script imports wandb, this hook wraps, in place and after the real code:
- `wandb.sdk.wandb_run.Run.log`: each call, once the real one has returned, goes through W&B's step
  rules (python/hypersweep_wandb.py) into hypersweep's metrics file;
- `Run.define_metric` (summary=, goal=) and `Run.finish` (the open row and the summary);
- `wandb.sdk.wandb_summary.Summary.update` / `__setitem__`: explicit summary values.
The real package keeps doing everything it does (online runs keep their W&B pages; offline and
disabled runs send nothing anywhere). A failure inside the mirror never reaches the script.
Python runs one sitecustomize: the next one on sys.path (the system's) is run after this one.
"""

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import threading

_HERE = os.path.dirname(os.path.abspath(__file__))
_state = threading.local()
_history = None


def _mirror():
    global _history
    if _history is None:
        import atexit

        import hypersweep_wandb

        _history = hypersweep_wandb.History()
        atexit.register(_finish)
    return _history


def _finish():
    if _history is not None:
        _history.finish()


def _quietly(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except Exception as err:  # the mirror must never break the script
        print("hypersweep: W&B mirror: %s: %s" % (type(err).__name__, err), file=sys.stderr, flush=True)


def _patch_run(module):
    run_class = getattr(module, "Run", None)
    if run_class is None or getattr(run_class, "_hypersweep_mirrored", False):
        return
    real_log = run_class.log
    real_define_metric = getattr(run_class, "define_metric", None)
    real_finish = getattr(run_class, "finish", None)

    def log(self, data, step=None, commit=None, *args, **kwargs):
        result = real_log(self, data, step, commit, *args, **kwargs)
        _quietly(_mirror().log, data, step=step, commit=commit)
        return result

    def define_metric(self, name, *args, **kwargs):
        result = real_define_metric(self, name, *args, **kwargs)
        _quietly(_mirror().define_metric, name, summary=kwargs.get("summary"), goal=kwargs.get("goal"))
        return result

    def finish(self, *args, **kwargs):
        try:
            return real_finish(self, *args, **kwargs)
        finally:
            _quietly(_finish)

    for name, wrapper, real in (("log", log, real_log), ("define_metric", define_metric, real_define_metric), ("finish", finish, real_finish)):
        if real is not None:
            wrapper.__wrapped__ = real
            wrapper.__name__ = name
            wrapper.__doc__ = real.__doc__
            setattr(run_class, name, wrapper)
    run_class._hypersweep_mirrored = True


def _patch_summary(module):
    summary_class = getattr(module, "Summary", None)
    if summary_class is None or getattr(summary_class, "_hypersweep_mirrored", False):
        return
    real_update = summary_class.update
    real_setitem = summary_class.__setitem__

    def mirrored(real, values_of):
        def wrapper(self, *args, **kwargs):
            outer = not getattr(_state, "busy", False)
            _state.busy = True
            try:
                result = real(self, *args, **kwargs)
            finally:
                if outer:
                    _state.busy = False
            if outer:
                _quietly(lambda: _mirror().set_summary(values_of(*args)))
            return result

        wrapper.__wrapped__ = real
        return wrapper

    summary_class.update = mirrored(real_update, lambda d: dict(d) if hasattr(d, "keys") else vars(d))
    summary_class.__setitem__ = mirrored(real_setitem, lambda key, value: {key: value})
    summary_class.__setattr__ = summary_class.__setitem__
    summary_class._hypersweep_mirrored = True


_PATCHES = {"wandb.sdk.wandb_run": _patch_run, "wandb.sdk.wandb_summary": _patch_summary}


class _Loader(importlib.abc.Loader):
    def __init__(self, real, patch):
        self._real = real
        self._patch = patch

    def create_module(self, spec):
        return self._real.create_module(spec)

    def exec_module(self, module):
        self._real.exec_module(module)
        _quietly(self._patch, module)


class _Finder(importlib.abc.MetaPathFinder):
    """Finds the real module with the other finders and patches it right after it runs."""

    def find_spec(self, fullname, path, target=None):
        patch = _PATCHES.get(fullname)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Loader(spec.loader, patch)
                return spec
        return None


def _run_next_sitecustomize():
    rest = [p for p in sys.path if os.path.abspath(p or os.getcwd()) != _HERE]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None or os.path.dirname(os.path.abspath(spec.origin or "")) == _HERE:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


if os.environ.get("HYPERSWEEP_METRICS_FILE"):
    sys.meta_path.insert(0, _Finder())
_quietly(_run_next_sitecustomize)
