"""Benchmark model: the first private call redirection model (issue 2), frozen here so that
its hand-written twin in hand_models.py stays exact while models/ grows. `build(k)` has k
calling clients. The bundled, full model is models/private_call_redirect.py.

Private call towards a migrated MC service user (TS 23.280 clause 10.16.5).

MC service client 1 (user 1, served by its primary MC system A) calls MC service user 2
by the MC service ID its primary system A gave it. User 2 migrates to partner MC system B:
MC service client 2 de-registers from A, registers at B, and B informs A of the MC service
ID it assigned (X.1.6). When A knows, it answers the call with a private call redirection
(Table 10.16.5.2-1) and client 1 re-initiates the call with B's MC service ID (10.16.5.3).

Messages travel asynchronously over FIFO channels, so the migration notification, the
de-registration and the call set-up interleave in every order.

Variants
- base: 10.16.5.3 as in CR file 001 without its change: no KMS URI in the redirection.

Where the spec is silent, the model says so in the transition's clause: a call that A
forwards to client 2 while client 2's de-registration is in flight is rejected by client 2
(X.1.7.4 says nothing of it), and A rejects a call for a user that has de-registered when
no migration notification has arrived yet (10.16.5.3 assumes A is already informed).
"""

from __future__ import annotations

from mcfsm import (
    Instance,
    M,
    Message,
    Model,
    O,
    Role,
    System,
    Transition,
    Var,
    always,
    sometimes,
)

USER1_A = "user1@A"  # MC service ID of user 1, from its primary MC system A
USER2_A = "user2@A"  # MC service ID of user 2, from its primary MC system A
USER2_B = "user2@B"  # MC service ID of user 2, assigned by partner MC system B


def system_of(mc_service_id: str) -> str:
    return mc_service_id.rsplit("@", 1)[1]


def caller_id(k: int) -> str:
    """MC service ID of calling user k (user 1 is the spec's; more callers scale the model)."""
    return USER1_A if k == 1 else f"user1-{k}@A"


def caller_instance(mc_service_id: str) -> str:
    user = mc_service_id.split("@")[0]
    return "client1" if user == "user1" else "client1_" + user.split("-")[1]


# -- messages (information elements as in the spec's flows) ---------------------------------
class Deregistration(Message, clause="10.16.2.2 step 1; X.1.2 item 6"):
    mc_service_id: str = M("MC service ID the client de-registers")


class MigrationRegistration(Message, clause="X.1.6"):
    primary_id: str = M("MC service ID of the user in its primary MC system")


class RegistrationResponse(Message, clause="X.1.6"):
    partner_id: str = M("MC service ID assigned by the partner MC system (access token)")


class MigrationNotification(Message, clause="X.1.6; TS 23.379 10.6.3.3"):
    primary_id: str = M("MC service ID of the user in its primary MC system")
    partner_id: str = M("MC service ID the partner MC system assigned")


class PrivateCallRequest(Message, clause="10.16.5.3 step 1; TS 23.379 10.7.2.1.1"):
    calling_id: str = M("MC service ID of the calling party")
    called_id: str = M("MC service ID of the called party")


class PrivateCallRedirection(Message, clause="Table 10.16.5.2-1"):
    calling_id: str = M("MC service ID of the MC service user initiating the private call")
    called_id_primary: str = M("MC service ID of the target from its primary MC system")
    called_id_migrated: str = M("MC service ID of the target from its migrated MC system")
    kms_uri: str | None = O("KMS URI associated with the migrated MC service ID")
    redirection_reason: str | None = O("the target MC service user has migrated")


class PrivateCallAccept(Message, clause="TS 23.379 10.7.2.1.1"):
    calling_id: str = M("MC service ID of the calling party")
    called_id: str = M("MC service ID of the called party")


class PrivateCallReject(Message, clause="TS 23.379 10.7.2.1.1"):
    calling_id: str = M("MC service ID of the calling party")
    called_id: str = M("MC service ID of the called party")
    cause: str | None = O("why the call was not set up")


# -- MC service client 1: the calling party --------------------------------------------------
def call_user2_by_primary_id(ctx) -> None:
    ctx.v.target = USER2_A
    ctx.v.tried = (USER2_A,)
    ctx.send("serverA", PrivateCallRequest(calling_id=ctx.v.my_id, called_id=USER2_A))


