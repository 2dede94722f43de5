"""Every clause a bundled model cites is a row of models/clauses.txt, or names another
specification (issue 71 item 6): a citation the clause list does not know would be quoted
as 'not located' and traced by no matrix row, silently. References to other
specifications ("TS 23.379 ...", "RFC 3261 ...") must say so in each part of a clause=,
since a bare "17.1.3" after "RFC 3261 17.1.2.2;" reads as a clause of TS 23.280."""

from __future__ import annotations

from mcfsm.lang.loader import load_path
from mcfsm.spec.clauses import load_clauses, refs_of

from .conftest import ROOT


def _citations() -> list[tuple[str, str]]:
    out = []
    for lm in load_path(ROOT / "models"):
        for variant in lm.model.variants:
            system = lm.model.system(variant)
            for inst in system.instances:
                out += [(f"{lm.model.name}: {inst.role.name}.{t.name}", t.clause)
                        for t in inst.role.transitions]
            out += [(f"{lm.model.name}: param {n}", p.clause) for n, p in system.params.items()]
            out += [(f"{lm.model.name}: property {p.name}", p.clause) for p in system.properties]
        out += [(f"{lm.model.name}: finding {n}", c) for n, f in lm.model.findings.items()
                for c in f.clauses]
    return out


def test_every_cited_clause_is_in_the_clause_list_or_another_spec():
    known = {row.ref.clause for row in load_clauses(ROOT / "models" / "clauses.txt")}
    unknown = sorted({(ref.clause, who, clause) for who, clause in _citations()
                      for ref in refs_of(clause or "") if ref.clause not in known})
    assert not unknown, "\n".join(f"{c!r} in {who}: clause={full!r}" for c, who, full in unknown)


def test_every_choice_point_cites_its_clause():
    """A delegate finds a step's choice point by its clause (`cr list --clause`): one that
    cites none cannot be found (issue 71 item 2: eight did)."""
    from mcfsm.lang.change_request import choice_points

    blind = [f"{lm.model.name}: {p.name}" for lm in load_path(ROOT / "models")
             for p in choice_points(lm.model, lm.path) if not p.clause.strip()]
    assert not blind, blind
