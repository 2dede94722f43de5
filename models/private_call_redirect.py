"""Private call towards a migrated MC service user (TS 23.280 clause 10.16.5), as published
and as CRs 001 (KMS URI in the redirection) and 000 (same-system check, redirection
indication, NOTE 2 re-check) change it.

Three MC systems: A is the primary MC system of users 1 and 2, C of user 3; B and C are
partner MC systems of user 2. MC service user 2 migrates (parameter `registration`:
break-before-make, de-registration then registration, or make-before-break, X.1.4.1; the
new partner informs A, X.1.6). MC service user 1 calls user 2 by its primary MC service
ID, follows redirections (steps 3-4, with or without the optional reason), caches the
migrated ID (X.1.7.1 item 6a), may call again by the cached ID (NOTE 2's "subsequent
calls"), and after a rejection re-initiates with the primary ID (item 6b, assumption
reinitiate-per-rejection, shared with migration_lifecycle). MC service user 3, of MC
system C, calls user 2 by its primary ID (the foreign caller of CR 000). Environment
variants: UE 2 switched off (switch_off); what UE 2 exchanges with the MC system it leaves
lost as it leaves coverage (lossy_deregistration: its de-registration, a call that system
delivers to it, its answer); its REGISTER's timer free (slow_registration).

Transactions (RFC 3261 17.1; TS 24.229 7.8; fact sheet items 8-10): UE 2's REGISTER at the
new MC system is a SIP transaction in every variant; it ends in the registration response
or in a timeout (Timer F), after which UE 2 gives the attempt up (assumption
register-timeout-gives-up). Its de-registration is not one: X.1.4.1 defines no answer and
UE 2 awaits none (migration_lifecycle explores deregistration=acknowledged), so a lost one
leaves nothing waiting. A caller's call is an INVITE transaction (Timer B) where it or its
answer can vanish: free with switch-off (one call per caller), the reading
call-timeout-outlasts-answer where UE 2 loses messages (assumption): a Span, the call's
path over every hop, that the engine enforces. The primary's hold timer is free, beside the
reading hold_timer=outlasts_migration (the Span "user 2's migration": the hold outlasts the
migration under way when the call was held, and expires once it ended without informing
the primary). No guard reads the network or another party to decide a timer.

Assumptions
- Network: FIFO per sender-receiver pair, no loss (but in lossy_deregistration), no
  duplication. A, B and C are interconnected: a server forwards signalling for another
  system's ID to that system, and a response goes back the way the request came. UE 2's
  REGISTER and its answer reach the new MC system, whose coverage it is entering.
- Atomic steps: a server handles one request per step; with break-before-make client 2
  de-registers and sends its new registration in one step (X.1.7.4).
- Bounds: user 2 migrates at most `max_migrations` times (the fixed chain A, B, C, A has one
  migration of each kind of X.1.7.4's NOTE; free_chain variants let it go to any other
  system). A caller follows at most three redirections, and re-initiates with the primary
  ID at most once per migration: a repeated redirection shows at the second, before the
  bound.
- IDs: opaque (see _mc.py). Server A recognises a partner ID only because a partner told
  it (X.1.6); a partner finds the primary ID of a visitor in the table it stored at
  registration (X.1.6); a server finds a client by its registration.
- Left out: media, floor control, the KMS's own security procedures (a lookup returns the
  URI of the ID's domain), and explicit/commanded permission (migration_lifecycle.py).
- Pinned here, explored elsewhere: a client that has sent its de-registration refuses
  calls the old system still delivers (late_call=refuse; migration_lifecycle.py explores
  accepting them). A server that has de-registered the user does not deliver to it.
- A reading, not forced (assumption kms-uri-with-cr001): with CR 001 the KMS URI is always
  in the redirection, because every call here is protected and CR 001's summary returns it
  "if the end-to-end encryption is required". The text does not force it: the table marks
  the element O and the reason for change says what happens when it is absent. Calls are
  protected because that is the case the Editor's note and CR 001 are about.

Silent choices (parameters; every variant explores those it does not pin):
- notification (pre-condition 3 refers to "clause 10.6.3.3", which is not in our excerpts:
  read as TS 23.280's own, the migration service authorization, the partner passes a request
  to the primary before the user is served): "one_way" (the partner informs the primary and
  answers the registration at once) or "acknowledged" (registration completes only when the
  primary has acknowledged: the 10.6.3 reading);
- uninformed_primary (pre-condition 3 assumes the primary is informed; silent otherwise): a
  call for a user who left and of whom no notification has arrived is "reject"ed or
  "hold"-ed until the notification (or the user's return) arrives;
- departed_policy (10.16.5.3, X.1.7.1 item 6b silent): a partner with a call for a user who
  left it "reject"s or redirects to the primary ID ("redirect_to_primary");
- kms_without_uri (Editor's note: FFS; absent once CR 001's table NOTE prescribes the
  lookup): a client without the target's KMS URI does the TS 33.180 "lookup" or sets the
  call up with "none";
- note2_server (CR 000 NOTE 2 says "the MC service server"; the call by the migrated ID
  reaches the partner that assigned it, but only the primary holds the status NOTE 2 asks
  about and can name "another partner MC system"): the re-check is made by the "primary"
  (the called user's primary MC system's server, as the indicated call by the partner ID
  passes it: for its own calling users, whose calls go out through it) or by the "partner"
  (the called ID's server);
- otherwise (CR 000 step 2: a foreign caller's call "is handled as described in" TS 23.379,
  which knows no migration): the primary "reject"s it (user 2 is not registered there) or
  "forward"s it to the partner keeping the addressed ID (X.1.7.1 item 7, X.1.7.2);
- registration (X.1.4.1, X.1.7.4 allow both): "break_before_make" or "make_before_break";
- register_timeout (X.1.4.1, X.1.6 give no duration): UE 2's Timer F is "free" (it may expire
  while the REGISTER or its answer is merely slow) or, a reading, "outlasts_answer" (it
  expires only once one was lost: never here); explored in slow_registration and
  slow_registration_retries, pinned to the reading elsewhere;
- register_failure (X.1.4.1, X.1.7.4 silent on a REGISTER that fails): when its Timer F
  expires UE 2 "gives_up" or "retries" (a new REGISTER, given up when it times out too;
  two at most), explored in slow_registration_retries; elsewhere it gives up (assumption
  register-timeout-gives-up);
- registered_and_notified (10.16.5.3 step 2 does not order its tests): a call for user 2
  still registered at the primary although a partner has notified it is "deliver"ed or
  "redirect"ed (explored by primary_policies, pinned to deliver elsewhere);
- same_system_by (CR 000 step 2: "the called party belongs to the same MC system as that of
  calling party MC system"; only in the migrated_caller variants, where user 1 of A has
  migrated to B): the primary reads the caller's MC system off the "calling_id" (user1@B)
  or off the "primary_id" its call carries (X.1.7.3);
- indication_lasts (CR 000 NOTE 2: "The subsequent calls initiated using new MC service ID
  ... include" the indication, with no end; only where client 1 calls twice): "every_call"
  by the cached ID carries it, or only "until_answered" there (X.1.7.1 item 6a caches "to
  reduce subsequent signalling"); explored in cr_both and free_chain, the first elsewhere;
- redirect_on_path (10.16.5.2 defines the flow from the MC service server to MC service
  client 1 and names no server between them; RFC 3261 16.5 lets a proxy recurse on a
  redirection): the caller's own server "relay"s a redirection from another MC system to
  its client, or "recurse"s on it (sends the call on to the migrated ID itself); explored
  in base and cr_kms_uri (a foreign caller's redirection passes its server C), relayed
  elsewhere.

Answered, not explored (assumption redirection-is-final): the redirection ends the call
attempt it answers. X.1.7.1 item 6 says the primary "will reject the signalling" and step 3
that client 1 "releases the private call request": a rejection is a final response, which
ends the INVITE transaction at both ends (RFC 3261 17.1.1.3, 17.2.1: the ACK of a non-2xx
final response belongs to the transaction), so no half-open call is left at a server to be
released, whether the client migrates or a message is lost.
"""

from __future__ import annotations

import dataclasses

import _progress
from _features import (
    CLIENT_EMERGENCY_STATE,
    INTERCONNECTED_CLIENTS_USE_OWN_SERVER,
    LOCATION_DISCLOSED_ONLY_TO_AUTHORISED,
    PRIVATE_CALL_AUTHORISATION,
    PRIVATE_CALL_REQUEST_ELEMENTS,
)
from _mc import (
    COMMON_ASSUMPTIONS,
    INTERCONNECTED,
    INVITE_TRANSACTION,
    MIGRATION_CHAIN,
    NOTIFICATION_MEANS,
    REGISTER_FAILURE_CLAUSE,
    REGISTER_FAILURE_DOC,
    REGISTER_FAILURE_MEANS,
    REGISTER_TIMEOUT_GIVES_UP,
    REGISTER_TIMEOUT_MEANS,
    REGISTERED_AND_NOTIFIED_CLAUSE,
    REGISTERED_AND_NOTIFIED_DOC,
    REGISTERED_AND_NOTIFIED_MEANS,
    REGISTRATION_EXPIRY,
    REINITIATE_PER_REJECTION,
    SERVER,
    SERVICE_AUTHORIZATION,
    SIP_TRANSACTIONS,
    SYSTEMS,
    USER2_PRIMARY,
    DepartureNotification,
    Deregistration,
    KmsLookupRequest,
    KmsLookupResponse,
    MigrationNotification,
    MigrationNotificationAck,
    PrivateCallAccept,
    PrivateCallRedirection,
    PrivateCallReject,
    PrivateCallRequest,
    Registration,
    RegistrationResponse,
    answer_names_its_call,
    answers_attempt,
    attempt_sent,
    first_attempt,
    forget_departed,
    kms_uri,
    lookup,
    may_retry,
    mcid,
    primary_binding_fresh,
    provisioning,
    record_binding,
    record_return,
    redirection_names_recorded_id,
    register_retried_on_the_wire,
    sent_in_step,
    system_of,
    with_register_failure,
)

from mcfsm import (
    AGAINST,
    CHOICE,
    CR_DEMONSTRATION,
    GAP_IN_THE_TEXT,
    LEFT_OUT,
    MODEL_ARTEFACT,
    SUPPORTS,
    Assumption,
    Chart,
    Expiry,
    Instance,
    Loss,
    Model,
    ModelError,
    Param,
    Role,
    Span,
    SwitchOff,
    System,
    Timeout,
    Timer,
    Transaction,
    Transition,
    Var,
    always,
    sometimes,
    step,
)
from mcfsm.lang.faults import SWITCHED_OFF

USERS = {"user1": "A", "user2": "A", "user3": "C"}
PROVISIONED = provisioning(USERS)
USER1, USER3 = mcid("user1", "A"), mcid("user3", "C")
USER1_AT_B = mcid("user1", "B")  # user 1 migrated to B (the caller_migrated variant)
MAX_REDIRECTIONS = 3
CALLERS = {"client1": USER1, "client3": USER3}
# Issue 70 item 4: the callers user 2's profile accepts private calls from (user 1, by
# either of its IDs), for the reading redirect_disclosure=authorised_callers; client 3's
# user is not among them.
ACCEPTED_CALLERS = frozenset({USER1, USER1_AT_B})

BOTH = {
    "notification": ("one_way", "acknowledged"),
    "uninformed_primary": ("reject", "hold"),
    "departed_policy": ("reject", "redirect_to_primary"),
    "kms_without_uri": ("lookup", "none"),
    "note2_server": ("primary", "partner"),
    "otherwise": ("reject", "forward"),
    "same_system_by": ("calling_id", "primary_id"),
    "registration": ("break_before_make", "make_before_break"),
    "registered_and_notified": ("deliver", "redirect"),
    "hold_timer": ("free", "outlasts_migration"),
    "register_timeout": ("free", "outlasts_answer"),
    "register_failure": ("gives_up", "retries"),
    "indication_lasts": ("every_call", "until_answered"),
    "redirect_on_path": ("relay", "recurse"),
    "call_timeout": ("free", "outlasts_path"),
    "redirect_disclosure": ("any_caller", "authorised_callers"),
    "reach": ("full_mesh", "no_b_c_link"),
    "partner_authorises_caller": ("no_check", "checks_profile"),
    "redirected_call_kind": ("kept", "ordinary"),
}
# Issue 70 item 2: the pairs of MC systems that are not interconnected under each choice of
# reach (pre-condition 1 interconnects A and B only).
UNLINKED = {"full_mesh": frozenset(), "no_b_c_link": frozenset({frozenset({"B", "C"})})}
NO_ROUTE_CAUSE = "no route"
# the cause of a refusal for want of the caller's authorisation (redirect_disclosure,
# partner_authorises_caller); like NO_ROUTE_CAUSE it says nothing of the called ID
NOT_AUTHORISED_CAUSE = "not authorised"
CAUSES_NOT_ABOUT_THE_ID = (NO_ROUTE_CAUSE, NOT_AUTHORISED_CAUSE)


SYSTEM_OF_SERVER = {name: system for system, name in SERVER.items()}
REACH_ASSUMPTION = Assumption(
    "primary-interconnected",
    "MC system A is interconnected with MC systems B and C (pre-condition 1 names A and B; C "
    "is client 3's primary MC system and a partner of user 2); whether B and C are is reach. "
    "A response goes back the way the request came, drawn as sent to the caller's MC system "
    "directly",
    clause="10.16.5.3 pre-condition 1; X.1.2")


def linked(here: str, there: str, reach: str) -> bool:
    """Whether MC system `here` can pass signalling to MC system `there`."""
    return here == there or frozenset({here, there}) not in UNLINKED[reach]

PARAM_DOCS = {
    "redirected_call_kind": (
        "10.16.5.3 step 4 ('The initiated private call can either be an MCPTT private call, an "
        "MCVideo private call, or a corresponding one-to-one MCData communication': the "
        "service, not the kind); TS 23.379 10.7.2.1.1 (the priority element)",
        "whether the private call client 1 initiates in step 4, after an emergency private "
        "call was redirected, is an emergency private call again ('kept') or an ordinary one "
        "('ordinary')"),
    "partner_authorises_caller": (
        "10.16.5.3 step 4 (the call 'shall perform the procedures' of TS 23.379); TS 23.379 "
        "10.7.3 (the profile's list); X.1.7.1 item 4",
        "whether the partner checks step 4's call against user 2's profile and rejects a "
        "caller it does not accept ('checks_profile'), or passes every caller's call to user "
        "2 ('no_check')"),
    "reach": ("10.16.5.3 pre-condition 1 ('MC system A and MC system B are interconnected': "
              "nothing of the caller's MC system); steps 3-4; X.1.2",
              "whether every pair of MC systems is interconnected ('full_mesh', assumption "
              "systems-interconnected elsewhere), or MC systems B and C are not ('no_b_c_link'): "
              "a call that client 3's MC system C must pass to B is refused there, while A is "
              "interconnected with both"),
    "redirect_disclosure": ("10.16.5.3 steps 2-3 (step 2 checks only that the called user has "
                            "migrated; step 3 returns the migrated MC service ID and, with CR "
                            "001, its KMS URI); TS 23.379 10.7.3 (the profile's list of users "
                            "who can be called)",
                            "whether the primary answers any caller's call for its migrated "
                            "user with the redirection ('any_caller', the steps as written: "
                            "the call is authorised only when step 4's call reaches the "
                            "partner), or only a caller user 2's profile accepts private calls "
                            "from, refusing the others ('authorised_callers')"),
    "notification": ("10.16.5.3 pre-condition 3 (clause 10.6.3.3 absent); X.1.6; TS 23.280 "
                     "10.6.3 (outside the excerpts)",
                     "whether the partner's notice to the primary is one-way or acknowledged "
                     "before the registration completes: 'acknowledged' is the reading TS "
                     "23.280 10.6.3's service authorization gives (a request to the primary "
                     "before the user is served)"),
    "uninformed_primary": ("10.16.5.3 pre-condition 3 (assumed, not required)",
                           "what the primary does with a call for a user who left before any "
                           "notification arrived"),
    "hold_timer": ("10.16.5.3 pre-condition 3 (uninformed_primary=hold; the text gives no "
                   "bound); TS 23.379 call set-up timers",
                   "how long the primary's hold of a call lasts: 'free' is a real timer (it "
                   "may expire at any step, while the notification is merely slow); "
                   "'outlasts_migration' is a reading, the bound the text would have to give: "
                   "the hold outlasts the migration under way when the call was held, so it "
                   "expires only once that migration ended without informing the primary "
                   "(the REGISTER given up, or UE 2 switched off)"),
    "departed_policy": ("10.16.5.3; X.1.7.1 item 6b (silent)",
                        "what a partner does with a call for a user who has left it"),
    "kms_without_uri": ("10.16.5.3 Editor's note (FFS)",
                        "whether a client without the target's KMS URI does the TS 33.180 lookup"),
    "note2_server": ("CR 000 10.16.5.3 NOTE 2 ('the MC service server')",
                     "which server re-checks a call that carries the redirection indication"),
    "otherwise": ("CR 000 10.16.5.3 step 2 ('handled as described in TS 23.379')",
                  "what the primary does with a foreign caller's call for its migrated user"),
    "same_system_by": ("CR 000 10.16.5.3 step 2 ('belongs to the same MC system as that of "
                       "calling party MC system'); X.1.7.3",
                       "how the primary tells that a caller belongs to its MC system: by the "
                       "calling MC service ID (a migrated caller's is the partner's) or by "
                       "the primary MC service ID its call carries (X.1.7.3)"),
    "registration": ("X.1.4.1; X.1.7.4 (both allowed)",
                     "whether user 2 de-registers from the MC system it leaves before it "
                     "registers at the new one, or only once the new registration completes"),
    "register_timeout": ("X.1.4.1; X.1.7.4; 10.16.5.3 pre-condition 3 (no duration, silent "
                         "on a registration that fails); RFC 3261 17.1.2.2; TS 24.229 7.8",
                         "how long UE 2 awaits the answer to its REGISTER at the new MC system: "
                         "'free' is SIP's Timer F (it may expire while the REGISTER, the "
                         "partner's exchange with the primary or the answer is merely slow); "
                         "'outlasts_answer' is a reading, the bound the text would have to "
                         "give (the timer outlasts the round trip, so it expires only once "
                         "the REGISTER or its answer was lost)"),
    "register_failure": (REGISTER_FAILURE_CLAUSE, REGISTER_FAILURE_DOC),
    "registered_and_notified": (REGISTERED_AND_NOTIFIED_CLAUSE, REGISTERED_AND_NOTIFIED_DOC),
    "indication_lasts": ("CR 000 10.16.5.3 NOTE 2 ('The subsequent calls initiated using new MC "
                         "service ID ... include the call redirection due to migration "
                         "indication': no end); X.1.7.1 item 6a (the cache is 'to reduce "
                         "subsequent signalling')",
                         "how long a caller's calls by the cached migrated ID carry the "
                         "indication (each makes the server re-check, NOTE 2): on "
                         "'every_call' by that ID, the words' literal reading, or "
                         "'until_answered': once a call by that ID has been answered there, "
                         "later calls by it carry none (item 6a's saving)"),
    "redirect_on_path": ("10.16.5.2 (the flow goes from the MC service server to the MC "
                         "service client 1: a server between them is not named); 10.16.5.3 "
                         "step 3; RFC 3261 16.5, 16.7 (a proxy may recurse on a 3xx "
                         "response's contacts)",
                         "what the calling party's own server does with a redirection it "
                         "receives for its client from another MC system: 'relay' it to the "
                         "client, which follows it (steps 3-4), or 'recurse': send the call "
                         "on to the migrated MC service ID itself, as a SIP proxy may, so the "
                         "client never sees the redirection (nor CR 001's KMS URI), and the "
                         "request keeps the ID it addressed (X.1.7.1 item 7)"),
    "call_timeout": ("RFC 3261 17.1.1.2 (Timer B; the text gives no duration)",
                     "how long a caller awaits the answer to its call where UE 2 may lose "
                     "what it exchanges as it leaves: 'free' is SIP's Timer B (it may expire "
                     "while the call or its answer is merely slow, on any hop or held by a "
                     "server); 'outlasts_path' is the reading call-timeout-outlasts-answer, "
                     "the bound the text would have to give (it expires only once nothing "
                     "of the call is left: the call or its answer was lost)"),
}

# What each choice of a parameter means, in the text's words (Param means=), parallel to
# PARAM_DOCS
PARAM_MEANS = {
    "redirected_call_kind": {
        "kept": "the private call initiated in step 4 is an emergency private call, as the "
                "private call request released in step 3 was",
        "ordinary": "the private call initiated in step 4 is an ordinary private call, though "
                    "the private call request released in step 3 was an emergency private "
                    "call",
    },
    "partner_authorises_caller": {
        "no_check": "the partner MC system passes the re-initiated private call of every "
                    "calling party to the migrated user",
        "checks_profile": "the partner MC system rejects the re-initiated private call of a "
                          "calling party the migrated user's profile does not accept private "
                          "calls from",
    },
    "reach": {
        "full_mesh": "every two MC systems are interconnected",
        "no_b_c_link": "MC system A is interconnected with MC systems B and C, and MC systems "
                       "B and C are not interconnected",
    },
    "redirect_disclosure": {
        "any_caller": "the primary MC system answers a private call for its migrated MC "
                      "service user with a private call redirection whoever the calling party "
                      "is, before any check that the calling party may call that user",
        "authorised_callers": "the primary MC system answers a private call for its migrated "
                              "MC service user with a private call redirection only when the "
                              "calling party is one the user's profile accepts private calls "
                              "from, and rejects the call otherwise",
    },
    "notification": NOTIFICATION_MEANS,
    "uninformed_primary": {
        "reject": "the primary MC system rejects a private call for its MC service user who "
                  "is not registered with it and of whose migration it has not been informed",
        "hold": "the primary MC system holds a private call for its MC service user who is "
                "not registered with it and of whose migration it has not been informed, "
                "until it is informed, the user registers with it again or its hold timer "
                "expires",
    },
    "hold_timer": {
        "free": "the primary MC system rejects a held private call when its hold timer "
                "expires, possibly while the information that the user has migrated is "
                "merely slow to arrive",
        "outlasts_migration": "the hold timer of the primary MC system expires only once the "
                              "migration under way when the call was held has ended without "
                              "the primary MC system being informed, a bound the text does not "
                              "give",
    },
    "departed_policy": {
        "reject": "a partner MC system rejects a private call for an MC service user who has "
                  "left it",
        "redirect_to_primary": "a partner MC system answers a private call for an MC service "
                               "user who has left it with a private call redirection to the "
                               "user's MC service ID of its primary MC system",
    },
    "kms_without_uri": {
        "lookup": "the calling MC service client, redirected to an MC service ID whose KMS URI "
                  "it does not hold, obtains that KMS URI using the KMS lookup procedure of "
                  "TS 33.180 before it initiates the new private call",
        "none": "the calling MC service client, redirected to an MC service ID whose KMS URI "
                "it does not hold, initiates the new private call without obtaining it",
    },
    "note2_server": {
        "primary": "the MC service server of the called user's primary MC system, which a "
                   "call carrying the call redirection due to migration indication passes, "
                   "determines whether the migrated user status has been updated or removed",
        "partner": "the MC service server of the partner MC system that assigned the called "
                   "MC service ID determines, for a call carrying the call redirection due to "
                   "migration indication, whether the migrated user status has been updated "
                   "or removed",
    },
    "otherwise": {
        "reject": "the primary MC system rejects a private call for its migrated MC service "
                  "user from a calling party that does not belong to its MC system, the user "
                  "not being registered with it",
        "forward": "the primary MC system forwards a private call for its migrated MC service "
                   "user from a calling party that does not belong to its MC system to the MC "
                   "service ID assigned by the partner MC system, keeping the MC service ID "
                   "the calling party addressed",
    },
    "same_system_by": {
        "calling_id": "the primary MC system tells whether the calling party belongs to its MC "
                      "system by the calling party's MC service ID, which for a migrated "
                      "calling party is the one assigned by the partner MC system",
        "primary_id": "the primary MC system tells whether the calling party belongs to its MC "
                      "system by the primary MC service ID that a migrated calling party's "
                      "call carries",
    },
    "registration": {
        "break_before_make": "MC service client 2 de-registers from the MC system it leaves "
                             "before it registers in the new MC system",
        "make_before_break": "MC service client 2 de-registers from the MC system it leaves "
                             "only once its registration in the new MC system has completed",
    },
    "register_timeout": REGISTER_TIMEOUT_MEANS,
    "register_failure": REGISTER_FAILURE_MEANS,
    "registered_and_notified": REGISTERED_AND_NOTIFIED_MEANS,
    "indication_lasts": {
        "every_call": "every subsequent call by the cached MC service ID of the migrated user "
                      "includes the call redirection due to migration indication",
        "until_answered": "subsequent calls by the cached MC service ID of the migrated user "
                          "include the call redirection due to migration indication only "
                          "until a call by that MC service ID has been answered",
    },
    "redirect_on_path": {
        "relay": "the calling party's own MC service server passes a private call redirection "
                 "from another MC system on to the calling MC service client, which follows it",
        "recurse": "the calling party's own MC service server, receiving a private call "
                   "redirection from another MC system, sends the call on to the migrated MC "
                   "service ID itself, so that the calling MC service client never receives "
                   "the redirection",
    },
    "call_timeout": {
        "free": "the private call request of a calling MC service client times out as a SIP "
                "transaction does, possibly while the call or its answer is merely slow or "
                "held by an MC service server",
        "outlasts_path": "the private call request of a calling MC service client times out "
                         "only once the call or its answer was lost, a bound the text does "
                         "not give",
    },
}

