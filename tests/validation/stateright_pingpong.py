"""Stateright's actor examples whose actors send in `on_start`, re-modelled with messages in
flight in the initial state (`Instance(sends=...)`), against the state counts Stateright's
own tests pin (stateright/stateright, src/actor/model.rs):

- ping_pong, `max_nat: 5`, a perfect network (unordered non-duplicating, no loss):
  `eventually_reaches_max_on_perfect_delivery_network` and `can_reach_max` pin 11 unique
  states. The ping actor sends Ping(0) on start; each actor increments its count when the
  message carries its current count, and answers (Ping(n) -> Pong(n), Pong(n) -> Ping(n+1));
  `within_boundary` keeps every count at most max_nat (our constraint=). "delta within 1"
  holds; "can reach max" is witnessed.
- the same ping-pong on Stateright's default network, unordered and *duplicating* (a set
  of envelopes: delivery does not remove one, so a message may be read again: our
  Network.PERSISTENT) and *lossy* (`LossyNetwork::Yes`: a Drop removes the envelope from
  the set for good: our loss=True). `visits_expected_states` pins 14 unique states for
  `max_nat: 1` (and lists them); `maintains_fixed_delta_despite_lossy_duplicating_network`
  pins 4,094 for `max_nat: 5` with "delta within 1" never violated, and
  `may_never_reach_max_on_lossy_network` the same 4,094 with "must reach max" (an
  Eventually) discovered by the one step Drop(Ping(0) from 0 to 1). Stateright does not
  count a delivery that changes nothing; here the actors' guards (`count == n`) make such a
  delivery no step at all, so the counts compare.
- no_op_depends_on_network, ordered network: a client sends Ignored then Interesting on
  start; the server's state changes on Interesting only: 3 unique states (initial, after
  Ignored, after Interesting).
"""

from mcfsm import (
    Instance,
    M,
    Message,
    Model,
    Network,
    Role,
    System,
    Transition,
    Var,
    always,
    eventually,
    sometimes,
)

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
model.transition_never_fires("client", "idle", why="Stateright's no_op client has no step "
                             "(on_start and on_msg do nothing): a role needs a transition, "
                             "and this one's guard is always false")


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


def lossy_duplicating(max_nat: int) -> System:
    """Stateright's default network (a set of envelopes, never consumed) with loss; the
    actors are fair (an actor keeps taking the messages it can), the network's drops are not."""
    return System(
        f"ping_pong_lossy_{max_nat}", network=Network.PERSISTENT, loss=True, fairness="weak",
        instances=[Instance("ping", PINGER, sends=[("pong", Ping(n=0))]),
                   Instance("pong", PONGER)],
        constraint=lambda v: v["ping"].count <= max_nat and v["pong"].count <= max_nat,
        properties=[always("delta-within-1",
                           lambda v: abs(v["ping"].count - v["pong"].count) <= 1),
                    sometimes("can-reach-max", lambda v: max_nat in (v["ping"].count,
                                                                     v["pong"].count)),
                    eventually("must-reach-max", lambda v: max_nat in (v["ping"].count,
                                                                       v["pong"].count))])


model.add_variant("lossy_duplicating_1", lambda: lossy_duplicating(1),
                  doc="visits_expected_states: max_nat 1, lossy duplicating network",
                  expect={"must-reach-max": "violated"})
model.add_variant("lossy_duplicating_5", lambda: lossy_duplicating(5),
                  doc="max_nat 5, lossy duplicating network (4,094 states)",
                  expect={"must-reach-max": "violated"})


@model.variant("no_op_ordered", doc="no_op_depends_on_network, ordered network")
def no_op_ordered() -> System:
    return System(
        "no_op", network=Network.FIFO,
        instances=[Instance("client", CLIENT,
                            sends=[("server", Ignored()), ("server", Interesting())]),
                   Instance("server", SERVER)],
        properties=[sometimes("interesting", lambda v: v["server"].got)])
