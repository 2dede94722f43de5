"""Private call towards a migrated MC service user (TS 23.280 clause 10.16.5), as published
and as CRs 001 (KMS URI in the redirection) and 000 (same-system check, redirection
indication, NOTE 2 re-check) change it.

Three MC systems: A is the primary MC system of users 1 and 2, C of user 3; B and C are
partner MC systems of user 2. MC service user 2 migrates up to three times, A to B to C
and back to A: one migration of each kind of X.1.7.4's NOTE (break-before-make:
de-registration, then registration; the new partner informs A with its own message,
X.1.6). MC service user 1 makes a protected private call to user 2 by its primary MC
service ID; after a rejection for a redirected ID it re-initiates with the primary ID
(X.1.7.1 item 6b). MC service user 3, of MC system C, calls user 2 by its primary ID too.
Calls by a cached partner ID (item 6a) are in migration_lifecycle.py. Messages travel
asynchronously over FIFO channels, so every interleaving of notifications, registrations
and call set-up is explored.

Variants
- base: as published (CR 001's "before" text): no KMS URI in the redirection, the check
  for every caller, no indication.
- cr_kms_uri: CR 001: the optional KMS URI element, filled in because calls are protected;
  a client without it does the KMS lookup of TS 33.180 (table NOTE).
- cr_migration_indication: CR 000: the check only when caller and called party belong to
  the same MC system; the re-initiated call carries the indication; NOTE 2: a server that
  receives it for a migrated ID that was updated or removed redirects again.
- cr_both: both CRs.

Where the spec is silent, a parameter makes the choice and every choice is explored:
- departed_policy (10.16.5.3, X.1.7.1 6b silent): what a partner does with a call for a
  user who has left it: "reject" or "redirect_to_primary".
- kms_without_uri (10.16.5.3 Editor's note, FFS in the texts without CR 001's NOTE):
  whether a client without the target's KMS URI does the TS 33.180 lookup ("lookup") or
  sets the call up anyway ("none").
"""

from __future__ import annotations

import _progress
from _mc import (
    MIGRATION_CHAIN,
    SERVER,
    SYSTEMS,
    USER2_PRIMARY,
    Deregistration,
    KmsLookupRequest,
    KmsLookupResponse,
    MigrationNotification,
    PrivateCallAccept,
    PrivateCallRedirection,
    PrivateCallReject,
    PrivateCallRequest,
    Registration,
    RegistrationResponse,
    kms_uri,
    mcid,
    primary_binding_fresh,
    record_binding,
    system_of,
    user_of,
)

from mcfsm import Instance, Model, Param, Role, System, Transition, Var, always, sometimes

CLIENT = {"user1": "client1", "user2": "client2", "user3": "client3"}
HOME = {"user1": "A", "user2": "A", "user3": "C"}
MAX_MIGRATIONS = 3
MAX_REDIRECTIONS = 3  # a client gives up after this many (spec silent; bounds the search)