# UE 2's REGISTER at the new MC system (RFC 3261 17.1.2.2; TS 24.229 7.8: Timer F). Its
# de-registration is no transaction: X.1.4.1 defines no answer to it and the client awaits
# none (migration_lifecycle explores the reading deregistration=acknowledged), so a lost one
# leaves nothing waiting.
REGISTER = Transaction(
    Registration, responses=[RegistrationResponse],
    clause="RFC 3261 17.1.2.2; TS 24.229 7.8 (Timer F)",
    doc="UE 2's REGISTER at the new MC system ends in its answer or in a timeout, which may "
        "come while the REGISTER, the partner's exchange with the primary or the answer is "
        "merely slow",
    # an earlier, timed-out REGISTER's answer does not end the one under way
    matches=lambda ctx: answers_register(ctx),
    outlasts=(Span("the registration's exchange", lambda world, owner: registering(world, owner),
                   with_timer=True, when=lambda params: getattr(
                       params, "register_timeout", "free") == "outlasts_answer",
                   doc="the REGISTER, the new MC system's exchange with the primary "
                       "(notification=acknowledged) and the answer"),))


def answers_register(ctx) -> bool:
    """The answer to the REGISTER under way names the ID the new MC system assigns (X.1.2
    item 1b), and, where UE 2 retries, the attempt under way; an earlier, timed-out
    REGISTER's answer does not end this one (SIP matches by branch and Call-ID, RFC 3261
    17.1.3; the model by what the answer carries)."""
    return (bool(ctx.v.pending)
            and ctx.msg.mc_service_id == lookup(PROVISIONED[ctx.v.pending], USER2_PRIMARY)
            and answers_attempt(ctx))


def registering(world, owner: str) -> bool:
    """UE 2's REGISTER exchange under way (the span the reading
    register_timeout=outlasts_answer bounds; it begins with the REGISTER): the REGISTER or
    its answer in flight, or the new MC system awaiting the primary's acknowledgement
    before it answers (notification=acknowledged). The engine holds the timeout back while
    it lasts (lang/timers.py); UE 2 reads nothing of it. Nothing of this exchange is lost
    in any variant (only what UE 2 exchanges with the MC system it leaves is), so under the
    reading the REGISTER never times out."""
    return bool(world.in_flight(Registration, sender=owner)
                or world.in_flight(RegistrationResponse, to=owner)) or any(
        entry[2] == owner for s in SYSTEMS for entry in world[SERVER[s]].awaiting_ack)
# What UE 2 exchanges with the MC system it leaves, as it leaves (lossy_leaving): its
# de-registration (X.1.4.1), a call that system still delivers to it, and its answer. A
# Loss sees no state, so a call (or its answer) with the system UE 2 is moving to may be
# lost as well: a UE at the edge of coverage.
LEAVING = (Deregistration, PrivateCallRequest, PrivateCallAccept, PrivateCallReject)


def ue2_migrating(world, owner: str) -> set[str]:
    """User 2's migration under way (the span the reading hold_timer=outlasts_migration
    bounds): UE 2 awaits the outcome of its REGISTER, or the new MC system's notification
    to the primary is in flight. It ends when the notification arrives, and also when the
    REGISTER times out or UE 2 is switched off: a migration that will never complete does
    not hold the hold back. Each run is named by the MC system UE 2 migrates to, which its
    REGISTER and the notification both name: the notification of one migration may still be
    in flight while the next begins. (A later migration to the same MC system counts as
    the same run: the notification carries no count.)"""
    ue2 = world["client2"]
    under_way = {ue2.pending} if ue2.state == "migrating" else set()
    return under_way | {system_of(m.partner_id)
                        for _, _, m in world.in_flight(MigrationNotification, to=owner)}


# hold_timer=free: a real timer, it may expire at any step, while the notification is
# merely slow. The reading hold_timer=outlasts_migration (the bound the text would have to
# give): the hold outlasts the migration under way when the call was held, so it expires
# only once that migration has ended without informing the primary. The engine holds the
# expiry back (lang/timers.py); the server reads nothing of UE 2.
UE2_MIGRATION = Span("user 2's migration", ue2_migrating,
                     doc="from UE 2 leaving to the primary receiving the notification",
                     when=lambda params: getattr(params, "hold_timer", "free") == "outlasts_migration")


# The roles below read in the order of the clause: the calling clients (10.16.5.3 step 1,
# steps 3-4 and X.1.7.1 items 6a-6b), the migrating client 2 (X.1.4.1's migration, X.1.6's
# registration, step 4's delivery and X.1.7.2), the MC service servers (X.1.6's
# registration and notification, then a private call through steps 1-4: the call is passed
# on, checked in step 2, redirected in step 3 or handled otherwise, re-checked by CR 000's
# NOTE 2, and its answers go back), the KMS (step 3's lookup); build() composes them.


# -- MC service clients 1 and 3: the calling parties -----------------------------------------
CALL_ANSWERS = (PrivateCallAccept, PrivateCallReject, PrivateCallRedirection)


def call_under_way(world, owner: str) -> bool:
    """The call's path (lossy_leaving, the reading call-timeout-outlasts-answer): its request
    or an answer in flight on any hop, or the call held by a server. The caller reads none of
    it: the engine holds the timeout back while the path lasts (lang/timers.py, a Span that
    begins with the INVITE); the witness call-timed-out-while-under-way reads it too. The
    messages carry no SIP Call-ID: the calling ID names the caller's call, one at a time."""
    me = world[owner].my_id
    return any(me in world.in_flight_values(kind, "calling_id")
               for kind in (*CALL_ANSWERS, PrivateCallRequest)) or any(
        m.calling_id == me for s in SYSTEMS for m in world[SERVER[s]].held)


def caller_role(*, kms_in_redirect: bool, migration_indication: bool, max_migrations: int,
                switch_off: bool, lossy_leaving: bool, indication_ends: bool = False,
                free_call_timer: bool = False, emergency: bool = False) -> Role:
    """A caller's transitions in the order of 10.16.5.3's steps: step 1 (the call by the
    primary MC service ID), steps 3-4 (the redirection followed, after a KMS lookup where
    the URI is unknown) and the answer, then X.1.7.1 item 6a (a subsequent call by the
    cached ID, CR 000 NOTE 2), item 6b (re-initiation with the primary ID after a
    rejection), and the INVITE's Timer B where calls time out. `indication_ends`: the
    parameter indication_lasts is explored (CR 000 with a second call by the cached ID);
    `free_call_timer`: with lossy_leaving, the parameter call_timeout explores Timer B free
    beside the reading that it outlasts the call's path (one call per caller); `emergency`: a
    caller may make emergency private calls (its `emergency` variable), and the parameter
    redirected_call_kind says what step 4's call is (issue 70, the emergency call row)."""
    kms_prescribed = kms_in_redirect  # CR 001's table NOTE prescribes the lookup
    # a call is an INVITE transaction where it or its answer can vanish: a switched-off UE
    # 2 takes nothing, and UE 2 leaving coverage may lose a call or its answer
    calls_time_out = switch_off or lossy_leaving
    indication = True if migration_indication else None

    # step 1: the call by user 2's primary MC service ID (an emergency private call from an
    # emergency caller: TS 23.379 10.7.2.1.1's priority element)
    def start(ctx, target: str, indicated: bool | None) -> None:
        ctx.v.calls += 1
        ctx.v.target = target
        ctx.v.redirected_to = ()
        ctx.v.redirects = 0
        ctx.v.sent_home = False
        ctx.v.reinitiated = 0
        ctx.send(ctx.v.server, PrivateCallRequest(
            calling_id=ctx.v.my_id, called_id=target, redirection_indication=indicated,
            calling_primary_id=ctx.v.primary_id or None,
            priority="emergency" if emergency and ctx.v.emergency else None))

    # step 4 (and item 6b's re-initiation): the new call of an emergency call is one again
    # only under redirected_call_kind=kept; step 4 names the service, not the kind
    def reinitiated_priority(ctx) -> str | None:
        kept = emergency and ctx.v.emergency and ctx.params.redirected_call_kind == "kept"
        return "emergency" if kept else None

    def may_call(ctx) -> bool:
        return ctx.v.calls < ctx.v.max_calls

    def call_primary(ctx) -> None:
        start(ctx, USER2_PRIMARY, None)

    # steps 3-4: the redirection followed, with the KMS URI of the target's domain
    def setup(ctx, target: str) -> None:
        ctx.v.target = target
        ctx.send(ctx.v.server, PrivateCallRequest(calling_id=ctx.v.my_id, called_id=target,
                                                  redirection_indication=indication,
                                                  calling_primary_id=ctx.v.primary_id or None,
                                                  priority=reinitiated_priority(ctx)))

    def redirect_needs_lookup(ctx) -> bool:
        new_id = ctx.msg.called_id_migrated
        known = ctx.msg.kms_uri is not None or kms_uri(system_of(new_id)) in ctx.v.kms
        return not known and (kms_prescribed or ctx.params.kms_without_uri == "lookup")

    def can_follow(ctx) -> bool:
        # The reason is optional (Table 10.16.5.2-1, O): a redirection without one is followed.
        return (ctx.v.redirects < MAX_REDIRECTIONS and ctx.msg.called_id_primary == USER2_PRIMARY
                and ctx.msg.redirection_reason in (None, "migrated"))

    def follow_redirection(ctx) -> None:
        new_id = ctx.msg.called_id_migrated
        ctx.v.redirects += 1
        ctx.v.redirected_to = (*ctx.v.redirected_to, new_id)
        ctx.v.cached = new_id if new_id != ctx.msg.called_id_primary else ""
        ctx.v.sent_home = ctx.v.sent_home or new_id == ctx.msg.called_id_primary
        if ctx.msg.kms_uri is not None:
            ctx.v.kms = ctx.v.kms | {ctx.msg.kms_uri}
        if redirect_needs_lookup(ctx):
            ctx.v.target = new_id
            ctx.send("kms", KmsLookupRequest(mc_service_id=new_id))
        else:
            setup(ctx, new_id)

    def learn_kms(ctx) -> None:
        ctx.v.kms = ctx.v.kms | {ctx.msg.kms_uri}
        setup(ctx, ctx.v.target)

    # X.1.7.1 item 6a: a subsequent call by the cached migrated ID (CR 000 NOTE 2)
    def has_cache(ctx) -> bool:
        return may_call(ctx) and ctx.v.cached != ""

    def call_cached(ctx) -> None:
        # NOTE 2's indication, unless indication_lasts=until_answered and a call by this ID
        # has been answered at it (the cache then needs no re-check: item 6a's saving)
        confirmed = (indication_ends and ctx.params.indication_lasts == "until_answered"
                     and ctx.v.answered_at == ctx.v.cached)
        start(ctx, ctx.v.cached, None if confirmed else indication)

    def answered(ctx) -> None:
        if ctx.params.indication_lasts == "until_answered":  # else nothing reads it
            ctx.v.answered_at = ctx.v.target

    # X.1.7.1 item 6b: after a rejection, re-initiate with the primary MC service ID
    def may_retry_primary(ctx) -> bool:
        # X.1.7.1 item 6b (assumption reinitiate-per-rejection): the ID tried is no longer
        # the user's (the partner says it is not registered there): re-initiate with the
        # primary MC service ID, up to the number of migrations per call.
        return (ctx.v.target != USER2_PRIMARY and ctx.v.reinitiated < max_migrations
                and ctx.msg.cause == "not registered")

    def retry_primary(ctx) -> None:
        ctx.v.cached = ""
        ctx.v.reinitiated += 1
        ctx.v.target = USER2_PRIMARY
        ctx.send(ctx.v.server, PrivateCallRequest(calling_id=ctx.v.my_id, called_id=USER2_PRIMARY,
                                                  calling_primary_id=ctx.v.primary_id or None,
                                                  priority=reinitiated_priority(ctx)))

    # RFC 3261 17.1.1.2 (Timer B) where calls time out
    def timed_out(ctx) -> None:
        ctx.v.timed_out = True

    # switch_off: SIP's Timer B is free, it may expire while an answer is merely slow (one
    # call per caller there). lossy_leaving: it outlasts the call's path, so it expires only
    # once nothing of the call is left (one was lost with UE 2); that keeps a late answer
    # from passing for the next call's.
    # With free_call_timer (call_timeout explored, one call per caller) the Span holds only
    # where call_timeout=outlasts_path.
    invite = INVITE_TRANSACTION if switch_off else dataclasses.replace(
        INVITE_TRANSACTION, outlasts=(Span("the call's path", call_under_way, with_timer=True,
                                           doc="its request and answers on every hop, and "
                                               "the time a server holds it",
                                           when=lambda params: getattr(
                                               params, "call_timeout", "outlasts_path")
                                           == "outlasts_path"),))
    answers = CALL_ANSWERS
    return Role(
        "calling MC service client",
        states=["idle", "calling", "awaiting_kms", "connected", "failed"],
        initial="idle",
        final=["idle", "connected", "failed"],
        transactions=[invite] if calls_time_out else [],
        # after its INVITE timed out, the answer may still come (RFC 3261 17.1.1.2); a caller
        # makes one call where calls time out, so no answer outlives its call into the next
        ignores={m: ["failed"] for m in answers}
        if switch_off or free_call_timer else {},
        variables={
            "my_id": Var(str, ""), "server": Var(str, ""), "max_calls": Var(int, 1),
            "primary_id": Var(str, "", doc="its primary MC service ID while migrated (X.1.7.3)"),
            "calls": Var(int, 0), "target": Var(str, ""), "cached": Var(str, ""),
            "kms": Var(frozenset, frozenset({kms_uri("A")}),
                       doc="the KMS URIs it holds (TS 33.180): its own domain's at first"),
            "redirects": Var(int, 0),
            "redirected_to": Var(tuple, ()),
            "reinitiated": Var(int, 0, doc="re-initiations with the primary ID in this call "
                                           "(item 6b)"),
            "sent_home": Var(bool, False, doc="this call was redirected to the primary ID"),
            **({"answered_at": Var(str, "", doc="the ID its last answered call was set up "
                                               "with (indication_lasts=until_answered)")}
               if indication_ends else {}),
            **({"timed_out": Var(bool, False, doc="a call of its INVITE transaction timed out "
                                                  "(for a witness)")} if calls_time_out else {}),
            **({"emergency": Var(bool, False, doc="its calls are emergency private calls "
                                                  "(TS 23.379 10.7.2.1.1, the priority "
                                                  "element)")} if emergency else {}),
        },
        transitions=[
            # -- step 1 -----------------------------------------------------------------
            Transition("call_by_primary_id", ["idle", "connected", "failed"], "calling",
                       conditions=[may_call], after=[call_primary], sends=[PrivateCallRequest],
                       environment=True, label="calls user 2 by its primary MC service ID",
                       clause="10.16.5.3 step 1; X.1.7.1 items 1 and 5"),
            # -- steps 3-4: the redirection, the KMS lookup, the answer -------------------
            Transition(PrivateCallRedirection, "calling", "calling", name="follow_redirection",
                       conditions=[can_follow,
                                   lambda ctx: not redirect_needs_lookup(ctx)],
                       after=[follow_redirection], sends=[PrivateCallRequest],
                       label="the call attempt ends (a final answer: assumption "
                             "redirection-is-final); re-initiates it with the migrated MC "
                             "service ID",
                       clause="10.16.5.3 steps 3-4; X.1.7.1 item 6a"),
            Transition(PrivateCallRedirection, "calling", "awaiting_kms",
                       name="follow_redirection_after_kms_lookup",
                       conditions=[can_follow, redirect_needs_lookup],
                       after=[follow_redirection], sends=[KmsLookupRequest],
                       label="the call attempt ends (assumption redirection-is-final); first "
                             "looks up the KMS URI",
                       clause="10.16.5.3 step 3; Table 10.16.5.2-1 NOTE; TS 33.180 D.2.7"),
            Transition(KmsLookupResponse, "awaiting_kms", "calling", after=[learn_kms],
                       conditions=[lambda ctx: ctx.msg.mc_service_id == ctx.v.target],
                       sends=[PrivateCallRequest], clause="TS 33.180 D.2.7; 10.16.5.3 step 4"),
            Transition(PrivateCallRedirection, "calling", "failed", name="give_up_redirections",
                       conditions=[lambda ctx: not can_follow(ctx)],
                       clause=f"bound: a client stops after {MAX_REDIRECTIONS} redirections "
                              "(the text sets none)"),
            Transition(PrivateCallAccept, "calling", "connected",
                       after=[answered] if indication_ends else [],
                       clause="TS 23.379 10.7.2.1.1"),
            # -- X.1.7.1 item 6a: the cached ID; item 6b: the primary ID again -----------
            Transition("call_by_cached_id", ["idle", "connected", "failed"], "calling",
                       conditions=[has_cache], after=[call_cached], sends=[PrivateCallRequest],
                       environment=True,
                       label="calls user 2 by the cached migrated MC service ID",
                       clause="X.1.7.1 item 6a; CR 000 NOTE 2 (subsequent calls carry the "
                              "indication)"),
            Transition(PrivateCallReject, "calling", "calling", name="retry_with_primary_id",
                       conditions=[may_retry_primary], after=[retry_primary],
                       sends=[PrivateCallRequest], clause="X.1.7.1 item 6b"),
            Transition(PrivateCallReject, "calling", "failed", name="call_fails",
                       conditions=[lambda ctx: not may_retry_primary(ctx)],
                       clause="TS 23.379 10.7.2.1.1"),
            # -- RFC 3261 17.1.1.2: the INVITE transaction times out -------------------
            *([Transition(Timeout(PrivateCallRequest), "calling", "failed", name="no_answer",
                          after=[timed_out],
                          label="no answer: the call's INVITE transaction times out (the answer "
                                "is slow, or the call or its answer was lost: a switched-off "
                                "UE, or UE 2 leaving coverage)",
                          clause="RFC 3261 17.1.1.2 (Timer B; not in the text)")]
              if calls_time_out else []),
        ],
    )


