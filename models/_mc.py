"""Shared declarations of the migration models: MC service IDs and the messages of the
spec's information flows. Model files import these, so one message has one declaration.

The ID abstraction, common to every model:
- An MC service ID is an opaque value, written "user@system" only so that charts read well.
  Its domain part names the MC system that assigned it: interconnected MC systems route
  signalling by it (SIP routing between MC systems), so `system_of` is the one thing a role
  may read off an ID.
- No role derives one user's ID from another (there is no `user_of`): a partner MC server
  looks the ID it assigns up in its provisioning table (X.1.2 item 1b), a server finds the
  client of an ID in its registrations, and a primary learns a partner ID only from what it
  is told (X.1.6). A lookup the spec requires is thus a visible read of a table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from mcfsm import Assumption, Fact, M, Message, O, Transaction

SYSTEMS = ("A", "B", "C")  # MC systems: A is the primary MC system of user 2
SERVER = {s: f"server{s}" for s in SYSTEMS}  # the instance name of each MC service server
# The migrating user follows one chain that has every kind of migration of X.1.7.4's NOTE:
# primary to partner, partner to partner, partner to primary. Choosing among all chains
# multiplies the state spaces past what `mcfsm check models/` may take.
MIGRATION_CHAIN = ("A", "B", "C", "A")


def mcid(user: str, system: str) -> str:
    return f"{user}@{system}"


def system_of(mc_service_id: str) -> str:
    return mc_service_id.rsplit("@", 1)[1]


def provisioning(users: dict[str, str], systems: tuple[str, ...] = SYSTEMS
                 ) -> dict[str, frozenset[tuple[str, str]]]:
    """Per MC system, the MC service IDs it has assigned (X.1.2 item 1b), as pairs
    (primary MC service ID, ID in this system); a primary's own users map to themselves.
    `users` maps each user to its primary MC system. Pre-provisioned: the pairs exist
    before any migration (X.1.6 last sentence)."""
    return {s: frozenset((mcid(u, home), mcid(u, s)) for u, home in users.items())
            for s in systems}


def lookup(pairs: frozenset, key: str, *, reverse: bool = False) -> str:
    """The other half of the pair whose first (or, reversed, second) half is `key`; ""
    when the table has none."""
    for a, b in pairs:
        if (b if reverse else a) == key:
            return a if reverse else b
    return ""


def kms_uri(system: str) -> str:
    """The KMS URI of an MC system's security domain (TS 33.180)."""
    return f"kms.{system}"


# -- registration and migration (X.1.4 - X.1.6) ---------------------------------------------
# SIP's transaction identity, which the models carry only where a REGISTER is retried
REGISTER_ATTEMPT_WHY = ("SIP's transaction identity (the Via branch, RFC 3261 17.1.3), not an "
                        "element of the text: a retried REGISTER is a new transaction, and "
                        "the answer to the earlier one ends nothing")


class Registration(Message, clause="X.1.2 item 6; X.1.6"):
    primary_id: str = M("MC service ID of the user in its primary MC system")
    sequence: int | None = O("how many times the client has migrated (only in the "
                             "fix_notification_order variants)",
                             not_in_text="candidate fix fix_notification_order")
    attempt: int | None = O("which of the UE's REGISTERs for this migration it is (only "
                            "where the UE retries: register_failure=retries)",
                            not_in_text=REGISTER_ATTEMPT_WHY)


class RegistrationResponse(Message, clause="X.1.6 (MC service IDs in the access token)"):
    mc_service_id: str = M("MC service ID the serving MC system assigned")
    attempt: int | None = O("the attempt of the REGISTER it answers (register_failure=retries)",
                            not_in_text=REGISTER_ATTEMPT_WHY)


class Deregistration(Message, clause="10.16.2.2 step 1; X.1.4.1"):
    mc_service_id: str = M("MC service ID the client de-registers")


class DeregistrationResponse(Message, clause="X.1.4.1 (no response defined; "
                                              "deregistration=acknowledged)",
                             not_in_text="the excerpts define no MC-level response to the "
                                         "de-registration: this is SIP's final response to the "
                                         "REGISTER with expiry zero, which ends its transaction "
                                         "(RFC 3261 10.3 and 17.1, outside the excerpts)"):
    mc_service_id: str = M("MC service ID whose de-registration the MC system confirms")


