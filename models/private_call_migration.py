"""Migration during an ongoing private communication (TS 23.280 clause 10.16.3).

MC service client 1 (user 1, primary MC system A) is in a private call with MC service
client 2 (user 2, served by A) and migrates three times, A to B to C and back to A: the
three kinds of migration 10.16.3.2 supports (primary to partner, partner to partner,
partner to primary). Each time it
  1. releases the private call towards client 2 and marks it suspended (step 1),
  then de-registers and registers at the other MC system (NOTE 1: not shown in the
  spec's figure, modelled so that the steps interleave with it),
  2. has its configuration management client retrieve the user profile used within the
     partner MC system from that system's CMS (step 2; not on return to the primary MC
     system, whose profile the client remembers, X.1.7),
  3. initiates a new private call towards client 2 because the call is marked suspended
     (step 3).
MC service client 3 (user 3, served by A) makes one private call to client 2, which can
arrive while client 2 waits for the call to resume: NOTE 3 leaves that to the receiving
client ("could include rejecting"). The parameter note3_policy makes the choice:
  - reject: client 2 rejects calls while the private call with client 1 is suspended;
  - accept: client 2 takes the new call (and so is busy when the resumption arrives).

Variants: as_published explores both choices; note3_reject pins "reject".
"""

from __future__ import annotations

import _progress
from _mc import (
    MIGRATION_CHAIN,
    SERVER,
    SYSTEMS,
    CallRelease,
    Deregistration,
    PrivateCallAccept,
    PrivateCallReject,
    PrivateCallRequest,
    Registration,
    RegistrationResponse,
    UserProfileRequest,
    UserProfileResponse,
    mcid,
    system_of,
    user_of,
)

from mcfsm import Instance, Model, Param, Role, System, Transition, Var, always, sometimes

CMS = {s: f"cms{s}" for s in ("B", "C")}
CLIENT = {"user1": "client1", "user2": "client2", "user3": "client3"}
HOME = "A"  # the primary MC system of every user here
USER2 = mcid("user2", "A")
KIND = {("A", "B"): "primary to partner", ("B", "C"): "partner to partner",
        ("C", "A"): "partner to primary"}


# -- MC service client 1, with its configuration management client --------------------------
def can_migrate(ctx) -> bool:
    return ctx.v.migrations + 1 < len(MIGRATION_CHAIN)


def release_and_migrate(ctx) -> None:
    here = MIGRATION_CHAIN[ctx.v.migrations]
    there = MIGRATION_CHAIN[ctx.v.migrations + 1]
    ctx.v.migrations += 1
    ctx.v.suspended = True
    ctx.v.resumptions = 0
    ctx.send(SERVER[here], CallRelease(calling_id=ctx.v.my_id, called_id=USER2))
    ctx.send(SERVER[here], Deregistration(mc_service_id=ctx.v.my_id))
    ctx.send(SERVER[there], Registration(primary_id=mcid("user1", HOME)))


def registered(ctx) -> None:
    ctx.v.my_id = ctx.msg.mc_service_id


def at_partner(ctx) -> bool:
    return system_of(ctx.msg.mc_service_id) != HOME


def at_primary(ctx) -> bool:
    return not at_partner(ctx)


def retrieve_profile(ctx) -> None:
    registered(ctx)
    ctx.send(CMS[system_of(ctx.v.my_id)], UserProfileRequest(mc_service_id=ctx.v.my_id))


def resume_call(ctx) -> None:
    ctx.v.resumptions += 1
    ctx.send(SERVER[system_of(ctx.v.my_id)],
             PrivateCallRequest(calling_id=ctx.v.my_id, called_id=USER2,
                                calling_primary_id=mcid("user1", HOME)))


def resumed(ctx) -> None:
    ctx.v.suspended = False
    ctx.v.resumed_after = (*ctx.v.resumed_after, ctx.v.migrations)


