"""Errors a user can act on: each names what is wrong, where, and how to fix it."""

from __future__ import annotations


class McfsmError(Exception):
    """Base class: the CLI prints these without a traceback and exits with status 2."""


class ModelError(McfsmError):
    """A model declaration or model code is wrong.

    The message names the role, transition and clause involved (where known) and ends with
    a fix-it sentence, in the manner of hypothesis's InvalidDefinition errors.
    """

    def __init__(
        self,
        problem: str,
        *,
        fix: str = "",
        role: str | None = None,
        transition: str | None = None,
        clause: str | None = None,
        where: str | None = None,
        prop: str | None = None,
        at: str | None = None,
    ) -> None:
        self.problem = problem
        self.fix = fix
        self.role = role
        self.transition = transition
        self.clause = clause
        self.where = where
        self.prop = prop  # the property whose predicate failed, if any
        self.at = at  # file:line of the model code that failed, if known
        super().__init__(self._render())

    def _render(self) -> str:
        context = []
        if self.where:
            context.append(self.where)
        if self.role:
            context.append(f"role {self.role!r}")
        if self.transition:
            context.append(f"transition {self.transition!r}")
        if self.prop:
            context.append(f"property {self.prop!r}")
        if self.clause:
            context.append(f"clause {self.clause}")
        head = f"{', '.join(context)}: " if context else ""
        text = head + self.problem
        if self.at:
            text += f" (at {self.at})"
        if self.fix:
            text += f"\n  how to fix: {self.fix}"
        return text

    def located(self, where: str) -> ModelError:
        """The same error with the file (or variant) it came from prepended."""
        if self.where:
            if self.where.startswith(where):
                return self
            where = f"{where}, {self.where}"
        return self.replaced(where=where)

    def replaced(self, **fields: str | None) -> ModelError:
        """The same error with some context fields replaced (others kept)."""
        values = {"fix": self.fix, "role": self.role, "transition": self.transition,
                  "clause": self.clause, "where": self.where, "prop": self.prop, "at": self.at}
        values.update(fields)
        return ModelError(self.problem, **values)  # type: ignore[arg-type]


class UsageError(McfsmError):
    """A command-line option or path is wrong. `fix`, when given, is printed as a
    `how to fix` line, as ModelError prints its own."""

    def __init__(self, problem: str, *, fix: str = "") -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(problem + (f"\n  how to fix: {fix}" if fix else ""))


class UserInterrupt(KeyboardInterrupt):
    """Ctrl-C from the user, as mcfsm's SIGINT handlers raise it: the model-code guard lets
    it through, while a KeyboardInterrupt raised by model code becomes a ModelError."""


class Terminated(UserInterrupt):
    """SIGTERM (a CI runner's timeout, `kill`): the command stops at once, its worker
    processes with it, and exits 128 + SIGTERM (143) as a shell reports it."""


class McfsmWarning(UserWarning):
    """Something a model declares that works but deserves a look (a reusable role's
    transition on a message no role of this system sends): printed once, never an exit
    code of its own."""