class MigrationNotification(Message, clause="X.1.6; X.1.4.1; TS 23.379 10.6.3.3 (not in our text)"):
    primary_id: str = M("MC service ID of the user in its primary MC system")
    partner_id: str = M("MC service ID the partner MC system assigned")
    sequence: int | None = O("registration order (only in the fix_notification_order variants)",
                             not_in_text="candidate fix fix_notification_order")


class DepartureNotification(Message, clause="candidate fix (fix_departure_notice): not in the text",
                            not_in_text="candidate fix fix_departure_notice"):
    primary_id: str = M("MC service ID of the user in its primary MC system")
    partner_id: str = M("the partner MC service ID the user no longer holds")


class RegistrationEnded(Message, clause="candidate fix (fix_removal_ends_registration): not in "
                                       "the text",
                        not_in_text="candidate fix fix_removal_ends_registration"):
    mc_service_id: str = M("the MC service ID whose registration the MC system has ended")


class MigrationNotificationAck(Message, clause="X.1.6 (request/response reading of 10.6.3.3)",
                               not_in_text="the notification=acknowledged reading (fact "
                                           "sheet items 1-3: TS 23.280 10.6.3's authorization "
                                           "is a request the primary answers); the 10.6.3.3 "
                                           "that X.1.6 cites for it is outside the excerpts"):
    primary_id: str = M("MC service ID of the user the notification was about")


# -- private calls (10.16.5, TS 23.379 10.7.2.1.1) -------------------------------------------
class PrivateCallRequest(Message, clause="10.16.5.3 step 1; TS 23.379 10.7.2.1.1"):
    calling_id: str = M("MC service ID of the calling party")
    called_id: str = M("MC service ID of the called party")
    calling_primary_id: str | None = O("the caller's primary MC service ID, when migrated (X.1.7.3)")
    redirection_indication: bool | None = O("call redirection due to migration (CR 000, NOTE 2)")
    original_called_id: str | None = O("the MC service ID the caller addressed (X.1.7.1 item 7; "
                                       "X.1.7.2), when a server forwards the call")
    priority: str | None = O("'emergency' for an emergency private call (TS 23.379 10.7.2.1.1 "
                             "lists a priority element: fact sheet item 12)")
    calling_kms_uri: str | None = O("the KMS URI of the calling MC service ID's domain (not in "
                                    "the text: a candidate fix that gives the called party "
                                    "what CR 001's element gives the caller)")
    commencement: str | None = O("the requested commencement mode, 'automatic' or 'manual' "
                                 "(TS 23.379 10.7.2.1.1: optional; none, and the called "
                                 "client's own setting decides, TS 23.379 10.7.1)")


class PrivateCallRedirection(Message, clause="10.16.5.2; Table 10.16.5.2-1"):
    calling_id: str = M("MC service ID of the MC service user initiating the private call")
    called_id_primary: str = M("MC service ID of the target from its primary MC system")
    called_id_migrated: str = M("MC service ID of the target from its migrated MC system")
    kms_uri: str | None = O("KMS URI associated with the migrated MC service ID (CR 001)")
    redirection_reason: str | None = O("the target MC service user has migrated")


class PrivateCallAccept(Message, clause="TS 23.379 10.7.2.1.1"):
    calling_id: str = M("MC service ID of the calling party")
    called_id: str = M("MC service ID of the called party")


class PrivateCallReject(Message, clause="TS 23.379 10.7.2.1.1"):
    calling_id: str = M("MC service ID of the calling party")
    called_id: str = M("MC service ID of the called party")
    cause: str | None = O("why the call was not set up")


# A caller's private call request is a SIP INVITE (RFC 3261 17.1.1.2; FACTS items 8-10):
# declared on a calling role where its call may go unanswered (a switched-off UE).
INVITE_TRANSACTION = Transaction(
    PrivateCallRequest, responses=[PrivateCallAccept, PrivateCallReject, PrivateCallRedirection],
    clause="RFC 3261 17.1.1.2 (Timer B)",
    # the answer names the caller's call by its calling ID: a call a server forwards to the
    # partner ID (otherwise=forward) is answered naming that ID, not the one addressed
    identified_by=("calling_id",),
    doc="a private call request is a SIP INVITE: it ends in an answer (a redirection is one) "
        "or in a timeout, which may come while the answer is merely slow")