def build(*, kms_in_redirect: bool, migration_indication: bool,
          max_migrations: int = MAX_MIGRATIONS, client1_calls: int = 1) -> System:
    """The system of one variant: the two CRs are independent switches. The bounds are
    arguments so that tests and benchmarks can scale the model."""
    kms_prescribed = kms_in_redirect  # CR 001's table NOTE prescribes the lookup

    # -- MC service clients 1 and 3: the calling parties ---------------------------------
    def call(ctx, target: str) -> None:
        ctx.v.calls += 1
        ctx.v.target = target
        ctx.v.redirected_to = ()
        ctx.v.retried_primary = False
        ctx.send(ctx.v.server, PrivateCallRequest(calling_id=ctx.v.my_id, called_id=target))

    def call_primary(ctx) -> None:
        call(ctx, USER2_PRIMARY)

    def may_call(ctx) -> bool:
        return ctx.v.calls < ctx.v.max_calls

    def kms_known(ctx, target: str) -> bool:
        return system_of(target) in ctx.v.kms

    def setup(ctx, target: str) -> None:
        """Set up the call to `target`, after a KMS lookup where it is needed and done."""
        ctx.v.target = target
        indication = True if migration_indication else None
        ctx.send(ctx.v.server, PrivateCallRequest(calling_id=ctx.v.my_id, called_id=target,
                                                  redirection_indication=indication))

    def needs_lookup(ctx, target: str) -> bool:
        if kms_known(ctx, target):
            return False
        return kms_prescribed or ctx.params.kms_without_uri == "lookup"

    def follow_redirection(ctx) -> None:
        new_id = ctx.msg.called_id_migrated
        ctx.v.redirects += 1
        ctx.v.redirected_to = (*ctx.v.redirected_to, new_id)
        ctx.v.cached = new_id if new_id != USER2_PRIMARY else ""
        if ctx.msg.kms_uri is not None:
            ctx.v.kms = ctx.v.kms | {system_of(new_id)}
        if needs_lookup(ctx, new_id):
            ctx.v.target = new_id
            ctx.send("kms", KmsLookupRequest(mc_service_id=new_id))
        else:
            setup(ctx, new_id)

    def redirect_needs_lookup(ctx) -> bool:
        new_id = ctx.msg.called_id_migrated
        known = ctx.msg.kms_uri is not None or system_of(new_id) in ctx.v.kms
        return not known and (kms_prescribed or ctx.params.kms_without_uri == "lookup")

    def can_follow(ctx) -> bool:
        return ctx.v.redirects < MAX_REDIRECTIONS

    def learn_kms(ctx) -> None:
        ctx.v.kms = ctx.v.kms | {system_of(ctx.msg.mc_service_id)}
        setup(ctx, ctx.v.target)

    def retry_primary(ctx) -> None:
        ctx.v.cached = ""
        ctx.v.retried_primary = True
        ctx.v.target = USER2_PRIMARY
        ctx.send(ctx.v.server, PrivateCallRequest(calling_id=ctx.v.my_id, called_id=USER2_PRIMARY))

    def may_retry_primary(ctx) -> bool:
        return ctx.v.target != USER2_PRIMARY and not ctx.v.retried_primary

    def cannot_retry(ctx) -> bool:
        return not may_retry_primary(ctx)

    not_follow = [lambda ctx: not can_follow(ctx)]
    caller = Role(
        "calling MC service client",
        states=["idle", "calling", "awaiting_kms", "connected", "failed"],
        initial="idle",
        final=["idle", "connected", "failed"],
        variables={
            "my_id": Var(str, ""), "server": Var(str, ""), "max_calls": Var(int, 1),
            "calls": Var(int, 0), "target": Var(str, ""), "cached": Var(str, ""),
            "kms": Var(frozenset, frozenset({"A"})), "redirects": Var(int, 0),
            "redirected_to": Var(tuple, ()), "retried_primary": Var(bool, False),
        },
        transitions=[
            Transition("call_by_primary_id", "idle", "calling",
                       conditions=[may_call], after=[call_primary], sends=[PrivateCallRequest],
                       environment=True, label="calls user 2 by its primary MC service ID",
                       clause="10.16.5.3 step 1"),
            Transition(PrivateCallRedirection, "calling", "calling", name="follow_redirection",
                       conditions=[can_follow, lambda ctx: not redirect_needs_lookup(ctx)],
                       after=[follow_redirection], sends=[PrivateCallRequest],
                       label="releases the call and re-initiates it with the migrated MC service ID",
                       clause="10.16.5.3 steps 3-4"),
            Transition(PrivateCallRedirection, "calling", "awaiting_kms",
                       name="follow_redirection_after_kms_lookup",
                       conditions=[can_follow, redirect_needs_lookup],
                       after=[follow_redirection], sends=[KmsLookupRequest],
                       label="releases the call and first looks up the KMS URI",
                       clause="10.16.5.3 step 3; Table 10.16.5.2-1 NOTE; TS 33.180 D.2.7"),
            Transition(PrivateCallRedirection, "calling", "failed", name="give_up_redirections",
                       conditions=not_follow,
                       clause=f"spec silent: a client stops after {MAX_REDIRECTIONS} redirections"),
            Transition(KmsLookupResponse, "awaiting_kms", "calling", after=[learn_kms],
                       sends=[PrivateCallRequest], clause="TS 33.180 D.2.7; 10.16.5.3 step 4"),
            Transition(PrivateCallAccept, "calling", "connected", clause="TS 23.379 10.7.2.1.1"),
            Transition(PrivateCallReject, "calling", "calling", name="retry_with_primary_id",
                       conditions=[may_retry_primary], after=[retry_primary],
                       sends=[PrivateCallRequest], clause="X.1.7.1 item 6b"),
            Transition(PrivateCallReject, "calling", "failed", name="call_fails",
                       conditions=[cannot_retry], clause="TS 23.379 10.7.2.1.1"),
        ],
    )

    # -- MC service client 2: the migrating called party -----------------------------------
    def next_system(ctx):
        step = ctx.v.migrations + 1
        return [MIGRATION_CHAIN[step]] if step < len(MIGRATION_CHAIN) else []

    def may_migrate(ctx) -> bool:
        return ctx.v.migrations < max_migrations

    def migrate(ctx) -> None:
        ctx.v.migrations += 1
        ctx.v.pending = ctx.arg
        ctx.send(SERVER[ctx.v.serving], Deregistration(mc_service_id=ctx.v.current_id))
        ctx.send(SERVER[ctx.arg], Registration(primary_id=USER2_PRIMARY))

    def registered(ctx) -> None:
        ctx.v.serving = ctx.v.pending
        ctx.v.current_id = ctx.msg.mc_service_id

    def from_serving(ctx) -> bool:
        return ctx.sender == SERVER[ctx.v.serving]

    def accept(ctx) -> None:
        ctx.send(ctx.sender, PrivateCallAccept(calling_id=ctx.msg.calling_id,
                                               called_id=ctx.msg.called_id))

    def refuse(ctx) -> None:
        ctx.send(ctx.sender, PrivateCallReject(calling_id=ctx.msg.calling_id,
                                               called_id=ctx.msg.called_id, cause="not registered"))

    migrant = Role(
        "migrating MC service client",
        states=["registered", "migrating"],
        initial="registered",
        final=["registered"],
        variables={"serving": Var(str, "A"), "current_id": Var(str, USER2_PRIMARY),
                   "pending": Var(str, ""), "migrations": Var(int, 0)},
        transitions=[
            Transition("migrate", "registered", "migrating", conditions=[may_migrate],
                       choices=next_system, after=[migrate],
                       sends=[Deregistration, Registration], environment=True,
                       label="detects the need to change MC system; de-registers and registers "
                             "at the new one",
                       clause="10.16.3.2 pre-condition 2; X.1.2 items 5-6; X.1.7.4 NOTE"),
            Transition(RegistrationResponse, "migrating", "registered", after=[registered],
                       clause="X.1.6 (the MC service IDs of the access token)"),
            Transition(PrivateCallRequest, "registered", None, name="accept_call",
                       conditions=[from_serving], after=[accept], sends=[PrivateCallAccept],
                       clause="10.16.5.3 step 4; X.1.7.2"),
            Transition(PrivateCallRequest, "registered", None, name="refuse_call_from_old_system",
                       conditions=[lambda ctx: not from_serving(ctx)], after=[refuse],
                       sends=[PrivateCallReject],
                       clause="spec silent: a call delivered by a system the client has left"),
            Transition(PrivateCallRequest, "migrating", None, name="refuse_call_while_migrating",
                       after=[refuse], sends=[PrivateCallReject],
                       clause="spec silent: a call arriving between de-registration and "
                              "registration"),
        ],
    )

    # -- MC service servers A, B, C: primary for their own users, partner for visitors ------
    def binding(ctx, primary_id: str) -> str:
        return dict(ctx.v.bindings).get(primary_id, "")

    def route_back(ctx, message) -> None:
        """Send a response towards the calling party: its client if served here, else its
        MC system's server (the way the request came)."""
        calling = message.calling_id
        home = system_of(calling)
        if home == ctx.v.system:
            ctx.send(CLIENT[user_of(calling)], message)
        else:
            ctx.send(SERVER[home], message)

    def on_registration(ctx) -> None:
        primary = ctx.msg.primary_id
        if system_of(primary) == ctx.v.system:  # the user returns to its primary MC system
            ctx.v.registered = ctx.v.registered | {primary}
            ctx.v.bindings = frozenset(b for b in ctx.v.bindings if b[0] != primary)
            ctx.send(ctx.sender, RegistrationResponse(mc_service_id=primary))
            return
        partner_id = mcid(user_of(primary), ctx.v.system)
        ctx.v.registered = ctx.v.registered | {partner_id}
        ctx.v.visitors = frozenset({*ctx.v.visitors, (partner_id, primary)})
        ctx.send(ctx.sender, RegistrationResponse(mc_service_id=partner_id))
        ctx.send(SERVER[system_of(primary)],
                 MigrationNotification(primary_id=primary, partner_id=partner_id))

    def on_deregistration(ctx) -> None:
        ctx.v.registered = ctx.v.registered - {ctx.msg.mc_service_id}

    # Which branch of 10.16.5.3 a private call request takes at this server:
    def classify(ctx) -> str:
        called, calling = ctx.msg.called_id, ctx.msg.calling_id
        here = ctx.v.system
        if system_of(called) != here:
            return "interwork"
        if called in ctx.v.registered:
            return "deliver"
        if HOME[user_of(called)] == here:  # a primary MC service ID of this system
            migrated_to = binding(ctx, called)
            if not migrated_to:
                return "unreachable"
            if migration_indication and system_of(calling) != here:
                return "forward_foreign"  # CR 000 step 2, otherwise-branch
            return "redirect"
        # A partner MC service ID this system assigned to a user who has since left.
        if migration_indication and ctx.msg.redirection_indication:
            return "recheck"  # CR 000 NOTE 2
        return "departed_" + ctx.params.departed_policy

    def branch(name: str):
        def guard(ctx) -> bool:
            return classify(ctx) == name
        guard.__name__ = f"branch_{name}"
        return guard

    def interwork(ctx) -> None:
        ctx.send(SERVER[system_of(ctx.msg.called_id)], ctx.msg)

    def deliver(ctx) -> None:
        ctx.send(CLIENT[user_of(ctx.msg.called_id)], ctx.msg)

    def redirection(ctx, migrated_id: str) -> PrivateCallRedirection:
        uri = kms_uri(system_of(migrated_id)) if kms_in_redirect else None
        return PrivateCallRedirection(calling_id=ctx.msg.calling_id,
                                      called_id_primary=mcid(user_of(ctx.msg.called_id),
                                                             HOME[user_of(ctx.msg.called_id)]),
                                      called_id_migrated=migrated_id, kms_uri=uri,
                                      redirection_reason="migrated")

    def redirect(ctx) -> None:
        route_back(ctx, redirection(ctx, binding(ctx, ctx.msg.called_id)))

    def redirect_to_primary(ctx) -> None:
        primary = mcid(user_of(ctx.msg.called_id), HOME[user_of(ctx.msg.called_id)])
        route_back(ctx, redirection(ctx, primary))

    def forward_foreign(ctx) -> None:
        migrated_to = binding(ctx, ctx.msg.called_id)
        ctx.send(SERVER[system_of(migrated_to)],
                 PrivateCallRequest(calling_id=ctx.msg.calling_id, called_id=migrated_to))

    def reject(cause: str):
        def action(ctx) -> None:
            route_back(ctx, PrivateCallReject(calling_id=ctx.msg.calling_id,
                                              called_id=ctx.msg.called_id, cause=cause))
        action.__name__ = f"reject_{cause.replace(' ', '_')}"
        return action

    def relay(ctx) -> None:
        route_back(ctx, ctx.msg)

    pcr, red = PrivateCallRequest, PrivateCallRedirection
    server = Role(
        "MC service server",
        states=["serving"],
        initial="serving",
        final=["serving"],
        variables={"system": Var(str, ""), "registered": Var(frozenset, frozenset()),
                   "bindings": Var(frozenset, frozenset()), "visitors": Var(frozenset, frozenset())},
        transitions=[
            Transition(Registration, "serving", None, after=[on_registration],
                       sends=[RegistrationResponse, MigrationNotification],
                       label="registers the user; a partner informs the primary MC system",
                       clause="X.1.6; spec silent on a return: the primary learns it from the "
                              "registration with the primary MC service ID"),
            Transition(Deregistration, "serving", None, after=[on_deregistration],
                       clause="10.16.2.2 step 1; X.1.4.1"),
            Transition(MigrationNotification, "serving", None, after=[record_binding],
                       label="records the user's current MC service ID",
                       clause="10.16.5.3 pre-condition 3; X.1.4.1; X.1.6"),
            Transition(pcr, "serving", None, name="interwork", conditions=[branch("interwork")],
                       after=[interwork], sends=[pcr],
                       clause="10.16.5.3 step 4 (MC systems interconnected)"),
            Transition(pcr, "serving", None, name="deliver", conditions=[branch("deliver")],
                       after=[deliver], sends=[pcr], clause="TS 23.379 10.7.2.1.1; X.1.7.2"),
            Transition(pcr, "serving", None, name="redirect", conditions=[branch("redirect")],
                       after=[redirect], sends=[red],
                       label="checks that user 2 has migrated and sends a private call redirection",
                       clause="10.16.5.3 steps 2-3"),
            Transition(pcr, "serving", None, name="forward_foreign_caller",
                       conditions=[branch("forward_foreign")], after=[forward_foreign],
                       sends=[pcr], clause="CR 000 10.16.5.3 step 2 (otherwise, TS 23.379)"),
            Transition(pcr, "serving", None, name="reject_unreachable",
                       conditions=[branch("unreachable")], after=[reject("not reachable")],
                       sends=[PrivateCallReject],
                       clause="spec silent (10.16.5.3 pre-condition 3 assumes the primary is "
                              "informed): the user left and no notification has arrived"),
            Transition(pcr, "serving", None, name="recheck_redirect",
                       conditions=[branch("recheck")], after=[redirect_to_primary], sends=[red],
                       label="re-checks the migrated ID and redirects to the primary MC service ID",
                       clause="CR 000 10.16.5.3 NOTE 2"),
            Transition(pcr, "serving", None, name="departed_reject",
                       conditions=[branch("departed_reject")], after=[reject("not registered")],
                       sends=[PrivateCallReject],
                       clause="spec silent (departed_policy=reject): a call for a user who left"),
            Transition(pcr, "serving", None, name="departed_redirect_to_primary",
                       conditions=[branch("departed_redirect_to_primary")],
                       after=[redirect_to_primary], sends=[red],
                       clause="spec silent (departed_policy=redirect_to_primary)"),
            Transition(red, "serving", None, name="relay_redirection", after=[relay], sends=[red],
                       clause="10.16.5.3 step 3 (towards the calling MC service client)"),
            Transition(PrivateCallAccept, "serving", None, name="relay_accept", after=[relay],
                       sends=[PrivateCallAccept], clause="TS 23.379 10.7.2.1.1"),
            Transition(PrivateCallReject, "serving", None, name="relay_reject", after=[relay],
                       sends=[PrivateCallReject], clause="TS 23.379 10.7.2.1.1"),
        ],
    )

    def answer_lookup(ctx) -> None:
        ctx.send(ctx.sender, KmsLookupResponse(mc_service_id=ctx.msg.mc_service_id,
                                               kms_uri=kms_uri(system_of(ctx.msg.mc_service_id))))

    kms = Role(
        "KMS", states=["serving"], initial="serving", final=["serving"],
        transitions=[Transition(KmsLookupRequest, "serving", None, after=[answer_lookup],
                                sends=[KmsLookupResponse], clause="TS 33.180 D.2.7")],
    )

    params = {
        "departed_policy": Param(("reject", "redirect_to_primary"), clause="10.16.5.3; X.1.7.1 6b",
                                 doc="what a partner does with a call for a user who left it"),
    }
    if not kms_prescribed:
        params["kms_without_uri"] = Param(
            ("lookup", "none"), clause="10.16.5.3 Editor's note (FFS)",
            doc="whether a client without the target's KMS URI does the TS 33.180 lookup")

    instances = [
        Instance("client1", caller, label="MC service client 1",
                 init={"my_id": mcid("user1", "A"), "server": "serverA",
                       "max_calls": client1_calls}),
        Instance("client2", migrant, label="MC service client 2"),
        Instance("client3", caller, label="MC service client 3",
                 init={"my_id": mcid("user3", "C"), "server": "serverC", "max_calls": 1,
                       "kms": frozenset({"A", "C"})}),
        *(Instance(SERVER[s], server, label=f"MC service server {s}",
                   init={"system": s, "registered": frozenset(
                       mcid(u, s) for u, home in HOME.items() if home == s)})
          for s in SYSTEMS),
        Instance("kms", kms, label="KMS"),
    ]
    return System("private_call_redirect", instances=instances, params=params,
                  final=lambda v: not v.in_flight() and all(
                      v[c].state != "calling" and v[c].state != "awaiting_kms"
                      for c in ("client1", "client3")) and v["client2"].state == "registered",
                  fairness=_progress.FAIRNESS,
                  properties=[*properties(), _progress.primary_learns_current_id(),
                              *(_progress.call_ends(c) for c in CALLERS)])