MIGRATING_CLIENT = Role(
    "migrating MC service client",
    states=["in_call", "registering", "retrieving_profile", "ready", "resuming", "call_lost"],
    initial="in_call",
    final=["in_call", "call_lost"],
    variables={"my_id": Var(str, mcid("user1", HOME)), "migrations": Var(int, 0),
               "suspended": Var(bool, False), "resumptions": Var(int, 0),
               "resumed_after": Var(tuple, ())},
    transitions=[
        Transition("migrate", "in_call", "registering", conditions=[can_migrate],
                   after=[release_and_migrate],
                   sends=[CallRelease, Deregistration, Registration], environment=True,
                   label="detects the need to change MC system; releases the private call, "
                         "marks it suspended, and registers at the other MC system",
                   clause="10.16.3.2 pre-condition 2 and step 1 (NOTE 1: registration)"),
        Transition(RegistrationResponse, "registering", "retrieving_profile",
                   name="registered_at_partner", conditions=[at_partner],
                   after=[retrieve_profile], sends=[UserProfileRequest],
                   label="registered; the configuration management client retrieves the "
                         "partner's user profile", clause="10.16.3.2 step 2; X.1.6"),
        Transition(RegistrationResponse, "registering", "ready", name="registered_at_primary",
                   conditions=[at_primary], after=[registered],
                   clause="X.1.7 (the primary MC system's profile is remembered)"),
        Transition(UserProfileResponse, "retrieving_profile", "ready",
                   clause="10.16.3.2 step 2; 10.1.4.3.2"),
        Transition("resume_call", "ready", "resuming", after=[resume_call],
                   sends=[PrivateCallRequest],
                   label="initiates a new private call because the call is marked suspended",
                   clause="10.16.3.2 step 3; X.1.7.3 (both MC service IDs)"),
        Transition(PrivateCallAccept, "resuming", "in_call", after=[resumed],
                   clause="10.16.3.2 step 3; TS 23.379 10.7.2.1.1"),
        Transition(PrivateCallReject, "resuming", "call_lost",
                   label="the new private call is refused; the suspended call is lost",
                   clause="10.16.3.2 step 3 (refused: NOTE 3, or the call arrives first)"),
    ],
)


# -- MC service client 2: the other party of the private call ------------------------------
def release_is_for_migration(ctx) -> bool:
    return ctx.msg.called_id == USER2


def from_user1(ctx) -> bool:
    return user_of(ctx.msg.calling_id) == "user1"


def from_other(ctx) -> bool:
    return not from_user1(ctx)


def policy(choice: str):
    def guard(ctx) -> bool:
        return ctx.params.note3_policy == choice
    guard.__name__ = f"note3_{choice}"
    return guard


def answer(accepted: bool, cause: str = ""):
    def action(ctx) -> None:
        if accepted:
            ctx.send(ctx.sender, PrivateCallAccept(calling_id=ctx.msg.calling_id,
                                                   called_id=ctx.msg.called_id))
        else:
            ctx.send(ctx.sender, PrivateCallReject(calling_id=ctx.msg.calling_id,
                                                   called_id=ctx.msg.called_id, cause=cause))
    action.__name__ = "accept" if accepted else f"reject_{cause}"
    return action


PCR = PrivateCallRequest
PEER = Role(
    "MC service client",
    states=["in_call", "awaiting_resumption", "in_other_call"],
    initial="in_call",
    final=["in_call", "awaiting_resumption", "in_other_call"],
    transitions=[
        Transition(CallRelease, "in_call", "awaiting_resumption",
                   clause="10.16.3.2 step 1 (the call is released towards client 2)"),
        Transition(PCR, "awaiting_resumption", "in_call", name="accept_resumed_call",
                   conditions=[from_user1], after=[answer(True)], sends=[PrivateCallAccept],
                   clause="10.16.3.2 step 3"),
        Transition(PCR, ["in_call", "in_other_call"], None, name="reject_busy",
                   after=[answer(False, "busy")], sends=[PrivateCallReject],
                   clause="TS 23.379 10.7.2.1.1 (called party busy)"),
        Transition(PCR, "awaiting_resumption", None, name="note3_reject_new_call",
                   conditions=[from_other, policy("reject")],
                   after=[answer(False, "awaiting resumption")], sends=[PrivateCallReject],
                   clause="10.16.3.2 NOTE 3 (note3_policy=reject)"),
        Transition(PCR, "awaiting_resumption", "in_other_call", name="note3_accept_new_call",
                   conditions=[from_other, policy("accept")], after=[answer(True)],
                   sends=[PrivateCallAccept], clause="10.16.3.2 NOTE 3 (note3_policy=accept)"),
    ],
)


# -- MC service client 3: another caller (NOTE 3) --------------------------------------------
def call_user2(ctx) -> None:
    ctx.send("serverA", PrivateCallRequest(calling_id=mcid("user3", HOME), called_id=USER2))


OTHER_CALLER = Role(
    "calling MC service client",
    states=["idle", "calling", "connected", "rejected"],
    initial="idle",
    final=["idle", "connected", "rejected"],
    transitions=[
        Transition("call_user2", "idle", "calling", after=[call_user2], sends=[PCR],
                   environment=True, label="calls user 2", clause="10.16.3.2 NOTE 3"),
        Transition(PrivateCallAccept, "calling", "connected", clause="TS 23.379 10.7.2.1.1"),
        Transition(PrivateCallReject, "calling", "rejected", clause="TS 23.379 10.7.2.1.1"),
    ],
)


# -- MC service servers A, B, C and the partners' CMSs -------------------------------------
def towards(mc_service_id: str, system: str) -> str:
    """Where a server sends signalling for an MC service ID: its client when served here,
    else the MC system that assigned the ID (interconnected MC systems)."""
    owner = system_of(mc_service_id)
    return CLIENT[user_of(mc_service_id)] if owner == system else SERVER[owner]


def route_to_called(ctx) -> None:
    ctx.send(towards(ctx.msg.called_id, ctx.v.system), ctx.msg)