def reinitiate_with_migrated_id(ctx) -> None:
    new_id = ctx.msg.called_id_migrated
    ctx.v.redirects += 1
    ctx.v.target = new_id
    ctx.v.tried = (*ctx.v.tried, new_id)
    ctx.send("serverA", PrivateCallRequest(calling_id=ctx.v.my_id, called_id=new_id))


CALLING_CLIENT = Role(
    "calling MC service client",
    states=["idle", "calling", "connected", "rejected"],
    initial="idle",
    final=["connected", "rejected"],
    variables={"my_id": Var(str, USER1_A), "target": Var(str, ""), "tried": Var(tuple, ()),
               "redirects": Var(int, 0)},
    transitions=[
        Transition("call_user2", "idle", "calling", after=[call_user2_by_primary_id],
                   sends=[PrivateCallRequest], environment=True,
                   label="MC service user 1 calls user 2 by its primary MC service ID",
                   clause="10.16.5.3 step 1"),
        Transition(PrivateCallRedirection, "calling", "calling",
                   after=[reinitiate_with_migrated_id], sends=[PrivateCallRequest],
                   label="releases the call and re-initiates it with the migrated MC service ID",
                   clause="10.16.5.3 steps 3-4"),
        Transition(PrivateCallAccept, "calling", "connected", clause="TS 23.379 10.7.2.1.1"),
        Transition(PrivateCallReject, "calling", "rejected", clause="TS 23.379 10.7.2.1.1"),
    ],
)


# -- MC service client 2: the called party, who migrates from A to B ------------------------
def leave_primary(ctx) -> None:
    ctx.send("serverA", Deregistration(mc_service_id=USER2_A))
    ctx.send("serverB", MigrationRegistration(primary_id=USER2_A))


def learn_partner_id(ctx) -> None:
    ctx.v.partner_id = ctx.msg.partner_id


def accept_call(ctx) -> None:
    ctx.v.in_call = True
    ctx.send(ctx.sender, PrivateCallAccept(calling_id=ctx.msg.calling_id,
                                           called_id=ctx.msg.called_id))


def reject_not_registered(ctx) -> None:
    ctx.send(ctx.sender, PrivateCallReject(calling_id=ctx.msg.calling_id,
                                           called_id=ctx.msg.called_id, cause="not registered"))


def via(server: str):
    def guard(ctx) -> bool:
        return ctx.sender == server
    guard.__name__ = f"via_{server}"
    return guard


def from_calling_client(ctx) -> bool:
    return ctx.sender.startswith("client1")


CALLED_CLIENT = Role(
    "called MC service client",
    states=["at_A", "migrating", "at_B"],
    initial="at_A",
    variables={"partner_id": Var(str, ""), "in_call": Var(bool, False)},
    transitions=[
        Transition("migrate_to_B", "at_A", "migrating", after=[leave_primary],
                   sends=[Deregistration, MigrationRegistration], environment=True,
                   label="the MC service UE detects the need to change MC system; de-registers "
                         "from A and registers at B",
                   clause="10.16.2.2 pre-condition 2 and step 1; X.1.2 items 5-6"),
        Transition(RegistrationResponse, "migrating", "at_B", after=[learn_partner_id],
                   clause="X.1.6 (MC service IDs in the partner's access token)"),
        Transition(PrivateCallRequest, "at_A", None, after=[accept_call],
                   sends=[PrivateCallAccept], name="accept_call_at_A",
                   clause="TS 23.379 10.7.2.1.1"),
        Transition(PrivateCallRequest, "at_B", None, conditions=[via("serverB")],
                   after=[accept_call], sends=[PrivateCallAccept], name="accept_call_at_B",
                   clause="10.16.5.3 step 4; X.1.7.2"),
        Transition(PrivateCallRequest, ["migrating", "at_B"], None, conditions=[via("serverA")],
                   after=[reject_not_registered], sends=[PrivateCallReject],
                   name="reject_call_via_old_system",
                   clause="spec silent (X.1.7.4): a call through A after de-registration; "
                          "modelled as a rejection"),
    ],
)