# -- properties ----------------------------------------------------------------------------
CALLERS = ("client1", "client3")


def redirects_never_loop(v) -> bool:
    return all(len(set(v[c].redirected_to)) == len(v[c].redirected_to) for c in CALLERS)


def redirect_only_own_users(v) -> bool:
    return all(system_of(m.calling_id) == system_of(m.called_id_primary)
               for _, _, m in v.in_flight(PrivateCallRedirection))


def e2e_kms_uri_known(v) -> bool:
    return all(system_of(v[c].target) in v[c].kms for c in CALLERS if v[c].state == "calling")


def no_failure_while_reachable(v) -> bool:
    return v["client2"].state != "registered" or all(v[c].state != "failed" for c in CALLERS)


def properties() -> list:
    return [
        always("primary-binding-fresh", primary_binding_fresh,
               clause="10.16.5.3 pre-condition 3; X.1.4.1; X.1.6"),
        always("redirects-never-loop", redirects_never_loop, clause="10.16.5.3; CR 000 NOTE 2",
               doc="within one call attempt no redirection points to an ID already tried"),
        always("redirect-only-own-users", redirect_only_own_users,
               clause="CR 000 10.16.5.3 step 2",
               doc="redirections go only to callers of the target's primary MC system"),
        always("e2e-kms-uri-known", e2e_kms_uri_known,
               clause="CR 001 Table 10.16.5.2-1 NOTE; 10.16.5.3 NOTE; TS 33.180",
               doc="a protected call is set up only with the KMS URI of the target's domain"),
        always("no-failure-while-reachable", no_failure_while_reachable,
               clause="10.16.5.3 pre-condition 3; X.1.7.1 item 6",
               doc="a call to user 2 does not fail while user 2 is registered"),
        sometimes("call-connects-after-redirection",
                  lambda v: v["client1"].state == "connected" and v["client1"].redirects >= 1,
                  clause="10.16.5.3 step 4"),
        sometimes("protected-call-connects-after-redirection",
                  lambda v: v["client1"].state == "connected" and v["client1"].redirects >= 1
                  and system_of(v["client1"].target) in v["client1"].kms,
                  clause="10.16.5.3 step 4; TS 33.180 (the caller holds the target's KMS URI)",
                  doc="a protected call set up with the KMS URI of the migrated user's domain"),
        sometimes("foreign-caller-connects", lambda v: v["client3"].state == "connected",
                  clause="10.16.5.3; TS 23.379"),
        sometimes("user2-returns-to-primary",
                  lambda v: v["client2"].migrations >= 2 and v["client2"].serving == "A"
                  and v["client2"].state == "registered", clause="10.16.3.2; X.1.7.4 NOTE"),
    ]


