"""Load model files: a Python file defining one or more module-level `Model` objects, or a
folder of such files. Every failure names the file (and line, for syntax errors)."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import os
import sys
import traceback
from pathlib import Path

from ..errors import McfsmError, ModelError, UsageError
from .model import Model


@dataclasses.dataclass(frozen=True)
class LoadedModel:
    path: Path
    model: Model


def load_path(path: str | Path) -> list[LoadedModel]:
    p = Path(path)
    if not p.exists():
        raise UsageError(f"{p}: no such file or folder; pass a model file (.py) or a folder")
    if p.is_dir():
        files = sorted(f for f in p.glob("*.py") if not f.name.startswith("_"))
        loaded = [m for f in files for m in _load_file(f, required=False)]
        if not loaded:
            raise UsageError(f"{p}: no model files here (no .py file defines a mcfsm Model)")
        return loaded
    if p.suffix != ".py":
        raise UsageError(f"{p}: not a Python model file; pass a .py file or a folder")
    return _load_file(p, required=True)


def _load_file(path: Path, *, required: bool) -> list[LoadedModel]:
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
    module_name = f"mcfsm_model_{path.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise UsageError(f"{path}: cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    # Model files import siblings (shared message declarations) by plain import.
    sys.path.insert(0, str(path.parent.resolve()))
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise ModelError(f"syntax error at line {exc.lineno}: {exc.msg}",
                         fix="correct the Python syntax", where=str(path)) from None
    except McfsmError as exc:
        if isinstance(exc, ModelError):
            raise exc.located(str(path)) from exc
        raise
    except Exception as exc:
        if os.environ.get("MCFSM_DEBUG"):
            raise
        line = _model_line(exc, path)
        raise ModelError(f"loading the model raised {type(exc).__name__}: {exc}",
                         fix="fix the model file; MCFSM_DEBUG=1 shows the traceback",
                         where=f"{path}{line}") from exc
    finally:
        sys.path.remove(str(path.parent.resolve()))
    models = [v for v in vars(module).values() if isinstance(v, Model)]
    if not models and required:
        raise UsageError(f"{path}: defines no mcfsm Model; add `model = Model(...)` at module "
                         "level and register variants with @model.variant(...)")
    seen: set[str] = set()
    out = []
    for m in models:
        if m.name in seen:
            continue
        seen.add(m.name)
        out.append(LoadedModel(path, m))
    return out


def _model_line(exc: BaseException, path: Path) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if Path(f.filename).resolve() == path.resolve()]
    return f":{frames[-1].lineno}" if frames else ""