# -- MC service client 2: the migrating called party -----------------------------------------
def migrant_role(*, max_migrations: int, fixed_chain: bool, sequence_numbers: bool,
                 withdraw_abandoned: bool = False) -> Role:
    """Client 2's transitions in the order of X.1's migration concepts and 10.16.5.3 step
    4: it migrates (X.1.4.1, X.1.7.4: break-before-make or make-before-break), its
    registration completes at the new MC system (X.1.6) or its REGISTER times out, and it
    takes the calls the MC system serving it delivers (step 4, X.1.7.1 item 7, X.1.7.2),
    refusing those of a system it has left."""

    # X.1.4.1; X.1.7.4: the UE detects the need to change MC system and registers elsewhere
    def next_system(ctx):
        if fixed_chain:
            step = ctx.v.migrations + 1
            return [MIGRATION_CHAIN[step]] if step < len(MIGRATION_CHAIN) else []
        return [s for s in SYSTEMS if s != ctx.v.serving]

    def may_migrate(ctx) -> bool:
        return ctx.v.migrations < max_migrations

    def make_before_break(ctx) -> bool:
        return ctx.params.registration == "make_before_break"

    def migrate(ctx) -> None:
        ctx.v.migrations += 1
        ctx.v.pending = ctx.arg
        if not make_before_break(ctx):  # X.1.7.4: unreachable until the new registration
            ctx.send(SERVER[ctx.v.serving], Deregistration(mc_service_id=ctx.v.current_id))
            ctx.v.between_registrations = True
        ctx.v.attempt = first_attempt(ctx)
        send_register(ctx)

    def send_register(ctx) -> None:
        ctx.send(SERVER[ctx.v.pending], Registration(
            primary_id=USER2_PRIMARY, sequence=ctx.v.migrations if sequence_numbers else None,
            attempt=attempt_sent(ctx)))

    # register_failure=retries: Timer F expired; a new REGISTER, a new transaction
    def retry_register(ctx) -> None:
        ctx.v.attempt += 1
        send_register(ctx)

    # X.1.6: the registration completes at the new MC system, or the REGISTER times out
    answers_pending = answers_register

    def registered(ctx) -> None:
        if make_before_break(ctx):  # X.1.4.1: leave the old system once the new one serves
            ctx.send(SERVER[ctx.v.serving], Deregistration(mc_service_id=ctx.v.current_id))
        ctx.v.between_registrations = False
        ctx.v.serving = ctx.v.pending
        ctx.v.pending = ""
        ctx.v.attempt = 0
        ctx.v.current_id = ctx.msg.mc_service_id

    def registration_given_up(ctx) -> None:
        """Assumption register-timeout-gives-up: the attempt ends; with make-before-break
        UE 2 is still registered at the old MC system and stays there, with break-before-
        make it has de-registered from it and is registered nowhere (X.1.7.4's gap, which
        it does not leave: no retry after the last attempt). The candidate fix
        fix_abandoned_registration_withdrawn: UE 2 de-registers, under the primary MC
        service ID its REGISTER carried, from the MC system whose registration it gave up
        (it never learnt the ID assigned there), so that a registration that completed
        after all ends there."""
        if withdraw_abandoned:
            ctx.send(SERVER[ctx.v.pending], Deregistration(mc_service_id=USER2_PRIMARY))
        ctx.v.pending = ""
        ctx.v.attempt = 0
        ctx.v.gave_up = True

    # step 4: the calls the MC system serving it delivers (X.1.7.1 item 7; X.1.7.2)
    def still_served(ctx) -> bool:
        """Make-before-break: while the new registration is pending, the old MC system
        still serves the user, and its calls are taken as before."""
        return make_before_break(ctx) and from_serving(ctx) and addressed_me(ctx)

    def from_serving(ctx) -> bool:
        return ctx.sender == SERVER[ctx.v.serving]

    def addressed_me(ctx) -> bool:
        """X.1.7.1 item 7: the client reads which of its IDs the caller addressed, to pick
        the keying material; it holds keys for its primary and current IDs only."""
        addressed = ctx.msg.original_called_id or ctx.msg.called_id
        return addressed in (USER2_PRIMARY, ctx.v.current_id)

    def accept(ctx) -> None:
        if ctx.msg.calling_id == USER3 and ctx.v.serving != "A":
            ctx.v.foreign_call_while_migrated = True
        ctx.send(ctx.sender, PrivateCallAccept(calling_id=ctx.msg.calling_id,
                                               called_id=ctx.msg.called_id))

    def refuse(ctx) -> None:
        ctx.send(ctx.sender, PrivateCallReject(calling_id=ctx.msg.calling_id,
                                               called_id=ctx.msg.called_id, cause="not registered"))

    return Role(
        "migrating MC service client",
        states=["registered", "migrating", "unregistered"],
        initial="registered",
        final=["registered", "unregistered"],
        transactions=[REGISTER],
        # the answer to a REGISTER whose transaction timed out ends nothing (RFC 3261 17.1)
        ignores={RegistrationResponse: ["registered", "unregistered"]},
        variables={"serving": Var(str, "A", doc="the MC system it is registered at (with "
                                                "break-before-make after a timed-out REGISTER: "
                                                "the one it left)"),
                   "current_id": Var(str, USER2_PRIMARY),
                   "pending": Var(str, ""), "migrations": Var(int, 0),
                   "attempt": Var(int, 0, doc="the REGISTER under way, counted from 1 where "
                                              "UE 2 retries (register_failure=retries)"),
                   "between_registrations": Var(bool, False,
                                                doc="break-before-make: de-registered, the new "
                                                    "registration not yet complete (X.1.7.4)"),
                   "foreign_call_while_migrated": Var(bool, False,
                                                      doc="it accepted user 3's call while "
                                                          "migrated (for a witness)"),
                   "gave_up": Var(bool, False, doc="a REGISTER of it timed out (for a "
                                                   "witness)")},
        transitions=[
            # -- X.1.4.1; X.1.7.4: migration ---------------------------------------------
            Transition("migrate", "registered", "migrating", conditions=[may_migrate],
                       choices=next_system, after=[migrate],
                       sends=[Deregistration, Registration], environment=True,
                       label="detects the need to change MC system and registers at the new "
                             "one (de-registering from the old one first with "
                             "break-before-make, after the new registration with "
                             "make-before-break)",
                       clause="X.1.2 items 5-6; X.1.4.1; X.1.7.4 NOTE"),
            # -- X.1.6: the registration completes, or its REGISTER times out -----------
            Transition(RegistrationResponse, "migrating", "registered", after=[registered],
                       conditions=[answers_pending], sends=[Deregistration],
                       clause="X.1.6 (the MC service IDs of the access token); "
                              "X.1.7.1 items 2-3; X.1.4.1 (with make-before-break the "
                              "de-registration from the old system follows now; with "
                              "break-before-make it went first)"),
            Transition(Timeout(Registration), "migrating", None,
                       name="registration_retried", conditions=[may_retry],
                       after=[retry_register], sends=[Registration],
                       label="the REGISTER timed out: sends it again (register_failure=retries)",
                       clause="X.1.4.1; X.1.7.4 (silent on a REGISTER that fails: "
                              "register_failure=retries); RFC 3261 17.1.2.2"),
            Transition(Timeout(Registration), "migrating", "registered",
                       name="registration_timed_out_kept_old",
                       conditions=[make_before_break, lambda ctx: not may_retry(ctx)],
                       after=[registration_given_up],
                       sends=[Deregistration] if withdraw_abandoned else [],
                       label="the REGISTER timed out: stays registered at the old MC system"
                             + ("; de-registers from the MC system it gave up"
                                if withdraw_abandoned else ""),
                       clause="X.1.4.1; X.1.7.4 (the old registration is kept until the new "
                              "one completes; silent on a REGISTER that fails); RFC 3261 "
                              "17.1.2.2; TS 24.229 7.8 (Timer F)"),
            Transition(Timeout(Registration), "migrating", "unregistered",
                       name="registration_timed_out_nowhere",
                       conditions=[lambda ctx: not make_before_break(ctx)
                                   and not may_retry(ctx)],
                       after=[registration_given_up],
                       sends=[Deregistration] if withdraw_abandoned else [],
                       label="the REGISTER timed out: registered nowhere (it de-registered "
                             "from the old MC system first)"
                             + ("; de-registers from the MC system it gave up"
                                if withdraw_abandoned else ""),
                       clause="X.1.7.4 NOTE (break-before-make: unreachable until the new "
                              "registration; silent on one that fails); RFC 3261 17.1.2.2; "
                              "TS 24.229 7.8 (Timer F)"),
            Transition(RegistrationResponse, "migrating", None, name="late_registration_answer",
                       conditions=[lambda ctx: not answers_pending(ctx)],
                       label="the answer to an earlier, timed-out REGISTER: dropped",
                       clause="RFC 3261 17.1.2.2; RFC 3261 17.1.3 (it matches no transaction under "
                              "way)"),
            # -- step 4: the calls delivered to it ----------------------------------------
            Transition(PrivateCallRequest, "registered", None, name="accept_call",
                       conditions=[from_serving, addressed_me], after=[accept],
                       sends=[PrivateCallAccept],
                       clause="10.16.5.3 step 4; X.1.7.1 item 7; X.1.7.2"),
            Transition(PrivateCallRequest, "registered", None, name="refuse_call_from_old_system",
                       conditions=[lambda ctx: not from_serving(ctx)], after=[refuse],
                       sends=[PrivateCallReject],
                       clause="X.1.4.1: a call delivered by a system the client has left "
                              "(late_call=refuse, see migration_lifecycle)"),
            Transition(PrivateCallRequest, "migrating", None, name="accept_call_while_migrating",
                       conditions=[still_served], after=[accept], sends=[PrivateCallAccept],
                       clause="X.1.4.1; X.1.7.4 (make-before-break: the old registration "
                              "holds until the new one completes)"),
            Transition(PrivateCallRequest, "migrating", None, name="refuse_call_while_migrating",
                       conditions=[lambda ctx: not still_served(ctx)],
                       after=[refuse], sends=[PrivateCallReject],
                       clause="X.1.4.1: a call arriving after the de-registration "
                              "(late_call=refuse, see migration_lifecycle)"),
            Transition(PrivateCallRequest, "unregistered", None, name="refuse_call_unregistered",
                       after=[refuse], sends=[PrivateCallReject],
                       label="registered nowhere: refuses a call a system it left (or never "
                             "reached) delivers",
                       clause="X.1.4.1 (late_call=refuse, see migration_lifecycle); X.1.7.4 "
                              "NOTE (unreachable while registered nowhere)"),
        ],
    )


# -- MC service servers A, B, C: primary for their own users, partner for visitors -----------
def server_role(*, kms_in_redirect: bool, migration_indication: bool, departure_notice: bool,
                note2_via_primary: bool, caller_migrated: bool, recursion: bool = False,
                withdraw_abandoned: bool = False, disclosure: bool = False,
                reach: bool = False, forward_foreign: bool = False) -> Role:
    """A server's transitions in the order of X.1.6 and 10.16.5.3's steps: the user's
    registration and the partner's notification to the primary (pre-condition 3), then a
    private call request: passed on towards the called ID's MC system (step 1, pre-condition
    1), checked at the primary (step 2: delivered, redirected in step 3, handled otherwise
    under CR 000, or met while the primary is uninformed), re-checked under CR 000's NOTE
    2, met at a partner the user has left, and the answers relayed back (steps 3-4)."""

    def binding(ctx, primary_id: str) -> str:
        return dict(ctx.v.bindings).get(primary_id, "")

    def client_of(ctx, mc_service_id: str) -> str:
        return lookup(ctx.v.registered, mc_service_id)

    def route_back(ctx, message) -> None:
        """A response goes towards the calling party: its client if registered here, else
        its MC system's server (the way the request came)."""
        calling = message.calling_id
        home = system_of(calling)
        ctx.send(client_of(ctx, calling) if home == ctx.v.system else SERVER[home], message)

    def own_primary(ctx, mc_service_id: str) -> bool:
        """A primary MC service ID of this system (its provisioning maps it to itself)."""
        return lookup(ctx.v.provisioned, mc_service_id) == mc_service_id

    # X.1.6: registration, the notification to the primary, de-registration
    def register(ctx, assigned: str) -> None:
        ctx.v.registered = ctx.v.registered | {(assigned, ctx.sender)}
        ctx.send(ctx.sender, RegistrationResponse(mc_service_id=assigned,
                                                  attempt=ctx.msg.attempt))
        for held in sorted((m for m in ctx.v.held if m.called_id == ctx.msg.primary_id), key=repr):
            ctx.v.held = ctx.v.held - {held}
            ctx.send(ctx.sender, held)
        if not ctx.v.held:
            ctx.cancel("hold")

    def on_registration(ctx) -> None:
        primary = ctx.msg.primary_id
        if own_primary(ctx, primary):  # the user returns to its primary MC system
            record_return(ctx, primary)
            register(ctx, primary)
            return
        assigned = lookup(ctx.v.provisioned, primary)  # X.1.2 item 1b
        ctx.v.visitors = ctx.v.visitors | {(assigned, primary)}  # X.1.6: stores the primary ID
        note = MigrationNotification(primary_id=primary, partner_id=assigned,
                                     sequence=ctx.msg.sequence)
        ctx.send(SERVER[system_of(primary)], note)
        if ctx.params.notification == "one_way":
            register(ctx, assigned)
        else:
            ctx.v.awaiting_ack = ctx.v.awaiting_ack | {(primary, assigned, ctx.sender,
                                                        ctx.msg.attempt)}

    def on_notification(ctx) -> None:
        record_binding(ctx)
        if ctx.params.notification == "acknowledged":
            ctx.send(ctx.sender, MigrationNotificationAck(primary_id=ctx.msg.primary_id))
        for held in sorted((m for m in ctx.v.held if m.called_id == ctx.msg.primary_id), key=repr):
            ctx.v.held = ctx.v.held - {held}
            if migration_indication and system_of(held.calling_id) != ctx.v.system:
                if ctx.params.otherwise == "forward":
                    forward_keeping_address(ctx, held)
                else:
                    route_back(ctx, rejection(held, "not registered"))
            else:
                route_back(ctx, redirection(ctx, held, binding(ctx, held.called_id)))
        if not ctx.v.held:
            ctx.cancel("hold")

    def on_ack(ctx) -> None:
        for entry in sorted(e for e in ctx.v.awaiting_ack if e[0] == ctx.msg.primary_id):
            ctx.v.awaiting_ack = ctx.v.awaiting_ack - {entry}
            ctx.v.registered = ctx.v.registered | {(entry[1], entry[2])}
            ctx.send(entry[2], RegistrationResponse(mc_service_id=entry[1], attempt=entry[3]))

    def on_deregistration(ctx) -> None:
        left = ctx.msg.mc_service_id
        # fix_abandoned_registration_withdrawn: a UE withdrawing a registration it gave up
        # names the primary MC service ID its REGISTER carried: the visitor's ID it holds
        # (and the registration ends here whether or not it has completed: an exchange with
        # the primary still awaited is dropped)
        if withdraw_abandoned and not own_primary(ctx, left):
            ctx.v.awaiting_ack = frozenset(e for e in ctx.v.awaiting_ack if e[0] != left)
            left = next((p for p, primary in sorted(ctx.v.visitors) if primary == left), left)
        ctx.v.registered = frozenset(r for r in ctx.v.registered if r[0] != left)
        primary = lookup(ctx.v.visitors, left)
        if departure_notice and primary:
            ctx.send(SERVER[system_of(primary)],
                     DepartureNotification(primary_id=primary, partner_id=left))

    # step 2: which branch of 10.16.5.3 a private call request takes at this server
    def classify(ctx) -> str:
        m = ctx.msg
        called, here = m.called_id, ctx.v.system
        if system_of(called) != here:
            if (note2_via_primary and m.redirection_indication
                    and ctx.sender == SERVER[system_of(called)] and lookup(ctx.v.told, called)):
                return "note2_for_partner"  # the fix: the partner passed it on
            if (migration_indication and m.redirection_indication
                    and ctx.params.note2_server == "primary"):
                primary = lookup(ctx.v.told, called)
                if primary and own_primary(ctx, primary) and binding(ctx, primary) != called:
                    return "note2_at_primary"  # the partner ID is no longer current
            if reach and not linked(here, system_of(called), ctx.params.reach):
                return "unroutable"
            return "interwork"
        if (disclosure and not own_primary(ctx, called) and client_of(ctx, called)
                and ctx.params.partner_authorises_caller == "checks_profile"
                and m.calling_id not in ACCEPTED_CALLERS):
            return "refused_at_partner"  # step 4's call, authorised at the partner
        if client_of(ctx, called) and (ctx.params.registered_and_notified == "deliver"
                                       or not own_primary(ctx, called) or not binding(ctx, called)):
            return "deliver"
        if own_primary(ctx, called):
            if not binding(ctx, called):
                return "uninformed_" + ctx.params.uninformed_primary
            if migration_indication and caller_system(ctx, m) != here:
                return "otherwise_" + ctx.params.otherwise  # CR 000 step 2
            if forward_foreign and caller_system(ctx, m) != here:
                return "otherwise_forward"  # the fix of fix_foreign_caller_forwarded
            if (disclosure and ctx.params.redirect_disclosure == "authorised_callers"
                    and m.calling_id not in ACCEPTED_CALLERS):
                return "unauthorised"  # the reading: authorised before anything is disclosed
            return "redirect"
        # A partner ID this system assigned to a user who has since left.
        if note2_via_primary and m.redirection_indication:
            return "note2_to_primary"
        if migration_indication and m.redirection_indication and \
                ctx.params.note2_server == "partner":
            return "note2_at_partner"
        return "departed_" + ctx.params.departed_policy

    def caller_system(ctx, m) -> str:
        """CR 000 step 2's "calling party MC system": read off the calling ID, or off the
        primary ID a migrated caller's request carries (X.1.7.3), per same_system_by."""
        if (caller_migrated and migration_indication and m.calling_primary_id
                and ctx.params.same_system_by == "primary_id"):
            return system_of(m.calling_primary_id)
        return system_of(m.calling_id)

    memo: dict = {}

    def branch(name: str):
        def guard(ctx) -> bool:
            # Twelve guards ask the same question of each request: answer it once per
            # (choices, server state, request). Only the explorer's immutable locals can
            # key the memo; the transitions runtime's variables change in place.
            if not isinstance(ctx.v, tuple):
                return classify(ctx) == name
            key = (ctx.params, ctx.v, ctx.msg, ctx.sender)
            got = memo.get(key)
            if got is None:
                if len(memo) > 50_000:
                    memo.clear()
                got = memo[key] = classify(ctx)
            return got == name
        guard.__name__ = f"branch_{name}"
        return guard

    # step 1 (pre-condition 1: the MC systems are interconnected) and step 2's delivery
    def interwork(ctx) -> None:
        ctx.send(SERVER[system_of(ctx.msg.called_id)], ctx.msg)

    def deliver(ctx) -> None:
        ctx.send(client_of(ctx, ctx.msg.called_id), ctx.msg)

    # steps 2-3: the redirection
    def redirection(ctx, request, migrated_id: str) -> PrivateCallRedirection:
        called = request.called_id
        primary = lookup(ctx.v.visitors, called) or lookup(ctx.v.told, called) or called
        uri = kms_uri(system_of(migrated_id)) if kms_in_redirect else None
        return PrivateCallRedirection(calling_id=request.calling_id, called_id_primary=primary,
                                      called_id_migrated=migrated_id, kms_uri=uri,
                                      redirection_reason="migrated")

    def redirect(ctx) -> None:
        route_back(ctx, redirection(ctx, ctx.msg, binding(ctx, ctx.msg.called_id)))

    # CR 000 step 2, otherwise: a foreign caller's call
    def forward_keeping_address(ctx, request=None) -> None:
        request = request or ctx.msg
        migrated_to = binding(ctx, request.called_id)
        ctx.send(SERVER[system_of(migrated_to)],
                 PrivateCallRequest(calling_id=request.calling_id, called_id=migrated_to,
                                    original_called_id=request.called_id))

    def rejection(request, cause: str) -> PrivateCallReject:
        return PrivateCallReject(calling_id=request.calling_id, called_id=request.called_id,
                                 cause=cause)

    def reject(cause: str):
        def action(ctx) -> None:
            route_back(ctx, rejection(ctx.msg, cause))
        action.__name__ = f"reject_{cause.replace(' ', '_')}"
        return action

    # pre-condition 3 not met: the primary holds the call (uninformed_primary=hold)
    def hold(ctx) -> None:
        ctx.v.held = ctx.v.held | {ctx.msg}
        if not ctx.armed("hold"):  # one timer for what is held: a free timer per held
            ctx.arm("hold")        # call expires in any order, and so does this one

    def held_calls(ctx) -> list:
        return sorted(ctx.v.held, key=repr)

    def hold_expires(ctx) -> None:
        ctx.v.held = ctx.v.held - {ctx.arg}
        route_back(ctx, rejection(ctx.arg, "not reachable"))
        if ctx.v.held:
            ctx.arm("hold")

    # CR 000 NOTE 2: the re-check of an indicated call
    def note2_primary(ctx) -> None:
        """NOTE 2 at the primary: the indicated partner ID was updated (redirect to the
        current one) or removed (the user is home: redirect to the primary ID)."""
        primary = lookup(ctx.v.told, ctx.msg.called_id)
        route_back(ctx, redirection(ctx, ctx.msg, binding(ctx, primary) or primary))

    def pass_to_primary(ctx) -> None:
        """The fix: the partner cannot answer NOTE 2 (it knows only that the user left), so
        it passes the indicated request to the primary MC system of the user (X.1.6 table)."""
        ctx.send(SERVER[system_of(lookup(ctx.v.visitors, ctx.msg.called_id))], ctx.msg)

    def note2_answer_for_partner(ctx) -> None:
        """The primary answers a request its partner passed on: the current partner ID if
        it knows a newer one, else the primary ID (never the ID the partner gave up)."""
        called = ctx.msg.called_id
        primary = lookup(ctx.v.told, called)
        current = binding(ctx, primary)
        route_back(ctx, redirection(ctx, ctx.msg, current if current and current != called
                                    else primary))

    # a partner the user has left (spec silent; X.1.7.1 item 6b)
    def to_primary(ctx) -> None:
        """A partner knows only that the user left: it names the primary ID it stored."""
        route_back(ctx, redirection(ctx, ctx.msg, lookup(ctx.v.visitors, ctx.msg.called_id)))

    # steps 3-4: the answers go back towards the caller
    def relay(ctx) -> None:
        route_back(ctx, ctx.msg)

    # redirect_on_path=recurse (RFC 3261 16.5): the caller's own server sends the call on to
    # the migrated ID itself, once per ID and call (16.5: a target is never added twice;
    # the call's final answer ends its target set), keeping the addressed ID (SIP's To
    # header stays; X.1.7.1 item 7)
    def recurses(ctx) -> bool:
        m = ctx.msg
        return (recursion and ctx.params.redirect_on_path == "recurse"
                and bool(client_of(ctx, m.calling_id))
                and (m.calling_id, m.called_id_migrated) not in ctx.v.tried)

    def recurse(ctx) -> None:
        m = ctx.msg
        ctx.v.tried = ctx.v.tried | {(m.calling_id, m.called_id_migrated)}
        ctx.send(SERVER[system_of(m.called_id_migrated)],
                 PrivateCallRequest(calling_id=m.calling_id, called_id=m.called_id_migrated,
                                    original_called_id=m.called_id_primary))

    def end_target_set(ctx) -> None:
        if ctx.v.tried:
            ctx.v.tried = frozenset(t for t in ctx.v.tried if t[0] != ctx.msg.calling_id)

    pcr, red, rej = PrivateCallRequest, PrivateCallRedirection, PrivateCallReject
    return Role(
        "MC service server",
        states=["serving"],
        initial="serving",
        final=["serving"],
        timers=[Timer("hold", clause="10.16.5.3 pre-condition 3 (uninformed_primary=hold); "
                                     "TS 23.379 call set-up timers (no duration in the text)",
                      outlasts=(UE2_MIGRATION,))],
        variables={"system": Var(str, ""), "provisioned": Var(frozenset, frozenset()),
                   "registered": Var(frozenset, frozenset()),
                   "visitors": Var(frozenset, frozenset()), "bindings": Var(frozenset, frozenset()),
                   "told": Var(frozenset, frozenset()), "latest": Var(frozenset, frozenset()),
                   "awaiting_ack": Var(frozenset, frozenset()), "held": Var(frozenset, frozenset()),
                   **({"tried": Var(frozenset, frozenset(),
                                    doc="(calling ID, migrated ID) it recursed on in a call "
                                        "under way (redirect_on_path=recurse)")}
                      if recursion else {})},
        transitions=[
            # -- X.1.6: registration and the notification to the primary ----------------
            Transition(Registration, "serving", None, after=[on_registration],
                       sends=[RegistrationResponse, MigrationNotification, pcr],
                       label="registers the user; a partner informs the primary MC system",
                       clause="X.1.6 (at a partner; on a return to the primary MC system "
                              "the spec is silent: the registration with the primary MC "
                              "service ID tells the primary); X.1.2 item 1b; X.1.3"),
            Transition(MigrationNotification, "serving", None, after=[on_notification],
                       sends=[MigrationNotificationAck, red, rej, pcr],
                       label="records the user's current MC service ID",
                       clause="10.16.5.3 pre-condition 3; X.1.4.1; X.1.6"),
            Transition(MigrationNotificationAck, "serving", None, after=[on_ack],
                       sends=[RegistrationResponse],
                       clause="X.1.6 (notification=acknowledged; 10.6.3.3 not in our text)"),
            Transition(Deregistration, "serving", None, after=[on_deregistration],
                       sends=[DepartureNotification] if departure_notice else [],
                       clause="X.1.4.1"),
            *([Transition(DepartureNotification, "serving", None, after=[forget_departed],
                          label="forgets the partner MC service ID the user left",
                          clause="candidate fix (fix_departure_notice): the partner tells the "
                                 "primary that the user left; not in the text")]
              if departure_notice else []),
            # -- step 1: towards the called ID's MC system; step 2: delivered -------------
            Transition(pcr, "serving", None, name="interwork", conditions=[branch("interwork")],
                       after=[interwork], sends=[pcr],
                       clause="10.16.5.3 pre-condition 1 (MC systems interconnected); "
                              "10.16.5.3 steps 1 and 4 (a call for another MC system's ID is "
                              "passed on to it); X.1.7.3"),
            *([Transition(pcr, "serving", None, name="refuse_unroutable",
                          conditions=[branch("unroutable")], after=[reject(NO_ROUTE_CAUSE)],
                          sends=[rej],
                          label="cannot pass the call on: its MC system is not interconnected "
                                "with the called ID's",
                          clause="10.16.5.3 pre-condition 1 (reach=no_b_c_link: the caller's "
                                 "MC system and the partner are not interconnected)")]
              if reach else []),
            Transition(pcr, "serving", None, name="deliver", conditions=[branch("deliver")],
                       after=[deliver], sends=[pcr], clause="TS 23.379 10.7.2.1.1; X.1.7.2"),
            # -- steps 2-3: redirected; CR 000 step 2 otherwise -------------------------
            Transition(pcr, "serving", None, name="redirect", conditions=[branch("redirect")],
                       after=[redirect], sends=[red],
                       label="checks that user 2 has migrated and sends a private call redirection",
                       clause="10.16.5.3 pre-condition 2; 10.16.5.3 steps 2-3; X.1.7.1 item 6; "
                              "CR 001 10.16.5.2 (the information flow it sends)"),
            *([Transition(pcr, "serving", None, name="reject_unauthorised_caller",
                          conditions=[branch("unauthorised")], after=[reject(NOT_AUTHORISED_CAUSE)],
                          sends=[rej],
                          label="rejects a caller user 2's profile does not accept calls from, "
                                "disclosing nothing",
                          clause="10.16.5.3 step 2 (redirect_disclosure=authorised_callers: not "
                                 "in the text); TS 23.379 10.7.3 (the profile's list)"),
               Transition(pcr, "serving", None, name="partner_rejects_unaccepted_caller",
                          conditions=[branch("refused_at_partner")],
                          after=[reject(NOT_AUTHORISED_CAUSE)], sends=[rej],
                          label="the partner rejects step 4's call from a caller user 2's "
                                "profile does not accept calls from",
                          clause="10.16.5.3 step 4 (the call is set up as TS 23.379 describes; "
                                 "partner_authorises_caller=checks_profile); X.1.7.1 item 4 (the "
                                 "partner's profile decides while migrated)")]
              if disclosure else []),
            Transition(pcr, "serving", None, name="otherwise_reject",
                       conditions=[branch("otherwise_reject")], after=[reject("not registered")],
                       sends=[rej], clause="CR 000 10.16.5.3 step 2 otherwise (TS 23.379: the "
                                           "called user is not registered; otherwise=reject)"),
            Transition(pcr, "serving", None, name="otherwise_forward",
                       conditions=[branch("otherwise_forward")], after=[forward_keeping_address],
                       sends=[pcr], clause="CR 000 10.16.5.3 step 2 otherwise (otherwise=forward; "
                                           "X.1.7.1 item 7, X.1.7.2 keep the addressed ID)"),
            # -- pre-condition 3 not met: the primary is not informed yet -------------
            Transition(pcr, "serving", None, name="reject_uninformed",
                       conditions=[branch("uninformed_reject")], after=[reject("not reachable")],
                       sends=[rej], clause="10.16.5.3 pre-condition 3 not met "
                                           "(uninformed_primary=reject)"),
            Transition(pcr, "serving", None, name="hold_uninformed",
                       conditions=[branch("uninformed_hold")], after=[hold],
                       clause="10.16.5.3 pre-condition 3 not met (uninformed_primary=hold)"),
            Transition(Expiry("hold"), "serving", None, name="hold_timer_expires",
                       choices=held_calls, after=[hold_expires], sends=[rej],
                       label="the hold timer expires: the held call is rejected",
                       clause="uninformed_primary=hold: a hold needs a bound, for a user who "
                              "never reappears (switch-off); TS 23.379's call set-up timers"),
            # -- CR 000 NOTE 2: the re-check of an indicated call ------------------------
            Transition(pcr, "serving", None, name="note2_recheck_at_primary",
                       conditions=[branch("note2_at_primary")], after=[note2_primary], sends=[red],
                       label="re-checks the indicated MC service ID and redirects to the current one",
                       clause="CR 000 10.16.5.3 NOTE 2 (note2_server=primary)"),
            Transition(pcr, "serving", None, name="note2_recheck_at_partner",
                       conditions=[branch("note2_at_partner")], after=[to_primary], sends=[red],
                       label="re-checks the indicated MC service ID: removed, redirects to the "
                             "primary MC service ID",
                       clause="CR 000 10.16.5.3 NOTE 2 (note2_server=partner)"),
            *([Transition(pcr, "serving", None, name="note2_pass_to_primary",
                          conditions=[branch("note2_to_primary")], after=[pass_to_primary],
                          sends=[pcr], label="passes the indicated call to the user's primary "
                                             "MC system",
                          clause="candidate fix (fix_note2_via_primary): CR 000 NOTE 2 asks for "
                                 "a status only the primary holds; not in the text"),
               Transition(pcr, "serving", None, name="note2_answer_for_partner",
                          conditions=[branch("note2_for_partner")],
                          after=[note2_answer_for_partner], sends=[red],
                          label="re-checks the indicated MC service ID for its partner and "
                                "redirects to the current one",
                          clause="CR 000 10.16.5.3 NOTE 2 at the primary, reached through the "
                                 "partner (candidate fix fix_note2_via_primary)")]
              if note2_via_primary else []),
            # -- a partner the user has left (spec silent) ------------------------------
            Transition(pcr, "serving", None, name="departed_reject",
                       conditions=[branch("departed_reject")], after=[reject("not registered")],
                       sends=[rej], clause="spec silent (departed_policy=reject)"),
            Transition(pcr, "serving", None, name="departed_redirect_to_primary",
                       conditions=[branch("departed_redirect_to_primary")],
                       after=[to_primary], sends=[red],
                       clause="spec silent (departed_policy=redirect_to_primary)"),
            # -- steps 3-4: the answers back towards the caller -------------------------
            Transition(red, "serving", None, name="relay_redirection", after=[relay], sends=[red],
                       conditions=[lambda ctx: not recurses(ctx)] if recursion else [],
                       clause="10.16.5.3 step 3 (towards the calling MC service client; "
                              "redirect_on_path=relay where explored)"),
            *([Transition(red, "serving", None, name="recurse_on_redirection",
                          conditions=[recurses], after=[recurse], sends=[pcr],
                          label="sends the call on to the migrated MC service ID itself",
                          clause="10.16.5.2 (silent on a server between the redirecting "
                                 "server and client 1); RFC 3261 16.5 "
                                 "(redirect_on_path=recurse)")]
              if recursion else []),
            Transition(PrivateCallAccept, "serving", None, name="relay_accept",
                       after=[relay, end_target_set] if recursion else [relay],
                       sends=[PrivateCallAccept], clause="TS 23.379 10.7.2.1.1"),
            Transition(rej, "serving", None, name="relay_reject",
                       after=[relay, end_target_set] if recursion else [relay],
                       sends=[rej], clause="TS 23.379 10.7.2.1.1"),
        ],
    )


