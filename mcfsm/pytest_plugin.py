"""pytest plugin: `pytest models/` checks every model file it finds there.

Each model file yields, per variant, one test item per property (judged by the exhaustive
explorer against the verdict the model declares: a property declared violated passes when
the checker finds its counterexample, and fails with the trace when a change makes it
hold, or the reverse) and one hypothesis item (random runs chosen by hypothesis on the
engine's successor function, check/runs/simulation.py; it fails when a property declared to hold
is violated, with the shrunk trace). A failure's trace is written under `.mcfsm-traces/` with
the `mcfsm replay` command that shows it again.

Profiles (`--mcfsm-profile` or MCFSM_PROFILE; default `ci` when the CI environment variable
is set, else `dev`):
    ci        derandomized hypothesis, no example database, 25 examples, runs of 40 steps
    dev       100 examples, runs of 50 steps, hypothesis's example database in .hypothesis/
    thorough  1000 examples, runs of 100 steps
(an example is a batch of runs, about 1,000 steps in all)
Which files are model files: with the ini option `mcfsm_model_dirs` set, every .py file in
those folders (not `_*`, `test_*`, `conftest`); without it, a .py file under `models/` only
when its source imports mcfsm and calls `Model(...)`, so a Django or SQLAlchemy `models/`
package is left alone.

Budgets (each exhaustive search): `--mcfsm-max-states`, `--mcfsm-max-depth`,
`--mcfsm-time-limit`, or the ini options of the same names with underscores. A property
whose search a budget cut fails as inconclusive: it is never reported as passing.
"""

from __future__ import annotations

import dataclasses
import math
import os
from pathlib import Path
from typing import Any

import pytest

from .check.cache import explore_cached
from .check.expectations import declares_violation, found_words, meets
from .check.search.explorer import Budget, Result
from .errors import McfsmError
from .interrupt import sigint_is_user_interrupt
from .lang.loader import LoadedModel, defines_model, load_path
from .show.explain import explain
from .show.report import verdict_words
from .show.trace import trace_text
from .show.tracefile import trace_record, write_trace


@dataclasses.dataclass(frozen=True)
class Profile:
    examples: int
    steps: int
    derandomize: bool
    database: bool