class CallRelease(Message, clause="TS 23.379 10.7.2.1.3"):
    calling_id: str = M("MC service ID of the calling party")
    called_id: str = M("MC service ID of the called party")
    suspension: bool | None = O("the call is released for migration and will be resumed "
                                "(a parameter: suspension_indication)",
                                not_in_text="10.16.3.2 step 1 releases the call with no "
                                            "indication; NOTE 3 presumes client 2 knows the "
                                            "call will resume")


class CallReleaseResponse(Message, clause="TS 23.379 10.7.2.1.3 (private call release response)"):
    calling_id: str = M("MC service ID of the party that released")
    called_id: str = M("MC service ID of the other party")


# -- security (TS 33.180 D.2.7) ---------------------------------------------------------------
class KmsLookupRequest(Message, clause="TS 33.180 D.2.7 (via 10.16.5.2 NOTE)"):
    mc_service_id: str = M("MC service ID whose KMS URI is wanted")


class KmsLookupResponse(Message, clause="TS 33.180 D.2.7"):
    mc_service_id: str = M("MC service ID that was looked up")
    kms_uri: str = M("KMS URI of that MC service ID's security domain")


# -- configuration management (10.1.4.3.2) ----------------------------------------------------
class UserProfileRequest(Message, clause="10.16.3.2 step 2; 10.16.2.2 step 2; 10.1.4.3.2"):
    mc_service_id: str = M("MC service ID whose user profile the partner MC system holds")


class UserProfileResponse(Message, clause="10.1.4.3.2"):
    mc_service_id: str = M("MC service ID the profile is for")
    groups: tuple = O("MC service groups the profile makes available (X.1.6)", default=())


# -- groups: affiliation and late entry (10.8.3, 10.8.4; TS 23.379 10.6.2.3.1.1.4) -----------
class GroupAffiliationRequest(Message, clause="10.8.3.1; 10.8.3.2; 10.16.2.2 step 3"):
    group_id: str = M("MC service group ID")
    mc_service_id: str = M("MC service ID that affiliates")


class GroupAffiliationResponse(Message, clause="10.8.3.1; 10.8.3.2"):
    group_id: str = M("MC service group ID")
    mc_service_id: str = M("MC service ID that asked to affiliate")
    accepted: bool = M("whether the affiliation succeeded")


class GroupDeaffiliationRequest(Message, clause="10.8.4.2; 10.8.4.3; 10.16.2.2 step 1"):
    group_id: str = M("MC service group ID")
    mc_service_id: str = M("MC service ID that de-affiliates")
    scope: str | None = O("'this_client' or 'all_clients' (TS 23.280 10.8.2: mandatory there, "
                          "fact deaffiliation-scope); only where a model explores it")


class GroupDeaffiliationResponse(Message, clause="10.8.4.2; 10.8.4.3; TS 23.280 10.8.2 (a "
                                                 "request/response exchange; outside the "
                                                 "excerpts)"):
    group_id: str = M("MC service group ID")
    mc_service_id: str = M("MC service ID that asked to de-affiliate")


class GroupCallLateEntry(Message, clause="10.16.2.2 step 4; TS 23.379 10.6.2.3.1.1.4"):
    group_id: str = M("MC service group ID of the ongoing group call")
    mc_service_id: str = M("MC service ID brought into the call")


class GroupCallRelease(Message, clause="TS 23.379 10.6.2.3.1.1.3"):
    group_id: str = M("MC service group ID of the group call that ends")


# -- commanding / permitting migration, provisioning, authentication (X.1.2 - X.1.6) ---------
class MigrationCommand(Message, clause="X.1.4; X.1.5 (command)"):
    partner_system: str = M("the MC system to migrate to")


class MigrationPermissionRequest(Message, clause="X.1.4; X.1.5 (explicit request)"):
    primary_id: str = M("MC service ID of the requesting user")
    partner_system: str = M("the MC system the user asks to migrate to")


class MigrationPermissionResponse(Message, clause="X.1.2 item 3b(i); X.1.5"):
    partner_system: str = M("the MC system asked for")
    granted: bool = M("the affirmative (or negative) response")


class MigrationMaterialRequest(Message, clause="X.1.2 item 2; X.1.5 (download)"):
    partner_system: str = M("the MC system the material is for")


class MigrationMaterialResponse(Message, clause="X.1.2 item 2; X.1.3.1"):
    partner_system: str = M("the MC system the material is for")