def server_init(system: str, caller_migrated: bool) -> dict:
    """Provisioning and registrations before any step. With `caller_migrated`, user 1 has
    migrated to B beforehand: B registered it under its partner ID and stored the primary ID
    (X.1.6), and A was told (X.1.4.1)."""
    home = {"client1": "user1", "client2": "user2", "client3": "user3"}
    registered = {(mcid(u, system), c) for c, u in home.items() if USERS[u] == system}
    visitors: set = set()
    bindings: set = set()
    told: set = set()
    if caller_migrated:
        registered.discard((USER1, "client1"))
        if system == "B":
            registered.add((USER1_AT_B, "client1"))
            visitors.add((USER1_AT_B, USER1))
        if system == "A":
            bindings.add((USER1, USER1_AT_B))
            told.add((USER1_AT_B, USER1))
    return {"system": system, "provisioned": PROVISIONED[system],
            "registered": frozenset(registered), "visitors": frozenset(visitors),
            "bindings": frozenset(bindings), "told": frozenset(told)}


# -- the KMS (TS 33.180): the lookup of step 3 when the redirection carries no KMS URI ---------
def kms_role() -> Role:
    def answer_lookup(ctx) -> None:
        ctx.send(ctx.sender, KmsLookupResponse(mc_service_id=ctx.msg.mc_service_id,
                                               kms_uri=kms_uri(system_of(ctx.msg.mc_service_id))))

    return Role(
        "KMS", states=["serving"], initial="serving", final=["serving"],
        transitions=[Transition(KmsLookupRequest, "serving", None, after=[answer_lookup],
                                sends=[KmsLookupResponse], clause="TS 33.180 D.2.7")],
    )


def build(*, kms_in_redirect: bool, migration_indication: bool, max_migrations: int,
          fixed_chain: bool = True, client1_calls: int = 2, pinned: dict | None = None,
          sequence_numbers: bool = False, departure_notice: bool = False,
          caller_migrated: bool = False, note2_via_primary: bool = False,
          switch_off: bool = False, lossy_leaving: bool = False,
          recursion: bool = False, free_call_timer: bool = False,
          withdraw_abandoned: bool = False, disclosure: bool = False,
          reach: bool = False, forward_foreign: bool = False,
          emergency_call: bool = False) -> System:
    """The system of one variant: the two CRs are switches, `pinned` fixes parameters to
    fewer choices (a variant's choice or a candidate fix), `sequence_numbers` is the
    candidate fix of the notification race, `departure_notice` the candidate fix of the
    redirection loop (a partner tells the primary that the user left), `caller_migrated`
    puts user 1 (primary MC system A) at partner B from the start (issue 12 item 7: a
    migrated caller from the primary's own system); `note2_via_primary` is the candidate
    fix of the NOTE 2 gap for such callers (the partner passes an indicated call for a
    user who left it to the user's primary, which holds the status NOTE 2 asks about).
    Environments the spec's readers know happen: `switch_off` lets UE 2 be switched off
    once (a SwitchOff fault: it stops, and what reaches it is lost), and then a caller's
    call is an INVITE transaction that ends in an answer or a timeout (RFC 3261 17.1.1.2),
    free: it may come while an answer is merely slow; `lossy_leaving` lets the network lose
    what UE 2 exchanges with the MC system it leaves as it leaves coverage (LEAVING: its
    de-registration, a call delivered to it and its answer), and then a call is an INVITE
    transaction too, under the reading call-timeout-outlasts-answer (assumption). UE 2's
    REGISTER is a transaction in every variant; `register_timeout` is pinned to the reading
    outlasts_answer unless `pinned` names it, and what UE 2 does when it times out is
    assumption register-timeout-gives-up unless `pinned` names `register_failure`.
    `recursion` explores what the caller's own server does with a redirection
    (redirect_on_path: relay it, or recurse on it as a SIP proxy may). `free_call_timer`
    (with lossy_leaving and one call per caller) explores call_timeout: Timer B free
    beside the reading call-timeout-outlasts-answer. `disclosure` explores
    redirect_disclosure: whether the primary redirects any caller or only one user 2's
    profile accepts calls from (issue 70 item 4). `reach` explores whether MC systems B and C
    are interconnected (issue 70 item 2), in place of assumption systems-interconnected;
    `forward_foreign` is its candidate fix on CR 001's text: the primary checks for a
    migration only a call of its own user, and passes any other caller's call on to the
    partner MC service ID (CR 000's same-system check, its 'otherwise' read as forwarding).
    `emergency_call`: client 1's call is an emergency private call, and redirected_call_kind
    explores what step 4's call is."""
    if free_call_timer and (not lossy_leaving or client1_calls != 1):
        raise ModelError(f"free_call_timer with lossy_leaving={lossy_leaving}, client1_calls="
                         f"{client1_calls}: Timer B is explored free where calls may be lost, "
                         "one call per caller (a late answer would pass for the next call's)",
                         fix="pass lossy_leaving=True and client1_calls=1 with free_call_timer")
    if switch_off and client1_calls != 1:
        # a timed-out call's answer may still come; with a second call it would pass for
        # that call's (the messages carry no SIP Call-ID), so a caller makes one call here
        raise ModelError(f"switch_off with client1_calls={client1_calls}: client 1 makes one "
                         "call where its calls may time out",
                         fix="pass client1_calls=1 with switch_off=True (SWITCH_OFF_BOUNDS)")
    # NOTE 2's indication on a subsequent call by the cached ID: only with CR 000 and a
    # second call by client 1 (client 3 makes one)
    indication_ends = migration_indication and client1_calls >= 2
    caller = caller_role(kms_in_redirect=kms_in_redirect,
                         migration_indication=migration_indication,
                         max_migrations=max_migrations, switch_off=switch_off,
                         lossy_leaving=lossy_leaving, indication_ends=indication_ends,
                         free_call_timer=free_call_timer, emergency=emergency_call)
    server = server_role(kms_in_redirect=kms_in_redirect,
                         migration_indication=migration_indication,
                         departure_notice=departure_notice, note2_via_primary=note2_via_primary,
                         caller_migrated=caller_migrated, recursion=recursion,
                         withdraw_abandoned=withdraw_abandoned, disclosure=disclosure,
                         reach=reach, forward_foreign=forward_foreign)

    wanted = ["notification", "uninformed_primary", "departed_policy", "registration",
              "registered_and_notified"]
    if not kms_in_redirect:  # CR 001's table NOTE prescribes the lookup
        wanted.append("kms_without_uri")
    if migration_indication:
        wanted += ["note2_server", "otherwise"]
        if caller_migrated:
            wanted.append("same_system_by")
    if indication_ends:
        wanted.append("indication_lasts")
    if recursion:
        wanted.append("redirect_on_path")
    if free_call_timer:
        wanted.append("call_timeout")
    if disclosure:
        wanted += ["redirect_disclosure", "partner_authorises_caller"]
    if reach:
        wanted.append("reach")
    if emergency_call:
        wanted.append("redirected_call_kind")
    # indication_lasts: NOTE 2's literal reading, but where a variant explores it
    pins = {"register_timeout": ("outlasts_answer",), "indication_lasts": ("every_call",),
            **(pinned or {})}
    wanted.append("register_timeout")
    if "register_failure" in pins:  # else assumption register-timeout-gives-up
        wanted.append("register_failure")
    if "hold" in pins.get("uninformed_primary", BOTH["uninformed_primary"]):
        wanted.append("hold_timer")  # how long a hold lasts: only where a call can be held
    params = {name: Param(tuple(pins.get(name, BOTH[name])), clause=PARAM_DOCS[name][0],
                          doc=PARAM_DOCS[name][1], means=PARAM_MEANS[name]) for name in wanted}

    instances = [
        Instance("client1", caller, label="MC service client 1",
                 init={"my_id": USER1, "server": "serverA", "max_calls": client1_calls,
                       **({"emergency": True} if emergency_call else {})}
                 if not caller_migrated else
                 {"my_id": USER1_AT_B, "server": "serverB", "max_calls": client1_calls,
                  "primary_id": USER1, "kms": frozenset({kms_uri("A"), kms_uri("B")})}),
        Instance("client2", migrant_role(max_migrations=max_migrations,
                                         fixed_chain=fixed_chain,
                                         sequence_numbers=sequence_numbers,
                                         withdraw_abandoned=withdraw_abandoned),
                 label="MC service client 2"),
        Instance("client3", caller, label="MC service client 3",
                 init={"my_id": USER3, "server": "serverC", "max_calls": 1,
                       "kms": frozenset({kms_uri("A"), kms_uri("C")})}),
        *(Instance(SERVER[s], server, label=f"MC service server {s}",
                   init=server_init(s, caller_migrated)) for s in SYSTEMS),
        Instance("kms", kms_role(), label="KMS"),
    ]
    faults = []
    if lossy_leaving:
        faults.append(Loss.around(
            "client2", messages=LEAVING,
            why="UE 2 leaving coverage of the MC system it leaves may lose what it exchanges "
                "with it: its de-registration, a call that system delivers to it and its "
                "answer (a Loss sees no state: such a call or answer with the new MC system "
                "too); every other message arrives"))
    if switch_off:
        faults.append(SwitchOff("client2", why="UE 2 may be switched off (or lose coverage "
                                               "for good) once, before, during or after a "
                                               "migration",
                                clause="not in the text: an environment event the procedures "
                                       "must survive (10.16.5.3 and X.1.6 say nothing of it)"))
    # the reading is assumed where calls may be lost, unless call_timeout explores it
    assumptions = (*ASSUMPTIONS, *((CALL_TIMEOUT_READING,) if lossy_leaving and not
                                   free_call_timer else ()))
    if "register_failure" in params:  # the reading explored instead of assumed
        assumptions = with_register_failure(assumptions, params["register_failure"].choices)
    if reach:  # explored instead of assumed
        assumptions = tuple(REACH_ASSUMPTION if a is INTERCONNECTED else a for a in assumptions)
    return System("private_call_redirect", instances=instances, params=params,
                  assumptions=assumptions, faults=faults,
                  final=lambda v: not v.in_flight() and all(
                      v[c].state not in ("calling", "awaiting_kms") for c in CALLERS)
                  and v["client2"].state in ("registered", "unregistered", SWITCHED_OFF),
                  fairness=_progress.FAIRNESS,
                  properties=[
                      *properties(
                          migration_indication, kms_in_redirect=kms_in_redirect,
                          returns=max_migrations >= 3 or not fixed_chain,
                          second_call=client1_calls >= 2,
                          sent_home="redirect_to_primary" in params["departed_policy"].choices
                          or ("note2_server" in params
                              and "partner" in params["note2_server"].choices),
                          reinitiations=max_migrations, caller_migrated=caller_migrated,
                          order_explored="redirect" in params["registered_and_notified"].choices),
                      *conditional_properties(params, switch_off=switch_off,
                                              lossy_leaving=lossy_leaving),
                      *(disclosure_properties() if disclosure else ()),
                      *(reach_properties() if reach else ()),
                      *(emergency_properties() if emergency_call else ()),
                      _progress.primary_learns_current_id(),
                      *(_progress.call_ends(c) for c in CALLERS)])


# -- properties ----------------------------------------------------------------------------
def redirection_only_to_accepted_caller(before, key, after) -> bool:
    """10.16.5.3 step 3; Table 10.16.5.2-1: a redirection that names a partner MC service ID
    (and, with CR 001, its KMS URI) reaches only a caller user 2's profile accepts private
    calls from. Judged on the step in which a calling client takes one."""
    m = key.message
    if key.kind != "receive" or key.actor not in CALLERS or \
            not isinstance(m, PrivateCallRedirection):
        return True
    return m.called_id_migrated == m.called_id_primary or m.calling_id in ACCEPTED_CALLERS


def redirection_names_reachable_id(before, key, after) -> bool:
    """Judged on the step in which a calling client takes a redirection: the MC service ID it
    names is of an MC system the client's own MC system can pass a call to (step 4 goes
    through the caller's own server, TS 33.180 5.1.4.2)."""
    m = key.message
    if key.kind != "receive" or key.actor not in CALLERS or \
            not isinstance(m, PrivateCallRedirection):
        return True
    own = SYSTEM_OF_SERVER[before[key.actor].server]
    return linked(own, system_of(m.called_id_migrated), before.params.reach)


def redirected_call_unroutable(v) -> bool:
    return any(m.cause == NO_ROUTE_CAUSE
               for _, _, m in v.in_flight(PrivateCallReject, to="client3"))


def reach_properties() -> list:
    """Issue 70 item 2: a redirection names an ID the caller's own MC system can reach, and
    a witness that a call to an ID it cannot reach is refused (the consequence happens)."""
    return [
        step("redirection-names-reachable-id", redirection_names_reachable_id,
             clause="CR 001 10.16.5.3 pre-condition 1; CR 001 10.16.5.3 steps 3-4",
             doc="a private call redirection reaching a caller names an MC service ID of an MC "
                 "system the caller's own MC system is interconnected with, so that step 4's "
                 "call can be passed on"),
        sometimes("redirected-call-unroutable", redirected_call_unroutable,
                  clause="CR 001 10.16.5.3 step 4 (reach=no_b_c_link)",
                  doc="MC system C refuses client 3's call of step 4 to user 2's partner MC "
                      "service ID: C is not interconnected with the partner"),
    ]


def redirected_call_keeps_kind(before, key, after) -> bool:
    """Judged on the wire: every private call request an emergency caller sends, step 1's
    and the calls that follow its redirection (step 4, item 6b), is an emergency one."""
    if key.actor != "client1" or not before["client1"].emergency:
        return True
    return all(m.priority == "emergency"
               for m in sent_in_step(before, after, PrivateCallRequest, key.actor))


def emergency_call_redirected(v) -> bool:
    return v["client1"].emergency and v["client1"].redirects > 0


def emergency_properties() -> list:
    """Issue 70 (the emergency private call row of DIMENSIONS.md): what step 4's call is when
    the call redirected was an emergency private call."""
    return [
        step("redirected-call-keeps-kind", redirected_call_keeps_kind,
             clause="CR 001 10.16.5.3 step 4; TS 23.379 10.7.2.1.1 (priority)",
             doc="every private call request client 1 sends while making an emergency "
                 "private call is an emergency one: the call of step 4 that follows the "
                 "redirection too, so that the redirection does not turn an emergency call "
                 "into an ordinary one"),
        sometimes("emergency-call-redirected", emergency_call_redirected,
                  clause="CR 001 10.16.5.3 steps 1-3",
                  doc="client 1's emergency private call is redirected (the trigger of "
                      "redirected-call-keeps-kind)"),
    ]


def caller_refused_as_unauthorised(v) -> bool:
    return any(m.cause == NOT_AUTHORISED_CAUSE and m.called_id == USER2_PRIMARY
               for _, _, m in v.in_flight(PrivateCallReject, to="client3"))


def caller_refused_at_partner(v) -> bool:
    return any(m.cause == NOT_AUTHORISED_CAUSE and m.called_id != USER2_PRIMARY
               for _, _, m in v.in_flight(PrivateCallReject, to="client3"))


def disclosure_properties() -> list:
    """Issue 70 item 4: who learns where user 2 is (its partner MC service ID and, with CR
    001, the KMS URI of the partner's domain), and a witness that an unaccepted caller's
    call is met (so the property does not hold for want of one)."""
    return [
        step("redirection-only-to-accepted-caller", redirection_only_to_accepted_caller,
             clause="CR 001 10.16.5.3 steps 2-3; CR 001 Table 10.16.5.2-1; TS 23.379 10.7.3",
             doc="a private call redirection naming user 2's partner MC service ID reaches "
                 "only a caller user 2's profile accepts private calls from"),
        sometimes("unaccepted-caller-refused", caller_refused_as_unauthorised,
                  clause="CR 001 10.16.5.3 step 2 (redirect_disclosure=authorised_callers)",
                  doc="the primary rejects the call of client 3, whose user user 2's profile "
                      "does not accept calls from, without naming where user 2 is"),
        sometimes("redirected-call-refused-at-partner", caller_refused_at_partner,
                  clause="CR 001 10.16.5.3 step 4 (partner_authorises_caller=checks_profile)",
                  doc="the partner rejects client 3's call of step 4 by user 2's partner MC "
                      "service ID: the call is refused, after the redirection has told client "
                      "3 where user 2 is"),
    ]


def no_repeated_redirection_to_left_id(before, key, after) -> bool:
    """A redirection never sends a call attempt again to an MC service ID it was already
    redirected to once user 2 has left that ID. Two exemptions, both what the text itself
    accepts: a second redirection to an ID user 2 holds when it is sent (the first came too
    early, e.g. before the partner completed the registration) is correct; and while user 2
    is between registrations under break-before-make, X.1.7.4 accepts that it cannot be
    reached, so a redirection to the system it left is that trade-off."""
    if key.transition == "relay_redirection":
        return True  # judged where a redirection is made, not where it is passed on
    # what the step sent first: most send no redirection, and then nothing else is read
    sent = sent_in_step(before, after, PrivateCallRedirection, key.actor)
    c2 = before["client2"] if sent else None
    if c2 is None or c2.between_registrations:
        return True
    held = {c2.current_id, USER2_PRIMARY}  # the primary ID is never left
    if c2.state == "migrating":  # the ID it is registering under is not one it left
        held.add(lookup(PROVISIONED[c2.pending], USER2_PRIMARY))
    for m in sent:
        caller = next(c for c in CALLERS if before[c].my_id == m.calling_id)
        if (before[caller].state in ("calling", "awaiting_kms")
                and m.called_id_migrated in before[caller].redirected_to
                and m.called_id_migrated not in held):
            return False
    return True


def home_of(v, calling_id: str) -> str:
    """The primary MC system of the caller that uses `calling_id` (its own, not read off
    the ID: a migrated caller's calling ID is its partner's)."""
    c = next(c for c in CALLERS if v[c].my_id == calling_id)
    return system_of(v[c].primary_id or v[c].my_id)


def primary_redirects_own_users(v) -> bool:
    return all(home_of(v, m.calling_id) == "A"
               for _, _, m in v.in_flight(PrivateCallRedirection, sender="serverA"))


USER2_IDS = frozenset(ours for pairs in PROVISIONED.values()
                      for primary, ours in pairs if primary == USER2_PRIMARY)


def redirection_elements(v) -> bool:
    """Table 10.16.5.2-1: every private call redirection in flight names user 2's primary
    MC service ID as the called party, an MC service ID that some MC system assigned to user
    2 as the migrated one, and, when the optional reason is present, 'migrated'."""
    return all(m.called_id_primary == USER2_PRIMARY and m.called_id_migrated in USER2_IDS
               and m.redirection_reason in (None, "migrated")
               for _, _, m in v.in_flight(PrivateCallRedirection))


def own_caller_gets_migration_check(before, key, after) -> bool:
    """CR 000 step 2 exempts callers of other MC systems from the migration check; a
    caller whose primary MC system is A's own is not one of them, wherever it is."""
    if key.actor != "serverA" or not key.transition.startswith("otherwise_"):
        return True
    return home_of(before, key.message.calling_id) != "A"


def e2e_kms_uri_known(v) -> bool:
    return all(kms_uri(system_of(v[c].target)) in v[c].kms
               for c in CALLERS if v[c].state == "calling")


def not_refused_before_notification(before, key, after) -> bool:
    """10.16.5.3 pre-condition 3: the primary refuses no call for want of the migration
    notification (the cause 'not reachable': rejected uninformed, or held until the hold
    timer expired), whatever transition refuses it, while user 2 is registered at a
    partner or on its way there. Exempt: the break-before-make gap, while user 2 is
    registered nowhere (X.1.7.4 accepts it), and a UE 2 that was switched off."""
    if key.actor != SERVER["A"]:
        return True
    if not any(m.cause == "not reachable"
               for _, _, m in after.sent_since(before, PrivateCallReject)):
        return True
    c2 = before["client2"]
    return c2.between_registrations or c2.state == SWITCHED_OFF


def hold_lasts_until_informed(before, key, after) -> bool:
    """uninformed_primary=hold (fix_hold_until_informed): a call the primary holds for user
    2 leaves the hold only when the primary learns where user 2 is (the migration
    notification, or user 2's registration back at home), or once UE 2 is switched off and
    cannot register again (the hold timer, under the reading hold_timer=outlasts_migration:
    it outlasts the migration under way, which a switch-off ends)."""
    if key.actor != SERVER["A"] or before["client2"].state == SWITCHED_OFF:
        return True
    if isinstance(key.message, (MigrationNotification, Registration)):
        return True
    return after[key.actor].held >= before[key.actor].held