# Verdicts the checker gives (models/README.md explains each violation in the spec's words).
GAPS_IN_EVERY_VARIANT = {
    "primary-binding-fresh": "violated",  # notifications from two partners overtake (X.1.6)
    "redirects-never-loop": "violated",  # a stale binding redirects to the same ID again
    "redirect-only-own-users": "violated",  # base: A; CR 000: a partner's silent choice
    "no-failure-while-reachable": "violated",  # the call meets the migration window
    "primary-learns-current-id": "violated",  # the stale binding stays for ever (X.1.6)
}
model = Model("private_call_redirect", clause="10.16.5", doc=__doc__)
model.add_variant("base", lambda: build(kms_in_redirect=False, migration_indication=False),
                  doc="as published: no KMS URI in the redirection, no indication",
                  expect={**GAPS_IN_EVERY_VARIANT, "e2e-kms-uri-known": "violated"})
model.add_variant("cr_kms_uri", lambda: build(kms_in_redirect=True, migration_indication=False),
                  doc="CR 001: the KMS URI element in the private call redirection",
                  expect=GAPS_IN_EVERY_VARIANT)
model.add_variant("cr_migration_indication",
                  lambda: build(kms_in_redirect=False, migration_indication=True),
                  doc="CR 000: same-system check, redirection indication, NOTE 2 re-check",
                  expect={**GAPS_IN_EVERY_VARIANT, "e2e-kms-uri-known": "violated"})
model.add_variant("cr_both", lambda: build(kms_in_redirect=True, migration_indication=True),
                  doc="CRs 001 and 000 together", expect=GAPS_IN_EVERY_VARIANT)