# -- MC service server A: primary MC system of user 2 and of user 1 -----------------------
def user2_known_migrated(ctx) -> bool:
    return ctx.msg.called_id == USER2_A and ctx.v.user2_migrated_id != ""


def user2_here(ctx) -> bool:
    return ctx.msg.called_id == USER2_A and ctx.v.user2_migrated_id == "" and ctx.v.user2_registered


def user2_gone_unannounced(ctx) -> bool:
    return (ctx.msg.called_id == USER2_A and ctx.v.user2_migrated_id == ""
            and not ctx.v.user2_registered)


def called_in_partner(ctx) -> bool:
    return system_of(ctx.msg.called_id) == "B"


def record_deregistration(ctx) -> None:
    ctx.v.user2_registered = False


def record_migration(ctx) -> None:
    ctx.v.user2_migrated_id = ctx.msg.partner_id


def redirect(ctx) -> None:
    ctx.send(ctx.sender, PrivateCallRedirection(
        calling_id=ctx.msg.calling_id, called_id_primary=USER2_A,
        called_id_migrated=ctx.v.user2_migrated_id, redirection_reason="migrated"))


def forward_to(instance: str):
    def forward(ctx) -> None:
        ctx.send(instance, ctx.msg)
    forward.__name__ = f"forward_to_{instance}"
    return forward


def relay_to_caller(ctx) -> None:
    ctx.send(caller_instance(ctx.msg.calling_id), ctx.msg)


def reject_to_caller(ctx) -> None:
    ctx.send(ctx.sender, PrivateCallReject(calling_id=ctx.msg.calling_id,
                                           called_id=ctx.msg.called_id, cause="not reachable"))


PRIMARY_SERVER = Role(
    "primary MC service server",
    states=["serving"],
    initial="serving",
    final=["serving"],
    variables={"user2_registered": Var(bool, True), "user2_migrated_id": Var(str, "")},
    transitions=[
        Transition(Deregistration, "serving", None, after=[record_deregistration],
                   clause="10.16.2.2 step 1 (de-authorises from the primary MC system)"),
        Transition(MigrationNotification, "serving", None, after=[record_migration],
                   clause="10.16.5.3 pre-condition 3; X.1.6"),
        Transition(PrivateCallRequest, "serving", None, conditions=[from_calling_client,
                   user2_known_migrated], after=[redirect], sends=[PrivateCallRedirection],
                   name="redirect_call", label="checks that user 2 has migrated and redirects",
                   clause="10.16.5.3 steps 2-3"),
        Transition(PrivateCallRequest, "serving", None, conditions=[from_calling_client, user2_here],
                   after=[forward_to("client2")], sends=[PrivateCallRequest],
                   name="deliver_call_locally", clause="TS 23.379 10.7.2.1.1"),
        Transition(PrivateCallRequest, "serving", None,
                   conditions=[from_calling_client, user2_gone_unannounced], after=[reject_to_caller],
                   sends=[PrivateCallReject], name="reject_unannounced_departure",
                   clause="spec silent (10.16.5.3 assumes A is informed): user 2 de-registered, "
                          "no migration notification yet"),
        Transition(PrivateCallRequest, "serving", None, conditions=[from_calling_client,
                   called_in_partner], after=[forward_to("serverB")], sends=[PrivateCallRequest],
                   name="forward_to_partner", clause="10.16.5.3 step 4 (A and B interconnected)"),
        Transition(PrivateCallAccept, "serving", None, after=[relay_to_caller],
                   sends=[PrivateCallAccept], name="relay_accept", clause="TS 23.379 10.7.2.1.1"),
        Transition(PrivateCallReject, "serving", None, after=[relay_to_caller],
                   sends=[PrivateCallReject], name="relay_reject", clause="TS 23.379 10.7.2.1.1"),
    ],
)


# -- MC service server B: the partner MC system user 2 migrates to ------------------------
def register_migrated_user(ctx) -> None:
    ctx.v.user2_registered = True
    ctx.send(ctx.sender, RegistrationResponse(partner_id=USER2_B))
    ctx.send("serverA", MigrationNotification(primary_id=ctx.msg.primary_id, partner_id=USER2_B))