def held_call_answered(before, key, after) -> bool:
    """uninformed_primary=hold: a call that leaves the primary's hold is passed on in that
    same step, towards user 2 or back towards its caller (a redirection, or a rejection
    with a cause): a hold never swallows a call, whatever ends it (the notification, user
    2's registration, the hold timer). Judged on what the step sends, not on the model's
    own bookkeeping beyond the hold itself."""
    server = key.actor
    if server not in SERVER.values():
        return True
    gone = before[server].held - after[server].held
    if not gone:
        return True
    sent = [m for _, _, m in after.sent_since(before, sender=server)]
    calls = [m for m in sent if isinstance(m, PrivateCallRequest | PrivateCallRedirection
                                           | PrivateCallReject)]
    return all(any(m.calling_id == call.calling_id
                   and (not isinstance(m, PrivateCallReject) or bool(m.cause))
                   for m in calls) for call in gone)


def register_names_primary_id(before, key, after) -> bool:
    """X.1.6: as part of the registration procedure the partner stores the primary MC
    service IDs, which the REGISTER carries: every REGISTER UE 2 sends (the first of a
    migration or one sent again after Timer F) names its primary MC service ID."""
    return all(m.primary_id == USER2_PRIMARY
               for m in sent_in_step(before, after, Registration, "client2"))


def retry_answered_in_time(v) -> bool:
    """The answer to a REGISTER UE 2 sent again (its attempt past the first) is on its way
    to UE 2 while UE 2 still awaits that attempt: a retry that can succeed."""
    c2 = v["client2"]
    return c2.state == "migrating" and c2.attempt > 1 and any(
        m.attempt == c2.attempt for _, _, m in v.in_flight(RegistrationResponse, to="client2"))


def held_call_released_after_switch_off(v) -> bool:
    """A call the primary held is released to its caller with the cause 'not reachable'
    after UE 2 was switched off (with uninformed_primary=hold only the hold timer gives
    that cause)."""
    return v["client2"].state == SWITCHED_OFF and any(
        m.cause == "not reachable" for _, _, m in v.in_flight(PrivateCallReject))


def call_timed_out_after_switch_off(v) -> bool:
    return v["client2"].state == SWITCHED_OFF and any(v[c].timed_out for c in CALLERS)


def addressed_id_delivered(before, key, after) -> bool:
    """When client 2 receives a call, the ID the caller addressed is in it (X.1.7.1 item 7)."""
    if key.actor != "client2" or not isinstance(key.message, PrivateCallRequest):
        return True
    m = key.message
    caller = next(c for c in CALLERS if before[c].my_id == m.calling_id)
    return before[caller].target in (m.called_id, m.original_called_id)


def new_redirections(before, key, after) -> list[PrivateCallRedirection]:
    # what the step put in flight, by value (a multiset difference), never by object
    # identity: equal messages may be distinct objects in two states
    return [m for _, _, m in after.sent_since(before, PrivateCallRedirection, sender=key.actor)]


def note2_never_names_stale_id(before, key, after) -> bool:
    """A NOTE 2 re-check names the primary MC service ID or the partner ID user 2 holds
    now, never one it has left (when user 2 is settled)."""
    if not key.transition.startswith("note2_recheck"):
        return True
    c2 = before["client2"]
    if c2.state != "registered":
        return True
    return all(m.called_id_migrated in (USER2_PRIMARY, c2.current_id)
               for m in new_redirections(before, key, after))


def redirection_followed(before, key, after) -> bool:
    """10.16.5.3 steps 3-4: a caller that receives a private call redirection for user 2
    (reason: migrated) re-initiates towards the migrated MC service ID, directly or after a
    KMS lookup, unless it has already followed MAX_REDIRECTIONS (the model's bound). A
    redirection that comes after the call's INVITE timed out ends nothing: the call is over."""
    m = key.message
    if key.actor not in CALLERS or not isinstance(m, PrivateCallRedirection):
        return True
    if before[key.actor].state != "calling":
        return True
    if (before[key.actor].redirects >= MAX_REDIRECTIONS or m.called_id_primary != USER2_PRIMARY
            or m.redirection_reason not in (None, "migrated")):
        return True
    return (after[key.actor].state != "failed"
            and after[key.actor].redirected_to[-1:] == (m.called_id_migrated,))


def reinitiated_call_indicated(before, key, after) -> bool:
    """CR 000 10.16.5.3 step 4: the call a caller re-initiates after a redirection (directly,
    or once the KMS lookup of step 3 has answered) carries the call redirection due to
    migration indication."""
    if key.actor not in CALLERS or not isinstance(key.message, (PrivateCallRedirection,
                                                                 KmsLookupResponse)):
        return True
    return all(x.redirection_indication is True
               for x in sent_in_step(before, after, PrivateCallRequest, key.actor))


def forwarded_to_recorded_id(before, key, after) -> bool:
    """CR 000 step 2 with otherwise=forward; X.1.7.2: a call the primary passes on for its
    migrated user, keeping the addressed ID, goes to the partner MC service ID the primary
    was informed of."""
    if key.actor != SERVER["A"]:
        return True
    recorded = dict(after[key.actor].bindings).get(USER2_PRIMARY, "")
    return all(m.called_id == recorded
               for m in sent_in_step(before, after, PrivateCallRequest, key.actor)
               if m.original_called_id == USER2_PRIMARY)


def served_call_not_refused(before, key, after) -> bool:
    """X.1.7.2: a registered user 2 takes a call that the MC system it is registered at
    delivers, addressed to one of its IDs; it refuses only calls from a system it left."""
    m = key.message
    if key.actor != "client2" or not isinstance(m, PrivateCallRequest):
        return True
    c2 = before["client2"]
    addressed = m.original_called_id or m.called_id
    if (c2.state != "registered" or key.sender != SERVER[c2.serving]
            or addressed not in (USER2_PRIMARY, c2.current_id)):
        return True
    return not any(isinstance(x, PrivateCallReject)
                   for _, _, x in after.sent_since(before, sender="client2"))


def forwarded_call_not_refused(before, key, after) -> bool:
    """CR 000 10.16.5.3 step 2 (otherwise=forward); X.1.6; X.1.7.2: a call the primary passes
    on to a partner MC service ID, keeping the addressed ID, is not refused by that partner
    while user 2 is registered there or registering there (the primary forwards it only once
    told where user 2 is served, so the partner must take it)."""
    m = key.message
    if key.actor not in SERVERS or not isinstance(m, PrivateCallRequest) \
            or not m.original_called_id:
        return True
    here = before[key.actor].system
    c2 = before["client2"]
    if system_of(m.called_id) != here or not (
            (c2.state == "registered" and c2.serving == here)
            or (c2.state == "migrating" and c2.pending == here)):
        return True
    return not any(True for _ in after.sent_since(before, PrivateCallReject, sender=key.actor))


def foreign_call_passed_on(before, key, after) -> bool:
    """CR 000 10.16.5.3 step 2 with otherwise=forward (X.1.7.1 item 7; X.1.7.2): once the
    primary knows the partner MC service ID of user 2, it passes a foreign caller's call for
    user 2's primary MC service ID on to that partner and never refuses it as not
    registered, whether the call arrives after the notification or was held until it."""
    if key.actor != SERVER["A"] or getattr(before.params, "otherwise", None) != "forward":
        return True
    if isinstance(key.message, PrivateCallReject):
        return True  # a relayed answer (user 2 refusing a delivery) is judged where made
    if not dict(after[key.actor].bindings).get(USER2_PRIMARY):
        return True
    return not any(m.called_id == USER2_PRIMARY and system_of(m.calling_id) != "A"
                   for _, _, m in after.sent_since(before, PrivateCallReject,
                                                   sender=key.actor))


def notified_delivery_where_served(before, key, after) -> bool:
    """10.16.5.3 step 2; X.1.4.1; X.1.6: once a partner has told the primary where user 2 is
    served, a call the primary delivers to user 2's registration with it finds user 2 served
    there. Judged at the delivery, whatever rule of the primary made it. Exempt: break-before-
    make's gap (X.1.7.4 accepts it) and a UE switched off (its registration outlives it only
    because the model gives registrations no lifetime: ghost-registration)."""
    if key.actor != SERVER["A"]:
        return True
    if not any(to == "client2" for _, to, _ in
               after.sent_since(before, PrivateCallRequest, sender=SERVER["A"])):
        return True
    c2 = before["client2"]
    told = dict(before[SERVER["A"]].bindings).get(USER2_PRIMARY, "")
    if not told or c2.between_registrations or c2.state == SWITCHED_OFF:
        return True
    return c2.serving == "A"


def stale_id_reinitiated(bound: int):
    """X.1.7.1 item 6b: a call by a partner MC service ID that is rejected because user 2 is
    not registered there, or that user 2 no longer holds (it has migrated again, whatever
    cause the rejection gives), is re-initiated with the primary MC service ID (up to
    `bound` times per call, assumption reinitiate-per-rejection). A rejection that comes
    after the call's INVITE timed out answers a call that is over; one for want of a route
    to the ID's MC system (reach) or of the caller's authorisation (partner_authorises_caller)
    says nothing of the ID."""
    def stale_id_reinitiated(before, key, after) -> bool:
        m = key.message
        if key.actor not in CALLERS or not isinstance(m, PrivateCallReject) \
                or m.cause in CAUSES_NOT_ABOUT_THE_ID:
            return True
        if before[key.actor].state != "calling":
            return True
        c, c2 = before[key.actor], before["client2"]
        if c2.state not in ("registered", "migrating"):
            return True  # switched off: item 6b is about a user who migrated
        stale = c2.current_id != c.target or c2.state == "migrating"
        if c.target == USER2_PRIMARY or c.reinitiated >= bound or not (
                m.cause == "not registered" or stale):
            return True
        return after[key.actor].state == "calling" and after[key.actor].target == USER2_PRIMARY
    return stale_id_reinitiated


SERVERS = frozenset(SERVER.values())


def call_passed_on_intact(before, key, after) -> bool:
    """Judged on every step of an MC service server that takes a private call request: a
    request it sends on for the same call and the same called ID (towards the called ID's
    MC system, to the client registered under it, or to the user's primary MC system) is
    the request it took, element for element: the calling MC service ID (10.16.5.3 step 1;
    Table 10.16.5.2-1), the called one (step 1), the call redirection due to migration
    indication, which "directs the MC service server" further on (CR 000 step 4, NOTE 2),
    the caller's primary MC service ID, so that "the receiver thus has both" (X.1.7.3), and
    the originally addressed ID (X.1.7.2). A request for another called ID (CR 000's
    otherwise=forward to the partner ID) is a new request, not judged here. What the
    property reads: the request the step takes and those it sends."""
    m = key.message
    if key.actor not in SERVERS or not isinstance(m, PrivateCallRequest):
        return True
    return all(x == m for x in sent_in_step(before, after, PrivateCallRequest, key.actor)
               if x.calling_id == m.calling_id and x.called_id == m.called_id)


def migrated_call_carries_both_ids(before, key, after) -> bool:
    """X.1.7.3: judged on every step of a migrated caller (one with a primary MC service ID
    of another MC system than the one serving it): each private call request it sends
    carries its partner MC service ID as the calling user and its primary MC service ID as
    the additional element, whichever call it is (step 1, a redirection followed, a cached
    ID, a re-initiation). What the property reads: the caller's two IDs (its provisioning)
    and the requests the step sends."""
    c = before[key.actor] if key.actor in CALLERS else None
    if c is None or not c.primary_id:
        return True
    return all(m.calling_id == c.my_id and m.calling_primary_id == c.primary_id
               for m in sent_in_step(before, after, PrivateCallRequest, key.actor))


def redirection_kms_uri_of_migrated_id(before, key, after) -> bool:
    """CR 001 Table 10.16.5.2-1: the optional KMS URI element of a private call redirection
    is "the KMS URI associated with the MC service ID of the migrated MC service user":
    judged on every step that sends a redirection (made or passed on), each one that
    carries a KMS URI carries that of the MC service ID it names as the migrated one (the
    KMS of that ID's domain, TS 33.180). What the property reads: the redirections the step
    sends."""
    return all(m.kms_uri is None or m.kms_uri == kms_uri(system_of(m.called_id_migrated))
               for _, _, m in after.sent_since(before, PrivateCallRedirection,
                                               sender=key.actor))


def note2_answers_with_current_id(before, key, after) -> bool:
    """CR 000 NOTE 2: "the MC service server" that gets an indicated call by a partner ID
    user 2 has left, while user 2 is settled elsewhere, answers with an appropriate ID: the
    one user 2 holds now, or its primary MC service ID (NOTE 2 lists both: "MC service ID of
    the primary MC system or MC service ID of another partner MC system"); it neither
    refuses the call nor names another ID. Judged at the caller's own server (the
    first to get the call) and at the primary when another server passes the call to it;
    passing it on is not an answer, and a server further on may meet a race the first
    could not see (the user moved after the call was passed on)."""
    m = key.message
    if not isinstance(m, PrivateCallRequest) or not m.redirection_indication:
        return True
    caller = next(c for c in CALLERS if before[c].my_id == m.calling_id)
    passed_to_primary = key.actor == "serverA" and key.sender.startswith("server")
    if key.actor != before[caller].server and not passed_to_primary:
        return True
    c2 = before["client2"]
    if (c2.state != "registered" or m.called_id in (USER2_PRIMARY, c2.current_id)
            or system_of(m.called_id) == "A"
            or any(before.in_flight(k) for k in (MigrationNotification, Registration,
                                                 Deregistration, MigrationNotificationAck))):
        return True
    sent = [x for _, _, x in after.sent_since(before, sender=key.actor)]
    if any(isinstance(x, PrivateCallReject) and x.called_id == m.called_id for x in sent):
        return False
    return all(x.called_id_migrated in (c2.current_id, USER2_PRIMARY) for x in sent
               if isinstance(x, PrivateCallRedirection))


def registration_consistent(v) -> bool:
    c2 = v["client2"]
    if c2.state != "registered" or v.in_flight(Registration) or v.in_flight(Deregistration):
        return True
    holders = [(s, mc_id) for s in SYSTEMS for mc_id, who in v[SERVER[s]].registered
               if who == "client2"]
    return holders == [(c2.serving, c2.current_id)]


def connected_where_registered(v) -> bool:
    """Client 1 is connected after a redirection, by an ID user 2 holds now."""
    c1, c2 = v["client1"], v["client2"]
    return c1.state == "connected" and c1.redirects >= 1 and c1.target == c2.current_id


def conditional_properties(params: dict, *, switch_off: bool, lossy_leaving: bool) -> list:
    """The witnesses (and the hold's step property) a variant asks only where its
    environment or its choices make them possible: a timed-out call (switch_off,
    lossy_leaving), a REGISTER given up (register_timeout=free), a held call
    (uninformed_primary=hold), an acknowledged notification."""
    return [
        *([sometimes("call-unanswered-after-switch-off",
                     call_timed_out_after_switch_off,
                     clause="RFC 3261 17.1.1.2 (switch-off)",
                     doc="a caller's call to the switched-off UE 2 ends "
                         "in its INVITE transaction's timeout")]
          if switch_off else []),
        *([sometimes("call-unanswered-after-loss",
                     lambda v: any(v[c].timed_out for c in CALLERS),
                     clause="RFC 3261 17.1.1.2 (lossy_leaving)",
                     doc="a caller's call ends in its INVITE "
                         "transaction's timeout: the call or its "
                         "answer was lost with UE 2")]
          if lossy_leaving else []),
        *([sometimes("registration-given-up",
                     lambda v: v["client2"].gave_up,
                     clause="RFC 3261 17.1.2.2; X.1.4.1 "
                            "(register_timeout=free)",
                     doc="UE 2's REGISTER at the new MC system times "
                         "out and UE 2 gives the attempt up")]
          if "free" in params["register_timeout"].choices else []),
        *([sometimes("registration-retried",
                     register_retried_on_the_wire,
                     clause="RFC 3261 17.1.2.2 (register_failure=retries)",
                     doc="UE 2 sent its REGISTER at the new MC system again after Timer F "
                         "expired (a retried REGISTER is in flight)"),
           sometimes("retry-answered-in-time", retry_answered_in_time,
                     clause="RFC 3261 17.1.2.2 (register_failure=retries); X.1.6",
                     doc="the answer to a REGISTER UE 2 sent again reaches it while it "
                         "awaits that attempt (a retry can succeed)")]
          if "retries" in getattr(params.get("register_failure"), "choices", ()) else []),
        *([sometimes("held-call-released-after-switch-off",
                     held_call_released_after_switch_off,
                     clause="uninformed_primary=hold; TS 23.379 "
                            "10.7.2.1.1 (switch-off)",
                     doc="the primary's hold timer releases a call it "
                         "holds for a switched-off UE 2, with a cause, "
                         "towards the caller")]
          if switch_off and "hold" in params["uninformed_primary"].choices
          else []),
        *([sometimes("call-held-until-informed",
                     lambda v: bool(v[SERVER["A"]].held),
                     clause="10.16.5.3 pre-condition 3 (uninformed_"
                            "primary=hold)",
                     doc="the primary holds a call for user 2 because "
                         "no notification of its migration has "
                         "arrived yet"),
           step("hold-lasts-until-informed", hold_lasts_until_informed,
                clause="10.16.5.3 pre-condition 3 (uninformed_primary="
                       "hold)",
                doc="a call the primary holds for user 2 leaves the hold "
                    "only when the primary learns where user 2 is, or "
                    "once UE 2 is switched off"),
           step("held-call-answered", held_call_answered,
                clause="10.16.5.3 pre-condition 3 (uninformed_primary=hold); TS 23.379 "
                       "10.7.2.1.1 (a call ends in an answer)",
                doc="a call that leaves the primary's hold is passed on in that step, "
                    "towards user 2, or back to its caller redirected or rejected with a "
                    "cause")]
          if "hold" in params["uninformed_primary"].choices else []),
        *([sometimes("notification-acknowledged",
                     lambda v: bool(v.in_flight(MigrationNotificationAck)),
                     clause="X.1.6 (notification=acknowledged)",
                     doc="the primary acknowledges a partner's migration "
                         "notification")]
          if "acknowledged" in params["notification"].choices else []),
        # (no property asks that the call be answered by the ID the caller addressed: a
        # server that recurses keeps that ID in the request, and X.1.7.1 item 7 has the
        # migrated client read it and pick the keying material by it, which
        # recursion-targets-migrated-id and addressed-id-delivered check; the finding
        # redirection-recursed, which called that answer a harm, is withdrawn, session 46)
        *([sometimes("server-recursed-on-redirection",
                     lambda v: any(v[SERVER[s]].tried for s in SYSTEMS),
                     clause="RFC 3261 16.5 (redirect_on_path=recurse)",
                     doc="the caller's server sends a redirected call on to the migrated "
                         "MC service ID itself"),
           # the other choice's witness: what defines redirect_on_path=relay
           sometimes("redirection-relayed-to-foreign-caller", redirection_relayed,
                     clause="10.16.5.3 step 3 (towards the calling MC service client); "
                            "10.16.5.2 (redirect_on_path=relay)",
                     doc="a foreign caller's own server passes a redirection it has not "
                         "recursed on to the caller, which sets the new call up itself"),
           step("recursion-targets-migrated-id", recursion_targets_migrated_id,
                clause="RFC 3261 16.5 (redirect_on_path=recurse); X.1.7.1 item 7",
                doc="a server that recurses on a redirection sends the call on for the "
                    "caller it redirects, to the migrated MC service ID the redirection "
                    "names, keeping the ID the caller addressed")]
          if "redirect_on_path" in params else []),
        *([sometimes("call-timed-out-while-under-way", call_timed_out_under_way,
                     clause="RFC 3261 17.1.1.2 (call_timeout=free)",
                     doc="a caller's Timer B expired while its call or an answer was still on "
                         "its way or held by a server: the free timer's own outcome, which "
                         "the reading call-timeout-outlasts-answer excludes")]
          if "call_timeout" in params else []),
    ]


def redirection_relayed(v) -> bool:
    """A redirection in flight from a foreign caller's own MC service server (not the
    primary's system of the ID it redirects) to that caller, for a target the server has
    not recursed on (its target set, `tried`): the relay of redirect_on_path=relay. A
    recursing server passes on only a redirection to a target it has already tried (RFC
    3261 16.5: a target is never added twice)."""
    for caller in CALLERS:
        home = v[caller].server
        for _, _, m in v.in_flight(PrivateCallRedirection, to=caller, sender=home):
            if (system_of(m.calling_id) != system_of(m.called_id_primary)
                    and (m.calling_id, m.called_id_migrated) not in v[home].tried):
                return True
    return False


def recursion_targets_migrated_id(before, key, after) -> bool:
    """RFC 3261 16.5: a server that recurses on a 3xx adds the contacts it names to the
    call's target set. Judged on every step of an MC service server that takes a private
    call redirection: each private call request it sends is for the redirected caller, to
    the migrated MC service ID the redirection names, with the primary ID the caller
    addressed kept as the originally addressed ID (X.1.7.1 item 7). What the property reads:
    the redirection the step takes and the requests it sends."""
    m = key.message
    if key.actor not in SERVERS or not isinstance(m, PrivateCallRedirection):
        return True
    return all(x.calling_id == m.calling_id and x.called_id == m.called_id_migrated
               and x.original_called_id == m.called_id_primary
               for x in sent_in_step(before, after, PrivateCallRequest, key.actor))


def call_timed_out_under_way(v) -> bool:
    """A caller gave its call up by Timer B while its call's path still lasts (free_call_timer
    makes one call per caller)."""
    return any(v[c].state == "failed" and v[c].timed_out and call_under_way(v, c)
               for c in CALLERS)