PROFILES = {
    "ci": Profile(examples=25, steps=40, derandomize=True, database=False),
    "dev": Profile(examples=100, steps=50, derandomize=False, database=True),
    "thorough": Profile(examples=1000, steps=100, derandomize=False, database=True),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mcfsm", "mcfsm model checking")
    group.addoption("--mcfsm-profile", choices=sorted(PROFILES), default=None,
                    help="hypothesis budget for model files (default: $MCFSM_PROFILE, else "
                         "'ci' when $CI is set, else 'dev')")
    parser.addini("mcfsm_model_dirs", "folders whose .py files are all mcfsm model files "
                  "(default: .py files under models/ that define an mcfsm Model)",
                  type="linelist", default=[])
    for name, kind, text in (("max_states", "N", "distinct states"),
                             ("max_depth", "N", "BFS depth (initial states are depth 1)"),
                             ("time_limit", "SECONDS", "seconds")):
        flag = "--mcfsm-" + name.replace("_", "-")
        group.addoption(flag, default=None, metavar=kind,
                        help=f"budget of each exhaustive search: {text} (ini: mcfsm_{name})")
        parser.addini(f"mcfsm_{name}", f"budget of each exhaustive search: {text}", default="")


def _budget(config: pytest.Config) -> Budget:
    """The budget options, validated like the CLI's (positive; a finite time)."""
    values: dict[str, Any] = {}
    for name in ("max_states", "max_depth", "time_limit"):
        raw = config.getoption(f"mcfsm_{name}") or config.getini(f"mcfsm_{name}") or None
        if raw is None:
            continue
        option = "--mcfsm-" + name.replace("_", "-")
        try:
            value: float = float(raw) if name == "time_limit" else int(raw)
        except (TypeError, ValueError):
            raise pytest.UsageError(f"{option}={raw!r} is not a number") from None
        if not math.isfinite(value) or value <= 0:
            raise pytest.UsageError(f"{option}={raw!r} must be positive and finite")
        values[name] = value
    return Budget(**values)


def pytest_configure(config: pytest.Config) -> None:
    _budget(config)  # a bad budget option is a usage error before any collection


def _profile(config: pytest.Config) -> Profile:
    name = (config.getoption("mcfsm_profile") or os.environ.get("MCFSM_PROFILE")
            or ("ci" if os.environ.get("CI") else "dev"))
    if name not in PROFILES:
        raise pytest.UsageError(f"MCFSM_PROFILE={name!r} is not a profile; use one of "
                                f"{', '.join(sorted(PROFILES))}")
    return PROFILES[name]


def pytest_report_header(config: pytest.Config) -> str:
    p = _profile(config)
    return (f"mcfsm: profile {p.examples} runs x {p.steps} steps, "
            f"{'derandomized' if p.derandomize else 'random'}, "
            f"{'example database' if p.database else 'no example database'}")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix != ".py" or file_path.name.startswith(("_", "test_", "conftest")):
        return None
    root = Path(str(parent.config.rootpath))
    named = parent.config.getini("mcfsm_model_dirs")
    folder = file_path.resolve().parent
    if named:
        if folder in [(root / d).resolve() for d in named]:
            return ModelFile.from_parent(parent, path=file_path)
        return None
    try:
        parts = folder.relative_to(root.resolve()).parts
    except ValueError:
        parts = (folder.name,)
    if "models" in parts and defines_mcfsm_model(file_path):
        return ModelFile.from_parent(parent, path=file_path)
    if parent.session.isinitpath(file_path) and defines_mcfsm_model(file_path):
        _NOT_COLLECTED.append(file_path)  # named on the command line: say why it is not run
    return None


_NOT_COLLECTED: list[Path] = []


def pytest_report_collectionfinish(config: pytest.Config, start_path: Path,
                                   items: list[pytest.Item]) -> list[str]:
    """A hint for a model file named on the command line that is not collected."""
    lines = [f"mcfsm: {path} defines an mcfsm Model but is not under a models/ folder, so it "
             "is not checked: move it under models/, or name its folder with "
             f"-o mcfsm_model_dirs={path.parent} (or the ini option mcfsm_model_dirs)"
             for path in _NOT_COLLECTED]
    _NOT_COLLECTED.clear()
    return lines


def defines_mcfsm_model(path: Path) -> bool:
    """Whether a file's source imports mcfsm and calls Model(...) (lang/loader.py)."""
    return defines_model(path) is True


class ModelFile(pytest.File):
    """A model file: one collector per model variant below it."""

    def collect(self) -> Any:
        try:
            with sigint_is_user_interrupt():
                loaded = load_path(self.path)
        except McfsmError as exc:
            raise self.CollectError(str(exc)) from None
        for lm in loaded:
            for variant in lm.model.variants:
                yield VariantCollector.from_parent(self, name=f"{lm.model.name}.{variant}",
                                                   loaded=lm, variant=variant)


class VariantCollector(pytest.Collector):
    """One variant: an item per property, and one hypothesis item."""

    def __init__(self, *, loaded: LoadedModel, variant: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.loaded, self.variant = loaded, variant
        self._result: Result | None = None

    def collect(self) -> Any:
        try:
            with sigint_is_user_interrupt():
                system = self.loaded.model.system(self.variant)
            expected = self.loaded.model.expected(self.variant, system)
        except McfsmError as exc:
            raise self.CollectError(f"{self.path} [{self.variant}]: {exc}") from None
        for prop in system.properties:
            yield PropertyItem.from_parent(self, name=prop.name, prop_name=prop.name,
                                           expected=expected[prop.name])
        yield HypothesisItem.from_parent(self, name="hypothesis", expected=expected)

    def result(self) -> Result:
        """One exhaustive exploration per variant, shared by its property items."""
        if self._result is None:
            with sigint_is_user_interrupt():
                self._result = explore_cached(self.loaded.model.system(self.variant),
                                              loaded=self.loaded, variant=self.variant,
                                              budget=_budget(self.config))
            if self._result.distinct_states == 0:
                raise McfsmError(f"{self.path} [{self.variant}]: no initial state is within "
                                 "the bounds (constraint= or max_in_flight excludes them all)")
        return self._result


_MCFSM_MODELS = Path(__file__).resolve().parent.parent / "models"


def _bundled(path: Path) -> bool:
    """Whether a model file is one of mcfsm's own models (whose verdicts models/README.md
    explains): only those are told to update it."""
    return Path(path).resolve().parent == _MCFSM_MODELS


def _clause(prop: Any) -> str:
    """ [clause] after a property's name, nothing when it names none."""
    return f" [{prop.clause}]" if prop.clause else ""


class MismatchError(Exception):
    """A verdict differs from the one the model declares (reported without a traceback)."""


class _ModelItem(pytest.Item):
    def repr_failure(self, excinfo: Any, style: Any = None) -> Any:
        if isinstance(excinfo.value, (MismatchError, McfsmError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, self.name

    def replay_line(self, system: Any, prop: Any, status: str, source: str,
                    trace: Any) -> str:
        """The failure as a trace file under the run's root, `.mcfsm-traces/` (the hypothesis
        item's in `.mcfsm-traces/hypothesis/`, so that the two failures of one property do
        not overwrite each other), naming the model file by its absolute path, and the
        command that replays it from any folder."""
        assert isinstance(self.parent, VariantCollector)
        lm = self.parent.loaded
        record = trace_record(model=lm.model.name, file=str(lm.path.resolve()),
                              variant=self.parent.variant, system=system, prop=prop,
                              status=status, source=source, trace=trace)
        folder = Path(str(self.config.rootpath)) / ".mcfsm-traces"
        written = write_trace(folder / "hypothesis" if source == "hypothesis" else folder,
                              record)
        return f"  replay: mcfsm replay {written}"


class PropertyItem(_ModelItem):
    def __init__(self, *, prop_name: str, expected: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.prop_name, self.expected = prop_name, expected

    def runtest(self) -> None:
        assert isinstance(self.parent, VariantCollector)
        result = self.parent.result()
        verdict = next(v for v in result.verdicts if v.property.name == self.prop_name)
        judged = meets(result, verdict, self.expected)
        if judged:
            return
        if judged is None:
            raise MismatchError(f"{self.parent.name}::{self.name}: inconclusive, the model "
                                f"declares {self.expected}; {verdict_words(result, verdict)}")
        lines = [f"{self.parent.name}::{self.name}: the model declares {self.expected}, "
                 f"the exhaustive check says {verdict_words(result, verdict)}"
                 f"{_clause(verdict.property)}; per choice: {found_words(result, verdict)}"]
        if verdict.property.doc:
            lines.append(f"  the property: {verdict.property.doc}")
        if verdict.trace is not None:
            lines += trace_text(result.system, verdict.trace, indent="  ",
                                note=explain(result.system, verdict))
            lines.append(self.replay_line(result.system, verdict.property, verdict.status,
                                          "explorer", verdict.trace))
        elif self.expected in ("violated", "witnessed"):
            lines.append("  the counterexample or witness the model declares no longer exists: "
                         "the model changed, or update expect=..."
                         + (" and models/README.md" if _bundled(self.path) else ""))
        raise MismatchError("\n".join(lines))


class HypothesisItem(_ModelItem):
    def __init__(self, *, expected: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.expected = expected

    def runtest(self) -> None:
        from hypothesis.database import DirectoryBasedExampleDatabase
        from hypothesis.reporting import with_reporter

        from .check.runs.simulation import simulate

        profile = _profile(self.config)
        database = (DirectoryBasedExampleDatabase(str(Path(str(self.config.rootpath))
                                                      / ".hypothesis" / "examples"))
                    if profile.database else None)
        assert isinstance(self.parent, VariantCollector)
        system = self.parent.loaded.model.system(self.parent.variant)
        with with_reporter(lambda _text: None), sigint_is_user_interrupt():
            # Properties declared violated are not searched for: the exhaustive items
            # check that verdict, and this item looks for violations nobody expects.
            sim = simulate(system, examples=profile.examples, steps=profile.steps,
                           derandomize=profile.derandomize, database=database,
                           budget=_budget(self.config),
                           known=frozenset(name for name, verdict in self.expected.items()
                                           if declares_violation(verdict)),
                           witness_traces=False)  # read below: violations only
        unexpected = [o for o in sim.outcomes if o.status == "violated"
                      and not declares_violation(self.expected[o.property.name])]
        if unexpected:
            lines = []
            for o in unexpected:
                lines.append(f"{self.parent.name}: {o.property.name}{_clause(o.property)} is "
                             f"declared {self.expected[o.property.name]}, hypothesis found a "
                             f"violation ({o.words}):")
                if o.trace is not None:
                    lines += trace_text(system, o.trace, indent="  ")
                    # hypothesis's own replay (its seed, @reproduce_failure) is muted above:
                    # the shrunk run itself is the exact failure, as a trace file
                    lines.append(self.replay_line(system, o.property, "violated", "hypothesis",
                                                  o.trace))
            raise MismatchError("\n".join(lines))