class AuthenticationRequest(Message, clause="X.1.2 items 4-5; X.1.6"):
    primary_id: str = M("the MC user's identity, validated with the primary IdMS certificate")


class AccessToken(Message, clause="X.1.6 (MC service IDs in the access token)"):
    mc_service_id: str = M("MC service ID the user will use in that MC system")


# -- shared pieces of the models where user 2 (primary MC system A) migrates ------------------
# Those models name MC service client 2 "client2" (variables serving, current_id) and the
# primary MC service server "serverA" (variable bindings: pairs of primary and current ID).
USER2_PRIMARY = mcid("user2", "A")


def record_binding(ctx) -> None:
    """The primary records the MC service ID a partner assigned (X.1.6), and remembers every
    partner ID it was told of (so that it can recognise an older one, CR 000 NOTE 2). With
    a sequence number (fix_notification_order), an older notification changes nothing."""
    primary, seq = ctx.msg.primary_id, ctx.msg.sequence
    ctx.v.told = ctx.v.told | {(ctx.msg.partner_id, primary)}
    if seq is not None and seq < dict(ctx.v.latest).get(primary, -1):
        return
    if seq is not None:
        ctx.v.latest = frozenset({*(b for b in ctx.v.latest if b[0] != primary), (primary, seq)})
    ctx.v.bindings = frozenset({*(b for b in ctx.v.bindings if b[0] != primary),
                                (primary, ctx.msg.partner_id)})


def forget_departed(ctx) -> None:
    """The candidate fix's departure notice at the primary: the partner ID the user has
    left is no longer its record (a later notification may already have replaced it)."""
    primary = ctx.msg.primary_id
    if dict(ctx.v.bindings).get(primary, "") == ctx.msg.partner_id:
        ctx.v.bindings = frozenset(b for b in ctx.v.bindings if b[0] != primary)


def record_return(ctx, primary: str) -> None:
    """The user registers at its primary MC system again: no partner ID is current."""
    seq = ctx.msg.sequence
    if seq is not None:
        ctx.v.latest = frozenset({*(b for b in ctx.v.latest if b[0] != primary), (primary, seq)})
    ctx.v.bindings = frozenset(b for b in ctx.v.bindings if b[0] != primary)


def primary_binding_fresh(v) -> bool:
    """When user 2 is registered and no registration, de-registration or migration
    notification (or its acknowledgement, or a candidate fix's departure notice) is in
    flight, the primary MC system knows its current MC service ID (none when it is home).
    An answer to a REGISTER is not exempted: UE 2 may have stopped awaiting it (Timer F),
    and it changes nothing on arrival."""
    c2 = v["client2"]
    if c2.state != "registered" or any(
            v.in_flight(m) for m in (MigrationNotification, MigrationNotificationAck,
                                     Registration, Deregistration, DepartureNotification)):
        return True
    known = dict(v["serverA"].bindings).get(USER2_PRIMARY, "")
    return known == ("" if c2.serving == "A" else c2.current_id)


def sent_in_step(before, after, kind: type, sender: str) -> Counter:
    """The messages of `kind` that `sender` put in flight in the step from `before` to
    `after` (a multiset: the same message sent twice counts twice). `sent_since` lets the
    engine's memo read only the inboxes the step changed."""
    return Counter(m for _, _, m in after.sent_since(before, kind, sender=sender))


# A request and the answers that name its call (TS 23.379 10.7.2.1.1; 10.7.2.1.3).
ANSWERS_TO = {PrivateCallRequest: (PrivateCallAccept, PrivateCallReject),
              CallRelease: (CallReleaseResponse,)}


def answer_names_its_call(before, key, after) -> bool:
    """TS 23.379 10.7.2.1.1 and 10.7.2.1.3: the answer to a private call request (an
    acceptance or a rejection) or to a release (its response), sent in the step that takes
    the request, carries the calling and called MC service IDs of that request, and a server
    that relays an answer towards the caller (in the step that takes it) keeps them; X.1.7.1
    item 6b's re-initiation turns on the called ID a rejection names, and a releasing client
    tells the call its release ended by them."""
    if key.kind != "receive":
        return True
    kinds = next((answers for request, answers in ANSWERS_TO.items()
                  if isinstance(key.message, request)), None)
    if kinds is None and any(isinstance(key.message, a)
                             for answers in ANSWERS_TO.values() for a in answers):
        kinds = (type(key.message),)  # an answer a server relays towards the caller
    if kinds is None:
        return True
    call = (key.message.calling_id, key.message.called_id)
    return all((m.calling_id, m.called_id) == call
               for kind in kinds for m in sent_in_step(before, after, kind, key.actor))