def properties(migration_indication: bool, *, returns: bool, second_call: bool,
               sent_home: bool, reinitiations: int, order_explored: bool = False,
               caller_migrated: bool = False, kms_in_redirect: bool = False) -> list:
    out = [
        # what defines registration=break_before_make (X.1.7.4), a witness per choice
        sometimes("registered-nowhere", lambda v: v["client2"].between_registrations,
                  clause="X.1.7.4; X.1.4.1",
                  doc="user 2 is registered nowhere for a while: it de-registered before its "
                      "new registration completed (break-before-make's gap)"),
        always("primary-binding-fresh", primary_binding_fresh,
               clause="10.16.5.3 pre-condition 3; X.1.4.1; X.1.6",
               doc="quiescent: when user 2 is registered and no registration, "
                   "de-registration or migration notification is in flight (an answer to a "
                   "REGISTER UE 2 has stopped awaiting may be), the primary's record of its "
                   "current MC service ID is right"),
        step("no-repeated-redirection-to-left-id", no_repeated_redirection_to_left_id,
             clause="10.16.5.3 steps 2-3; X.1.7.1 item 6b; X.1.7.4",
             doc="no server redirects a call attempt again to an MC service ID it was already "
                 "redirected to and that user 2 has left (except while user 2 is between "
                 "registrations under break-before-make, which X.1.7.4 accepts)"),
        always("primary-redirects-own-users", primary_redirects_own_users,
               clause="CR 000 10.16.5.3 step 2",
               doc="the primary sends private call redirections only to callers of its own "
                   "MC system"),
        always("e2e-kms-uri-known", e2e_kms_uri_known,
               clause="CR 001 Table 10.16.5.2-1 NOTE; 10.16.5.3 NOTE; CR 000 10.16.5.3 NOTE 1; "
                      "TS 33.180",
               doc="a protected call is requested only with the KMS URI of the target's domain"),
        step("call-not-refused-before-notification", not_refused_before_notification,
             clause="10.16.5.3 pre-condition 3",
             doc="the primary never refuses a call because the migration notification has "
                 "not arrived yet"),
        step("redirection-followed", redirection_followed, clause="10.16.5.3 steps 3-4",
             doc="a caller re-initiates towards the migrated MC service ID a redirection "
                 "names (up to the model's bound of redirections)"),
        step("redirection-names-recorded-id", redirection_names_recorded_id,
             clause="10.16.5.3 step 3; X.1.7.1 item 6",
             doc="a redirection the primary sends names the partner MC service ID it was "
                 "informed of (or the primary ID), never another"),
        step("served-call-not-refused", served_call_not_refused, clause="X.1.7.2",
             doc="a registered user 2 takes the calls its serving MC system delivers to it"),
        step("answer-names-its-call", answer_names_its_call,
             clause="TS 23.379 10.7.2.1.1; X.1.7.1 item 6b",
             doc="an acceptance or rejection that answers a private call request in the same "
                 "step, or relays an answer, names that call's calling and called MC service "
                 "IDs"),
        step("notified-delivery-finds-user", notified_delivery_where_served,
             clause="10.16.5.3 step 2; X.1.4.1; X.1.6",
             doc="once a partner has told the primary where user 2 is served, a call the "
                 "primary delivers to user 2's registration with it finds user 2 there "
                 "(break-before-make's gap exempt)"),
        step("stale-id-reinitiated", stale_id_reinitiated(reinitiations), clause="X.1.7.1 item 6b",
             doc="a call by a partner ID that is rejected as not registered, or that user 2 "
                 "no longer holds, is re-initiated with the primary MC service ID"),
        step("addressed-id-delivered", addressed_id_delivered,
             clause="X.1.7.1 item 7; X.1.7.2",
             doc="a call delivered to user 2 carries the MC service ID the caller addressed"),
        always("redirection-elements", redirection_elements, clause="Table 10.16.5.2-1",
               doc="every private call redirection names user 2's primary MC service ID and an "
                   "MC service ID assigned to user 2, with the reason 'migrated' if any"),
        step("call-passed-on-intact", call_passed_on_intact,
             clause="10.16.5.3 step 1; pre-condition 1; CR 000 10.16.5.3 step 4 and NOTE 2; "
                    "X.1.7.2; X.1.7.3",
             doc="a server that passes a private call request on for the called ID it "
                 "addresses passes the request it took: calling and called IDs, the call "
                 "redirection due to migration indication, the caller's primary ID, the "
                 "originally addressed ID"),
        step("register-names-primary-id", register_names_primary_id,
             clause="X.1.6 (the partner stores the primary MC service IDs)",
             doc="every REGISTER UE 2 sends names its primary MC service ID, the one the "
                 "partner stores and passes to the primary"),
        always("registration-consistent", registration_consistent, clause="X.1.4.1; X.1.6",
               doc="a settled user 2 is registered at exactly one server, under its current ID"),
        sometimes("call-connects-after-redirection", connected_where_registered,
                  clause="10.16.5.3 step 4",
                  doc="client 1 connects after a redirection, by the ID user 2 holds now"),
        sometimes("protected-call-connects-after-redirection",
                  lambda v: connected_where_registered(v)
                  and kms_uri(system_of(v["client1"].target)) in v["client1"].kms,
                  clause="10.16.5.3 step 4; TS 33.180 (the caller holds the target's KMS URI)",
                  doc="a protected call set up with the KMS URI of the migrated user's domain"),
        sometimes("foreign-caller-connects",
                  lambda v: v["client3"].state == "connected"
                  and v["client2"].foreign_call_while_migrated,
                  clause="10.16.5.3; CR 000 step 2; TS 23.379",
                  doc="client 3 (MC system C) reaches user 2 while user 2 is migrated"),
    ]
    if order_explored:
        out.append(sometimes(
            "redirected-while-registered-at-primary",
            lambda v: any(who == "client2" for _, who in v["serverA"].registered)
            and any(m.called_id_migrated != USER2_PRIMARY
                    for _, _, m in v.in_flight(PrivateCallRedirection, sender="serverA")),
            clause="10.16.5.3 step 2; X.1.4.1",
            doc="the primary redirects a call for user 2 while user 2 is still registered "
                "with it (make-before-break, or a de-registration on its way)"))
    if sent_home:
        out.append(sometimes(
            "call-connects-after-redirection-to-primary-id",
            lambda v: v["client1"].state == "connected" and v["client1"].sent_home,
            clause="10.16.5.3; CR 000 NOTE 2; X.1.7.1 item 6b",
            doc="a partner that user 2 has left sends the caller back to the primary MC "
                "service ID, and the call then connects"))
    if second_call:
        out.append(sometimes(
            "cached-call-connects",
            lambda v: v["client1"].state == "connected" and v["client1"].calls == 2
            and v["client1"].redirects == 0 and v["client1"].target != USER2_PRIMARY,
            clause="X.1.7.1 item 6a",
            doc="a second call by the cached partner ID connects without redirection"))
    if returns:
        out.append(sometimes("user2-returns-to-primary",
                             lambda v: v["client2"].migrations >= 2 and v["client2"].serving == "A"
                             and v["client2"].state == "registered",
                             clause="10.16.3.2; X.1.7.4 NOTE"))
    if migration_indication:
        out.append(step(
            "forwarded-to-recorded-id", forwarded_to_recorded_id,
            clause="CR 000 10.16.5.3 step 2 (otherwise=forward); X.1.7.2",
            doc="a call the primary passes on for its migrated user goes to the partner MC "
                "service ID it was informed of"))
        out.append(step(
            "forwarded-call-not-refused", forwarded_call_not_refused,
            clause="CR 000 10.16.5.3 step 2 (otherwise=forward); X.1.6; X.1.7.2",
            doc="a call the primary passes on to the partner is not refused there while "
                "user 2 is registered or registering there"))
        out.append(step(
            "foreign-call-passed-on", foreign_call_passed_on,
            clause="CR 000 10.16.5.3 step 2 (otherwise=forward); X.1.7.2",
            doc="with otherwise=forward the informed primary never refuses a foreign "
                "caller's call for user 2 as not registered"))
        out.append(step(
            "reinitiated-call-indicated", reinitiated_call_indicated,
            clause="CR 000 10.16.5.3 step 4",
            doc="a call re-initiated after a redirection carries the call redirection due to "
                "migration indication"))
        out.append(step(
            "note2-answers-with-current-id", note2_answers_with_current_id,
            clause="CR 000 10.16.5.3 NOTE 2",
            doc="an indicated call by a partner ID user 2 has left is answered with the ID "
                "user 2 holds now, by whichever server NOTE 2 falls to (user 2 settled)"))
    if kms_in_redirect:
        out.append(step(
            "redirection-kms-uri-of-migrated-id", redirection_kms_uri_of_migrated_id,
            clause="CR 001 Table 10.16.5.2-1 (KMS URI)",
            doc="a private call redirection that carries a KMS URI carries the one associated "
                "with the MC service ID it names as the migrated one"))
    if caller_migrated:
        out.append(step(
            "migrated-call-carries-both-ids", migrated_call_carries_both_ids,
            clause="X.1.7.3",
            doc="a migrated caller's private call request carries its partner MC service ID "
                "as the calling user and its primary MC service ID as an additional element"))
    if migration_indication and caller_migrated:
        out.append(step(
            "own-caller-gets-migration-check", own_caller_gets_migration_check,
            clause="CR 000 10.16.5.3 step 2; X.1.7.3",
            doc="the primary never handles a call of its own (migrated) user as a foreign "
                "caller's (the 'otherwise' of the same-system check)"))
    if migration_indication:
        out += [
            step("note2-never-names-stale-id", note2_never_names_stale_id,
                 clause="CR 000 10.16.5.3 NOTE 2",
                 doc="a NOTE 2 re-check redirects to the primary ID or to the partner ID user 2 "
                     "holds now, never to one it has left")]
    if migration_indication and second_call:  # a cached ID goes stale between two calls
        out += [
            sometimes("note2-redirects-to-another-partner",
                      lambda v: v["client1"].calls == 2 and v["client1"].redirects == 0
                      and v["client1"].target != USER2_PRIMARY
                      and any(m.called_id_migrated not in (USER2_PRIMARY, v["client1"].target)
                              for _, _, m in v.in_flight(PrivateCallRedirection, to="client1")),
                      clause="CR 000 10.16.5.3 NOTE 2",
                      doc="a call by a stale cached partner ID is redirected to the partner "
                          "ID of another partner MC system"),
        ]
    return out


# -- variants ------------------------------------------------------------------------------
# base, cr_kms_uri and cr_both differ only in the CRs' text (same bounds, same pins); each
# other variant explores the choices its question turns on and pins the others (the report
# prints the pinned choices); every variant stays near or under a million states.
REJECT = ("reject",)
# Decisions the text leaves open that this model fixes in code (issue 18 turned the rest
# into parameters); every verdict lists them as what it rests on besides the text.
ASSUMPTIONS = (
    *COMMON_ASSUMPTIONS,
    REINITIATE_PER_REJECTION,
    # forced by the text (issue 70's feature rows: call-back requests, keys while migrated)
    Assumption("redirection-for-call-requests-only",
               "the primary redirects private call requests only, the request step 1 names "
               "(TS 23.379 10.7.2.1.1, TS 23.281 7.2.2.2.1, TS 23.282): a call-back request or "
               "another message for a migrated user is not redirected, and none is modelled",
               clause="10.16.5.3 step 1", forced=True),
    Assumption("primary-forwarding-not-applied-while-migrated",
               "MC service server A answers a private call by the primary MC service ID of "
               "its migrated user as step 2 and X.1.7.1 item 6 say (it checks the migration "
               "and rejects the signalling with the current partner MC service ID), not by "
               "private call forwarding set in user 2's primary user profile: while migrated "
               "user 2 decides by the partner MC system's profile (X.1.7.1 item 4), so no "
               "forwarding is modelled",
               clause="X.1.7.1 item 4; X.1.7.1 item 6", forced=True),
    Assumption("both-key-sets-held-while-migrated",
               "a migrated UE holds the key material of its primary MC system's KMS and of the "
               "partner's, so it can decrypt a call addressed to either MC service ID (the "
               "addressed ID tells it which, X.1.7.2)",
               clause="X.1.7.1 item 7; TS 33.180 5.3.1.1", forced=True),
    Assumption("redirection-is-final",
               "the private call redirection is a final answer that ends the call attempt at "
               "both ends: X.1.7.1 item 6's primary 'will reject the signalling', and a "
               "rejection is a final response whose acknowledgement belongs to the INVITE "
               "transaction (RFC 3261 17.1.1.3, 17.2.1), so step 3's 'releases the private "
               "call request' sends no release and leaves nothing half-open at a server, "
               "whether the client migrates or a message is lost",
               clause="10.16.5.3 step 3; X.1.7.1 item 6; RFC 3261 17.1.1.3"),
    Assumption("three-redirections",
               "a caller follows at most three redirections per call (a loop shows at the "
               "second redirection to the same ID, before the bound)", clause="10.16.5.3"),
    Assumption("late-call-refused",
               "a client that has sent its de-registration refuses calls the old system still "
               "delivers (migration_lifecycle explores accepting them)", clause="X.1.4.1"),
    Assumption("kms-uri-with-cr001",
               "with CR 001 the redirection always carries the KMS URI: every call here is "
               "protected, and CR 001 returns it 'if the end-to-end encryption is required'. "
               "A reading, not forced: the table marks the element O and the reason for "
               "change says what happens when it is absent (models/DIMENSIONS.md)",
               clause="CR 001 Table 10.16.5.2-1"),
    REGISTER_TIMEOUT_GIVES_UP,
)
# lossy_leaving: a call whose request or answer UE 2 may lose is an INVITE transaction, and
# client 1 still makes two calls (the cached-ID call of NOTE 2), so its timer is the reading
CALL_TIMEOUT_READING = Assumption(
    "call-timeout-outlasts-answer",
    "where UE 2 may lose a call or its answer, a caller's INVITE transaction times out only "
    "once nothing of the call is left (lost): a reading of Timer B, which keeps a late answer "
    "from passing for the caller's next call (the messages carry no SIP Call-ID); the free "
    "Timer B is explored in switch_off, with one call per caller",
    clause="RFC 3261 17.1.1.2 (Timer B; not in the text)")

# A to B to C, the shortest stale chain, and a second call by the cached ID (NOTE 2). The
# published text and each CR are explored with the same bounds and every choice, so that a
# CR diff shows what the CR's text changes and nothing else.
# What the primary and a left partner do with an unanswerable call (uninformed_primary,
# departed_policy) and the primary's order of tests (registered_and_notified) are explored
# by the `primary_policies` variant; every other variant pins them alike, so that the CR
# diffs compare the CRs' text alone.
POLICIES = {"uninformed_primary": REJECT, "departed_policy": REJECT,
            "registered_and_notified": ("deliver",)}
# Every variant that pins registered_and_notified=deliver shows the primary delivering to a
# registration the user has left once it has been told where the user is (a de-registration
# still on its way, or lost): finding stale-delivery.
DELIVERY_PINNED = {"notified-delivery-finds-user": "violated"}
BOUNDS = dict(max_migrations=2, client1_calls=2)
# where calls may time out (switch-off), one call per caller: see build
SWITCH_OFF_BOUNDS = dict(max_migrations=2, client1_calls=1)


def one_call(expect: dict[str, str]) -> dict[str, str]:
    """A variant's expectations with one call per caller: no second call, so no cached ID
    goes stale between calls (note2-redirects-to-another-partner is not asked)."""
    return {k: v for k, v in expect.items() if k != "note2-redirects-to-another-partner"}

model = Model("private_call_redirect", clause="10.16.5", doc=__doc__)
# redirect_on_path (base, cr_kms_uri: where a foreign caller's redirection passes its own
# server C): a server that recurses on the redirection sets the call up with the migrated ID
# itself, keeping the ID the caller addressed (X.1.7.1 item 7), each reading witnessed
RECURSED = {"server-recursed-on-redirection": "witnessed only with redirect_on_path=recurse",
            "redirection-relayed-to-foreign-caller":
                "witnessed only with redirect_on_path=relay"}
model.add_variant(
    "base", lambda: build(kms_in_redirect=False, migration_indication=False, **BOUNDS,
                          pinned=POLICIES, recursion=True),
    doc="as published (CR 001's 'before' text); explores notification, kms_without_uri and "
        "what the caller's own server does with a redirection (redirect_on_path)",
    expect={**DELIVERY_PINNED, **RECURSED, "primary-binding-fresh": "violated only with notification=one_way",
            "no-repeated-redirection-to-left-id":
                "violated only with notification=one_way",
            "primary-redirects-own-users": "violated",
            "e2e-kms-uri-known": "violated only with kms_without_uri=none",
            "call-not-refused-before-notification": "violated only with notification=one_way",
            "protected-call-connects-after-redirection":
                "witnessed only with kms_without_uri=lookup",
            "notification-acknowledged":
                "witnessed only with notification=acknowledged",
            "primary-learns-current-id": "violated only with notification=one_way"})
EXPECT_CR_KMS_URI = {**DELIVERY_PINNED,
            "primary-binding-fresh": "violated only with notification=one_way",
            "no-repeated-redirection-to-left-id":
                "violated only with notification=one_way",
            "primary-redirects-own-users": "violated",
            "call-not-refused-before-notification": "violated only with notification=one_way",
            "notification-acknowledged":
                "witnessed only with notification=acknowledged",
            "primary-learns-current-id": "violated only with notification=one_way"}
model.add_variant(
    "cr_kms_uri", lambda: build(kms_in_redirect=True, migration_indication=False, **BOUNDS,
                                pinned=POLICIES, recursion=True),
    doc="CR 001: the KMS URI element; explores notification, registration and "
        "redirect_on_path, with base's pinned policies (it differs from base only in the CR)",
    expect={**EXPECT_CR_KMS_URI, **RECURSED})
# Issue 70 item 4: does the redirection tell a caller user 2 does not accept calls from
# where user 2 is? CR 001's text (the KMS URI disclosed too), base's pinned policies, the
# caller's server relaying (no redirect_on_path).
model.add_variant(
    "disclosure", lambda: build(kms_in_redirect=True, migration_indication=False, **BOUNDS,
                                pinned={**POLICIES, "notification": ("acknowledged",)},
                                disclosure=True),
    doc="CR 001's text: explores whether the primary redirects any caller or only one user "
        "2's profile accepts calls from (redirect_disclosure), and whether the partner checks "
        "step 4's call against user 2's profile (partner_authorises_caller); client 3's user "
        "is not one. Pinned: notification=acknowledged, with base's policies",
    baseline="cr_kms_uri",
    expect={**DELIVERY_PINNED,
            # CR 000's property, the same disclosure seen from the caller's MC system
            "primary-redirects-own-users": "violated only with redirect_disclosure=any_caller",
            "notification-acknowledged": "witnessed",
            "redirection-only-to-accepted-caller":
                "violated only with redirect_disclosure=any_caller",
            "unaccepted-caller-refused": "witnessed only with redirect_disclosure="
                                         "authorised_callers",
            # whatever the partner does with step 4's call, the redirection came first
            **{p: f"witnessed only with redirect_disclosure=any_caller and "
                  f"partner_authorises_caller={c}"
               for p, c in (("foreign-caller-connects", "no_check"),
                            ("redirected-call-refused-at-partner", "checks_profile"))}})
model.add_variant(
    "fix_redirect_only_accepted_callers",
    lambda: build(kms_in_redirect=True, migration_indication=False, **BOUNDS,
                  pinned={**POLICIES, "notification": ("acknowledged",),
                          "redirect_disclosure": ("authorised_callers",)}, disclosure=True),
    doc="candidate fix, one sentence in step 2: MC service server A also checks that user 2's "
        "profile accepts private calls from the caller, and rejects the call otherwise",
    baseline="disclosure",
    expect={**DELIVERY_PINNED, "notification-acknowledged": "witnessed",
            "foreign-caller-connects": "never", "redirected-call-refused-at-partner": "never"})
# Issue 70 item 2: must the caller's MC system reach the partner? CR 001's text (every caller
# redirected), base's pinned policies; MC systems B and C interconnected or not (reach).
model.add_variant(
    "unconnected_partners", lambda: build(kms_in_redirect=True, migration_indication=False,
                                          **BOUNDS, pinned={**POLICIES, "notification":
                                                            ("acknowledged",)}, reach=True),
    doc="CR 001's text: explores whether MC systems B and C are interconnected (reach; "
        "pre-condition 1 names A and B only), with client 3 of MC system C calling user 2. "
        "Pinned: notification=acknowledged, with base's policies",
    baseline="cr_kms_uri",
    expect={**DELIVERY_PINNED, "notification-acknowledged": "witnessed",
            # CR 000's property: CR 001's text redirects a caller of another MC system too
            "primary-redirects-own-users": "violated",
            "redirection-names-reachable-id": "violated only with reach=no_b_c_link",
            "redirected-call-unroutable": "witnessed only with reach=no_b_c_link"})
# One sentence in CR 001's step 2, CR 000's same-system check with its 'otherwise' read as
# forwarding (and nothing else of CR 000): A passes a foreign caller's call on
model.add_variant(
    "fix_foreign_caller_forwarded",
    lambda: build(kms_in_redirect=True, migration_indication=False, **BOUNDS,
                  pinned={**POLICIES, "notification": ("acknowledged",)}, reach=True,
                  forward_foreign=True),
    doc="candidate fix, one sentence in CR 001's step 2: MC service server A checks for a "
        "migration only a call from a calling party of its own MC system, and forwards any "
        "other private call request to the partner MC service ID, over the link "
        "pre-condition 1 gives it (CR 000's check, its 'otherwise' read as forwarding)",
    baseline="unconnected_partners",
    expect={**DELIVERY_PINNED, "notification-acknowledged": "witnessed",
            "redirected-call-unroutable": "never"})
# Issue 70, the emergency private call row: client 1's call is an emergency private call;
# is step 4's call one too? CR 001's text, base's pinned policies, one call per caller.
EMERGENCY_BOUNDS = dict(max_migrations=2, client1_calls=1)
model.add_variant(
    "emergency_redirected",
    lambda: build(kms_in_redirect=True, migration_indication=False, **EMERGENCY_BOUNDS,
                  pinned={**POLICIES, "notification": ("acknowledged",)}, emergency_call=True),
    doc="CR 001's text: client 1's call by user 2's primary MC service ID is an emergency "
        "private call; explores whether the call step 4 initiates after the redirection is "
        "one too (redirected_call_kind). Pinned: notification=acknowledged, with base's "
        "policies; one call per caller",
    baseline="cr_kms_uri",
    expect={**DELIVERY_PINNED, "notification-acknowledged": "witnessed",
            # CR 000's property: CR 001's text redirects a caller of another MC system too
            "primary-redirects-own-users": "violated",
            "redirected-call-keeps-kind": "violated only with redirected_call_kind=ordinary"})
model.add_variant(
    "fix_redirected_call_keeps_kind",
    lambda: build(kms_in_redirect=True, migration_indication=False, **EMERGENCY_BOUNDS,
                  pinned={**POLICIES, "notification": ("acknowledged",),
                          "redirected_call_kind": ("kept",)}, emergency_call=True),
    doc="candidate fix, one sentence in CR 001's step 4: the private call initiated after the "
        "redirection is of the kind of the private call request released in step 3 (an "
        "emergency private call is initiated as an emergency private call)",
    baseline="emergency_redirected",
    expect={**DELIVERY_PINNED, "notification-acknowledged": "witnessed",
            "primary-redirects-own-users": "violated"})
EXPECT_CR_BOTH = {**DELIVERY_PINNED, "primary-binding-fresh": "violated only with notification=one_way",
            "no-repeated-redirection-to-left-id":
                "violated only with notification=one_way",
            "call-not-refused-before-notification": "violated only with notification=one_way",
            "foreign-caller-connects": "witnessed only with otherwise=forward",
            "call-connects-after-redirection-to-primary-id":
                "witnessed only with note2_server=partner",
            "note2-never-names-stale-id":
                "violated only with notification=one_way and note2_server=primary",
            "note2-redirects-to-another-partner":
                "witnessed only with note2_server=primary",
            "notification-acknowledged":
                "witnessed only with notification=acknowledged",
            "primary-learns-current-id": "violated only with notification=one_way"}
# NOTE 2's indication on every call by the cached ID, or until one was answered there: with
# the latter, a caller whose cache went stale learns the current ID by item 6b's rejection
# and re-initiation, not by NOTE 2's re-check (no verdict but that witness moves)
INDICATION_LASTS = {"indication_lasts": BOTH["indication_lasts"]}
NOTE2_USED = "notification=one_way or registration=break_before_make or indication_lasts=every_call"
model.add_variant(
    "cr_both", lambda: build(kms_in_redirect=True, migration_indication=True, **BOUNDS,
                             pinned={**POLICIES, **INDICATION_LASTS}),
    doc="CRs 001 and 000: explores notification, note2_server, otherwise and how long NOTE "
        "2's indication lasts (indication_lasts)",
    baseline="cr_kms_uri",
    expect={**EXPECT_CR_BOTH, "note2-redirects-to-another-partner":
            f"witnessed only with note2_server=primary and ({NOTE2_USED})"})
model.add_variant(
    "free_chain", lambda: build(kms_in_redirect=True, migration_indication=True, max_migrations=2,
                                fixed_chain=False, client1_calls=2,
                                pinned={**POLICIES, "note2_server": ("primary",),
                                        "otherwise": ("forward",), **INDICATION_LASTS}),
    doc="CRs 001 and 000, user 2 migrating twice to any other MC system (back home included); "
        "explores indication_lasts as cr_both does",
    expect={**DELIVERY_PINNED, "primary-binding-fresh": "violated only with notification=one_way",
            "no-repeated-redirection-to-left-id":
                "violated only with notification=one_way",
            "call-not-refused-before-notification": "violated only with notification=one_way",
            "note2-never-names-stale-id": "violated only with notification=one_way",
            "note2-redirects-to-another-partner": f"witnessed only with {NOTE2_USED}",
            "notification-acknowledged":
                "witnessed only with notification=acknowledged",
            "primary-learns-current-id": "violated only with notification=one_way"}, baseline="cr_both")

