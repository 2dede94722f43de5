"""Stateright's ordered reliable link test, re-modelled with timers on its lossy duplicating
network: stateright/stateright, src/actor/ordered_reliable_link.rs, `mod test`, at commit
ab8c8be9341505e0f71edbe5dd88ed275bd976a4 (version 0.31.0). Line numbers below are that
file's at that commit; "model.rs" and "network.rs" are src/actor/model.rs and
src/actor/network.rs at the same commit.

The system: two actors, each an `ActorWrapper::with_default_timeout` (the ORL) around a
`TestActor`. The Sender (Id 0) sends TestMsg(42) then TestMsg(43) to the Receiver (Id 1) on
start; the wrapper numbers them Deliver(1, 42), Deliver(2, 43) (`next_send_seq` starts at
1), keeps them in `msgs_pending_ack`, and sends them. Both wrappers arm their network timer
on start. `.init_network(Network::new_unordered_duplicating([]))`: a set of envelopes that
delivery does not remove (our Network.PERSISTENT); `.lossy_network(LossyNetwork::Yes)`: a
Drop removes an envelope from the set for good (our loss=True);
`.within_boundary(|_, state| state.network.len() < 4)`: the number of envelopes in the set
(our constraint=, on v.in_flight(), which lists a persistent set's envelopes once each).

The rules (ordered_reliable_link.rs):
- on_msg Deliver(seq, msg) (141-176): always send Ack(seq) to the source (143); if seq is at
  most the last sequence number delivered from that source (0 when none), stop there (144-146):
  an old or out-of-order message is acknowledged and discarded. Otherwise the wrapped
  actor pushes (src, msg) onto its history `Received` (the test's on_msg) and the wrapper
  records seq as the last delivered from src (174).
- on_msg Ack(seq) (177-179): remove seq from msgs_pending_ack (nothing if absent).
- on_timeout Network (198-203): re-arm the timer and resend every pending message.

Stateright's no-op rule (model.rs `next_state`): a delivery or timeout whose handler
changes no state and emits no command is not a successor. Every delivery here emits a
command (the Ack, or `o.save` after an Ack: the Ack branch always takes `state.to_mut()`), so
no delivery is a no-op and none is guarded. A Network timeout that only re-arms the timer
(`is_no_op_with_timer`) is not a successor: the expiry is guarded by "something is pending"
(the Receiver's never fires). The storage that `o.save` writes mirrors the wrapper's
sequencing fields (it is written on start when the Sender sends, on every Ack, and on every
new delivery), so it adds no state of its own and is not modelled; nor are the timer sets,
which stay {Network} for both actors in every state (a timeout cancels the timer and its
handler sets it again).

One more piece of Stateright's state: since commit cbc268c ("fix: non-unique fingerprint in
unordered duplicating network", #74) the unordered duplicating network also remembers the
last envelope delivered (network.rs `UnorderedDuplicating(set, last_msg)`, `on_deliver`),
and it is part of the state's fingerprint. The variant `as_published` keeps it, as the
shared variable `last_delivered` that every delivery sets; `set_only` leaves it out (the
plain persistent set of mcfsm), to show what it costs in states. Neither changes a verdict.

Published verdicts (the three tests of `mod test`): `assert_no_discovery("no redelivery")`,
`assert_no_discovery("ordered")` (both Always), and `assert_discovery("delivered", ...)`
(Sometimes) whose path is Deliver(1, 42) then Deliver(2, 43), from 0 to 1. Stateright pins
no state count for this test.
"""

from mcfsm import (
    Expiry,
    Instance,
    M,
    Message,
    Model,
    Network,
    Role,
    System,
    Timer,
    Transition,
    Var,
    always,
    sometimes,
)

SOURCE = "ordered_reliable_link.rs"


class Deliver(Message, clause=f"{SOURCE}:39-40 MsgWrapper::Deliver"):
    seq: int = M("the sequence number the sending wrapper gave the message")
    msg: int = M("the wrapped TestMsg's value")


class Ack(Message, clause=f"{SOURCE}:41 MsgWrapper::Ack"):
    seq: int = M("the sequence number acknowledged")


def _last_from(ctx) -> int:
    """last_delivered_seqs.get(&src).unwrap_or(&0) (144)."""
    return dict(ctx.v.last_delivered_seqs).get(ctx.sender, 0)


def _remember(ctx) -> None:
    """network.rs on_deliver: the unordered duplicating network remembers the last envelope
    delivered (only in the variant that models it: the shared variable exists there)."""
    if hasattr(ctx.shared, "last_delivered"):
        ctx.shared.last_delivered = (ctx.sender, ctx.me, ctx.msg)


def _ack(ctx) -> None:
    ctx.send(ctx.sender, Ack(seq=ctx.msg.seq))


def _deliver_new(ctx) -> None:
    ctx.v.received = (*ctx.v.received, (ctx.sender, ctx.msg.msg))      # TestActor on_msg
    seqs = dict(ctx.v.last_delivered_seqs)
    seqs[ctx.sender] = ctx.msg.seq                                       # 174
    ctx.v.last_delivered_seqs = tuple(sorted(seqs.items()))