def redirection_names_recorded_id(before, key, after) -> bool:
    """10.16.5.3 step 3; X.1.7.1 item 6: a redirection the primary (server A) sends names
    the MC service ID it was informed of (its record after the step), or the primary ID
    when NOTE 2 finds the migrated ID removed; never an ID it has no record of."""
    if key.actor != SERVER["A"]:
        return True
    recorded = dict(after[key.actor].bindings).get(USER2_PRIMARY, "")
    return all(m.called_id_migrated in (recorded, USER2_PRIMARY)
               for m in sent_in_step(before, after, PrivateCallRedirection, key.actor))


# -- assumptions every model makes (declared, so that reports list them beside each verdict) --
INTERCONNECTED = Assumption(
    "systems-interconnected",
    "MC systems A, B and C are interconnected: a server forwards signalling for another "
    "system's MC service ID to that system, and a response goes back the way the request came",
    clause="X.1.2")
OPAQUE_IDS = Assumption(
    "ids-opaque",
    "an MC service ID is opaque: its domain part only routes signalling between systems; a "
    "server finds a client by its registration and learns a partner ID only when told",
    clause="X.1.2 item 1b; X.1.6; TS 24.379 H.3 (routing by the called ID's domain)")
# Issue 58 item 1: how many MC service IDs. A reading, declared where it was silent.
ONE_SERVICE = Assumption(
    "one-mc-service",
    "each model carries one MC service, so a user has one MC service ID per MC system: the "
    "procedures speak of 'the MC service ID' of the service being called (10.16.5.3; "
    "10.16.3.2 names MCPTT and MCVideo calls alike), and TS 23.280 10.1.4.1 (fact "
    "one-id-per-service) gives a user one ID per MC service, which a partner assigns and the "
    "primary must learn each of. Read so, each service runs its own copy of the procedure "
    "with its own ID, notification and calls, and a second service adds a copy, not an "
    "interaction. Not forced: pre-condition 3's notification names one MC service ID, and a "
    "partner that notified one ID for several services would leave the primary without the "
    "others (not explored: a reading the fact argues against)",
    clause="TS 23.280 10.1.4.1; 10.16.5.3 pre-condition 3; 10.16.3.1 NOTE")
# Issue 58: what happens when a message is duplicated. Declared, with the reason and the cost.
DUPLICATES_ABSORBED = Assumption(
    "duplicates-absorbed",
    "a message reaches the procedure at most once: SIP's transaction layer absorbs a "
    "retransmitted request, and the response retransmitted to it, while the transaction "
    "lasts (RFC 3261 17.1.1.2, 17.2.1, 17.2.2; fact sheet item 8), so only a copy outliving "
    "its transaction (over an unreliable transport, after Timer J) would reach a party twice. "
    "Not explored: a trial duplicating private_call_redirect's migration notification "
    "(inboxes bounded at four messages) did not finish in ten minutes on one core",
    clause="RFC 3261 17.1.1.2, 17.2.1, 17.2.2 (not in the text)")
COMMON_ASSUMPTIONS = (INTERCONNECTED, OPAQUE_IDS, ONE_SERVICE, DUPLICATES_ABSORBED)
# One reading of X.1.7.1 item 6b for every model that re-initiates calls.
# UE 2's REGISTER at the new MC system is a SIP transaction (Timer F) in the models where it
# migrates; the text is silent on one that fails (private_call_redirect, migration_lifecycle)
REGISTER_TIMEOUT_GIVES_UP = Assumption(
    "register-timeout-gives-up",
    "what UE 2 does when its REGISTER at the new MC system times out, where the text is "
    "silent (a variant that explores register_failure lists that parameter instead): the "
    "attempt ends (it counts against the bound of migrations) and nothing is retried; "
    "with make-before-break UE 2 stays registered at the old MC system, with "
    "break-before-make it has de-registered and stays registered nowhere; a late answer is "
    "dropped (as group_call_migration's timeout-gives-up)",
    clause="X.1.4.1; X.1.7.4 (silent on a registration that fails); RFC 3261 17.1.2.2")