model.add_variant(
    "primary_policies",
    lambda: build(kms_in_redirect=True, migration_indication=False, max_migrations=2,
                  client1_calls=1),
    doc="CR 001's text with one call by client 1: explores what the primary does with a call "
        "for a user of whom it has no notification yet (uninformed_primary), what a partner "
        "the user left does with a call for it (departed_policy), and whether the primary "
        "delivers or redirects a call for a user both registered with it and notified "
        "elsewhere (registered_and_notified), which the other variants pin",
    baseline="cr_kms_uri",
    expect={**EXPECT_CR_KMS_URI,
            "notified-delivery-finds-user": "violated only with registered_and_notified=deliver",
            "call-not-refused-before-notification":
                ("violated only with notification=one_way and (uninformed_primary=reject or "
                 "hold_timer=free)"),
            "hold-lasts-until-informed":
                ("violated only with uninformed_primary=hold and hold_timer=free and "
                 "(notification=one_way or registration=break_before_make)"),
            "redirected-while-registered-at-primary":
                "witnessed only with registered_and_notified=redirect",
            "call-connects-after-redirection-to-primary-id":
                "witnessed only with departed_policy=redirect_to_primary",
            "call-held-until-informed":
                ("witnessed only with uninformed_primary=hold and (notification=one_way or "
                 "registration=break_before_make)")})

# -- environments the text must survive (issue 18): a UE switched off, a lost de-registration
model.add_variant(
    "switch_off",
    lambda: build(kms_in_redirect=True, migration_indication=True, **SWITCH_OFF_BOUNDS,
                  pinned=POLICIES, switch_off=True),
    doc="CRs 001 and 000; UE 2 may be switched off once (before, during or after a "
        "migration) and sends nothing more; a call is an INVITE transaction with a free "
        "timeout, and client 1 makes one call (its cached-ID call is explored in cr_both)",
    baseline="cr_both",
    expect=one_call(EXPECT_CR_BOTH))
model.add_variant(
    "lossy_deregistration",
    lambda: build(kms_in_redirect=True, migration_indication=True, **BOUNDS, pinned=POLICIES,
                  lossy_leaving=True),
    doc="CRs 001 and 000; UE 2 leaving coverage may lose what it exchanges with the MC "
        "system it leaves (its de-registration, a call that system delivers to it, its "
        "answer); a caller's call is an INVITE transaction that ends once its call or answer "
        "was lost (the reading call-timeout-outlasts-answer)",
    baseline="cr_both",
    expect={**EXPECT_CR_BOTH,
            "registration-consistent": "violated",
            "call-unanswered-after-loss": "witnessed"})
model.add_variant(
    "lossy_deregistration_free_timer",
    lambda: build(kms_in_redirect=True, migration_indication=True, **SWITCH_OFF_BOUNDS,
                  pinned=POLICIES, lossy_leaving=True, free_call_timer=True),
    doc="lossy_deregistration with one call per caller and the callers' Timer B explored "
        "free (call_timeout) beside the reading call-timeout-outlasts-answer that "
        "lossy_deregistration assumes",
    baseline="lossy_deregistration",
    expect={**one_call(EXPECT_CR_BOTH),
            "registration-consistent": "violated",
            "call-unanswered-after-loss": "witnessed",
            "call-timed-out-while-under-way": "witnessed only with call_timeout=free"})
# (the words mcfsm check prints: violated with notification=one_way, or with
# make-before-break and the free timer)
ABANDONED = ("violated except with notification=acknowledged and (registration=break_before_make "
             "or register_timeout=outlasts_answer)")
NOTE2_ABANDONED = "violated only with " + "; ".join(
    f"(notification={n}, registration={r}, note2_server=primary, otherwise={o}, "
    f"register_timeout={t})"
    for n, r, timeouts in (("acknowledged", "make_before_break", ("free",)),
                           ("one_way", "break_before_make", ("free", "outlasts_answer")),
                           ("one_way", "make_before_break", ("free", "outlasts_answer")))
    for o in ("forward", "reject") for t in timeouts)
model.add_variant(
    "slow_registration",
    lambda: build(kms_in_redirect=True, migration_indication=True, **BOUNDS,
                  pinned={**POLICIES, "register_timeout": BOTH["register_timeout"]}),
    doc="CRs 001 and 000; UE 2's REGISTER at the new MC system is a SIP transaction whose "
        "Timer F is free (it may expire while the REGISTER, the partner's exchange with the "
        "primary or the answer is merely slow), beside the reading that it outlasts the "
        "answer (pinned elsewhere); UE 2 then gives the attempt up (assumption "
        "register-timeout-gives-up)",
    baseline="cr_both",
    # finding abandoned-registration: with make-before-break UE 2 gives up a migration the
    # new partner has already told the primary of, under both notification readings; the
    # registration it leaves at the partner is ghost-registration's root (no lifetime)
    expect={**EXPECT_CR_BOTH,
            "primary-binding-fresh": ABANDONED,
            "primary-learns-current-id": ABANDONED,
            "no-repeated-redirection-to-left-id": ABANDONED,
            # note2_server=primary and (notification=one_way or the abandoned migration)
            "note2-never-names-stale-id": NOTE2_ABANDONED,
            "registration-consistent":
                "violated only with registration=make_before_break and register_timeout=free",
            "registration-given-up": "witnessed only with register_timeout=free"})
SLOW_MBB = "violated only with registration=make_before_break and register_timeout=free"
# one migration and one call, every reading of a timed-out REGISTER (and its fix below)
RETRIES = dict(kms_in_redirect=True, migration_indication=True, max_migrations=1,
               client1_calls=1, pinned={**POLICIES, "register_timeout": BOTH["register_timeout"],
                                        "register_failure": BOTH["register_failure"],
                                        "note2_server": ("primary",)})
# the abandoned migration's properties there: violated as published, held by the fix
ABANDONED_RETRIES = {"primary-binding-fresh": SLOW_MBB, "primary-learns-current-id": SLOW_MBB,
                     "registration-consistent": SLOW_MBB}
EXPECT_RETRIES = {
    **DELIVERY_PINNED,
    "call-not-refused-before-notification": "violated only with notification=one_way",
    "registered-nowhere": "witnessed only with registration=break_before_make",
    "foreign-caller-connects": "witnessed only with otherwise=forward",
    "notification-acknowledged": "witnessed only with notification=acknowledged",
    "registration-given-up": "witnessed only with register_timeout=free",
    # the behaviour that defines the variant, and a retry that can succeed
    "registration-retried":
        "witnessed only with register_timeout=free and register_failure=retries",
    "retry-answered-in-time":
        "witnessed only with register_timeout=free and register_failure=retries"}
model.add_variant(
    "slow_registration_retries",
    lambda: build(**RETRIES),
    doc="slow_registration with one migration and one call (so NOTE 2's re-check, which "
        "needs a second migration, is pinned: note2_server=primary), and what UE 2 does when its "
        "REGISTER times out explored: it gives up, or sends a new REGISTER and gives up only "
        "when that one times out too (register_failure=retries; assumption "
        "register-retries-bounded)",
    baseline="slow_registration",
    # finding abandoned-registration under both readings of a timed-out REGISTER: retrying
    # once more does not keep the primary's record true while Timer F may expire while the
    # answer is merely slow; one migration, so notification=one_way's race
    # (stale-binding) and NOTE 2's second call are not in this variant
    expect={**EXPECT_RETRIES, **ABANDONED_RETRIES})

# -- candidate fixes of the gaps (models/README.md; diffs under diagrams/) -------------------
model.add_variant(
    "fix_abandoned_registration_withdrawn",
    lambda: build(**RETRIES, departure_notice=True, withdraw_abandoned=True),
    doc="candidate fix of abandoned-registration, two sentences: a client whose REGISTER "
        "at another MC system it gave up de-registers from that MC system (X.1.4.1), and a "
        "partner MC system informs the primary MC system when a migrated user's "
        "registration there ends (X.1.6); every reading of slow_registration_retries "
        "explored",
    baseline="slow_registration_retries",
    # what slow_registration_retries declares, but the abandoned migration is undone: the
    # primary's record, its learning of the current ID and the one registration all hold
    expect=EXPECT_RETRIES)

FIXED_TEXT = dict(kms_in_redirect=True, migration_indication=True, **BOUNDS)
EXPECT_FIX_NOTIFICATION_ORDER = {**DELIVERY_PINNED, "no-repeated-redirection-to-left-id":
                "violated only with notification=one_way",
            "call-not-refused-before-notification": "violated only with notification=one_way",
            "foreign-caller-connects": "witnessed only with otherwise=forward",
            "call-connects-after-redirection-to-primary-id":
                "witnessed only with note2_server=partner",
            "note2-redirects-to-another-partner":
                "witnessed only with note2_server=primary",
            "notification-acknowledged":
                "witnessed only with notification=acknowledged"}
model.add_variant(
    "fix_notification_order",
    lambda: build(**FIXED_TEXT, sequence_numbers=True, pinned=POLICIES),
    doc="candidate fix: the registration and the notification carry the client's migration "
        "count; the primary ignores an older notification",
    expect=EXPECT_FIX_NOTIFICATION_ORDER,
    baseline="cr_both")
# the primary holds a call only when user 2 can leave it before it is informed
EXPECT_FIX_HOLD_UNTIL_INFORMED = {
    **DELIVERY_PINNED, "primary-binding-fresh": "violated only with notification=one_way",
            # a free hold timer may expire while the notification is merely slow
            "call-not-refused-before-notification":
                "violated only with notification=one_way and hold_timer=free",
            "hold-lasts-until-informed":
                ("violated only with hold_timer=free and (notification=one_way or "
                 "registration=break_before_make)"),
            "call-held-until-informed":
                "witnessed only with notification=one_way or registration=break_before_make",
            "no-repeated-redirection-to-left-id":
                "violated only with notification=one_way",
            "foreign-caller-connects": "witnessed only with otherwise=forward",
            "call-connects-after-redirection-to-primary-id":
                "witnessed only with note2_server=partner",
            "note2-never-names-stale-id":
                "violated only with notification=one_way and note2_server=primary",
            "note2-redirects-to-another-partner":
                "witnessed only with note2_server=primary",
            "notification-acknowledged":
                "witnessed only with notification=acknowledged",
            "primary-learns-current-id": "violated only with notification=one_way"}
model.add_variant(
    "fix_hold_until_informed",
    lambda: build(**FIXED_TEXT, pinned={**POLICIES, "uninformed_primary": ("hold",)}),
    doc="candidate fix: the text says which reading of pre-condition 3 it means: the primary "
        "holds a call for a user of whom it has no notification yet, and redirects (or "
        "delivers) it when the notification (or the user) arrives",
    expect=EXPECT_FIX_HOLD_UNTIL_INFORMED,
    baseline="cr_both")
model.add_variant(
    "fix_departure_notice",
    lambda: build(**FIXED_TEXT, departure_notice=True, sequence_numbers=True, pinned=POLICIES),
    doc="candidate fix, one sentence on top of fix_notification_order: a partner tells the "
        "primary that the user left it, so that the primary no longer names the partner ID "
        "the user left",
    expect={**EXPECT_FIX_NOTIFICATION_ORDER,
            "call-connects-after-redirection-to-primary-id":
                ("witnessed only with notification=one_way or registration=break_before_make or "
                 "note2_server=partner"),
            "no-repeated-redirection-to-left-id": "holds"}, baseline="fix_notification_order")

# The fixes under a free Timer F (issue 58: a fix judged only under the timer reading)
model.add_variant(
    "slow_registration_under_fixes",
    lambda: build(**FIXED_TEXT, departure_notice=True, sequence_numbers=True,
                  pinned={**POLICIES, "register_timeout": BOTH["register_timeout"]}),
    doc="fix_departure_notice (with fix_notification_order under it) where UE 2's Timer F "
        "is free beside the reading that it outlasts the answer (slow_registration's world): "
        "whether the fixes hold when UE 2 may give up a REGISTER whose answer is merely slow",
    baseline="fix_departure_notice",
    # the abandoned registration (finding abandoned-registration) re-opens what the fixes
    # closed: UE 2 gives up a make-before-break REGISTER whose answer was merely slow after
    # the partner told the primary, which then names an ID UE 2 never took up
    expect={**EXPECT_FIX_NOTIFICATION_ORDER,
            "call-connects-after-redirection-to-primary-id":
                ("witnessed only with notification=one_way or registration=break_before_make or "
                 "note2_server=partner"),
            "primary-binding-fresh": SLOW_MBB, "primary-learns-current-id": SLOW_MBB,
            "no-repeated-redirection-to-left-id": SLOW_MBB, "registration-consistent": SLOW_MBB,
            "note2-never-names-stale-id": ("violated only with registration=make_before_break "
                                           "and note2_server=primary and register_timeout=free"),
            "registration-given-up": "witnessed only with register_timeout=free"})
model.add_variant(
    "fix_migration_checked_first",
    lambda: build(**FIXED_TEXT, pinned={**POLICIES, "registered_and_notified": ("redirect",)}),
    doc="candidate fix, one sentence of step 2: the primary checks whether a partner has told "
        "it of the user's migration before it looks at the user's registration with it, so a "
        "call for a user it has been told about is redirected, never delivered to a "
        "registration the user may have left",
    expect={k: v for k, v in EXPECT_CR_BOTH.items() if k not in DELIVERY_PINNED},
    baseline="cr_both")

model.add_variant(
    "switch_off_with_hold",
    lambda: build(**{**FIXED_TEXT, **SWITCH_OFF_BOUNDS},
                  pinned={**POLICIES, "uninformed_primary": ("hold",),
                          "hold_timer": ("outlasts_migration",)},
                  switch_off=True),
    doc="the hold of fix_hold_until_informed when UE 2 may be switched off and never "
        "reappear: the hold timer releases the held call",
    baseline="fix_hold_until_informed",
    # with an acknowledged notification and make-before-break the primary is informed
    # before user 2 leaves it, so it never holds a call; with a one-way notification and
    # make-before-break the notification is already on its way when the call is held, and
    # the hold outlasts that migration: the notification, not the timer, releases the call
    # (the migration under way ends only when it arrives), even if UE 2 is switched off
    expect={**one_call(EXPECT_FIX_HOLD_UNTIL_INFORMED),
            "call-not-refused-before-notification": "holds",
            "hold-lasts-until-informed": "holds",
            "held-call-released-after-switch-off":
                "witnessed only with registration=break_before_make"})

# -- issue 12 item 7: a migrated caller from the primary's own system -----------------------
MIGRATED_CALLER = dict(**FIXED_TEXT, caller_migrated=True)
model.add_variant(
    "migrated_caller",
    lambda: build(**MIGRATED_CALLER, pinned={**POLICIES, "notification": ("acknowledged",)}),
    doc="CRs 001 and 000, user 1 (primary MC system A) migrated to B beforehand; explores "
        "note2_server, otherwise and same_system_by (notification pinned to acknowledged: "
        "the one-way findings are shown by cr_both)",
    expect={**DELIVERY_PINNED, "call-connects-after-redirection":
                "witnessed only with same_system_by=primary_id",
            "protected-call-connects-after-redirection":
                "witnessed only with same_system_by=primary_id",
            "foreign-caller-connects": "witnessed only with otherwise=forward",
            "call-connects-after-redirection-to-primary-id":
                "witnessed only with note2_server=partner and same_system_by=primary_id",
            "cached-call-connects": "witnessed only with same_system_by=primary_id",
            "note2-answers-with-current-id":
                "violated only with note2_server=primary and same_system_by=primary_id",
            "own-caller-gets-migration-check":
                "violated only with same_system_by=calling_id",
            "note2-redirects-to-another-partner": "never"},
    baseline="cr_both")
model.add_variant(
    "fix_note2_via_primary",
    lambda: build(**MIGRATED_CALLER, note2_via_primary=True,
                  pinned={**POLICIES, "notification": ("acknowledged",),
                          "note2_server": ("primary",)}),
    doc="candidate fix: a partner with an indicated call for a user who left it passes the "
        "call to the user's primary MC system, which answers NOTE 2 with the current ID",
    expect={**DELIVERY_PINNED, "call-connects-after-redirection":
                "witnessed only with same_system_by=primary_id",
            "protected-call-connects-after-redirection":
                "witnessed only with same_system_by=primary_id",
            "foreign-caller-connects": "witnessed only with otherwise=forward",
            "cached-call-connects": "witnessed only with same_system_by=primary_id",
            "own-caller-gets-migration-check":
                "violated only with same_system_by=calling_id",
            "note2-redirects-to-another-partner":
                "witnessed only with same_system_by=primary_id"},
    baseline="migrated_caller")

# Fixes models/README.md proposes for two findings that turn on a reading: the text says
# which reading it means (one sentence each, a pin of the parameter), diffed against the
# variant that explores both; each diff also shows what the chosen reading leaves open.
model.add_variant(
    "fix_note2_at_primary",
    lambda: build(kms_in_redirect=True, migration_indication=True, **BOUNDS,
                  pinned={**POLICIES, "note2_server": ("primary",)}),
    doc="candidate fix: CR 000's NOTE 2 says that the primary MC service server, which holds "
        "the status it asks about, makes the re-check",
    expect={**DELIVERY_PINNED, "primary-binding-fresh": "violated only with notification=one_way",
            "no-repeated-redirection-to-left-id": "violated only with notification=one_way",
            "call-not-refused-before-notification": "violated only with notification=one_way",
            "foreign-caller-connects": "witnessed only with otherwise=forward",
            # the re-check at the primary reads the record one-way notifications leave stale
            "note2-never-names-stale-id": "violated only with notification=one_way",
            "notification-acknowledged": "witnessed only with notification=acknowledged",
            "primary-learns-current-id": "violated only with notification=one_way"},
    baseline="cr_both")
model.add_variant(
    "fix_same_system_by_primary_id",
    lambda: build(**MIGRATED_CALLER, pinned={**POLICIES, "notification": ("acknowledged",),
                                             "same_system_by": ("primary_id",)}),
    doc="candidate fix: CR 000 step 2 says that the calling party's MC system is read off "
        "the primary MC service ID the call carries (X.1.7.3), not off the calling ID",
    # the reading it chooses is the one that meets note2-unanswerable: NOTE 2 then cannot
    # be answered for a caller served by a partner (fix_note2_via_primary mends that)
    expect={**DELIVERY_PINNED, "foreign-caller-connects": "witnessed only with otherwise=forward",
            "call-connects-after-redirection-to-primary-id":
                "witnessed only with note2_server=partner",
            "note2-answers-with-current-id": "violated only with note2_server=primary",
            "note2-redirects-to-another-partner": "never"},
    baseline="migrated_caller")

# One root, one contribution (issue 71 item 3): own-caller-foreign, note2-unanswerable and
# note2-another-partner each turn on a reading of CR 000's own wording (which ID tells the
# calling party's MC system; which server makes NOTE 2's re-check), so one revision of CR
# 000 settles all three: the three sentences of the fixes above, checked together.
model.add_variant(
    "fix_cr000_readings_settled",
    lambda: build(**MIGRATED_CALLER, note2_via_primary=True,
                  pinned={**POLICIES, "notification": ("acknowledged",),
                          "note2_server": ("primary",), "same_system_by": ("primary_id",)}),
    doc="candidate fix: CR 000 revised to settle its two readings at once: step 2 reads the "
        "calling party's MC system off the primary MC service ID the call carries, NOTE 2's "
        "re-check is the primary's, and a partner the user has left passes an indicated call "
        "to the primary (fix_same_system_by_primary_id, fix_note2_at_primary and "
        "fix_note2_via_primary together)",
    expect={**DELIVERY_PINNED, "foreign-caller-connects": "witnessed only with otherwise=forward",
            "note2-redirects-to-another-partner": "witnessed"},
    baseline="migrated_caller")


# Every variant explores both registration orders: break-before-make's gap is what tells
# them apart, so each names that witness (issue 32: a variant names the behaviour that
# defines its choices; the property judging refusals exempts that gap since session 14).
for _variant in model.variants.values():
    _variant.expect.setdefault("registered-nowhere",
                               "witnessed only with registration=break_before_make")


# -- reviewed findings (models/README.md explains each; diagrams/findings.md is generated) --
# what a finding closed by the acknowledged notification meets under a free Timer F
FREE_TIMER_F = (
    "Under a free Timer F neither the acknowledged notification nor the candidate fixes close "
    "it: with make-before-break, UE 2 may give up a REGISTER whose answer is merely slow after "
    "the partner told the primary, which then names an ID UE 2 never took up. Variants "
    "slow_registration and slow_registration_under_fixes show it; its root is "
    "finding abandoned-registration, and the proposed change holds only with that fix too.")
model.finding(
    "redirect-loop", prop="no-repeated-redirection-to-left-id",
    facts=(SERVICE_AUTHORIZATION.bears(AGAINST, "notification=one_way"),),
    variants=("base", "cr_kms_uri", "cr_both"), cls=CHOICE, fix="fix_departure_notice",
    clauses=("10.16.5.3 pre-condition 3", "X.1.7.1 item 6b",
             'X.1.7.4 "the call can be dropped and re-initiated"'),
    reading="the partner answers the registration before the primary is informed "
            "(notification=one_way), so the primary still names the ID the user left",
    title="With one-way notification, the primary redirects a re-initiated call again to the "
          "partner ID the user has left (a repeated redirection; the chart shows it once, "
          "with the newer notification still on its way to end it)",
    why="violated only with notification=one_way, under both registration orders: the new "
        "partner answers the registration before the primary is informed, so the primary "
        "still names the ID the user left to the call re-initiated with the primary ID "
        "(X.1.7.1 item 6b). Pre-condition 3 sends the reader to clause 10.6.3.3, not in "
        "our excerpts, for whether the notification is answered first (read as TS 23.280's "
        "own, the service authorization, it is: the finding needs the one-way reading). "
        "Issue 12's 'gap' rested on break-before-make: there the repetition happens only "
        "while user 2 is registered nowhere, which X.1.7.4 accepts, and the property now "
        "exempts that period. The acknowledged notification closes it; the candidate fix "
        "fix_departure_notice (a departure notice, an element the text does not have) is a "
        "second option for a one-way notification. " + FREE_TIMER_F
        + " Proposed change: pre-condition 3 (or the clause 10.6.3.3 it cites) says that the "
        "partner informs the primary, and is answered, before it answers the registration "
        "(the acknowledged reading)")
model.finding(
    "stale-binding", prop="primary-binding-fresh", variants=("base", "cr_kms_uri", "cr_both"),
    facts=(SERVICE_AUTHORIZATION.bears(AGAINST, "notification=one_way"),),
    reading="the notification is not answered before the registration completes "
            "(notification=one_way), the reading left open when pre-condition 3 sends the reader "
            "to clause 10.6.3.3, outside the excerpts; TS 23.280 10.6.3 argues against it",
    cls=CHOICE, fix="fix_notification_order",
    title="With one-way notification, the primary's record of the partner ID goes stale "
          "when two partners' "
          "notifications overtake each other",
    why="pre-condition 3 sends the reader to clause 10.6.3.3, which is not in the excerpts: "
        "whether the notification is acknowledged before the registration completes decides it "
        "(read as TS 23.280's own 10.6.3.3, the service authorization, it is: the finding "
        "needs the one-way reading). The acknowledged notification closes it (with a REGISTER "
        "that ends only in its answer: with a real Timer F the record goes wrong under the "
        "acknowledged reading too, by another root, abandoned-registration); the candidate "
        "fix fix_notification_order (a migration count in the notification, an element the "
        "text does not have) is a second option for a one-way notification. Proposed change: "
        "pre-condition 3 (or the clause 10.6.3.3 it cites) says that the partner informs the "
        "primary, and is answered, before it answers the registration (the acknowledged "
        "reading)")
model.finding(
    "refused-before-notification", prop="call-not-refused-before-notification",
    facts=(SERVICE_AUTHORIZATION.bears(AGAINST, "notification=one_way"),),
    reading="the partner's notification is one-way (notification=one_way): the partner "
            "answers the registration before the primary is informed, which TS 23.280 "
            "10.6.3 argues against (the partner asks the primary during the migration "
            "service authorization, before the user is served)",
    variants=("primary_policies", "cr_kms_uri"), cls=CHOICE, fix="fix_hold_until_informed",
    title="With one-way notification, a call for a user who left is rejected before the "
          "primary is informed (the chart; a call held by the primary is refused the same way "
          "when its hold timer expires while the notification is merely slow, hold_timer=free: "
          "not charted)",
    why="pre-condition 3 assumes the primary is informed and says nothing of a call that "
        "arrives before it is; with the pre-condition false 10.16.5.3 does not apply, and "
        "refusing the call as an ordinary one is arguably conformant, so the harm is to the "
        "caller (a call refused for a user who can be reached), not a step broken. With the "
        "break-before-make gap exempt (X.1.7.4 accepts it), "
        "violated only with notification=one_way: whether the primary rejects the call "
        "(uninformed_primary=reject) or holds it with a timer that, like any timer, may "
        "expire while the notification is slow (hold_timer=free). Holding closes it only "
        "under the reading that the hold outlasts the migration under way "
        "(hold_timer=outlasts_migration), a bound the text would have to give; an "
        "acknowledged notification closes it under every choice (the candidate fix "
        "fix_hold_until_informed leaves it violated, with hold_timer=free). Proposed change: "
        "pre-condition 3 (or the clause 10.6.3.3 it cites) says that the partner serves the "
        "user only after the primary has acknowledged the migration (the 10.6.3 "
        "authorization, fact sheet items 1-3); a hold alone needs a bound the text would "
        "have to give (hold_timer=outlasts_migration)")