def _drop_pending(ctx) -> None:
    ctx.v.msgs_pending_ack = tuple(p for p in ctx.v.msgs_pending_ack if p[0] != ctx.msg.seq)


def _resend(ctx) -> None:
    ctx.arm("network")                                                   # 199
    for seq, dst, value in ctx.v.msgs_pending_ack:                       # 200-202
        ctx.send(dst, Deliver(seq=seq, msg=value))


ORL = Role(
    "ORL-wrapped test actor", doc="ActorWrapper::with_default_timeout(TestActor)",
    states=["running"], initial="running", final=["running"],
    variables={
        "next_send_seq": Var(int, 1, "the wrapper's next sequence number (51)"),
        "msgs_pending_ack": Var(tuple, (), "(seq, dst, value) sent and not yet acknowledged"),
        "last_delivered_seqs": Var(tuple, (), "(src, seq): the last delivered from each src"),
        "received": Var(tuple, (), "the test actor's state Received: (src, value) in order"),
    },
    timers=[Timer("network", clause=f"{SOURCE}:101 on_start set_timer(TimerWrapper::Network)",
                  doc="the resend timer, resend_interval 1..2 s")],
    transitions=[
        Transition(Deliver, "running", None, name="deliver_new",
                   clause=f"{SOURCE}:141-176 on_msg Deliver (new seq)",
                   conditions=[lambda ctx: ctx.msg.seq > _last_from(ctx)],
                   after=[_remember, _ack, _deliver_new], sends=[Ack],
                   label="acks and delivers a new message"),
        Transition(Deliver, "running", None, name="deliver_old",
                   clause=f"{SOURCE}:143-146 on_msg Deliver (seq already passed)",
                   conditions=[lambda ctx: ctx.msg.seq <= _last_from(ctx)],
                   after=[_remember, _ack], sends=[Ack],
                   label="acks and discards an old message"),
        Transition(Ack, "running", None, clause=f"{SOURCE}:177-179 on_msg Ack",
                   after=[_remember, _drop_pending], label="stops resending it"),
        Transition(Expiry("network"), "running", None,
                   clause=f"{SOURCE}:198-203 on_timeout Network; model.rs "
                          "is_no_op_with_timer: no successor when nothing is pending",
                   conditions=[lambda ctx: bool(ctx.v.msgs_pending_ack)],
                   after=[_resend], sends=[Deliver], label="resends what is pending"),
    ])

# The Sender's on_start (ordered_reliable_link.rs 100-130 with process_output 238-247):
# TestMsg(42) and TestMsg(43) numbered 1 and 2, pending, sent; the timer armed (101).
SENDER_START = {"next_send_seq": 3, "msgs_pending_ack": ((1, "receiver", 42), (2, "receiver", 43)),
                "timers": ("network",)}
RECEIVER_START = {"timers": ("network",)}


def _values(v, value: int) -> int:
    return sum(1 for _, x in v["receiver"].received if x == value)


def _ordered(v) -> bool:
    last = 0
    for _, x in v["receiver"].received:
        if x < last:
            return False
        last = x
    return True


def build(last_msg: bool) -> System:
    return System(
        "stateright_orl" + ("" if last_msg else "_set_only"),
        network=Network.PERSISTENT, loss=True, check_deadlock=False,
        shared={"last_delivered": Var(tuple, (), "network.rs last_msg: the last envelope "
                                                 "delivered, () before any")} if last_msg else {},
        instances=[
            Instance("sender", ORL, label="Sender (Id 0)", init=SENDER_START,
                     sends=[("receiver", Deliver(seq=1, msg=42)),
                            ("receiver", Deliver(seq=2, msg=43))]),
            Instance("receiver", ORL, label="Receiver (Id 1)", init=RECEIVER_START),
        ],
        constraint=lambda v: len(v.in_flight()) < 4,
        properties=[
            always("no redelivery",
                   lambda v: _values(v, 42) < 2 and _values(v, 43) < 2,
                   clause=f"{SOURCE} mod test property \"no redelivery\"",
                   doc="the receiver gets 42 at most once and 43 at most once"),
            always("ordered", _ordered, clause=f"{SOURCE} mod test property \"ordered\"",
                   doc="the values the receiver gets never decrease"),
            sometimes("delivered",
                      lambda v: v["receiver"].received == (("sender", 42), ("sender", 43)),
                      clause=f"{SOURCE} mod test property \"delivered\"",
                      doc="the receiver gets exactly 42 then 43 from the sender"),
        ])


model = Model("stateright_orl",
              source="stateright/stateright src/actor/ordered_reliable_link.rs mod test "
                     "@ ab8c8be9341505e0f71edbe5dd88ed275bd976a4",
              doc="Stateright's ordered reliable link test on its lossy duplicating network")
model.add_variant("as_published", lambda: build(last_msg=True),
                  doc="Stateright's state, the network's last delivered envelope included")
model.add_variant("set_only", lambda: build(last_msg=False),
                  doc="without the network's last delivered envelope: the plain set")
