"""Stateright's actor examples whose actors send in `on_start`, re-modelled with messages in
flight in the initial state (`Instance(sends=...)`), against the state counts Stateright's
own tests pin (stateright/stateright, src/actor/model.rs):

- ping_pong, `max_nat: 5`, a perfect network (unordered non-duplicating, no loss):
  `eventually_reaches_max_on_perfect_delivery_network` and `can_reach_max` pin 11 unique
  states. The ping actor sends Ping(0) on start; each actor increments its count when the
  message carries its current count, and answers (Ping(n) -> Pong(n), Pong(n) -> Ping(n+1));
  `within_boundary` keeps every count at most max_nat (our constraint=). "delta within 1"
  holds; "can reach max" is witnessed.
- no_op_depends_on_network, ordered network: a client sends Ignored then Interesting on
  start; the server's state changes on Interesting only: 3 unique states (initial, after
  Ignored, after Interesting).
"""

from mcfsm import Instance, M, Message, Model, Network, Role, System, Transition, Var, always, sometimes

MAX_NAT = 5


class Ping(Message, clause="ping_pong Ping"):
    n: int = M("count")


class Pong(Message, clause="ping_pong Pong"):
    n: int = M("count")


def _answer_ping(ctx):
    ctx.v.count += 1
    ctx.send(ctx.sender, Pong(n=ctx.msg.n))


def _answer_pong(ctx):
    ctx.v.count += 1
    ctx.send(ctx.sender, Ping(n=ctx.msg.n + 1))


PINGER = Role(
    "ping actor", states=["on"], initial="on", final=["on"],
    variables={"count": Var(int, 0)},
    transitions=[Transition(Pong, "on", None, clause="on_msg Pong", after=[_answer_pong],
                            sends=[Ping], conditions=[lambda ctx: ctx.v.count == ctx.msg.n])])
PONGER = Role(
    "pong actor", states=["on"], initial="on", final=["on"],
    variables={"count": Var(int, 0)},
    transitions=[Transition(Ping, "on", None, clause="on_msg Ping", after=[_answer_ping],
                            sends=[Pong], conditions=[lambda ctx: ctx.v.count == ctx.msg.n])])


class Ignored(Message, clause="no_op Ignored"):
    pass


class Interesting(Message, clause="no_op Interesting"):
    pass


def _interested(ctx):
    ctx.v.got = True


SERVER = Role("server", states=["on"], initial="on", final=["on"],
              variables={"got": Var(bool, False)}, ignores=[Ignored],
              transitions=[Transition(Interesting, "on", None, clause="on_msg",
                                      after=[_interested])])
CLIENT = Role("client", states=["on"], initial="on", final=["on"],
              transitions=[Transition("idle", "on", None, clause="(none)",
                                      conditions=[lambda ctx: False])])

model = Model("stateright_pingpong", source="stateright/stateright src/actor/model.rs tests")


@model.variant("ping_pong", doc="max_nat 5, unordered non-duplicating network, no loss")
def ping_pong() -> System:
    return System(
        "ping_pong", network=Network.BAG,
        instances=[Instance("ping", PINGER, sends=[("pong", Ping(n=0))]),
                   Instance("pong", PONGER)],
        constraint=lambda v: v["ping"].count <= MAX_NAT and v["pong"].count <= MAX_NAT,
        properties=[always("delta-within-1",
                           lambda v: abs(v["ping"].count - v["pong"].count) <= 1),
                    sometimes("can-reach-max", lambda v: MAX_NAT in (v["ping"].count,
                                                                     v["pong"].count))])


@model.variant("no_op_ordered", doc="no_op_depends_on_network, ordered network")
def no_op_ordered() -> System:
    return System(
        "no_op", network=Network.FIFO,
        instances=[Instance("client", CLIENT,
                            sends=[("server", Ignored()), ("server", Interesting())]),
                   Instance("server", SERVER)],
        properties=[sometimes("interesting", lambda v: v["server"].got)])