# The readings of that silence, where a variant explores them (Param register_failure)
REGISTER_FAILURES = ("gives_up", "retries")
MAX_REGISTER_ATTEMPTS = 2  # register_failure=retries: the REGISTER and one retry
REGISTER_FAILURE_DOC = (
    "what UE 2 does when its REGISTER at the new MC system times out (the text is silent): "
    "'gives_up' ends the attempt at once (make-before-break: it stays at the old MC system; "
    "break-before-make: registered nowhere); 'retries' sends a new REGISTER to the same MC "
    "system, a new transaction whose answer alone ends it, and gives up as 'gives_up' does "
    f"only when that one times out too ({MAX_REGISTER_ATTEMPTS} REGISTERs per migration: "
    "assumption register-retries-bounded)")
REGISTER_FAILURE_MEANS = {
    "gives_up": "the MC service client ends the migration attempt when its REGISTER to the new "
                "MC system times out",
    "retries": "the MC service client sends its REGISTER to the new MC system again when the "
               "first one times out",
}
REGISTER_FAILURE_CLAUSE = ("X.1.4.1; X.1.7.4 (silent on a registration that fails); "
                           "RFC 3261 17.1.2.2")
# What the primary does with a call for its own user who is still registered with it once a
# partner has told it where the user is served (both models that route calls declare it).
REGISTERED_AND_NOTIFIED_CLAUSE = "10.16.5.3 step 2 (does not order its tests); X.1.4.1"
REGISTERED_AND_NOTIFIED_DOC = (
    "what the primary does with a call for its user who is still registered with it although "
    "a partner has notified it of a migration (make-before-break, or a de-registration still "
    "on its way): deliver it, or redirect it")
REGISTERED_AND_NOTIFIED_MEANS = {
    "deliver": "the primary MC system delivers a private call to its MC service user still "
               "registered with it, although a partner MC system has informed it that the "
               "user has migrated",
    "redirect": "the primary MC system handles a private call for its MC service user still "
                "registered with it as one for a migrated MC service user, once a partner MC "
                "system has informed it that the user has migrated",
}
# Whether the partner's notice to the primary is answered before the registration completes
# (Param notification, migration_lifecycle and private_call_redirect)
NOTIFICATION_MEANS = {
    "one_way": "the partner MC system informs the primary MC system of the migration and "
               "completes the registration without awaiting an answer",
    "acknowledged": "the partner MC system completes the registration only once the primary "
                    "MC system has acknowledged being informed of the migration",
}
# How long UE 2 awaits the answer to its REGISTER at the new MC system (Param
# register_timeout, migration_lifecycle and private_call_redirect)
REGISTER_TIMEOUT_MEANS = {
    "free": "the MC service client's REGISTER to the new MC system times out as a SIP "
            "transaction does, possibly while the REGISTER, the partner MC system's exchange "
            "with the primary MC system or the answer is merely slow",
    "outlasts_answer": "the MC service client's REGISTER to the new MC system times out only "
                       "once the REGISTER or its answer was lost, a bound the text does not "
                       "give",
}
REGISTER_RETRIES_BOUNDED = Assumption(
    "register-retries-bounded",
    f"with register_failure=retries UE 2 sends at most {MAX_REGISTER_ATTEMPTS} REGISTERs to "
    "one MC system per migration, then gives the attempt up: a bound of the model (no text "
    "gives a number); each further REGISTER can be lost or slow as the second is, so any "
    "finite number fails the same way, only later; only a UE that never ends its attempt "
    "escapes, and it stays between systems for as long as its REGISTERs fail",
    clause="X.1.4.1; X.1.7.4 (silent on a registration that fails); RFC 3261 17.1.2.2")


def register_failure(ctx) -> str:
    """The reading of a timed-out REGISTER this variant explores (gives_up where it
    explores none)."""
    return getattr(ctx.params, "register_failure", "gives_up")


# UE 2's REGISTERs of one migration (a role with a variable `attempt`: 0 where it never
# retries, else the REGISTER under way counted from 1); the messages carry it only then
def first_attempt(ctx) -> int:
    return 1 if register_failure(ctx) == "retries" else 0


def attempt_sent(ctx) -> int | None:
    """The `attempt` element of the REGISTER UE 2 sends now (None where it never retries)."""
    return ctx.v.attempt or None