def for_registered_user2(ctx) -> bool:
    return ctx.msg.called_id == USER2_B and ctx.v.user2_registered


PARTNER_SERVER = Role(
    "partner MC service server",
    states=["serving"],
    initial="serving",
    final=["serving"],
    variables={"user2_registered": Var(bool, False)},
    transitions=[
        Transition(MigrationRegistration, "serving", None, after=[register_migrated_user],
                   sends=[RegistrationResponse, MigrationNotification],
                   label="registers the migrated user and informs its primary MC system",
                   clause="X.1.6"),
        Transition(PrivateCallRequest, "serving", None, conditions=[for_registered_user2],
                   after=[forward_to("client2")], sends=[PrivateCallRequest],
                   name="deliver_call", clause="10.16.5.3 step 4; TS 23.379 10.7.2.1.1"),
        Transition(PrivateCallAccept, "serving", None, after=[forward_to("serverA")],
                   sends=[PrivateCallAccept], name="relay_accept", clause="TS 23.379 10.7.2.1.1"),
    ],
)


# -- properties ----------------------------------------------------------------------------
def callers(v) -> list:
    return [v[name] for name in v.instances_of(CALLING_CLIENT)]


def primary_binding_fresh(v) -> bool:
    """Once client 2 is served by B and no notification is in flight, A knows B's ID."""
    if v["client2"].state != "at_B" or v.in_flight(MigrationNotification):
        return True
    return v["serverA"].user2_migrated_id == v["client2"].partner_id


def redirects_never_loop(v) -> bool:
    return all(len(c.tried) == len(set(c.tried)) and c.redirects <= 1 for c in callers(v))


def redirect_only_own_users(v) -> bool:
    return all(system_of(m.calling_id) == "A" for _, _, m in v.in_flight(PrivateCallRedirection))


def migrated_user_reachable(v) -> bool:
    return v["client2"].state != "at_B" or all(c.state != "rejected" for c in callers(v))


def connected_after_redirection(v) -> bool:
    return any(c.state == "connected" and c.redirects == 1 for c in callers(v))


def connected_before_migration(v) -> bool:
    return any(c.state == "connected" and c.redirects == 0 for c in callers(v))


def calls_done(v) -> bool:
    return all(c.state in ("connected", "rejected") for c in callers(v)) and not v.in_flight()


def build(calling_clients: int = 1) -> System:
    """The system with `calling_clients` callers of user 2 (1 in the bundled variant; more
    scale the state space for benchmarks)."""
    caller_instances = [
        Instance("client1" if k == 1 else f"client1_{k}", CALLING_CLIENT,
                 label="MC service client 1" if k == 1 else f"MC service client 1 (caller {k})",
                 init={"my_id": caller_id(k)})
        for k in range(1, calling_clients + 1)
    ]
    return System(
        "private_call_redirect",
        instances=[
            *caller_instances,
            Instance("client2", CALLED_CLIENT, label="MC service client 2"),
            Instance("serverA", PRIMARY_SERVER, label="MC service server A"),
            Instance("serverB", PARTNER_SERVER, label="MC service server B"),
        ],
        final=calls_done,
        properties=[
            always("primary-binding-fresh", primary_binding_fresh,
                   clause="10.16.5.3 pre-condition 3; X.1.4.1; X.1.6"),
            always("redirects-never-loop", redirects_never_loop, clause="10.16.5.3"),
            always("redirect-only-own-users", redirect_only_own_users,
                   clause="10.16.5.3 step 2"),
            always("migrated-user-reachable", migrated_user_reachable,
                   clause="10.16.5.3 pre-condition 3; X.1.7.1 item 6",
                   doc="a call to user 2 is not rejected while user 2 is served by B"),
            sometimes("call-connects-after-redirection", connected_after_redirection,
                      clause="10.16.5.3 step 4"),
            sometimes("call-connects-before-migration", connected_before_migration,
                      clause="TS 23.379 10.7.2.1.1"),
        ],
    )


model = Model("redirect_benchmark", clause="10.16.5", doc=__doc__)
model.add_variant("base", lambda: build(1), doc="as published: no KMS URI in the private call redirection",
                  expect={"migrated-user-reachable": "violated"})