def route_to_calling(ctx) -> None:
    ctx.send(towards(ctx.msg.calling_id, ctx.v.system), ctx.msg)


def on_registration(ctx) -> None:
    primary = ctx.msg.primary_id
    assigned = primary if ctx.v.system == HOME else mcid(user_of(primary), ctx.v.system)
    ctx.send(ctx.sender, RegistrationResponse(mc_service_id=assigned))


SERVER_ROLE = Role(
    "MC service server",
    states=["serving"],
    initial="serving",
    final=["serving"],
    variables={"system": Var(str, "")},
    transitions=[
        Transition(Registration, "serving", None, after=[on_registration],
                   sends=[RegistrationResponse], clause="X.1.6 (registration at the MC system)"),
        Transition(Deregistration, "serving", None, clause="X.1.4.1 (de-registration)"),
        Transition(PCR, "serving", None, after=[route_to_called], sends=[PCR],
                   clause="TS 23.379 10.7.2.1.1 (interconnected MC systems)"),
        Transition(CallRelease, "serving", None, after=[route_to_called], sends=[CallRelease],
                   clause="10.16.3.2 step 1"),
        Transition(PrivateCallAccept, "serving", None, after=[route_to_calling],
                   sends=[PrivateCallAccept], clause="TS 23.379 10.7.2.1.1"),
        Transition(PrivateCallReject, "serving", None, after=[route_to_calling],
                   sends=[PrivateCallReject], clause="TS 23.379 10.7.2.1.1"),
    ],
)


def profile(ctx) -> None:
    ctx.send(ctx.sender, UserProfileResponse(mc_service_id=ctx.msg.mc_service_id))


CMS_ROLE = Role(
    "CMS", states=["serving"], initial="serving", final=["serving"],
    transitions=[Transition(UserProfileRequest, "serving", None, after=[profile],
                            sends=[UserProfileResponse], clause="10.1.4.3.2")],
)


# -- properties ----------------------------------------------------------------------------
def resumed_at_most_once(v) -> bool:
    return v["client1"].resumptions <= 1


def suspended_call_not_lost(v) -> bool:
    return v["client1"].state != "call_lost"


def note3_does_not_block(v) -> bool:
    return not (v["client1"].state == "call_lost" and v["client2"].state == "in_other_call")


def resumed_after(kind_index: int):
    def witness(v) -> bool:
        return kind_index in v["client1"].resumed_after
    return witness


def witness_name(k: int) -> str:
    kind = KIND[MIGRATION_CHAIN[k - 1], MIGRATION_CHAIN[k]]
    return "call-resumed-" + kind.replace(" ", "-")


def build(note3_choices: tuple[str, ...]) -> System:
    return System(
        "private_call_migration",
        instances=[
            Instance("client1", MIGRATING_CLIENT, label="MC service client 1"),
            Instance("client2", PEER, label="MC service client 2"),
            Instance("client3", OTHER_CALLER, label="MC service client 3"),
            *(Instance(SERVER[s], SERVER_ROLE, label=f"MC service server {s}",
                       init={"system": s}) for s in SYSTEMS),
            *(Instance(CMS[s], CMS_ROLE, label=f"CMS of MC system {s}") for s in CMS),
        ],
        params={"note3_policy": Param(note3_choices, clause="10.16.3.2 NOTE 3",
                                      doc="what client 2 does with another private call "
                                          "request before the call has resumed")},
        fairness=_progress.FAIRNESS,
        properties=[
            _progress.suspended_call_resumed_or_released(),
            always("suspended-call-resumed-once", resumed_at_most_once, clause="10.16.3.2 step 3",
                   doc="a suspended private call is re-initiated at most once"),
            always("suspended-call-not-lost", suspended_call_not_lost,
                   clause="10.16.3.1; 10.16.3.2 step 3 and NOTE 3",
                   doc="the re-initiated private call is not refused"),
            always("note3-does-not-block-resumption", note3_does_not_block,
                   clause="10.16.3.2 NOTE 3",
                   doc="the suspended call is not lost because client 2 took another call"),
            *(sometimes(witness_name(k), resumed_after(k),
                        clause="10.16.3.2 (primary to partner, partner to partner, "
                               "partner to primary)")
              for k in (1, 2, 3)),
            sometimes("note3-call-connects", lambda v: v["client3"].state == "connected",
                      clause="10.16.3.2 NOTE 3"),
        ],
    )


model = Model("private_call_migration", clause="10.16.3", doc=__doc__)
model.add_variant("as_published", lambda: build(("reject", "accept")),
                  doc="NOTE 3 left to the receiving client: both choices explored",
                  expect={"suspended-call-not-lost": "violated",
                          "note3-does-not-block-resumption": "violated"})
model.add_variant("note3_reject", lambda: build(("reject",)),
                  doc="client 2 rejects other calls until the private call has resumed",
                  expect={"suspended-call-not-lost": "violated", "note3-call-connects": "never"})