def answers_attempt(ctx) -> bool:
    """A RegistrationResponse answers the REGISTER under way, not one UE 2 retried (SIP
    matches it to its transaction, RFC 3261 17.1.3)."""
    return ctx.msg.attempt == attempt_sent(ctx)


def may_retry(ctx) -> bool:
    """register_failure=retries: a REGISTER that timed out is sent again, up to the bound
    (assumption register-retries-bounded)."""
    return register_failure(ctx) == "retries" and ctx.v.attempt < MAX_REGISTER_ATTEMPTS


def register_retried_on_the_wire(v) -> bool:
    """A REGISTER UE 2 sent again after Timer F (its attempt past the first) is in flight."""
    return any((m.attempt or 0) > 1 for _, _, m in v.in_flight(Registration, sender="client2"))


def with_register_failure(assumptions: tuple, failures: Sequence[str]) -> tuple:
    """A variant's assumptions where it explores register_failure: that Param replaces
    register-timeout-gives-up, and a UE that retries is bounded (register-retries-bounded)."""
    if not failures:
        return assumptions
    return (*(a for a in assumptions if a is not REGISTER_TIMEOUT_GIVES_UP),
            *((REGISTER_RETRIES_BOUNDED,) if "retries" in failures else ()))


REINITIATE_PER_REJECTION = Assumption(
    "reinitiate-per-rejection",
    "a caller re-initiates with the primary ID whenever a partner ID it used is rejected as "
    "not registered, up to the number of migrations per call: item 6b's 'can reinitiate' sets "
    "no bound, each such rejection means the user moved after the ID was learnt, and a client "
    "that gave up sooner would only add failures the text does not ask for",
    clause="X.1.7.1 item 6b")


# -- what the clauses around the excerpts say (spec/context/FACTS.md; never quoted) ----------
# A finding names the ones that bear on it (`facts=(SERVICE_AUTHORIZATION.bears(...),)`), so
# that its page says which reading it needs and which neighbouring clause argues for or
# against that reading.
SERVICE_AUTHORIZATION = Fact(
    "service-authorization",
    clause="TS 23.280 10.6.3 (Table 10.6.3.2.1-1, migration service authorization request); "
           "10.16.5.3 pre-condition 3 cites its 10.6.3.3",
    says="the partner MC service server passes the migration service authorization request, "
         "with the user's primary and partner MC service IDs, on to the primary MC service "
         "server during service authorization, as a request, before the user is served at "
         "the partner",
    # the request answered before the user is served: the acknowledged reading; and a
    # primary told of each migration reaches its migrated user (X.1.7.2's delivery; a
    # redirection, 10.16.5.3, is as informed)
    favours=("notification=acknowledged", "primary_routing=forward"),
    items=(1, 2, 3, 4), confirmed=False)  # the response flow and 10.6.3.3 itself unseen
ONE_ID_PER_SERVICE = Fact(
    "one-id-per-service", clause="TS 23.280 10.1.4.1",
    says="a user holds at most one MC service ID per MC service (its MCPTT, MCVideo and MCData "
         "IDs may differ), so a partner assigns one per service and the primary must learn each",
    items=(6,))
AFFILIATION_FLOWS = Fact(
    "affiliation-flows", clause="TS 23.280 10.8.2",
    says="affiliation and de-affiliation are request/response exchanges, client to server and "
         "server to server for a group defined in the other MC system",
    items=(7,))
SIP_TRANSACTIONS = Fact(
    "sip-transactions", clause="RFC 3261 17.1; TS 24.229 7.8",
    says="every SIP request (a REGISTER, a de-registration, which is a REGISTER with expiry "
         "zero, an INVITE, a BYE) ends at its sender in a final response or a transaction "
         "timeout (Timer B or F, 128 s in the IM CN subsystem), which may come while the "
         "request or its answer is merely slow",
    # a timer that may expire while the answer is merely slow: every free reading
    favours=("transaction_timeout=free", "register_timeout=free", "release_timeout=free",
             "deregistration_timeout=free", "call_timeout=free", "setup_timeout=free"),
    items=(8, 9, 10))
REGISTRATION_EXPIRY = Fact(
    "registration-expiry", clause="RFC 3261 10.2.1.1; TS 24.229 (registration expiry)",
    says="a SIP registration has an expiry interval: a registration its UE stops refreshing "
         "(switched off, out of coverage, a lost de-registration) is removed when it expires")