model.finding(
    "note2-stale-id", prop="note2-never-names-stale-id", variants=("cr_both",), cls=CHOICE,
    facts=(SERVICE_AUTHORIZATION.bears(AGAINST, "notification=one_way"),),
    reading="NOTE 2's re-check is made at the primary (note2_server=primary) and the notification "
            "is one-way, so the record it reads can name a partner ID the user has left",
    fix="fix_notification_order",
    title="With one-way notification and NOTE 2 applied at the primary, the re-check names a "
          "partner ID the user has left",
    why="with NOTE 2 at the primary the re-check reads a record that one-way notifications "
        "can leave stale; CR 000 says neither which server applies NOTE 2 nor how the record "
        "is kept fresh. The acknowledged notification closes it (violated only with "
        "notification=one_way and note2_server=primary); the candidate fix "
        "fix_notification_order (a migration count, an element the text does not have) is a "
        "second option. " + FREE_TIMER_F + " Proposed change: pre-condition 3 (or the "
        "clause 10.6.3.3 it cites) says that the partner informs the primary, and is "
        "answered, before it answers the registration, and CR 000 says which server applies "
        "NOTE 2")
model.finding(
    "note2-another-partner",
    charts=(Chart(under=("notification=acknowledged",),
                  says="The witness: NOTE 2 applied at the primary names the partner ID user 2 "
                       "holds now, of another partner MC system."),
            Chart(prop="call-connects-after-redirection-to-primary-id",
                  under=("note2_server=partner", "notification=acknowledged"),
                  says="What the partner's re-check gives instead: the partner user 2 has left "
                       "knows only that it left, and sends the caller back to the primary ID "
                       "(which NOTE 2 lists as appropriate), where the call connects.")),
    prop="note2-redirects-to-another-partner", variants=("cr_both",),
    # with indication_lasts=until_answered the re-check is reached only where the primary
    # learns of a migration late (the one-way notification) or user 2 is between systems
    facts=(SERVICE_AUTHORIZATION.bears(AGAINST, "notification=one_way: where NOTE 2's "
                                                "indication ends once a call was answered, "
                                                "the re-check is reached only where the "
                                                "primary learns of a migration late"),),
    reading="NOTE 2's re-check is made at the partner that assigned the called ID "
            "(note2_server=partner), which does not hold the status NOTE 2 asks about",
    cls=CHOICE, fix="fix_note2_at_primary",
    title="Which server applies NOTE 2 decides whether its 'another partner MC system' answer "
          "can ever be given: at the partner (note2_server=partner) it never is, since only the "
          "primary knows where the user went; nothing fails, the partner answers with the "
          "primary ID, which NOTE 2 also lists",
    why="CR 000 NOTE 2 says 'the MC service server'; only the primary holds the status it "
        "asks about, so the reading of which server applies it decides whether the witness "
        "exists. In cr_both A is both the caller's server and user 2's primary, so the "
        "primary here is also the caller's server. The candidate fix fix_note2_at_primary "
        "flips no verdict: it only removes the note2_server=partner runs, and with them the "
        "witness call-connects-after-redirection-to-primary-id (a partner sending the caller "
        "back to the primary ID, which NOTE 2 lists as appropriate). The evidence is the "
        "verdict itself, witnessed only with note2_server=primary: no run at the partner "
        "reaches the answer NOTE 2 names. It is no defect of the text, only a sign of which "
        "server NOTE 2 means (note2-stale-id and note2-unanswerable are what each reading "
        "costs). Proposed change: CR 000 says which server applies NOTE 2 (the primary, the "
        "only one holding the status it asks about)")
model.finding(
    "foreign-caller-redirected",
    charts=(Chart(under=("notification=acknowledged",)),),
    prop="primary-redirects-own-users",
    reading="the published 10.16.5.3 step 2, which redirects every caller: CR 000's same-system "
            "check is what the finding demonstrates",
    variants=("base", "cr_kms_uri"), cls=CR_DEMONSTRATION, fix="cr_both",
    title="As published, the primary redirects a foreign caller (the chart ends at that "
          "redirection); CR 000 stops the redirection, and with otherwise=reject the foreign "
          "caller's call is then refused (not charted): a change of behaviour CR 000's "
          "authors may want to confirm",
    why="the published 10.16.5.3 redirects every caller, under every choice base explores "
        "(as X.1.7.1 item 6 does: CR 000 step 2 narrows it to the primary's own users); CR "
        "000 step 2's same-system check closes it. The property is CR 000's own sentence, "
        "so the finding demonstrates what CR 000 changes (a CR demonstration: violated as "
        "published whatever the choices, closed by the CR), not harm in the published "
        "text: there the redirected foreign call connects (witnessed in base, not charted "
        "here). Under CR 000 the foreign caller's call is handled per TS 23.379 "
        "('Otherwise the call request is handled') and refused with otherwise=reject "
        "(foreign-caller-connects is witnessed only with otherwise=forward): TS 23.379's "
        "private call request has no migration element (fact sheet item 12, unconfirmed), "
        "so a foreign caller may no longer reach a migrated user by the primary ID where it "
        "could before. Proposed change: adopt CR 000 step 2's same-system check, and say "
        "what 'otherwise' does with a foreign "
        "caller's call to a migrated user (forward it to the partner ID the primary was "
        "informed of, X.1.7.2, or state that such calls are not served)")
model.finding(
    "kms-uri-missing",
    charts=(Chart(under=("notification=acknowledged",)),),
    prop="e2e-kms-uri-known", variants=("base",), cls=CHOICE,
    clauses=("10.16.5.3 Editor's note", "CR 001 Table 10.16.5.2-1 NOTE"),
    reading="a caller without the target's KMS URI sets the call up without looking it up "
            "(kms_without_uri=none): the published text does not require the lookup (its "
            "Editor's note asks only whether the KMS URI is preconfigured in the caller's user "
            "profile), and CR 001's table NOTE makes it mandatory when the element is absent",
    fix="cr_kms_uri",
    title="A caller that does not look up the migrated target's KMS URI sends the "
          "protected call without it",
    why="violated only with kms_without_uri=none, a reading the published text allows: "
        "base holds where the caller looks the URI up (kms_without_uri=lookup). So it depends "
        "on a reading, which CR 001 settles (its fix, cr_kms_uri, holds because the "
        "redirection then carries the element, assumption kms-uri-with-cr001, though CR 001's "
        "table marks it optional: where it is absent, the table NOTE's mandatory lookup is "
        "what closes it, and cr_kms_uri does not explore that case), not a CR demonstration "
        "of harm under every reading. The published redirection carries no KMS URI and the "
        "published text does not "
        "require the lookup; CR 001's element closes it, and its Table 10.16.5.2-1 NOTE "
        "requires the lookup where the element is absent. As published, the finding needs a "
        "caller that ignores TS 33.180: CR 001's reason for change says the KMS URI 'can be "
        "obtained using the procedures defined in 3GPP TS 33.180' and argues from call set-up "
        "time. Proposed change: adopt CR 001: its Table 10.16.5.2-1 NOTE makes the lookup "
        "mandatory when the element is absent")
model.finding(
    "own-caller-foreign", prop="own-caller-gets-migration-check", variants=("migrated_caller",),
    reading="CR 000 step 2's 'calling party MC system' read off the calling ID "
            "(same_system_by=calling_id) rather than off the primary ID the call carries",
    cls=CHOICE, fix="fix_same_system_by_primary_id",
    title="Read off the calling ID, CR 000's same-system check treats the primary's own "
          "migrated user as a foreign caller",
    why="CR 000 step 2's 'calling party MC system' can be read off the calling ID or off the "
        "primary ID the call carries (X.1.7.3). The candidate fix "
        "fix_same_system_by_primary_id picks the reading under which note2-unanswerable "
        "appears: CR 000 must settle both. That reading needs the caller's primary ID in the "
        "private call request, which only X.1.7.3 (informative) says it carries: TS 23.379 "
        "10.7.2.1.1's request lists no such element (fact sheet item 12, unconfirmed), so "
        "a change that adopts it adds that element too. The harm charted is with "
        "otherwise=reject (the caller refused as foreign); with otherwise=forward the call "
        "may still connect")
model.finding(
    "note2-unanswerable", prop="note2-answers-with-current-id", variants=("migrated_caller",),
    clauses=("CR 000 10.16.5.3 step 2", "X.1.7.3", "CR 000 10.16.5.3 NOTE 2"),
    reading="CR 000 step 2's 'calling party MC system' read off the primary ID the call carries "
            "(same_system_by=primary_id), the reading X.1.7.3 suggests, with NOTE 2's re-check "
            "left to the primary (note2_server=primary), with the partner the user left "
            "refusing a call for it (departed_policy=reject)",
    cls=CHOICE, fix="fix_note2_via_primary",
    title="Read off the primary ID, the partner refuses the NOTE 2 call of a caller served "
          "by a partner: no server on the call's path holds the status NOTE 2 asks about, and "
          "the partner the user left refuses the call (departed_policy=reject): the harm is "
          "a round trip, not a lost call, since the caller may call again by the primary ID",
    why="violated only with same_system_by=primary_id (the reading X.1.7.3 suggests: the "
        "call carries the caller's primary ID) and note2_server=primary, whatever "
        "otherwise, and with the pinned departed_policy=reject: the indicated call goes to "
        "the partner that assigned the cached ID and never passes the primary, the only "
        "server holding the status NOTE 2 asks about, and B, the partner the user left, "
        "refuses it (chart step 18); with departed_policy=redirect_to_primary B would answer "
        "with the primary ID, which the property accepts. With note2_server=partner the "
        "partner answers with the primary MC service ID, which NOTE "
        "2 lists as appropriate, and the property accepts that answer. "
        "With calling_id the caller is treated as foreign instead (own-caller-foreign): CR "
        "000 must settle both. The harm is a round trip, not a lost call: refused, client 1 "
        "re-initiates with the primary ID (X.1.7.1 item 6b; assumption "
        "reinitiate-per-rejection) and reaches user 2 through A (argued from the model, not "
        "charted: the chart ends at B's refusal). departed_policy=reject is pinned by "
        "migrated_caller, so the verdict line's choices leave it out: the finding needs it")
# One root, one contribution: the three readings of CR 000's wording above, settled by one
# revision of CR 000 (the sentences of fix_same_system_by_primary_id, fix_note2_at_primary
# and fix_note2_via_primary, checked together in fix_cr000_readings_settled).
model.one_contribution(
    "cr000-readings", findings=("own-caller-foreign", "note2-unanswerable",
                                "note2-another-partner"),
    fix="fix_cr000_readings_settled",
    why="each turns on a reading of CR 000's own wording: which MC system step 2's 'calling "
        "party MC system' is, and which server makes NOTE 2's re-check; one revision of CR "
        "000 that says both settles all three")
model.finding(
    "stale-delivery",
    charts=(Chart(under=("notification=acknowledged",)),),
    prop="notified-delivery-finds-user",
    variants=("cr_both", "base", "cr_kms_uri", "lossy_deregistration", "primary_policies"),
    cls=CHOICE, fix="fix_migration_checked_first", clauses=("10.16.5.3 step 2",
             'X.1.4.1 "Registration in one MC system can be accomplished before de-registration"'),
    reading="the primary looks at the user's registration with it before it checks the "
            "migration it was told of (registered_and_notified=deliver): step 2 does not order "
            "its tests",
    title="A primary told that user 2 has migrated still delivers the call to the "
          "registration the UE has left",
    why="violated only with registered_and_notified=deliver, under both notification readings "
        "and both registration orders: step 2 checks that user 2 has migrated but does not "
        "say what the primary does when user 2 is still registered with it, which a "
        "de-registration on its way (or lost, as the UE leaves coverage: lossy_deregistration) "
        "makes true after the partner's notification. Delivering fails at the UE; checking the "
        "migration first redirects the call (fix_migration_checked_first). The other variants "
        "pin registered_and_notified=deliver, so there it fails under every choice explored; "
        "primary_policies explores that choice and fails only with deliver. "
        "The chart ends at A's delivery (step 7): the property fails there, before the UE "
        "refuses the call. The candidate fix has a cost: with the migration checked first, a "
        "call to a UE still at A after it gave up a migration A was told of is redirected to "
        "an ID it never took up (abandoned-registration, abandoned-registration-lifecycle)")
model.finding(
    "ghost-registration",
    charts=(Chart(under=("notification=acknowledged",)),),
    prop="registration-consistent",
    variants=("lossy_deregistration", "slow_registration"),
    facts=(REGISTRATION_EXPIRY.bears(LEFT_OUT),
           SIP_TRANSACTIONS.bears(SUPPORTS, "register_timeout=free, in slow_registration: a "
                                            "REGISTER UE 2 gave up while its answer was merely "
                                            "slow")),
    reading="no reading of our text removes the registration: X.1.4.1 is silent on a lost "
            "de-registration and on a registration that does not complete, and SIP registration "
            "expiry (TS 24.229) is not in our text",
    cls=MODEL_ARTEFACT,
    title="The model gives a registration no lifetime, so a lost de-registration or a "
          "given-up REGISTER leaves a registration nothing removes",
    why="X.1.4.1 is silent on a de-registration that does not arrive, and stage 2 relies "
        "on the IMS below it: SIP registration expiry (TS 24.229) removes a registration its "
        "UE stops refreshing or never learnt of. The model leaves that lifetime out; with loss "
        "(lossy_deregistration: under every choice, 4 steps; 6 with the acknowledged "
        "notification, the run charted), or a make-before-break REGISTER "
        "given up while the partner's answer is on its way (slow_registration: only with "
        "register_timeout=free, 3 steps), no clean-up keeps registration-consistent true at "
        "every instant. The expiry this class rests on (RFC 3261 10.2.1.1; TS 24.229) is "
        "outside the excerpts and the fact sheet: a reader who doubts it reads the finding as "
        "a gap of X.1.4.1. What the stale registration does to calls while it lives is not an "
        "artefact: the primary, told where the user is, may still deliver to it (finding "
        "stale-delivery, a reading of step 2), and a partner's notice of a migration UE 2 gave "
        "up leaves the primary's record wrong (finding abandoned-registration)")
model.finding(
    "abandoned-registration",
    charts=(Chart(under=("notification=acknowledged",)),),
    prop="primary-binding-fresh",
    variants=("slow_registration_retries", "slow_registration"),
    cls=GAP_IN_THE_TEXT,
    clauses=('X.1.4.1 "Registration in one MC system can be accomplished before de-registration"',
             'X.1.6 "to inform the primary MC system"', "10.16.5.3 pre-condition 3"),
    outside_readings=("register_timeout=outlasts_answer", "registration=break_before_make"),
    facts=(SIP_TRANSACTIONS.bears(SUPPORTS, "register_timeout=free: Timer F may expire while "
                                            "the partner's exchange with the primary or its "
                                            "answer to the REGISTER is merely slow, and it "
                                            "expires whatever its length once the answer is "
                                            "lost"),
           SERVICE_AUTHORIZATION.bears(SUPPORTS, "notification=acknowledged, under which it is "
                                                 "violated too: A records the partner ID in the "
                                                 "exchange that precedes B's answer")),
    reading="none: nothing in the text undoes a migration the primary was told of (X.1.6), "
            "even where nothing is lost. With make-before-break it fails when SIP's Timer F "
            "expires while the answer is merely slow (register_timeout=free), under both "
            "notification readings and whether UE 2 gives up or retries once "
            "(register_failure). It holds only where Timer F outlasts every answer "
            "(register_timeout=outlasts_answer), a bound no UE can set that saves only a "
            "network that loses nothing, and with break-before-make, where UE 2 is left "
            "registered nowhere, which this property does not judge",
    fix="fix_abandoned_registration_withdrawn",
    title="Without loss, a REGISTER at a partner that times out leaves the primary with a "
          "partner ID never taken up",
    why="within this model alone (which loses nothing) it holds with "
        "register_timeout=outlasts_answer; it is a gap because migration_lifecycle, which "
        "loses the answer, fails under every reading (abandoned-registration-lifecycle). "
        "Violated with make-before-break and register_timeout=free under both notification "
        "readings (besides notification=one_way, stale-binding), in 4 steps (5 with "
        "notification=acknowledged, the run charted: A answers B first): UE 2 starts to "
        "register at B keeping A (X.1.4.1), its Timer F expires while the REGISTER is on its "
        "way (Timer F expires before B receives the REGISTER: a network that takes longer "
        "than Timer F's 128 s, B out of reach), and it gives up and stays at A "
        "(register_failure=gives_up, which "
        "slow_registration assumes: register-timeout-gives-up); B then "
        "registers it and informs A, which records B's ID (X.1.6: the partner informs the "
        "primary that the user 'has successfully migrated'), and nothing in the text tells A "
        "that the migration did not happen. B's answer is still on its way at the chart's "
        "last step: the property exempts registrations, de-registrations and notifications "
        "in flight, not an answer UE 2 has stopped awaiting, which it ignores on arrival. "
        "With notification=acknowledged A records the ID in the exchange that precedes B's "
        "answer. slow_registration_retries (one migration, one call) explores what UE 2 does "
        "when Timer F expires: a UE 2 that sends a new REGISTER fails the same way once that "
        "one's timer expires too (7 steps; 9 with notification=acknowledged), and the verdict "
        "there is violated only with make-before-break and register_timeout=free, whatever "
        "register_failure is. Why a gap and not a reading: the two choices under which it "
        "holds decide nothing the text could say. register_timeout=outlasts_answer is a "
        "bound the text does not give and no UE can set (Timer F expires once the answer is "
        "lost, whatever its length: fact sheet item 10), and it holds there only because "
        "this model loses nothing; migration_lifecycle loses the answer and fails under every "
        "reading (abandoned-registration-lifecycle). Break-before-make leaves UE 2 "
        "registered nowhere instead, which the property does not judge. The same root "
        "breaks primary-learns-current-id, and, once UE 2 starts its next migration while B's "
        "exchange is still going on, the notification race of stale-binding returns under the "
        "acknowledged reading (no-repeated-redirection-to-left-id, note2-never-names-stale-id). "
        "Proposed change: the client de-registers from the MC "
        "system whose registration it gave up, and that MC system tells the primary when a "
        "migrated user's registration there ends (fix_abandoned_registration_withdrawn: "
        "holds under every reading slow_registration_retries explores). It is worded in "
        "X.1.4.1, which describes the notification; the normative procedures (TS 23.379 "
        "10.6.3.3, named by X.1.6) are outside the excerpts and would carry the requirement. "
        "It does not close the same case in a network that loses messages, where the "
        "de-registration may be lost too; no longer Timer F closes either")
model.finding(
    "redirection-unroutable", prop="redirection-names-reachable-id",
    variants=("unconnected_partners",), cls=CHOICE, fix="fix_foreign_caller_forwarded",
    facts=(INTERCONNECTED_CLIENTS_USE_OWN_SERVER.bears(SUPPORTS, "step 4's call goes through "
                                                                 "the caller's own server"),),
    clauses=("CR 001 10.16.5.3 pre-condition 1", "CR 001 10.16.5.3 step 2",
             "CR 001 10.16.5.3 step 4"),
    reading="pre-condition 1 is all the interconnection the procedure needs: MC system A and "
            "MC system B are interconnected, and a caller's own MC system need not be "
            "interconnected with B (reach=no_b_c_link)",
    title="A caller of a third MC system is redirected to an MC service ID its MC system "
          "may not reach",
    why="violated only with reach=no_b_c_link: pre-condition 1 interconnects MC systems A and "
        "B only, yet step 2 redirects every caller, and step 4's new call goes out through "
        "the caller's own MC system. Client 3, served by MC system C, is handed user 2's "
        "partner MC service ID; C is not interconnected with B, so C refuses step 4's call "
        "(witness redirected-call-unroutable), while A, interconnected with both, could "
        "have passed the first call on. Client 3 then fails; it does not re-initiate with "
        "the primary MC service ID, as a refusal for want of a route says nothing of the "
        "ID. Proposed change: in step 2, MC service server A checks for a migration only a "
        "call from a calling party of its own MC system, and forwards any other private "
        "call request to the MC service ID assigned by MC system B "
        "(fix_foreign_caller_forwarded: holds; CR 000's same-system check, its 'otherwise' "
        "read as forwarding)")
model.finding(
    "redirected-call-priority", prop="redirected-call-keeps-kind",
    variants=("emergency_redirected",), cls=CHOICE, fix="fix_redirected_call_keeps_kind",
    facts=(PRIVATE_CALL_REQUEST_ELEMENTS.bears(SUPPORTS, "the request carries a priority"),
           CLIENT_EMERGENCY_STATE.bears(SUPPORTS, "client 1 is still in the emergency state "
                                                  "when it initiates step 4's call")),
    clauses=("CR 001 10.16.5.3 step 3", "CR 001 10.16.5.3 step 4"),
    reading="step 4's private call is an ordinary private call, though the call request "
            "released in step 3 was an emergency one: step 4 names the service, not the kind "
            "(redirected_call_kind=ordinary)",
    title="An emergency private call redirected to a migrated user may be re-initiated as "
          "an ordinary call",
    why="violated only with redirected_call_kind=ordinary: step 3 has client 1 release its "
        "private call request, and step 4 has it initiate 'a private call' towards the "
        "migrated MC service ID, which 'can either be an MCPTT private call, an MCVideo "
        "private call, or a corresponding one-to-one MCData communication'. That names the "
        "service of the new call, not its kind: nothing says that an emergency private call "
        "stays one. TS 23.379's private call request has a priority element, and client 1 "
        "is still in its emergency state, so a reader may carry the kind over "
        "(fix_redirected_call_keeps_kind: holds); one who reads step 4 literally initiates an "
        "ordinary call, which the partner MC system then sets up, and may pre-empt, as one. "
        "10.16.3.2 step 3 leaves the same question open for the call resumed after a "
        "migration. Modelled on the wire only: the priority the new call carries, not what "
        "servers do with it. Proposed change: step 4 says that the initiated private call is "
        "of the kind of the private call request released in step 3")
model.finding(
    "partner-id-disclosed-before-authorisation", prop="redirection-only-to-accepted-caller",
    variants=("disclosure",), cls=CHOICE, fix="fix_redirect_only_accepted_callers",
    facts=(PRIVATE_CALL_AUTHORISATION.bears(SUPPORTS),
           LOCATION_DISCLOSED_ONLY_TO_AUTHORISED.bears(SUPPORTS)),
    clauses=("CR 001 10.16.5.3 step 2", "CR 001 10.16.5.3 step 3",
             "CR 001 Table 10.16.5.2-1"),
    reading="the primary redirects any caller's call for its migrated user; the call is "
            "authorised only when step 4's call reaches the partner "
            "(redirect_disclosure=any_caller)",
    title="The redirection tells any caller which MC system serves the migrated user before "
          "the call is authorised",
    why="violated only with redirect_disclosure=any_caller: step 2 checks only that user 2 "
        "has migrated, and step 3 answers with the MC service ID the partner assigned and, "
        "under CR 001, the KMS URI of the partner's domain: where user 2 now is. Nothing "
        "checks the caller against user 2's profile first; the call is authorised only when "
        "step 4's new call reaches the partner. Client 3, whom user 2's profile does not "
        "accept calls from, learns both, whether the partner then rejects its call or not "
        "(partner_authorises_caller, explored both ways: the same verdict). It rests on a "
        "check on user 2's side: if the only "
        "check is the caller's own list, made by the caller's server before the call leaves "
        "C, such a caller never reaches A; which side's list governs was not seen. Proposed "
        "change, the reading under which the property holds: in step 2, MC service server A "
        "also checks that user 2's profile accepts private calls from the calling party, and "
        "rejects the call otherwise (fix_redirect_only_accepted_callers)")
