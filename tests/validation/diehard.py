"""DieHard (Lamport's TLA+ video course; tlaplus/Examples specifications/DieHard): a 3-gallon
and a 5-gallon jug. The invariant "the big jug never holds 4 gallons" is violated; the
shortest counterexample has 6 steps (7 states), which the tests recompute independently.
"""

from mcfsm import Instance, Model, Role, System, Transition, Var, always


def fill_small(ctx) -> None:
    ctx.v.small = 3


def fill_big(ctx) -> None:
    ctx.v.big = 5


def empty_small(ctx) -> None:
    ctx.v.small = 0


def empty_big(ctx) -> None:
    ctx.v.big = 0


def small_to_big(ctx) -> None:
    poured = min(ctx.v.big + ctx.v.small, 5) - ctx.v.big
    ctx.v.big += poured
    ctx.v.small -= poured


def big_to_small(ctx) -> None:
    poured = min(ctx.v.big + ctx.v.small, 3) - ctx.v.small
    ctx.v.small += poured
    ctx.v.big -= poured


def clause(action: str) -> str:
    return f"DieHard.tla {action}"


JUGS = Role(
    "jugs",
    states=["pouring"],
    initial="pouring",
    variables={"small": Var(int, 0), "big": Var(int, 0)},
    transitions=[
        Transition(name, "pouring", None, clause=clause(name), after=[fn])
        for name, fn in [("FillSmallJug", fill_small), ("FillBigJug", fill_big),
                         ("EmptySmallJug", empty_small), ("EmptyBigJug", empty_big),
                         ("SmallToBig", small_to_big), ("BigToSmall", big_to_small)]
    ],
)

model = Model("diehard", source="tlaplus/Examples DieHard.tla", doc=__doc__)


@model.variant("jugs_3_5", doc="a 3-gallon and a 5-gallon jug")
def jugs() -> System:
    return System(
        "diehard",
        instances=[Instance("jugs", JUGS)],
        properties=[always("NotSolved", lambda v: v["jugs"].big != 4,
                           clause="DieHard.tla NotSolved (big # 4)")],
    )
