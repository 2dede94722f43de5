"""Migration during an ongoing group communication (TS 23.280 clause 10.16.2), as
published (break-before-make) and with the make-before-break registration of X.1.4.1
and X.1.7.4.

MC service client 1 (user 1, primary MC system A) is a receiving party in an ongoing group
call of MC service group G, which is defined in its primary MC system A (pre-condition 1).
It migrates three times, A to B to C and back to A (X.1.7.4 NOTE: primary to partner,
partner to partner, partner to primary). The group call may end at any time (the talker
stops). MC service server A hosts the group and its call; B and C are partner MC systems.

The file reads role by role in the order of 10.16.2.2's steps: client 1 (pre-condition 2,
step 1 and the answers to it, step 2, step 3, step 4, then X.1.7.4's kept registration and
the call's end), the MC service servers (the same steps from the other side), the CMS.

Variants
- break_before_make (10.16.2.2 as published): 1. the client de-affiliates from G and
  de-authorises from the MC system it leaves; 2. after registering at the other MC system
  its configuration management client retrieves the user profile used there (from the
  partner's CMS; not on return to A, whose profile it remembers, X.1.7); 3. it requests
  affiliation to G; 4. the affiliation brings the client, and the partner MC system, into
  the ongoing group call by late entry.
- make_before_break (X.1.4.1, X.1.7.4): the client registers at the other MC system and
  affiliates to G with the MC service ID of that system first; only when late entry has
  brought it into the call there does it de-affiliate and de-register from the MC system it
  leaves. If the affiliation is refused, it keeps its registration until the group call
  completes (X.1.7.4) and then moves.
- call_at_partner: as published, with the call already ongoing in partner MC system B
  (members B serves take part): at B, step 4's first case applies and B initiates late
  entry once the affiliation is accepted (the host sends none); at C, the second case. The
  host releases the call once to each partner in it, whose leg carries the release on.
- slow_answers, make_before_break_slow_answers: the client's transaction timer is free (it
  may expire while an answer is merely slow), explored beside the reading that it outlasts
  the answer; every other variant pins that reading.
- slow_answers_after_break: slow_answers with one migration, where what the client does once
  its REGISTER or affiliation failed after step 1 is explored too (after_break: give up, or
  return to the MC system it left), beside retrying the REGISTER (register_failure).
- lossy_deaffiliation, make_before_break_lossy: UE 1 leaving coverage may lose what it
  exchanges with the MC system it leaves (its de-affiliation and de-registration, and their
  answers); switch_off: UE 1 may be switched off for good at any point.

Transactions (RFC 3261 17.1; TS 24.229 7.8; fact sheet items 7-10): every request client 1
sends is a SIP transaction that ends in its answer or in a timeout (Timer F): the REGISTER
at the new MC system, the affiliation request, the de-affiliation request (TS 23.280 10.8.2:
a request/response exchange, answered back the way it came) and the de-registration (a
REGISTER with expiry zero, which the registrar answers, RFC 3261 10.3; X.1.4.1 defines no
MC-level answer; the client awaits none: the assumption answers-not-awaited, a reading).
A run may stop only once each of them has ended (a Timer F that never fires is a deadlock),
and the engine judges every answer against the request under way (the derived property
answer-ends-only-its-transaction) and every timeout against what it outlasts
(timer-waits-for-what-it-outlasts); the Loss of the lossy variants is witnessed per kind
(<Kind>-lost).

Parameters (the text is silent):
- group_document (X.1.7.5): "all_ids" lists every MC service ID of user 1; "primary_only"
  lists only the primary MC service ID, so an affiliation with a partner ID is refused.
- transaction_timeout (10.16.2.2 gives no duration and says nothing of an unanswered
  request): "free" is SIP's transaction timer, which may expire while the request or its
  answer is merely slow; "outlasts_answer" is a reading: the client waits out the round
  trip, so a request times out only once it or its answer was lost. Where nothing is lost
  (the slow_answers variants) these are also the runs of a client that keeps sending its
  request until an answer arrives in time: every request is answered at last, and each one
  sent again is answered alike. Explored in the slow_answers variants, pinned to the
  reading elsewhere.
- register_failure (10.16.2.2 step 2 is silent on a REGISTER that fails): "gives_up" ends
  the attempt when the REGISTER times out (assumption timeout-gives-up elsewhere);
  "retries" sends it once more, a new transaction (two REGISTERs per migration: assumption
  register-retries-bounded). Explored in slow_answers (finding no-way-back-after-break).
- after_break (10.16.2.2 has no step for a step 2 or 3 that fails after step 1): once the
  REGISTER (after any retry) or the affiliation times out under break-before-make, the
  client "give_up"s (outside the call, as elsewhere) or "return"s to the MC system it left
  (de-registering from the new one if it registered there), once per migration. Explored
  with register_failure and both timer readings in slow_answers_after_break (one
  migration), so that no-way-back-after-break is judged with give up, retry and return.

Assumptions
- Network: FIFO per sender-receiver pair, no duplication, no loss but where a variant
  declares it; a partner forwards affiliation signalling for a group defined in A to A
  (10.8.3.2, 10.8.4.3), and A's late entry and release reach the client the same way.
- Timeouts (assumption timeout-gives-up): a timed-out REGISTER ends that attempt (make-
  before-break: the client is still in the call at the old MC system; break-before-make:
  it has left the old one in step 1 and is registered nowhere); a timed-out affiliation is
  treated as refused; a late answer, and a late entry it brings, are dropped; no retry
  (but where slow_answers explores register_failure).
- Atomic steps: one instance takes one message or one event per step.
- Bounds: three migration attempts, a timed-out one included (the chain A, B, C, A has
  each kind of X.1.7.4's NOTE; the free_chain variant goes to any other MC system each
  time), one group, one call that may end at any time: the findings need one migration.
- IDs: opaque (see _mc.py): a server assigns the ID its provisioning holds (X.1.2 item
  1b), delivers to the client registered with an ID, and A's group document is a table of
  IDs that A reads.
- Left out: media and floor control, other group members, MCData (Editor's note of
  10.16.2.1), the group call's own set-up (the call is ongoing at the start), the lifetimes
  of a registration and an affiliation (SIP and TS 24.379 expiry, below the text), and the
  transactions of the late entry and the release (server-side: their loss is not declared).
"""

from __future__ import annotations

import _progress
from _features import (
    DEAFFILIATION_SCOPE,
    GROUP_MEMBERSHIP_UPDATE_ACROSS_SYSTEMS,
    SEVERAL_UES_PER_USER,
)
from _mc import (
    AFFILIATION_FLOWS,
    COMMON_ASSUMPTIONS,
    MAX_REGISTER_ATTEMPTS,
    MIGRATION_CHAIN,
    REGISTER_FAILURE_CLAUSE,
    REGISTER_FAILURE_DOC,
    REGISTER_FAILURE_MEANS,
    REGISTER_FAILURES,
    REGISTRATION_EXPIRY,
    SERVER,
    SIP_TRANSACTIONS,
    SYSTEMS,
    Deregistration,
    DeregistrationResponse,
    GroupAffiliationRequest,
    GroupAffiliationResponse,
    GroupCallLateEntry,
    GroupCallRelease,
    GroupDeaffiliationRequest,
    GroupDeaffiliationResponse,
    MigrationNotification,
    Registration,
    RegistrationResponse,
    UserProfileRequest,
    UserProfileResponse,
    answers_attempt,
    attempt_sent,
    first_attempt,
    lookup,
    may_retry,
    mcid,
    provisioning,
    system_of,
)

from mcfsm import (
    AGAINST,
    CHOICE,
    DECIDES,
    LEFT_OUT,
    MODEL_ARTEFACT,
    SUPPORTS,
    TRADE_OFF,
    Assumption,
    Chart,
    Instance,
    Loss,
    Model,
    ModelError,
    Param,
    Role,
    RoundTrip,
    SwitchOff,
    System,
    Timeout,
    Transaction,
    Transition,
    Var,
    always,
    sometimes,
    step,
)
from mcfsm.lang.timers import TIMERS, is_armed

CMS = {s: f"cms{s}" for s in ("B", "C")}
GROUP = "G@A"  # MC service group G, defined in MC system A
HOME = "A"
KINDS = ("primary-to-partner", "partner-to-partner", "partner-to-primary")
USER1 = mcid("user1", HOME)
PROVISIONED = provisioning({"user1": HOME})
MAX_MIGRATIONS = 3
FREE_AND_READING = ("free", "outlasts_answer")
READING = ("outlasts_answer",)


def kind_of(old: str, new: str) -> str:
    if old == HOME:
        return KINDS[0]
    return KINDS[2] if new == HOME else KINDS[1]


def serving_system(mc_service_id: str) -> str:
    """The MC system whose MC service ID the client uses; "" when it uses none (break-
    before-make, after its REGISTER at the new MC system timed out)."""
    return system_of(mc_service_id) if mc_service_id else ""


# Decisions this model makes besides its parameters; every verdict lists them.
TIMEOUT_GIVES_UP = Assumption(
    "timeout-gives-up",
    "what a client does when a request goes unanswered, where the text is silent: "
    "a timed-out REGISTER ends that attempt (make-before-break: still in the call "
    "at the old MC system, which it may try to leave again within the bound of "
    "three attempts; break-before-make: "
    "registered nowhere, since step 1 has left the old one), a timed-out "
    "affiliation is treated as refused, a late answer and a late entry it brings "
    "are dropped, and nothing is retried",
    clause="10.16.2.2 steps 2-3 (silent on an unanswered request); X.1.7.4")
ASSUMPTIONS = (
    *COMMON_ASSUMPTIONS,
    # forced by the text (issue 70's feature rows: an emergency group call)
    Assumption("late-entry-keeps-call-kind",
               "step 4's late entry brings the migrated client into the group call as it is, "
               "whatever its kind: an emergency group call stays one (no kind is modelled)",
               clause="10.16.2.2 step 4; TS 23.379 10.6.2.3.1.1.4", forced=True),
    Assumption("partner-forwards-affiliation",
               "a partner forwards affiliation signalling for a group defined in A to A, and "
               "A's late entry and release reach the client the same way",
               clause="10.8.3.2; 10.8.4.3", forced=True),
    Assumption("call-ongoing-at-start",
               "the group call is ongoing at the start and may end at any time; other group "
               "members and floor control are left out", clause="10.16.2.1"),
    Assumption("deregistration-answered",
               "the de-registration is a SIP REGISTER with expiry zero, which the registrar "
               "answers (X.1.4.1 defines no MC-level answer, so the answer is SIP's)",
               clause="RFC 3261 10.3; RFC 3261 17.1.2.2; 10.16.2.2 step 1; X.1.4.1",
               forced=True),
    Assumption("deaffiliation-answered",
               "the de-affiliation is a request/response exchange, answered back the way it "
               "came (through the partner for a group defined in A)",
               clause="10.8.4.2; 10.8.4.3; TS 23.280 10.8.2", forced=True),
    Assumption("answers-not-awaited",
               "the client awaits neither the de-registration's answer nor the "
               "de-affiliation's: step 2 follows step 1 with nothing to wait for and X.1.4.1's "
               "de-registration comes once the client is served elsewhere (a reading: "
               "migration_lifecycle explores awaiting the de-registration's answer as "
               "deregistration=acknowledged)",
               clause="10.16.2.2 steps 1-2 (silent on waiting); X.1.4.1"),
    TIMEOUT_GIVES_UP,
)
# Where a variant explores what client 1 does when its REGISTER times out (register_failure,
# the Param private_call_redirect and migration_lifecycle explore for UE 2), the REGISTER
# leaves timeout-gives-up, and a client that retries is bounded.
REGISTER_EXPLORED = (
    Assumption("timeout-gives-up",
               "what a client does when a request other than its REGISTER goes unanswered, "
               "where the text is silent: a timed-out affiliation is treated as refused, a "
               "late answer and a late entry it brings are dropped, and nothing but the "
               "REGISTER is retried (register_failure says what a timed-out REGISTER does; "
               "where after_break is explored, it says what a client does once its REGISTER "
               "or affiliation failed after step 1)",
               clause="10.16.2.2 steps 2-3 (silent on an unanswered request); X.1.7.4"),
    Assumption("register-retries-bounded",
               f"with register_failure=retries client 1 sends at most {MAX_REGISTER_ATTEMPTS} "
               "REGISTERs to one MC system per migration, then gives the attempt up as "
               "register_failure=gives_up does: a bound of the model (no text gives a number); "
               "each further REGISTER can be slow as the second is, so any finite number fails "
               "the same way, only later; a client that keeps sending it until an answer "
               "arrives in time is what transaction_timeout=outlasts_answer stands for where "
               "nothing is lost",
               clause="10.16.2.2 step 2 (silent on a REGISTER that fails); RFC 3261 17.1.2.2"),
)


# issue 70 item 1: how the second UE of user 1 is drawn where one is explored
SECOND_UE = Assumption(
    "second-ue-stays-affiliated",
    "user 1's second UE stays registered at A, affiliated to G under the same MC service ID, "
    "and takes no step the model draws: the host's record of its affiliation stands for it, "
    "and de-registration is per UE (a REGISTER names its contact), so client 1's "
    "de-registration leaves the second UE's alone",
    clause="TS 23.280 10.1.4.1 (several UEs per user); RFC 3261 10.2.2 (not in the text)")


def assumptions_for(register_failures: tuple[str, ...]) -> tuple[Assumption, ...]:
    """The model's assumptions, with the REGISTER's timeout a Param where it is explored."""
    if not register_failures:
        return ASSUMPTIONS
    return (*(a for a in ASSUMPTIONS if a is not TIMEOUT_GIVES_UP), *REGISTER_EXPLORED)


# What a client does once step 2 or 3 has failed after step 1 left the old MC system (its
# REGISTER finally timed out, or its affiliation did): 10.16.2.2 has no step for it (issue 58:
# a "gap" needs a model in which the behaviours the text leaves open are all explored).
# "give_up": it stays outside the call (assumption timeout-gives-up); "return": it goes back
# to the MC system it left, registering and affiliating there again (leaving the new one
# first if it had registered there), once per migration: the return's own REGISTER or
# affiliation may fail too, and then it gives up. Retrying the REGISTER is register_failure
# (bounded: assumption register-retries-bounded), explored beside it.
AFTER_BREAK = ("give_up", "return")
AFTER_BREAK_CLAUSE = ("10.16.2.2 steps 1-3 (no step for a step 2 or 3 that fails after step 1 "
                      "has left the old MC system); X.1.7.4 (silent on a failed migration)")
AFTER_BREAK_DOC = ("what client 1 does when its REGISTER at the new MC system (after any "
                   "retry, register_failure) or its affiliation there times out after step 1 "
                   "left the old MC system: 'give_up' stays outside the group call; 'return' "
                   "de-registers from the new MC system if it registered there and registers "
                   "and affiliates again at the MC system it left (once per migration: if the "
                   "return fails too, it gives up)")


AFTER_BREAK_MEANS = {
    "give_up": "the MC service client stays outside the group call once its registration or "
               "affiliation in the partner MC system fails after step 1",
    "return": "the MC service client registers and affiliates again in the MC system it left "
              "once its registration or affiliation in the partner MC system fails after step 1",
}
# how long the client awaits the answer to its requests (a SIP transaction's Timer F)
TIMER_MEANS = {
    "free": "the MC service client's request times out as a SIP transaction does, possibly "
            "while its answer is merely slow",
    "outlasts_answer": "the MC service client waits for the answer to its request, or keeps "
                       "sending the request until an answer arrives in time, and gives up "
                       "only once the request or its answer was lost",
}


def after_break(ctx) -> str:
    """The reading of a failure after step 1 this variant explores (give_up where none)."""
    return getattr(ctx.params, "after_break", "give_up")


def answers_register(ctx) -> bool:
    """The answer to the REGISTER under way: its attempt (where client 1 retries) and the MC
    system it went to (where client 1 returns, an earlier REGISTER's late answer comes from
    another MC system; SIP matches by branch, RFC 3261 17.1.3)."""
    return answers_attempt(ctx) and ctx.sender == SERVER[ctx.v.register_to]


# -- client 1's SIP transactions (RFC 3261 17.1.2.2; TS 24.229 7.8: Timer F) ----------------
# transaction_timeout=free: a timer may expire at any step, while the request or its answer
# is merely slow. The reading transaction_timeout=outlasts_answer (the bound the text would
# have to give): each timer outlasts its request's round trip on every hop, so it expires
# only once the request or its answer was lost. The engine holds the timeout back while
# the round trip lasts (lang/timers.py, RoundTrip); client 1 reads nothing of the network.
# The partner relays the affiliation and its answer as they are, and client 1 is the only
# party that sends these requests or receives their answers: every one in flight is part
# of its round trip.
OUTLASTS_ANSWER = RoundTrip(when=lambda params: params.transaction_timeout == "outlasts_answer",
                            relayed=lambda message, client: True)
REGISTER = Transaction(
    Registration, responses=[RegistrationResponse],
    outlasts=(OUTLASTS_ANSWER,),
    # where client 1 retries, only the answer to the REGISTER under way ends it (SIP matches
    # by branch, RFC 3261 17.1.3): the answer to a REGISTER it sent before ends nothing
    matches=lambda ctx: answers_register(ctx),
    clause="RFC 3261 17.1.2.2; TS 24.229 7.8 (Timer F)",
    doc="the REGISTER at the new MC system ends in its answer or in a timeout, which may come "
        "while the REGISTER or its answer is merely slow")
AFFILIATION = Transaction(
    GroupAffiliationRequest, responses=[GroupAffiliationResponse],
    outlasts=(OUTLASTS_ANSWER,),
    # the answer names the MC service ID affiliated: one for the ID given up on a return
    # (after_break=return) does not end the affiliation under way (RFC 3261 17.1.3)
    matches=lambda ctx: ctx.msg.mc_service_id == ctx.v.my_id,
    clause="TS 23.280 10.8.2; RFC 3261 17.1.2.2 (Timer F)",
    doc="the affiliation request ends in the host's answer (relayed by the partner) or in a "
        "timeout, which may come while the request or its answer is merely slow")
DEAFFILIATION = Transaction(
    GroupDeaffiliationRequest, responses=[GroupDeaffiliationResponse],
    outlasts=(OUTLASTS_ANSWER,),
    clause="TS 23.280 10.8.2; RFC 3261 17.1.2.2 (Timer F)",
    doc="the de-affiliation request ends in the host's answer or in a timeout; the client "
        "awaits nothing from it",
    # the answer names the group and the ID de-affiliated (the one in the request under way,
    # leaving_id, not old_id, which the next make-before-break migration moves on before the
    # answer comes): an earlier de-affiliation's late answer does not end the one under way
    # (SIP matches by branch and Call-ID, RFC 3261 17.1.3)
    matches=lambda ctx: ctx.msg.group_id == GROUP and ctx.msg.mc_service_id == ctx.v.leaving_id)
DEREGISTRATION = Transaction(
    Deregistration, responses=[DeregistrationResponse],
    outlasts=(OUTLASTS_ANSWER,),
    clause="RFC 3261 10.3; RFC 3261 17.1.2.2; TS 24.229 7.8 (Timer F: a REGISTER with "
           "expiry zero)",
    doc="the de-registration ends in the registrar's answer or in a timeout; the client "
        "awaits nothing from it",
    matches=lambda ctx: ctx.msg.mc_service_id == ctx.v.leaving_id)  # as DEAFFILIATION's
# What UE 1 exchanges with the MC system it leaves as it leaves (lossy_leaving variants).
LEAVING = (GroupDeaffiliationRequest, GroupDeaffiliationResponse, Deregistration,
           DeregistrationResponse)
ANSWERS = {Registration: RegistrationResponse, GroupAffiliationRequest: GroupAffiliationResponse,
           GroupDeaffiliationRequest: GroupDeaffiliationResponse,
           Deregistration: DeregistrationResponse}


# -- MC service client 1, with its configuration management client ---------------------------
def client_role(*, make_before_break: bool, fixed_chain: bool,
                max_migrations: int = MAX_MIGRATIONS, second_ue: bool = False) -> Role:
    """Client 1's transitions in the order of 10.16.2.2's steps (make-before-break: X.1.4.1
    moves step 1 after step 4). `second_ue`: step 1's de-affiliation names its scope
    (deaffiliation_scope)."""
    states = ["joined", "registering", "retrieving_profile", "affiliating",
              "awaiting_late_entry", "holding", "unaffiliated", "call_over"]

    def here(ctx) -> str:
        return serving_system(ctx.v.my_id)

    # pre-condition 2 and step 1: the UE detects the need to change; de-affiliate, de-register
    def next_systems(ctx) -> list[str]:
        if ctx.v.attempts >= max_migrations:  # a timed-out attempt counts against the bound
            return []
        if fixed_chain:
            return [MIGRATION_CHAIN[ctx.v.migrations + 1]]
        return [s for s in SYSTEMS if s != here(ctx)]

    def leave(ctx) -> None:
        """Step 1: de-affiliate from G and de-authorise from the MC system left (two
        transactions whose answers the client does not wait for)."""
        old = ctx.v.old_system
        ctx.v.joined = ctx.v.joined - {old}
        ctx.v.leaving_id = ctx.v.old_id  # what the answers to these requests name
        ctx.send(SERVER[old], GroupDeaffiliationRequest(
            group_id=GROUP, mc_service_id=ctx.v.old_id,
            scope=ctx.params.deaffiliation_scope if second_ue else None))
        ctx.send(SERVER[old], Deregistration(mc_service_id=ctx.v.old_id))

    def start_migration(ctx) -> None:
        ctx.v.attempts += 1
        ctx.v.returning = ""
        ctx.v.came_from = here(ctx)
        ctx.v.old_system = here(ctx)
        ctx.v.old_id = ctx.v.my_id
        ctx.v.last_kind = kind_of(here(ctx), ctx.arg)
        if not make_before_break:
            leave(ctx)
            ctx.v.old_system = ""  # nothing is kept: break-before-make
        ctx.v.register_to = ctx.arg
        ctx.v.attempt = first_attempt(ctx)
        send_register(ctx)

    def send_register(ctx) -> None:
        ctx.send(SERVER[ctx.v.register_to],
                 Registration(primary_id=USER1, attempt=attempt_sent(ctx)))

    # register_failure=retries: the REGISTER timed out; a new REGISTER, a new transaction
    def retry_register(ctx) -> None:
        ctx.v.attempt += 1
        send_register(ctx)

    # step 2: registered at the other MC system; the CMC retrieves the partner's profile
    def registered(ctx) -> None:
        if not ctx.v.returning:  # a return completes no migration: the chain goes on
            ctx.v.migrations += 1
        ctx.v.my_id = ctx.msg.mc_service_id
        if system_of(ctx.v.my_id) != HOME:
            ctx.send(CMS[system_of(ctx.v.my_id)], UserProfileRequest(mc_service_id=ctx.v.my_id))
        else:
            affiliate(ctx)

    def at_partner(ctx) -> bool:
        return system_of(ctx.msg.mc_service_id) != HOME

    def at_primary(ctx) -> bool:
        return not at_partner(ctx)

    def registration_given_up(ctx) -> None:
        """The REGISTER timed out (assumption timeout-gives-up): the attempt ends where the
        client was. Make-before-break: still registered and in the call at the old MC
        system; break-before-make: step 1 has left it, so it is registered nowhere."""
        if make_before_break:
            ctx.v.old_system = ""  # the old MC system is the one it is in
        else:
            ctx.v.my_id = ""

    # after_break=return: back to the MC system step 1 left (a new REGISTER transaction);
    # a client that registered at the new MC system leaves it first, as step 1 leaves
    def may_return(ctx) -> bool:
        return after_break(ctx) == "return" and not ctx.v.returning

    def gives_up_after_break(ctx) -> bool:
        return not may_return(ctx)

    def return_to_old(ctx) -> None:
        ctx.v.returning = "affiliation" if ctx.v.my_id else "register"  # what failed
        if ctx.v.my_id:  # registered at the new MC system: de-affiliate and de-register
            ctx.v.old_system, ctx.v.old_id = here(ctx), ctx.v.my_id
            leave(ctx)
            ctx.v.old_system = ""
            ctx.v.my_id = ""
        ctx.v.last_kind = "return"  # no kind of X.1.7.4's NOTE: its witnesses ignore it
        ctx.v.register_to = ctx.v.came_from
        ctx.v.attempt = first_attempt(ctx)
        send_register(ctx)

    # step 3: affiliation to G with the MC service ID of the new MC system
    def affiliate(ctx) -> None:
        """Step 3 (the group is among those of the user profile, X.1.2 item 7)."""
        if ctx.msg is not None and isinstance(ctx.msg, UserProfileResponse) \
                and GROUP not in ctx.msg.groups:
            return
        ctx.send(SERVER[system_of(ctx.v.my_id)],
                 GroupAffiliationRequest(group_id=GROUP, mc_service_id=ctx.v.my_id))

    def mine(ctx) -> bool:
        """The answer to the affiliation under way: it names the MC service ID in use
        (after_break=return, an affiliation at the MC system left may still be answered)."""
        return ctx.msg.mc_service_id == ctx.v.my_id

    def accepted(ctx) -> bool:
        return ctx.msg.accepted and ctx.msg.group_id == GROUP and mine(ctx)

    def refused(ctx) -> bool:
        return not ctx.msg.accepted and mine(ctx)

    # what the client does without the affiliation, refused or unanswered (X.1.7.4)
    def holding_old(ctx) -> bool:
        return bool(ctx.v.old_system) and not ctx.v.call_over

    def old_after_call(ctx) -> bool:
        return bool(ctx.v.old_system) and ctx.v.call_over

    def nothing_held(ctx) -> bool:
        return not ctx.v.old_system

    def giving_up_old(ctx) -> None:
        leave(ctx)
        ctx.v.old_system = ""

    # step 4: late entry into the ongoing group call
    def for_current_id(ctx) -> bool:
        return ctx.msg.mc_service_id == ctx.v.my_id and ctx.msg.group_id == GROUP

    def join(ctx) -> None:
        """Step 4: late entry brings the client into the ongoing group call."""
        ctx.v.joined = ctx.v.joined | {system_of(ctx.v.my_id)}
        ctx.v.late_entries = ctx.v.late_entries | {ctx.v.last_kind}
        if make_before_break and ctx.v.old_system:
            leave(ctx)
        ctx.v.old_system = ""

    # the group call ends (TS 23.379 10.6.2.3.1.1.3)
    def call_ended(ctx) -> None:
        if ctx.msg.group_id != GROUP:  # another group's call (none in this model)
            return
        ctx.v.call_over = True
        ctx.v.joined = frozenset()

    def call_ended_while_held(ctx) -> None:
        call_ended(ctx)
        leave(ctx)  # X.1.7.4: the registration was kept until the group call completed
        ctx.v.old_system = ""

    given_up = ["holding", "unaffiliated", "call_over"]  # where a late answer can arrive
    transitions = [
        # -- pre-condition 2; step 1 (break-before-make) ------------------------------------
        Transition("migrate", "joined", "registering", choices=next_systems,
                   after=[start_migration],
                   sends=[GroupDeaffiliationRequest, Deregistration, Registration],
                   environment=True,
                   label=("detects the need to change MC system; registers at the other MC "
                          "system, keeping the old registration (make-before-break)")
                   if make_before_break else
                   ("detects the need to change MC system; de-affiliates, de-authorises, and "
                    "registers at the other MC system"),
                   clause="X.1.4.1; X.1.7.4" if make_before_break
                   else "10.16.2.2 pre-condition 2 and step 1"),
        # step 1's two transactions end in their answers (ignored below) or time out; the
        # client awaits neither (assumptions deaffiliation-answered, deregistration-answered,
        # answers-not-awaited)
        Transition(Timeout(GroupDeaffiliationRequest), states, None,
                   name="deaffiliation_transaction_ends",
                   label="the de-affiliation's transaction times out: nothing waits for it",
                   clause="10.16.2.2 step 1; TS 23.280 10.8.2; RFC 3261 17.1.2.2 (Timer F)"),
        Transition(Timeout(Deregistration), states, None,
                   name="deregistration_transaction_ends",
                   label="the de-registration's transaction times out: nothing waits for it",
                   clause="10.16.2.2 step 1; RFC 3261 17.1.2.2; TS 24.229 7.8 (Timer F)"),
        # -- step 2: registered at the other MC system; the partner's user profile ----------
        Transition(RegistrationResponse, "registering", "retrieving_profile",
                   name="registered_at_partner", conditions=[answers_register, at_partner],
                   after=[registered],
                   sends=[UserProfileRequest],
                   clause="10.16.2.2 step 2; X.1.6"),
        Transition(RegistrationResponse, "registering", "affiliating",
                   name="registered_at_primary", conditions=[answers_register, at_primary],
                   after=[registered],
                   sends=[GroupAffiliationRequest],
                   clause="10.16.2.2 step 3; X.1.7 (the primary profile is remembered)"),
        Transition(Timeout(Registration), "registering", None,
                   name="registration_retried", conditions=[may_retry],
                   after=[retry_register], sends=[Registration],
                   label="the REGISTER timed out: sends it again (register_failure=retries)",
                   clause="10.16.2.2 step 2 (silent on a REGISTER that fails: "
                          "register_failure=retries); RFC 3261 17.1.2.2"),
        Transition(Timeout(Registration), "registering",
                   "joined" if make_before_break else "unaffiliated",
                   name="registration_timed_out",
                   conditions=[lambda ctx: not may_retry(ctx)]
                   + ([] if make_before_break else [gives_up_after_break]),
                   after=[registration_given_up],
                   label=("the REGISTER timed out: stays in the call at the old MC system"
                          if make_before_break else
                          "the REGISTER timed out: registered nowhere, outside the call"),
                   clause=("X.1.4.1 (the old registration is kept); 10.16.2.2 step 2 (silent "
                           "on an unanswered REGISTER); RFC 3261 17.1.2.2" if make_before_break
                           else "10.16.2.2 steps 1-2 (silent on an unanswered REGISTER after "
                                "step 1); RFC 3261 17.1.2.2")),
        *([Transition(Timeout(Registration), "registering", None,
                      name="registration_failed_returns",
                      conditions=[lambda ctx: not may_retry(ctx), may_return],
                      after=[registration_given_up, return_to_old], sends=[Registration],
                      label="the REGISTER timed out: registers again at the MC system it "
                            "left (after_break=return)",
                      clause="10.16.2.2 steps 1-2 (silent on an unanswered REGISTER after "
                             "step 1: after_break=return); RFC 3261 17.1.2.2")]
          if not make_before_break else []),
        Transition(UserProfileResponse, "retrieving_profile", "affiliating", after=[affiliate],
                   sends=[GroupAffiliationRequest],
                   label="has the partner's user profile; requests affiliation to the group",
                   clause="10.16.2.2 steps 2-3"),
        # -- step 3: the affiliation's answer, or its timeout (treated as a refusal) --------
        Transition(GroupAffiliationResponse, "affiliating", "awaiting_late_entry",
                   name="affiliated", conditions=[accepted],
                   clause="10.16.2.2 step 3; 10.8.3.1; 10.8.3.2"),
        Transition(GroupAffiliationResponse, "affiliating", "holding", name="affiliation_refused",
                   conditions=[refused, holding_old],
                   label="affiliation refused; keeps the old registration until the call ends",
                   clause="X.1.7.4; X.1.7.5 (the group document lacks the partner ID)"),
        Transition(GroupAffiliationResponse, "affiliating", "call_over",
                   name="affiliation_refused_after_call", conditions=[refused, old_after_call],
                   after=[giving_up_old], sends=[GroupDeaffiliationRequest, Deregistration],
                   clause="X.1.4.1 (the call has completed: de-register from the old system)"),
        Transition(GroupAffiliationResponse, "affiliating", "unaffiliated",
                   name="affiliation_refused_after_break", conditions=[refused, nothing_held],
                   clause="10.16.2.2 step 3; X.1.7.5 (the group document lacks the partner ID)"),
        Transition(Timeout(GroupAffiliationRequest), "affiliating", "holding",
                   name="affiliation_timed_out",
                   conditions=[holding_old],
                   label="the affiliation timed out: as refused, keeps the old registration "
                         "until the call ends",
                   clause="X.1.7.4; 10.16.2.2 step 3 (silent on an unanswered affiliation); "
                          "RFC 3261 17.1.2.2"),
        Transition(Timeout(GroupAffiliationRequest), "affiliating", "call_over",
                   name="affiliation_timed_out_after_call",
                   conditions=[old_after_call],
                   after=[giving_up_old], sends=[GroupDeaffiliationRequest, Deregistration],
                   label="the affiliation timed out after the call ended: de-registers from "
                         "the old MC system",
                   clause="X.1.4.1 (the call has completed); 10.16.2.2 step 3 (silent on an "
                          "unanswered affiliation); RFC 3261 17.1.2.2"),
        Transition(Timeout(GroupAffiliationRequest), "affiliating", "unaffiliated",
                   name="affiliation_timed_out_after_break",
                   conditions=[nothing_held, gives_up_after_break],
                   label="the affiliation timed out: as refused, outside the call",
                   clause="10.16.2.2 step 3 (silent on an unanswered affiliation); RFC 3261 "
                          "17.1.2.2"),
        Transition(Timeout(GroupAffiliationRequest), "affiliating", "registering",
                   name="affiliation_failed_returns",
                   conditions=[nothing_held, may_return],
                   after=[return_to_old],
                   sends=[GroupDeaffiliationRequest, Deregistration, Registration],
                   label="the affiliation timed out: leaves the new MC system and registers "
                         "again at the one it left (after_break=return)",
                   clause="10.16.2.2 steps 1-3 (silent on an unanswered affiliation after "
                          "step 1: after_break=return); RFC 3261 17.1.2.2"),
        # -- step 4: late entry -------------------------------------------------------------
        Transition(GroupCallLateEntry, "awaiting_late_entry", "joined", name="late_entry",
                   conditions=[for_current_id], after=[join],
                   sends=[GroupDeaffiliationRequest, Deregistration],
                   label="is brought into the ongoing group call by late entry",
                   clause="10.16.2.2 step 4; TS 23.379 10.6.2.3.1.1.4"),
        # -- X.1.4.1 / X.1.7.4: the registration kept until the group call completes -------
        *([Transition("give_up_old_registration", "awaiting_late_entry", None,
                      conditions=[lambda ctx: ctx.v.call_over and bool(ctx.v.old_system)],
                      after=[giving_up_old],
                      sends=[GroupDeaffiliationRequest, Deregistration],
                      clause="X.1.4.1 (no call to continue: de-register from the old "
                             "system)")] if make_before_break else []),
        Transition(GroupCallRelease, "holding", "call_over", name="call_ends_while_holding",
                   after=[call_ended_while_held],
                   sends=[GroupDeaffiliationRequest, Deregistration],
                   clause="X.1.7.4 (registration kept until the group call completes)"),
        # -- answers after the client has moved on (assumption timeout-gives-up) ----------
        # Step 1's answers are awaited by nothing: each only ends its transaction. An answer
        # after its transaction timed out is dropped (RFC 3261 17.1: the transaction has
        # ended), and so is a late entry it brings (see ignores).
        Transition(GroupDeaffiliationResponse, states, None, name="deaffiliation_answered",
                   label="the de-affiliation's answer ends its transaction: nothing waits "
                         "for it",
                   clause="10.16.2.2 step 1; 10.8.4.2; 10.8.4.3; TS 23.280 10.8.2"),
        Transition(DeregistrationResponse, states, None, name="deregistration_answered",
                   label="the de-registration's answer ends its transaction: nothing waits "
                         "for it",
                   clause="10.16.2.2 step 1; RFC 3261 10.3"),
        Transition(RegistrationResponse, [s for s in states if s != "registering"], None,
                   name="late_registration_answer",
                   label="a REGISTER's answer after its transaction timed out: dropped",
                   clause="RFC 3261 17.1.2.2 (the transaction has ended); 10.16.2.2 step 2"),
        Transition(RegistrationResponse, "registering", None,
                   name="late_answer_to_retried_register",
                   conditions=[lambda ctx: not answers_register(ctx)],
                   label="the answer to an earlier, timed-out REGISTER: dropped",
                   clause="RFC 3261 17.1.2.2; RFC 3261 17.1.3 (it matches no transaction under way)"),
        Transition(GroupAffiliationResponse, given_up, None, name="late_affiliation_answer",
                   label="an affiliation's answer after its transaction timed out: dropped",
                   clause="RFC 3261 17.1.2.2 (the transaction has ended); 10.16.2.2 step 3"),
        # after_break=return: the answer to, and late entry by, the affiliation given up at
        # the MC system left reach the client on its way back: they end nothing
        Transition(GroupAffiliationResponse, ["joined", "registering", "retrieving_profile",
                                              "affiliating", "awaiting_late_entry"], None,
                   name="answer_to_affiliation_left", conditions=[lambda ctx: not mine(ctx)],
                   label="the answer to the affiliation it gave up at the MC system it left: "
                         "dropped",
                   clause="RFC 3261 17.1.2.2; RFC 3261 17.1.3 (it matches no transaction under way); "
                          "10.16.2.2 step 3 (after_break=return)"),
        Transition(GroupCallLateEntry, ["joined", "registering", "retrieving_profile",
                                        "affiliating", "awaiting_late_entry"], None,
                   name="late_entry_left_behind",
                   conditions=[lambda ctx: not for_current_id(ctx)],
                   label="a late entry for the MC service ID it gave up: dropped",
                   clause="10.16.2.2 step 4 (after_break=return: not the ID in use)"),
        # -- the group call ends ------------------------------------------------------------
        Transition(GroupCallRelease, ["joined", "registering", "retrieving_profile",
                                      "affiliating", "awaiting_late_entry", "unaffiliated",
                                      "call_over"], None,
                   name="call_ends", after=[call_ended],
                   clause="TS 23.379 10.6.2.3.1.1.3 (group call release)"),
    ]
    return Role(
        "MC service client",
        states=states,
        initial="joined",
        final=["joined", "unaffiliated", "call_over", "awaiting_late_entry"],
        transactions=[DEAFFILIATION, DEREGISTRATION, REGISTER, AFFILIATION],
        variables={"my_id": Var(str, USER1, doc="the MC service ID in use (\"\" when "
                                                "registered nowhere)"),
                   "migrations": Var(int, 0, doc="migrations completed (registered)"),
                   "attempts": Var(int, 0, doc="migrations started (bounded: three)"),
                   "joined": Var(frozenset, frozenset({HOME})), "old_system": Var(str, ""),
                   "old_id": Var(str, ""),
                   "came_from": Var(str, "", doc="the MC system the migration under way "
                                                 "started from (after_break=return goes back "
                                                 "there)"),
                   "returning": Var(str, "", doc="after_break=return: the client is going "
                                                 "back to the MC system it left, after its "
                                                 "'register' or its 'affiliation' failed"),
                   "leaving_id": Var(str, "", doc="the MC service ID step 1's requests under "
                                                  "way name: their answers name it (make-"
                                                  "before-break: old_id moves on when the "
                                                  "next migration starts, before they are "
                                                  "answered)"),
                   "call_over": Var(bool, False),
                   "last_kind": Var(str, ""), "late_entries": Var(frozenset, frozenset()),
                   "register_to": Var(str, "", doc="the MC system the REGISTER under way is "
                                                   "sent to"),
                   "attempt": Var(int, 0, doc="the REGISTER under way, counted from 1 where "
                                              "client 1 retries (register_failure=retries), "
                                              "else 0")},
        transitions=transitions,
        # A late entry after a timed-out affiliation (treated as refused: assumption
        # timeout-gives-up), or once the group call has ended, has nothing to join. (A
        # switched-off UE takes nothing at all: the SwitchOff fault drops it.)
        ignores={GroupCallLateEntry: given_up},
    )


# -- MC service servers: A hosts group G and its call; B and C are partners ------------------
def server_role(*, call_at_partner: bool, ids_known: bool = False,
                second_ue: bool = False) -> Role:
    """A server's transitions in the order of 10.16.2.2's steps, seen from the MC systems:
    step 1 (de-affiliation, de-registration), the registration and step 3 (affiliation),
    step 4 (late entry), and the group call's end. `ids_known` (issue 70 item 5): a partner
    informs the primary of the MC service ID it assigned as it registers the user (X.1.6),
    and partner_id_known says whether the group document could list that ID beforehand.
    `second_ue` (issue 70 item 1): a second UE of user 1 stays at A, affiliated to G under
    the same MC service ID; the host keeps its affiliation apart, and a de-affiliation of
    'all_clients' scope removes it too."""

    def is_host(ctx) -> bool:
        """The group is defined in this MC system (its ID's domain, 10.8.3.2)."""
        return system_of(ctx.msg.group_id) == ctx.v.system

    def is_partner(ctx) -> bool:
        return not is_host(ctx)

    def forward_to_host(ctx) -> None:
        """10.8.3.2 / 10.8.4.3: towards the MC system that defines the group (the domain of
        the group ID), not a fixed server."""
        ctx.send(SERVER[system_of(ctx.msg.group_id)], ctx.msg)

    def to_client(ctx) -> None:
        client = lookup(ctx.v.registered, ctx.msg.mc_service_id)
        if client:  # else the client has de-registered since (after_break=return, leaving
            ctx.send(client, ctx.msg)  # this MC system): nobody to relay to, as in route

    def route(ctx, mc_service_id: str, message) -> None:
        """Towards the client using `mc_service_id`: its registration when served here,
        else the MC system that assigned that ID."""
        owner = system_of(mc_service_id)
        if owner != ctx.v.system:
            ctx.send(SERVER[owner], message)
        elif lookup(ctx.v.registered, mc_service_id):
            ctx.send(lookup(ctx.v.registered, mc_service_id), message)
        # else: affiliated but no longer registered here (its de-affiliation was lost):
        # there is no client to deliver to

    # step 1: de-affiliation (answered back the way it came) and de-registration
    def host_deaffiliation(ctx) -> None:
        ctx.v.affiliated = ctx.v.affiliated - {ctx.msg.mc_service_id}
        if second_ue and ctx.msg.scope == "all_clients" and ctx.msg.mc_service_id == USER1:
            ctx.v.second_ue_affiliated = False  # TS 23.280 10.8.2: every client of the ID
        ctx.send(ctx.sender, GroupDeaffiliationResponse(group_id=ctx.msg.group_id,
                                                        mc_service_id=ctx.msg.mc_service_id))

    def forward_deaffiliation(ctx) -> None:
        """10.8.4.3: forwarded to the host; the partner keeps where the request came from,
        so that the answer goes back that way (a SIP proxy's transaction state), whether
        the client is still registered here or not."""
        forward_to_host(ctx)
        ctx.v.via = tuple(sorted((*ctx.v.via, (ctx.msg.mc_service_id, ctx.sender))))

    def relay_deaffiliation_answer(ctx) -> None:
        mid = ctx.msg.mc_service_id
        entry = next(p for p in ctx.v.via if p[0] == mid)
        rest = list(ctx.v.via)
        rest.remove(entry)
        ctx.v.via = tuple(rest)
        ctx.send(entry[1], ctx.msg)

    def on_deregistration(ctx) -> None:
        mid = ctx.msg.mc_service_id
        ctx.v.registered = frozenset(r for r in ctx.v.registered if r[0] != mid)
        ctx.send(ctx.sender, DeregistrationResponse(mc_service_id=mid))

    # the registration that precedes step 2
    def on_registration(ctx) -> None:
        assigned = lookup(ctx.v.provisioned, ctx.msg.primary_id)  # X.1.2 item 1b
        ctx.v.registered = ctx.v.registered | {(assigned, ctx.sender)}
        ctx.send(ctx.sender, RegistrationResponse(mc_service_id=assigned,
                                                  attempt=ctx.msg.attempt))
        if ids_known and ctx.v.system != HOME:  # X.1.6: the partner informs the primary
            ctx.send(SERVER[HOME], MigrationNotification(primary_id=ctx.msg.primary_id,
                                                         partner_id=assigned))

    def informed(ctx) -> None:
        """X.1.6: the primary learns the partner MC service ID; under document_update=
        on_notification the group document of G, whose host A is, gains it (not in the
        text: the candidate fix)."""
        if ctx.params.document_update == "on_notification":
            ctx.v.listed_on_notification = ctx.v.listed_on_notification | {ctx.msg.partner_id}

    # step 3: affiliation, decided by the host's group document
    def allowed(ctx, mc_service_id: str) -> bool:
        """The group document A holds for G: the primary ID, and with all_ids the partner
        IDs of user 1 as well (X.1.7.5): those provisioned before the migration, or, where
        the partner assigns them at authentication (partner_id_known), only those added to
        the document when the primary was informed of them (document_update)."""
        if ctx.params.group_document != "all_ids":
            return mc_service_id == USER1
        if ids_known and ctx.params.partner_id_known == "at_authentication":
            return mc_service_id == USER1 or mc_service_id in ctx.v.listed_on_notification
        return mc_service_id in ctx.v.members

    def partners_in_call(ctx) -> frozenset:
        return ctx.v.partners_in_call if call_at_partner else frozenset()

    def host_affiliation(ctx) -> None:
        mid = ctx.msg.mc_service_id
        ok = allowed(ctx, mid)
        route(ctx, mid, GroupAffiliationResponse(group_id=GROUP, mc_service_id=mid, accepted=ok))
        if ok:
            ctx.v.affiliated = ctx.v.affiliated | {mid}
            # step 4: a partner already in the call brings the client in itself (first case);
            # otherwise the affiliation triggers late entry, bringing the partner in too
            if ctx.v.call_ongoing and system_of(mid) not in partners_in_call(ctx):
                route(ctx, mid, GroupCallLateEntry(group_id=GROUP, mc_service_id=mid))

    # step 4: late entry (first case: the call is ongoing in this partner MC system)
    def partner_in_call(ctx) -> bool:
        return ctx.v.in_call and ctx.msg.accepted

    def not_partner_in_call(ctx) -> bool:
        return not partner_in_call(ctx)

    def client_still_here(ctx) -> bool:
        return bool(lookup(ctx.v.registered, ctx.msg.mc_service_id))

    def bring_in(ctx) -> None:
        """Step 4, first case: the call is ongoing in this partner MC system, which
        initiates late entry towards the client once its affiliation is accepted."""
        to_client(ctx)
        ctx.v.brought_in = True
        ctx.send(lookup(ctx.v.registered, ctx.msg.mc_service_id),
                 GroupCallLateEntry(group_id=GROUP, mc_service_id=ctx.msg.mc_service_id))

    # the group call ends
    def end_call(ctx) -> None:
        """The release goes to each affiliated ID, and once to each partner in the call,
        whose own leg carries it to the members it serves."""
        ctx.v.call_ongoing = False
        partners = partners_in_call(ctx)
        for partner in sorted(partners):
            ctx.send(SERVER[partner], GroupCallRelease(group_id=GROUP))
        for mid in sorted(ctx.v.affiliated):
            if system_of(mid) not in partners:
                route(ctx, mid, GroupCallRelease(group_id=GROUP))
        if call_at_partner:
            ctx.v.partners_in_call = frozenset()

    def release_to_client(ctx) -> None:
        if call_at_partner:
            ctx.v.in_call = False
        for _, who in sorted(ctx.v.registered):
            ctx.send(who, ctx.msg)

    return Role(
        "MC service server",
        states=["serving"], initial="serving", final=["serving"],
        variables={"system": Var(str, ""), "provisioned": Var(frozenset, frozenset()),
                   "registered": Var(frozenset, frozenset()),
                   "members": Var(frozenset, frozenset()),
                   **({"second_ue_affiliated": Var(
                       bool, False, doc="the host: user 1's second UE, which stays at A, is "
                                        "affiliated to G")} if second_ue else {}),
                   **({"listed_on_notification": Var(
                       frozenset, frozenset(), doc="the host: partner MC service IDs added to "
                                                   "the group document when the primary was "
                                                   "informed of them")} if ids_known else {}),
                   "affiliated": Var(frozenset, frozenset()), "call_ongoing": Var(bool, False),
                   "via": Var(tuple, (), doc="a partner: the de-affiliations it forwarded, "
                                             "(MC service ID, client) each, until answered"),
                   **({"partners_in_call": Var(frozenset, frozenset(),
                                               doc="the host: partner MC systems in the call"),
                       "in_call": Var(bool, False, doc="a partner: in the group call already"),
                       "brought_in": Var(bool, False, doc="a partner: initiated late entry "
                                                          "towards client 1")}
                      if call_at_partner else {})},
        transitions=[
            # -- step 1: de-affiliation and de-registration ---------------------------------
            Transition(GroupDeaffiliationRequest, "serving", None, name="host_deaffiliation",
                       conditions=[is_host], after=[host_deaffiliation],
                       sends=[GroupDeaffiliationResponse],
                       label="de-affiliates the MC service ID and answers",
                       clause="10.8.4.2; 10.16.2.2 step 1; TS 23.280 10.8.2"),
            Transition(GroupDeaffiliationRequest, "serving", None, name="forward_deaffiliation",
                       conditions=[is_partner], after=[forward_deaffiliation],
                       sends=[GroupDeaffiliationRequest], clause="10.8.4.3"),
            Transition(GroupDeaffiliationResponse, "serving", None,
                       name="relay_deaffiliation_answer", after=[relay_deaffiliation_answer],
                       sends=[GroupDeaffiliationResponse],
                       label="relays the host's answer back the way the request came",
                       clause="10.8.4.3; TS 23.280 10.8.2"),
            Transition(Deregistration, "serving", None, after=[on_deregistration],
                       sends=[DeregistrationResponse],
                       label="de-registers the MC service ID and answers (SIP: a REGISTER "
                             "with expiry zero)",
                       clause="10.16.2.2 step 1 (de-authorisation); RFC 3261 10.3"),
            # -- the registration before step 2; step 3: affiliation ------------------------
            Transition(Registration, "serving", None, after=[on_registration],
                       sends=[RegistrationResponse, *([MigrationNotification] if ids_known
                                                      else [])],
                       clause="X.1.6 (registration; a partner informs the primary)" if ids_known
                       else "X.1.6 (registration)"),
            *([Transition(MigrationNotification, "serving", None, name="informed_of_partner_id",
                          after=[informed],
                          label="is informed of the partner MC service ID (with document_update="
                                "on_notification, G's group document gains it)",
                          clause="X.1.6 (the partner informs the primary); X.1.7.5")]
              if ids_known else []),
            Transition(GroupAffiliationRequest, "serving", None, name="host_affiliation",
                       conditions=[is_host], after=[host_affiliation],
                       sends=[GroupAffiliationResponse, GroupCallLateEntry],
                       label="affiliates the MC service ID (if the group document lists it); "
                             "late entry into the ongoing call",
                       clause="10.8.3.1; 10.16.2.2; 10.16.2.2 steps 3-4; X.1.2 item 7; X.1.7.5"),
            Transition(GroupAffiliationRequest, "serving", None, name="forward_affiliation",
                       conditions=[is_partner], after=[forward_to_host],
                       sends=[GroupAffiliationRequest],
                       clause="10.8.3.2 (group defined in the primary MC system)"),
            Transition(GroupAffiliationResponse, "serving", None, name="relay_affiliation_answer",
                       conditions=[not_partner_in_call] if call_at_partner else [],
                       after=[to_client], sends=[GroupAffiliationResponse], clause="10.8.3.2"),
            # -- step 4: late entry ---------------------------------------------------------
            *([Transition(GroupAffiliationResponse, "serving", None,
                          name="partner_initiates_late_entry",
                          conditions=[partner_in_call], after=[bring_in],
                          sends=[GroupAffiliationResponse, GroupCallLateEntry],
                          label="relays the accepted affiliation; the call is ongoing here, so "
                                "it brings the client in by late entry itself",
                          clause="10.16.2.2 step 4 (first case: the call is ongoing in the "
                                 "partner MC system); 10.8.3.2")] if call_at_partner else []),
            Transition(GroupCallLateEntry, "serving", None, name="partner_late_entry",
                       conditions=[client_still_here], after=[to_client],
                       sends=[GroupCallLateEntry],
                       label="the partner MC system brings the client into the group call",
                       clause="10.16.2.2 step 4"),
            Transition(GroupCallLateEntry, "serving", None, name="late_entry_for_departed",
                       conditions=[lambda ctx: not client_still_here(ctx)],
                       label="no client registered with the MC service ID any more (it went "
                             "back to the MC system it left): nobody to bring in",
                       clause="10.16.2.2 step 4 (after_break=return)"),
            # -- the group call ends --------------------------------------------------------
            Transition("end_group_call", "serving", None,
                       conditions=[lambda ctx: ctx.v.call_ongoing], after=[end_call],
                       sends=[GroupCallRelease], environment=True,
                       label="the group call ends", clause="TS 23.379 10.6.2.3.1.1.3"),
            Transition(GroupCallRelease, "serving", None, name="relay_release",
                       after=[release_to_client], sends=[GroupCallRelease],
                       clause="TS 23.379 10.6.2.3.1.1.3"),
        ],
    )


# -- the CMS of a partner MC system (10.1.4.3.2) ----------------------------------------------
def _profile(ctx) -> None:
    ctx.send(ctx.sender, UserProfileResponse(mc_service_id=ctx.msg.mc_service_id,
                                             groups=(GROUP,)))


CMS_ROLE = Role("CMS", states=["serving"], initial="serving", final=["serving"],
                transitions=[Transition(UserProfileRequest, "serving", None, after=[_profile],
                                        sends=[UserProfileResponse],
                                        clause="10.1.4.3.2; X.1.6 (groups in the profile)")])


def build(*, make_before_break: bool, fixed_chain: bool = True,
          documents: tuple[str, ...] = ("all_ids", "primary_only"),
          timeouts: tuple[str, ...] = READING, switch_off: bool = False,
          lossy_leaving: bool = False, call_at_partner: bool = False,
          register_failures: tuple[str, ...] = (),
          after_breaks: tuple[str, ...] = (),
          max_migrations: int = MAX_MIGRATIONS,
          partner_ids: tuple[str, ...] = (),
          deaffiliation_scopes: tuple[str, ...] = (),
          document_updates: tuple[str, ...] = ("static", "on_notification")) -> System:
    """One variant. `timeouts`: the transaction_timeout choices explored; `switch_off`: UE
    1 may be switched off (for good) at any point; `lossy_leaving`: the network may lose
    what UE 1 exchanges with the MC system it leaves as it leaves (its de-affiliation and
    de-registration and their answers); `call_at_partner`: the group call is already
    ongoing in partner MC system B (members B serves take part), step 4's first case.
    `partner_ids`, when given: a partner informs the primary of the ID it assigned (X.1.6),
    partner_id_known explores whether that ID was exchanged before the migration or
    assigned at authentication, and document_update (`document_updates`) whether G's group
    document gains it when the primary is informed. `deaffiliation_scopes`, when given: a
    second UE of user 1 stays at A affiliated to G, and deaffiliation_scope explores the
    scope of step 1's de-affiliation."""
    ids_known = bool(partner_ids)
    second_ue = bool(deaffiliation_scopes)
    if ids_known and documents != ("all_ids",):
        # primary_only lists no partner ID however it is learnt: partner_id_known asks
        # whether an ID can be listed, which only a document meant to list them asks
        raise ModelError(f"partner_ids={partner_ids} with documents={documents}: "
                         "partner_id_known is explored where the group document lists every "
                         "ID of user 1 it knows", fix='pass documents=("all_ids",) with '
                                                      "partner_ids")
    faults = []
    if lossy_leaving:
        faults.append(Loss.around(
            "client1", messages=LEAVING,
            why="UE 1 leaving coverage of the MC system it leaves may lose what it exchanges "
                "with it: its de-affiliation and de-registration and their answers (every "
                "other message arrives)"))
    if switch_off:
        faults.append(SwitchOff("client1", why="UE 1 may be switched off (or lose coverage for "
                                               "good) once, at any point",
                                clause="not in the text: an environment event 10.16.2.2 must "
                                       "survive"))
    server = server_role(call_at_partner=call_at_partner, ids_known=ids_known,
                         second_ue=second_ue)
    client = client_role(make_before_break=make_before_break, fixed_chain=fixed_chain,
                         max_migrations=max_migrations, second_ue=second_ue)
    timeout_steps = {t.name: t.trigger.request for t in client.transitions
                     if isinstance(t.trigger, Timeout)}
    return System(
        "group_call_migration",
        assumptions=(*assumptions_for(register_failures), *((SECOND_UE,) if second_ue else ())),
        faults=faults,
        instances=[
            Instance("client1", client, label="MC service client 1"),
            Instance("serverA", server, label="MC service server A",
                     init={"system": "A", "provisioned": PROVISIONED["A"],
                           "registered": frozenset({(USER1, "client1")}),
                           "members": frozenset(b for _, b in
                                                (p for s in SYSTEMS for p in PROVISIONED[s])),
                           "affiliated": frozenset({USER1}), "call_ongoing": True,
                           **({"second_ue_affiliated": True} if second_ue else {}),
                           **({"partners_in_call": frozenset({"B"})} if call_at_partner
                              else {})}),
            *(Instance(SERVER[s], server, label=f"MC service server {s}",
                       init={"system": s, "provisioned": PROVISIONED[s],
                             **({"in_call": s == "B"} if call_at_partner else {})})
              for s in ("B", "C")),
            *(Instance(CMS[s], CMS_ROLE, label=f"CMS of MC system {s}") for s in CMS),
        ],
        params={
            "group_document": Param(
                documents, clause="X.1.7.5",
                doc="which MC service IDs of user 1 group G lists",
                means={"all_ids": "the group document lists every MC service ID of the "
                                  "member, the one assigned by the partner MC system included",
                       "primary_only": "the group document lists only the member's MC service "
                                       "ID of its primary MC system"}),
            "transaction_timeout": Param(
                timeouts,
                clause="10.16.2.2 steps 1-3 (no duration; silent on an unanswered request); "
                       "RFC 3261 17.1.2.2; TS 24.229 7.8 (Timer F, 128 s)",
                doc="how long client 1 awaits the answer to each of its requests: 'free' is "
                    "the SIP transaction's timer, which may expire while the request or its "
                    "answer is merely slow; 'outlasts_answer' is a reading: the client waits "
                    "out the round trip (or, where nothing is lost, keeps sending the request "
                    "until an answer arrives in time: the same runs), so a request times out "
                    "only once it or its answer was lost",
                means=TIMER_MEANS),
            **({"register_failure": Param(register_failures, clause=REGISTER_FAILURE_CLAUSE,
                                          doc=REGISTER_FAILURE_DOC,
                                          means=REGISTER_FAILURE_MEANS)}
               if register_failures else {}),
            **({"after_break": Param(after_breaks, clause=AFTER_BREAK_CLAUSE,
                                     doc=AFTER_BREAK_DOC, means=AFTER_BREAK_MEANS)}
               if after_breaks else {}),
            **({"partner_id_known": Param(
                partner_ids,
                clause='X.1.6 ("learns of the MC service IDs" at authentication; "In the case '
                       'of pre-provisioning" they "may have" been exchanged before)',
                doc="when the partner MC service ID of user 1 is known to the primary MC "
                    "system: exchanged before the migration ('pre_provisioned'), or assigned "
                    "at authentication and told as the partner registers the user "
                    "('at_authentication')",
                means={"pre_provisioned": "the partner MC system and the primary MC system "
                                          "exchanged the MC service IDs before the migration",
                       "at_authentication": "the partner MC system assigns the MC service ID "
                                            "at authentication and informs the primary MC "
                                            "system of it as it registers the user"}),
                "document_update": Param(
                document_updates,
                clause="X.1.7.5; X.1.6; 10.16.2.2 step 3 (silent on how the document comes to "
                       "list an ID assigned at migration)",
                doc="whether G's group document gains a partner MC service ID when the primary "
                    "is informed of it ('on_notification', not in the text) or stays as "
                    "provisioned ('static')",
                means={"static": "the group document stays as provisioned when the primary MC "
                                 "system is informed of a partner MC service ID",
                       "on_notification": "the group document gains the partner MC service ID "
                                          "when the primary MC system is informed of it"})}
               if ids_known else {}),
            **({"deaffiliation_scope": Param(
                deaffiliation_scopes,
                clause="10.16.2.2 step 1 ('requests de-affiliation from MC service groups': not "
                       "for which clients); TS 23.280 10.8.2 (the scope is mandatory)",
                doc="the scope step 1's de-affiliation request names: the migrating client "
                    "only ('this_client'), or every client at which user 1's MC service ID is "
                    "logged on ('all_clients')",
                means={"this_client": "the de-affiliation request of step 1 removes the "
                                      "affiliation of the requesting MC service client only",
                       "all_clients": "the de-affiliation request of step 1 removes the "
                                      "affiliation of every MC service client at which the "
                                      "MC service ID is logged on"})}
               if second_ue else {}),
        },
        # a run may stop only with client 1's transactions ended (RFC 3261 17.1.2.2: each
        # ends in its answer or in Timer F), so a timer that never fires is a deadlock
        final=lambda v: not v.in_flight() and v["client1"].state not in (
            "registering", "retrieving_profile", "affiliating", "holding")
        and not getattr(v["client1"], TIMERS, ()),
        fairness=_progress.FAIRNESS,
        properties=[
            _progress.member_gets_media_after_migration(),
            *([always("second-ue-keeps-group", lambda v: v["serverA"].second_ue_affiliated,
                      clause="10.16.2.2 step 1; TS 23.280 10.1.4.1 (several UEs per user), "
                             "10.8.2 (the scope)",
                      doc="user 1's second UE, which does not migrate, stays affiliated to G "
                          "when the first one migrates"),
               sometimes("deaffiliation-while-second-ue-stays",
                         lambda v: any(m.mc_service_id == USER1 for _, _, m in v.in_flight(
                             GroupDeaffiliationRequest, to="serverA")),
                         clause="10.16.2.2 step 1",
                         doc="the migrating UE's de-affiliation from G is on its way to A while "
                             "user 1's second UE stays there (the case the property judges)")]
              if second_ue else []),
            *([sometimes("partner-id-listed-on-notification",
                         lambda v: bool(v["serverA"].listed_on_notification),
                         clause="X.1.6; X.1.7.5 (document_update=on_notification)",
                         doc="G's group document has gained a partner MC service ID of user 1 "
                             "when the primary was informed of it")] if ids_known else []),
            # the witness of what register_failure explores (issue 32: each variant names it)
            *([sometimes("registration-retried",
                         lambda v: any((m.attempt or 0) > 1 for _, _, m in
                                       v.in_flight(Registration, sender="client1")),
                         clause="10.16.2.2 step 2 (register_failure=retries); RFC 3261 17.1.2.2",
                         doc="client 1 sent its REGISTER again after Timer F, and it is on its "
                             "way")] if "retries" in register_failures else []),
            # the witness of what after_break explores: back in the call at the MC system left
            # one per step that failed: each way back is a transition of its own
            *(sometimes(f"rejoined-after-{failed}-failed", rejoined_after(failed),
                        clause="10.16.2.2 steps 1-4 (after_break=return)",
                        doc=f"client 1, whose {failed} failed after step 1, is back in the "
                            "ongoing group call at the MC system it left")
              for failed in ("register", "affiliation") if "return" in after_breaks),
            *([step("return-leaves-and-registers", return_leaves_and_registers,
                    clause="10.16.2.2 steps 1-2 (after_break=return: step 1 towards the new "
                           "MC system, then the REGISTER where it left); RFC 3261 17.1.2.2",
                    doc="the step in which client 1 turns back sends a new REGISTER (its "
                        "first attempt) to the MC system the migration started from and, if "
                        "it had registered at the new one, that one its de-affiliation from "
                        "G and its de-registration, naming the MC service ID it used there")]
              if "return" in after_breaks else []),
            *([_progress.old_registration_released(),
               step("kept-registration-released", kept_registration_released,
                    clause="X.1.4.1; X.1.7.4 (de-affiliation and de-registration on the first "
                           "MC system); 10.16.2.2 step 1",
                    doc="a step in which client 1 stops keeping the MC system it leaves "
                        "(make-before-break) sends it the de-affiliation from G and the "
                        "de-registration of the MC service ID used there")]
              if make_before_break else []),
            always("group-continuity",
                   lambda v: not v["serverA"].call_ongoing or bool(v["client1"].joined),
                   clause="10.16.2.1; 10.16.2.2 pre-condition 1; X.1.7.4",
                   doc="while the group call is ongoing, client 1 receives it in some system"),
            always("migrations-completed-were-started",
                   lambda v: v["client1"].migrations <= v["client1"].attempts,
                   clause="10.16.2.2 steps 1-2",
                   doc="the model's count of completed migrations: one completes as client 1 "
                       "registers at the MC system it migrates to, none on its way back to the "
                       "one it left (after_break=return), so no more complete than start"),
            always("registration-consistent", registration_consistent,
                   clause="10.16.2.2 steps 1-2; X.1.4.1",
                   doc="quiescent: client 1 is registered exactly where it believes it is"),
            always("registered-where-it-believes", registered_where_it_believes,
                   clause="10.16.2.2 steps 1-2; X.1.4.1; X.1.6 (registration)",
                   doc="quiescent: every MC system client 1 believes it is registered at has "
                       "it registered"),
            step("late-answer-dropped", late_answer_dropped,
                 clause="RFC 3261 17.1.2.2 (the transaction has ended); assumption "
                        "timeout-gives-up; 10.16.2.2 steps 2-3",
                 doc="client 1 drops an answer whose transaction is no longer running, its "
                     "state as it was"),
            always("old-registration-released-after-call",
                   lambda v: v.in_flight() or v["client1"].state not in ("call_over", "unaffiliated")
                   or not v["client1"].old_system,
                   clause="X.1.4.1; X.1.7.4 (de-register from the previous system after the call)",
                   doc="quiescent: once the call is over for the client, it holds no registration "
                       "kept for make-before-break"),
            always("client-learns-call-ended",
                   lambda v: v.in_flight() or v["serverA"].call_ongoing or not v["client1"].joined
                   or v["client1"].state not in _progress.GROUP_CLIENT_STATES,  # switched off
                   clause="TS 23.379 10.6.2.3.1.1.3 (group call release)",
                   doc="quiescent: when the group call has ended, the client is in no call"),
            # step 1's answers (assumptions deregistration-answered, deaffiliation-answered):
            # nothing waits for them, but each request is answered back to the client
            sometimes("deregistration-answered",
                      lambda v: bool(v.in_flight(DeregistrationResponse, to="client1")),
                      clause="10.16.2.2 step 1; RFC 3261 10.3",
                      doc="the old MC system's answer to the de-registration is on its way "
                          "back to client 1"),
            sometimes("deaffiliation-answered",
                      lambda v: bool(v.in_flight(GroupDeaffiliationResponse, to="client1")),
                      clause="10.16.2.2 step 1; 10.8.4.3; TS 23.280 10.8.2",
                      doc="the host's answer to the de-affiliation is on its way back to "
                          "client 1 (relayed by the partner for a group defined in A)"),
            step("answer-ends-its-transaction", answer_ends_its_transaction,
                 clause="RFC 3261 17.1.3 (a response matches its transaction); 10.16.2.2 step 1",
                 doc="an answer to the de-registration or de-affiliation under way, received "
                     "by client 1, ends that request's transaction"),
            step("transaction-ends-in-its-answer",
                 transaction_ends_in_its_answer(
                     frozenset(r for r in ANSWERS if lossy_leaving and r in LEAVING)),
                 clause="RFC 3261 17.1.2.2; RFC 3261 17.1.3; 10.16.2.2 steps 1-3 (the reading "
                        "transaction_timeout=outlasts_answer: the timer outlasts the round trip)",
                 doc="under the reading outlasts_answer, a transaction of client 1 ends in its "
                     "answer, unless the network may lose its request or answer (the "
                     "lossy_leaving variants) or the UE is switched off"),
            step("timeout-ends-its-transaction", timeout_ends_its_transaction(timeout_steps),
                 clause="RFC 3261 17.1.2.2 (Timer F fires: the transaction terminates)",
                 doc="a step in which a transaction of client 1 times out ends that "
                     "transaction"),
            step("forwarded-to-the-host", forwarded_to_the_host,
                 clause="10.8.3.2; 10.8.4.3; 10.8.3.1; 10.8.4.2",
                 doc="an MC service server sends an affiliation or de-affiliation request only "
                     "to the MC system that defines its group, never to itself"),
            step("answer-names-its-request", answer_names_its_request,
                 clause="10.8.3.1; 10.8.3.2; 10.8.4.2; 10.8.4.3; TS 23.280 10.8.2",
                 doc="an affiliation or de-affiliation answer a server sends as it takes the "
                     "request, or relays the host's answer, names that request's MC service "
                     "ID and group"),
            step("deaffiliated-before-deauthorised", deaffiliated_before_deauthorised,
                 clause="10.16.2.2 step 1",
                 doc="the MC system left takes the client's de-affiliation before its "
                     "de-registration (step 1 requests the one, then the other)"),
            step("no-self-signalling", no_self_signalling,
                 clause="10.8.3.1; 10.8.3.2; 10.8.4.3; TS 23.379 10.6.2.3.1.1.3-4",
                 doc="an MC service server sends nothing to itself: its flows go to the client "
                     "it serves, the host or a partner MC system"),
            step("call-released-once", call_released_once,
                 clause="TS 23.379 10.6.2.3.1.1.3 (group call release)",
                 doc="a server sends the group call's release only as it ends the call it "
                     "hosts or relays a release it took, and at most once to each party"),
            sometimes("call-ends-after-migration",
                      lambda v: not v["serverA"].call_ongoing and v["client1"].migrations >= 1
                      and not v["client1"].joined and not v.in_flight(),
                      clause="TS 23.379 10.6.2.3.1.1.3",
                      doc="the group call ends after a migration and the client learns it"),
            always("affiliation-consistent", affiliation_consistent,
                   clause="10.8.3.1; 10.8.4.2; 10.16.2.2 steps 1 and 3",
                   doc="quiescent: A has user 1 affiliated exactly under the IDs the client "
                       "believes it is affiliated with"),
            always("rejoins-when-affiliated",
                   lambda v: v["client1"].state != "unaffiliated" or not v["serverA"].call_ongoing,
                   clause="10.16.2.1 (continue the group communication in the other system)",
                   doc="the client does not end up outside an ongoing group call"),
            *([sometimes("first-migration-skips-b",
                         lambda v: v["client1"].migrations == 1
                         and serving_system(v["client1"].my_id) == "C",
                         clause="X.1.7.4 NOTE",
                         doc="free chain: the first migration goes to C, not B")]
              if not fixed_chain else []),
            *([sometimes("late-entry-by-partner-in-call",
                         lambda v: v["client1"].state == "joined" and v["serverB"].brought_in
                         and serving_system(v["client1"].my_id) == "B"
                         and v["serverA"].call_ongoing,
                         clause="10.16.2.2 step 4 (first case)",
                         doc="partner MC system B, already in the call, brings client 1 in by "
                             "late entry")] if call_at_partner else []),
            *(sometimes(f"late-entry-after-{k}", late_entry_after(k), clause="10.16.2.2 step 4",
                        doc="client 1 is in the still ongoing group call by late entry after a "
                            f"migration {k.replace('-', ' ')}")
              for k in KINDS),
        ],
    )


# step 1's answers and the request whose transaction each ends
ANSWERED = {DeregistrationResponse: "Deregistration",
            GroupDeaffiliationResponse: "GroupDeaffiliationRequest"}


def answer_ends_its_transaction(before, key, after) -> bool:
    """Judged on the step itself: client 1 receiving an answer to step 1's request under
    way (naming the ID it left, and the group) no longer runs that request's transaction.
    What the property reads: the message received and the armed timers before and after."""
    request = ANSWERED.get(type(key.message)) if key.kind == "receive" else None
    if key.actor != "client1" or request is None:
        return True
    c1 = before["client1"]
    # the answer the transaction matches (DEREGISTRATION's and DEAFFILIATION's `matches`)
    ours = key.message.mc_service_id == c1.leaving_id and (
        isinstance(key.message, DeregistrationResponse) or key.message.group_id == GROUP)
    return not (ours and is_armed(c1.timers, request)) or not is_armed(after["client1"].timers,
                                                                          request)


def _running(c1, request: type) -> bool:
    return is_armed(c1.timers, request.__name__)


def transaction_ends_in_its_answer(lossy: frozenset):
    """Judged on every step of client 1 that ends one of its transactions (its timer ran
    before and not after) other than by taking an answer of that transaction's kind: under
    the reading transaction_timeout=outlasts_answer the timer outlasts the round trip, so the
    transaction times out only once its request or its answer was lost, which the network
    can do only to the kinds in `lossy` (the lossy_leaving variants: step 1's requests and
    their answers). An answer that does not match its request (another ID or group), or one
    never sent back, leaves the transaction to a timeout with nothing lost. A switched-off
    UE's transactions end with it."""
    def holds(before, key, after) -> bool:
        if key.actor != "client1" or before.params.transaction_timeout != "outlasts_answer":
            return True
        c1, c1_after = before["client1"], after["client1"]
        if c1_after.state not in _progress.GROUP_CLIENT_STATES:
            return True  # switched off
        for request, answer in ANSWERS.items():
            if not _running(c1, request) or _running(c1_after, request):
                continue
            if key.kind == "receive" and isinstance(key.message, answer):
                continue  # its answer ended it
            if request not in lossy:
                return False
        return True
    return holds


def timeout_ends_its_transaction(timeouts: dict[str, type]):
    """`timeouts`: client 1's transitions that take a transaction's timeout, by name, and the
    request each times out. Judged on such a step: the transaction has ended (its timer no
    longer runs: RFC 3261 17.1.2.2, Timer F fires once and the transaction terminates)."""
    def holds(before, key, after) -> bool:
        request = timeouts.get(key.transition) if key.actor == "client1" else None
        if request is not None and after.sent_since(before, request, sender="client1"):
            return True  # a new request of its kind, a new transaction (register_failure=
            # retries, or after_break=return registering again where it left)
        return request is None or not _running(after["client1"], request)
    return holds


def kept_registration_released(before, key, after) -> bool:
    """X.1.4.1; X.1.7.4 (make-before-break): judged on every step after which client 1 no
    longer keeps the registration it kept at the MC system it leaves and is not served there
    either (a timed-out REGISTER leaves it served there): that step sends that MC system its
    de-affiliation from G and its de-registration, naming the MC service ID it used there.
    What the property reads: the kept MC system and ID before the step, the MC system client
    1 is served by after it, and the messages the step sends."""
    c1, c1_after = before["client1"], after["client1"]
    old = c1.old_system
    if not old or c1_after.old_system or c1_after.state not in _progress.GROUP_CLIENT_STATES:
        return True  # nothing kept, still kept, or switched off
    if serving_system(c1_after.my_id) == old:
        return True
    sent = [m for _, _, m in after.sent_since(before, to=SERVER[old], sender="client1")]
    return (any(isinstance(m, GroupDeaffiliationRequest) and m.group_id == GROUP
                and m.mc_service_id == c1.old_id for m in sent)
            and any(isinstance(m, Deregistration) and m.mc_service_id == c1.old_id
                    for m in sent))


def late_answer_dropped(before, key, after) -> bool:
    """Assumption timeout-gives-up; RFC 3261 17.1.2.2 (a transaction that has ended takes no
    answer): judged on every step in which client 1 takes an answer of a kind whose
    transaction is not running (it timed out, or its answer came already): the client drops
    it, its state as it was."""
    if key.actor != "client1" or key.kind != "receive":
        return True
    c1 = before["client1"]
    for request, answer in ANSWERS.items():
        if isinstance(key.message, answer) and not _running(c1, request):
            return after["client1"] == c1
    return True


def registered_where_it_believes(v) -> bool:
    """Quiescent: every MC system client 1 believes it is registered at (as
    registration-consistent reads its belief) has it registered. The other half of
    registration-consistent, which a registration nothing removes (lost de-registration,
    given-up REGISTER, switched-off UE: the ghost findings) does not break."""
    if v.in_flight():
        return True
    c1 = v["client1"]
    if c1.state not in _progress.GROUP_CLIENT_STATES:
        return True  # switched off: it believes nothing
    believed = ({serving_system(c1.my_id)} - {""}) | ({c1.old_system} if c1.old_system else set())
    return all(any(who == "client1" for _, who in v[SERVER[s]].registered) for s in believed)

SERVERS = frozenset(SERVER.values())


def forwarded_to_the_host(before, key, after) -> bool:
    """10.8.3.2; 10.8.4.3 (a partner forwards affiliation signalling for a group defined in
    another MC system to that MC system): judged on every step of an MC service server, an
    affiliation or de-affiliation request it sends goes to the server of the MC system that
    defines the request's group (the domain of the group ID), and never to itself: the host
    handles its own group's requests (10.8.3.1; 10.8.4.2). What the property reads: the
    messages the step sends."""
    if key.actor not in SERVERS:
        return True
    return all(to == SERVER[system_of(m.group_id)] and to != key.actor
               for _, to, m in after.sent_since(before, sender=key.actor)
               if isinstance(m, GroupAffiliationRequest | GroupDeaffiliationRequest))


def answer_names_its_request(before, key, after) -> bool:
    """10.8.3.1-10.8.3.2; 10.8.4.2-10.8.4.3; TS 23.280 10.8.2 (request/response): judged on
    every step of an MC service server that takes an affiliation or de-affiliation request
    or answer, each answer it sends in that step names the MC service ID and group of what
    it took: the host answers the request it took, and a partner relays the host's answer
    as it came (client 1 takes an answer by its group and whether it is accepted, so an
    answer about another ID would be taken as its own). What the property reads: the
    message taken and the messages the step sends."""
    m = key.message
    if key.actor not in SERVERS or key.kind != "receive" or not isinstance(
            m, GroupAffiliationRequest | GroupAffiliationResponse | GroupDeaffiliationRequest
            | GroupDeaffiliationResponse):
        return True
    return all(a.mc_service_id == m.mc_service_id and a.group_id == m.group_id
               for _, _, a in after.sent_since(before, sender=key.actor)
               if isinstance(a, GroupAffiliationResponse | GroupDeaffiliationResponse))


def deaffiliated_before_deauthorised(before, key, after) -> bool:
    """10.16.2.2 step 1: the client requests de-affiliation from the group, then
    de-authorises from the MC system it leaves; so that MC system takes the de-affiliation
    while it still serves the MC service ID (a server that took the de-registration first
    would be asked to de-affiliate a user it no longer serves). Judged on the step in which
    a server takes a de-registration: no de-affiliation request of the same sender for the
    same MC service ID is still on its way to it. What the property reads: the message
    taken and the messages in flight before the step."""
    m = key.message
    if key.actor not in SERVERS or key.kind != "receive" or not isinstance(m, Deregistration):
        return True
    return not any(d.mc_service_id == m.mc_service_id
                   for _, _, d in before.in_flight(GroupDeaffiliationRequest, sender=key.sender,
                                                   to=key.actor))


def no_self_signalling(before, key, after) -> bool:
    """Judged on every step of an MC service server: it sends nothing to itself. Each flow of
    the procedures 10.16.2.2 builds on goes between two parties: the host answers an
    affiliation, brings a client in by late entry and releases the call towards the client it
    serves or through the partner MC system that serves it (10.8.3.1; 10.8.3.2; TS 23.379
    10.6.2.3.1.1.3-4), and a partner forwards to the host (10.8.3.2; 10.8.4.3). What the
    property reads: the messages the step sends."""
    return key.actor not in SERVERS or not after.sent_since(before, to=key.actor,
                                                            sender=key.actor)


def call_released_once(before, key, after) -> bool:
    """TS 23.379 10.6.2.3.1.1.3 (the group call is released once): judged on every step of an
    MC service server that sends a release of the group call: in that step the server ends
    the call it hosts (ongoing before, not after) or relays a release it takes, and it sends
    at most one release to each party (the host sends one to each partner in the call, whose
    leg carries it on). What the property reads: the step, the server's call_ongoing before
    and after it, the messages it sends."""
    if key.actor not in SERVERS:
        return True
    released = [to for _, to, m in after.sent_since(before, GroupCallRelease, sender=key.actor)]
    if not released:
        return True
    ends = before[key.actor].call_ongoing and not after[key.actor].call_ongoing
    relays = key.kind == "receive" and isinstance(key.message, GroupCallRelease)
    return (ends or relays) and len(set(released)) == len(released)

RETURNS = ("registration_failed_returns", "affiliation_failed_returns")  # the ways back


def return_leaves_and_registers(before, key, after) -> bool:
    """after_break=return, judged on the step in which client 1 turns back (`returning` set):
    what it sends is what step 1 and the registration that precedes step 2 send, towards
    the MC systems they concern: a REGISTER, its first attempt (attempt 1 where it retries,
    none else), to the MC system it left; and where it was registered at the new MC system
    (its MC service ID before the step), that system's server gets the de-affiliation from
    G and the de-registration of that ID; and it turns back once per migration (a step of a
    way back while already returning is a violation). What the property reads: client 1's
    locals before and after, the step, the parameters, the messages the step sends."""
    c1, c1_after = before["client1"], after["client1"]
    if key.actor == "client1" and key.transition in RETURNS and c1.returning:
        return False  # a second return in one migration: once per migration, then give up
    if key.actor != "client1" or c1.returning or not c1_after.returning:
        return True
    sent = after.sent_since(before, sender="client1")
    first = 1 if getattr(before.params, "register_failure", "gives_up") == "retries" else None
    registers = [(to, m) for _, to, m in sent if isinstance(m, Registration)]
    if registers != [(SERVER[c1.came_from], Registration(primary_id=USER1, attempt=first))]:
        return False
    left = c1.my_id if c1_after.returning == "affiliation" else ""
    leaving = [(to, m) for _, to, m in sent
               if isinstance(m, GroupDeaffiliationRequest | Deregistration)]
    if not left:
        return not leaving
    new = SERVER[system_of(left)]
    return sorted(leaving, key=repr) == sorted(
        [(new, GroupDeaffiliationRequest(group_id=GROUP, mc_service_id=left)),
         (new, Deregistration(mc_service_id=left))], key=repr)


def rejoined_after(failed: str):
    def witness(v) -> bool:
        c1 = v["client1"]
        return (c1.returning == failed and c1.last_kind == "return" and c1.state == "joined"
                and v["serverA"].call_ongoing)
    return witness


def late_entry_after(kind: str):
    def witness(v) -> bool:
        c1 = v["client1"]
        return (kind in c1.late_entries and c1.last_kind == kind and c1.state == "joined"
                and v["serverA"].call_ongoing)
    return witness


def registration_consistent(v) -> bool:
    """Quiescent: the servers that have client 1 registered are those it believes it is
    registered at (the current system, none after a timed-out REGISTER under break-before-
    make, and the old one while making before breaking)."""
    if v.in_flight():
        return True
    c1 = v["client1"]
    believed = ({serving_system(c1.my_id)} - {""}) | ({c1.old_system} if c1.old_system else set())
    holders = {s for s in SYSTEMS for _, who in v[SERVER[s]].registered if who == "client1"}
    return holders == believed


def affiliation_consistent(v) -> bool:
    if v.in_flight():
        return True
    c1, a = v["client1"], v["serverA"]
    believed = {c1.old_id} if c1.old_system else set()  # kept while making before breaking
    if c1.state in ("joined", "awaiting_late_entry"):
        believed.add(c1.my_id)  # affiliation accepted under the current ID
    return set(a.affiliated) == believed


model = Model("group_call_migration", clause="10.16.2", doc=__doc__)
# Properties that judge a situation some worlds never reach: where they do not, the check
# prints these reasons instead of a vacuity warning (issue 58).
model.vacuous_where_so(
    "rejoins-when-affiliated",
    why="client 1 ends unaffiliated only with break-before-make and a group document that "
        "lists the primary ID alone; make-before-break keeps the old affiliation until the "
        "new one succeeds, and the fix lists the partner's IDs, so there it never does "
        "(the property judges the break-before-make variants, where group-document fails)")
model.vacuous_where_so(
    "old-registration-released-after-call",
    why="it judges a registration kept for make-before-break once the call is over; where "
        "the client never ends its call with such a registration (break-before-make keeps "
        "none, and the fix's client never ends unaffiliated) there is nothing to release")
# Every variant but the two slow_answers ones pins transaction_timeout to the reading
# outlasts_answer (the timer outlasts the round trip): there a timeout comes only once a
# message was lost, and the free timer's own consequences are shown apart.
EXPECT_BREAK_BEFORE_MAKE = {"member-gets-media-after-migration":
                "violated only with group_document=primary_only",
            "group-continuity": "violated",
            "rejoins-when-affiliated": "violated only with group_document=primary_only",
            "late-entry-after-primary-to-partner":
                "witnessed only with group_document=all_ids",
            "late-entry-after-partner-to-partner":
                "witnessed only with group_document=all_ids",
            "late-entry-after-partner-to-primary":
                "witnessed only with group_document=all_ids"}
model.add_variant("break_before_make", lambda: build(make_before_break=False),
                  doc="10.16.2.2 as published: de-affiliate, migrate, affiliate, late entry",
                  expect=EXPECT_BREAK_BEFORE_MAKE)
EXPECT_MAKE_BEFORE_BREAK = {"late-entry-after-primary-to-partner":
                "witnessed only with group_document=all_ids",
            "late-entry-after-partner-to-partner":
                "witnessed only with group_document=all_ids",
            "late-entry-after-partner-to-primary":
                "witnessed only with group_document=all_ids"}
model.add_variant("make_before_break", lambda: build(make_before_break=True),
                  doc="X.1.4.1 / X.1.7.4: affiliate in the new MC system before leaving the old",
                  expect=EXPECT_MAKE_BEFORE_BREAK)
model.add_variant("free_chain", lambda: build(make_before_break=False, fixed_chain=False),
                  doc="as published, migrating to any other MC system each time (revisits)",
                  expect=EXPECT_BREAK_BEFORE_MAKE)
model.add_variant("switch_off", lambda: build(make_before_break=False, switch_off=True),
                  doc="as published; UE 1 may be switched off for good at any point",
                  baseline="break_before_make",
    expect={**EXPECT_BREAK_BEFORE_MAKE,
            "registration-consistent": "violated",
            "affiliation-consistent": "violated"})
model.add_variant("lossy_deaffiliation",
                  lambda: build(make_before_break=False, lossy_leaving=True),
                  doc="as published; the network may lose what UE 1 exchanges with the MC "
                      "system it leaves (its de-affiliation and de-registration, and their "
                      "answers)",
                  baseline="break_before_make",
    expect={**EXPECT_BREAK_BEFORE_MAKE,
            "registration-consistent": "violated",
            "affiliation-consistent": "violated"})
model.add_variant("make_before_break_lossy",
                  lambda: build(make_before_break=True, lossy_leaving=True),
                  doc="make-before-break; the network may lose what UE 1 exchanges with the MC "
                      "system it leaves (its de-affiliation and de-registration, and their "
                      "answers)",
                  baseline="make_before_break",
    expect={**EXPECT_MAKE_BEFORE_BREAK,
            "registration-consistent": "violated",
            "affiliation-consistent": "violated"})
model.add_variant("call_at_partner",
                  lambda: build(make_before_break=False, call_at_partner=True),
                  doc="as published, with the group call already ongoing in partner MC system "
                      "B (members it serves take part): at B step 4's first case applies, the "
                      "partner initiates late entry; at C the second",
                  baseline="break_before_make",
    expect={**EXPECT_BREAK_BEFORE_MAKE,
            "late-entry-by-partner-in-call": "witnessed only with group_document=all_ids"})
model.add_variant("fix_group_lists_partner_ids",
                  lambda: build(make_before_break=False, documents=("all_ids",)),
                  doc="candidate fix: step 3 requires the group document to list the partner MC "
                      "service ID before the client migrates (X.1.7.5 made normative)",
                  expect={"group-continuity": "violated"})  # diffed against break_before_make
# Issue 70 item 1: user 1 has a second UE that stays at A, affiliated to G under the same MC
# service ID; step 1 names no scope for its de-affiliation (TS 23.280 10.8.2 makes it
# mandatory). Pinned: group_document=all_ids, break-before-make.
model.add_variant("second_ue",
                  lambda: build(make_before_break=False, documents=("all_ids",),
                                deaffiliation_scopes=("this_client", "all_clients")),
                  doc="as published, user 1 with a second UE that stays at A, affiliated to "
                      "G: explores the scope of step 1's de-affiliation (deaffiliation_scope). "
                      "Pinned: group_document=all_ids, break-before-make",
                  baseline="break_before_make",
                  expect={"group-continuity": "violated",
                          "second-ue-keeps-group":
                              "violated only with deaffiliation_scope=all_clients"})
model.add_variant("fix_deaffiliation_this_client",
                  lambda: build(make_before_break=False, documents=("all_ids",),
                                deaffiliation_scopes=("this_client",)),
                  doc="candidate fix, one sentence in step 1: the MC service client requests "
                      "de-affiliation for itself only, not for every client of its MC service "
                      "ID",
                  baseline="second_ue",
                  expect={"group-continuity": "violated"})
LATE_ENTRIES = ("late-entry-after-primary-to-partner", "late-entry-after-partner-to-partner",
                "late-entry-after-partner-to-primary")
# Issue 70 item 5: an ID assigned at authentication (X.1.6's other case) cannot be listed in
# the group document before the migration. The document lists every ID of user 1 known to
# the host (group_document=all_ids): pre-provisioned, or, at authentication, only what the
# primary is told and the document then gains (document_update). Break-before-make.
model.add_variant("ids_at_authentication",
                  lambda: build(make_before_break=False, documents=("all_ids",),
                                partner_ids=("pre_provisioned", "at_authentication")),
                  doc="as published, the partner informing the primary (X.1.6): explores "
                      "whether user 1's partner MC service ID was exchanged before the "
                      "migration or assigned at authentication (partner_id_known), and "
                      "whether G's group document gains it when the primary is informed "
                      "(document_update). Pinned: group_document=all_ids, break-before-make",
                  baseline="break_before_make",
                  expect={"group-continuity": "violated",
                          **{p: "violated only with partner_id_known=at_authentication and "
                                "document_update=static"
                             for p in ("member-gets-media-after-migration",
                                       "rejoins-when-affiliated")},
                          **{p: "witnessed only with partner_id_known=pre_provisioned or "
                                "document_update=on_notification" for p in LATE_ENTRIES},
                          "partner-id-listed-on-notification":
                              "witnessed only with document_update=on_notification"})
model.add_variant("fix_document_updated_on_notification",
                  lambda: build(make_before_break=False, documents=("all_ids",),
                                partner_ids=("pre_provisioned", "at_authentication"),
                                document_updates=("on_notification",)),
                  doc="candidate fix, one sentence in step 3: where the partner MC service ID "
                      "was not exchanged before the migration, the group document of the "
                      "group gains it when the primary MC system is informed of it (X.1.6)",
                  baseline="ids_at_authentication",
                  expect={"group-continuity": "violated"})

# The free transaction timer, with the group document listing the partner IDs (so that a
# refusal plays no part): a client may give up a REGISTER or an affiliation whose answer is
# merely slow (assumption timeout-gives-up), and the MC system keeps what it granted.
FREE_TIMER = "violated only with transaction_timeout=free"
model.add_variant("slow_answers",
                  lambda: build(make_before_break=False, documents=("all_ids",),
                                timeouts=FREE_AND_READING, register_failures=REGISTER_FAILURES),
                  doc="as published, the group document listing the partner IDs; client 1's "
                      "transaction timer is free beside the reading that it outlasts the "
                      "answer; explores what client 1 does when its REGISTER times out "
                      "(register_failure)",
                  baseline="break_before_make",
                  expect={"member-gets-media-after-migration": FREE_TIMER,
                          "registration-retried": "witnessed only with "
                                                  "transaction_timeout=free and "
                                                  "register_failure=retries",
                          "group-continuity": "violated",
                          "registration-consistent": FREE_TIMER,
                          "affiliation-consistent": FREE_TIMER,
                          "rejoins-when-affiliated": FREE_TIMER})
# What a client does once step 2 or 3 failed after step 1 (after_break: give up, or return
# to the MC system it left), beside retrying the REGISTER (register_failure), under both
# timer readings: the world in which no-way-back-after-break is judged a gap (issue 58).
# One migration (A to B, and a return to A): the finding needs one, and the whole chain
# with returns outgrows the machine (more than 4 million states with two migrations).
model.add_variant("slow_answers_after_break",
                  lambda: build(make_before_break=False, documents=("all_ids",),
                                timeouts=FREE_AND_READING, register_failures=REGISTER_FAILURES,
                                after_breaks=AFTER_BREAK, max_migrations=1),
                  doc="slow_answers with one migration, exploring what client 1 does when its "
                      "REGISTER or affiliation times out after step 1 (after_break: give up, "
                      "or return to the MC system it left) beside retrying the REGISTER "
                      "(register_failure)",
                  baseline="slow_answers",
                  # as observed: the client fails whatever it does after the failure (it gives
                  # up, retries the REGISTER, or returns, whose own REGISTER or affiliation
                  # can time out as well), only with the free timer
                  expect={"member-gets-media-after-migration": FREE_TIMER,
                          "registration-retried": "witnessed only with "
                                                  "transaction_timeout=free and "
                                                  "register_failure=retries",
                          **{f"rejoined-after-{failed}-failed":
                             "witnessed only with transaction_timeout=free and "
                             "after_break=return" for failed in ("register", "affiliation")},
                          "group-continuity": "violated",
                          "registration-consistent": FREE_TIMER,
                          "affiliation-consistent": FREE_TIMER,
                          "rejoins-when-affiliated": FREE_TIMER,
                          # one migration (A to B): the other two kinds need the chain
                          "late-entry-after-partner-to-partner": "never",
                          "late-entry-after-partner-to-primary": "never"})
model.add_variant("make_before_break_slow_answers",
                  lambda: build(make_before_break=True, documents=("all_ids",),
                                timeouts=FREE_AND_READING),
                  doc="make-before-break, the group document listing the partner IDs; client "
                      "1's transaction timer is free beside the reading that it outlasts the "
                      "answer (the candidate fix of no-way-back-after-break: slow_answers with "
                      "make-before-break, X.1.4.1)",
                  baseline="slow_answers",
                  expect={"registration-consistent": FREE_TIMER,
                          "affiliation-consistent": FREE_TIMER})


# -- reviewed findings (models/README.md explains each; diagrams/findings.md is generated) --
model.finding(
    "group-document", prop="rejoins-when-affiliated", variants=("break_before_make", "free_chain"),
    reading="the group document lists only the primary ID (group_document=primary_only): step 3 "
            "does not require the partner ID that X.1.7.5, informative, says it 'will contain'",
    cls=CHOICE, fix="fix_group_lists_partner_ids",
    title="If the group document lists only the primary ID, a client migrating "
          "break-before-make is left outside the group call",
    why="X.1.7.5 (informative) says that 'If the MC user is to participate in groups that it "
        "is a member of in the primary MC system, the group document for that group will "
        "contain the MC service ID from the partner MC system', and X.1.4.1 lets a client "
        "affiliate in the new MC system first 'if the group contains the MC service IDs of the "
        "MC user for both the first and the second MC systems'; 10.16.2.2 requires neither. "
        "Under primary_only the refusal may be right for a user not meant to take part; the "
        "defect is that 10.16.2.2 checks nothing before step 1 leaves the old MC system, so a "
        "client whose partner ID the document lacks is left outside the call. Proposed "
        "change: add a 10.16.2.2 pre-condition that the group document lists the user's "
        "partner MC service ID (X.1.7.5 made normative). It covers IDs exchanged before the "
        "migration only: where the partner assigns the ID at authentication (X.1.6) the "
        "pre-condition cannot be met, and the fix's variant fails the property there too "
        "(partner-id-unlistable)")
model.finding(
    "partner-id-unlistable", prop="rejoins-when-affiliated", variants=("ids_at_authentication",),
    cls=CHOICE, fix="fix_document_updated_on_notification",
    facts=(GROUP_MEMBERSHIP_UPDATE_ACROSS_SYSTEMS.bears(
        AGAINST, "document_update=static: an authorised user may ask for the ID to be added, "
                 "by an administrative request that no migration triggers"),),
    reading="the partner MC system assigns the MC service ID at authentication "
            "(partner_id_known=at_authentication, X.1.6's case without pre-provisioning) and "
            "the group document stays as provisioned when the primary is informed of it "
            "(document_update=static): nothing in the excerpts updates it",
    clauses=("10.16.2.2 step 3", "X.1.6", "X.1.7.5"),
    title="A partner MC service ID assigned at authentication cannot be in the group "
          "document: the client cannot rejoin",
    why="violated only with partner_id_known=at_authentication and document_update=static, "
        "though the group document lists every MC service ID of user 1 known before the "
        "migration (group_document=all_ids): X.1.6 has the client learn its partner MC "
        "service IDs at authentication, in the access token, and only 'in the case of "
        "pre-provisioning' may the two MC systems have exchanged them before; X.1.7.5 says "
        "the group document 'will contain' the partner ID. Step 3's affiliation by an ID the "
        "document cannot yet list is refused, so the client is left outside the call for "
        "reasons no provisioning can avoid (the group-document finding is the provisioned "
        "case). No procedure in the excerpts updates the group document when the partner "
        "informs the primary; the group membership update found outside them is an "
        "authorised user's administrative request (not seen in full), which no migration "
        "triggers. "
        "Proposed change: step 3 says that, where the partner ID was not exchanged before "
        "the migration, the document of a group defined in the primary MC system gains it "
        "when the primary MC system is informed of it (fix_document_updated_on_notification: "
        "holds)")
model.finding(
    "second-ue-deaffiliated", prop="second-ue-keeps-group", variants=("second_ue",),
    cls=CHOICE, fix="fix_deaffiliation_this_client",
    facts=(DEAFFILIATION_SCOPE.bears(DECIDES, "deaffiliation_scope: the request's scope is "
                                              "mandatory, this client or every client"),
           SEVERAL_UES_PER_USER.bears(SUPPORTS, "a user may be active on several UEs")),
    reading="step 1's de-affiliation request names every client at which user 1's MC service "
            "ID is logged on (deaffiliation_scope=all_clients): step 1 says 'requests "
            "de-affiliation from MC service groups', not for which clients",
    clauses=("10.16.2.2 step 1",),
    title="A migrating UE's de-affiliation may take the group from the user's other UE, "
          "which stays in the primary MC system",
    why="violated only with deaffiliation_scope=all_clients: an MC service user may be "
        "active on more than one UE at a time, and the de-affiliation request of the "
        "procedure step 1 cites carries a mandatory scope, the requesting client only or "
        "every client at which the MC service ID is logged on. Step 1 has the migrating "
        "client request de-affiliation 'from MC service groups' without saying which, so a "
        "client that names every client removes group G from user 1's second UE, which "
        "stays at A and never migrates: it leaves the call although nothing moved it. "
        "Proposed change: step 1's de-affiliation is for the migrating MC service client "
        "only (fix_deaffiliation_this_client: holds)")
model.finding(
    "media-gap", prop="group-continuity",
    reading="break-before-make, which X.1.4.1 allows and X.1.7.4 says leaves a period without the "
            "group call's media (a trade-off the text states, not a reading)",
    variants=("break_before_make", "free_chain", "fix_group_lists_partner_ids"),
    cls=TRADE_OFF, fix="make_before_break",
    title="Break-before-make leaves the client without the group call's media",
    why="X.1.7.4 says that a client that de-affiliates before it affiliates on the new MC "
        "system leaves 'a period when the media for that group call will not be available'. The "
        "property judges what the client believes: it is violated as client 1 sends its "
        "de-affiliation (10.16.2.2 step 1), while A may still send the media until it takes "
        "it. make_before_break, shown below as the candidate fix, is the alternative the "
        "text offers (X.1.4.1), not a change to it. Proposed change: none: a trade-off the "
        "text states; make-before-break (X.1.4.1) avoids it")
model.finding(
    "no-way-back-after-break", prop="member-gets-media-after-migration",
    variants=("slow_answers", "slow_answers_after_break"), cls=CHOICE,
    fix="make_before_break_slow_answers",
    facts=(
        SIP_TRANSACTIONS.bears(SUPPORTS, "transaction_timeout=free: Timer F may expire while "
                                         "the REGISTER's or the affiliation's answer is merely "
                                         "slow"),
        AFFILIATION_FLOWS.bears(SUPPORTS, "the affiliation is a request the client awaits an "
                                          "answer to, so its transaction can time out"),
    ),
    reading="a client whose REGISTER or affiliation times out after step 1 has left the old MC "
            "system stops trying after a bounded number of attempts: it gives up, sends its "
            "REGISTER once more (register_failure=retries) or goes back once to the MC system "
            "it left (after_break=return). 10.16.2.2 has no step for the failure, and a client "
            "that keeps sending its requests until an answer arrives in time gets back into "
            "the call, since the MC system answers each request at last where no message is "
            "lost (transaction_timeout=outlasts_answer stands for that client)",
    title="A client that migrated break-before-make and stops trying once its REGISTER times "
          "out stays outside the group call",
    why="violated only with transaction_timeout=free, whatever register_failure is, in 8 "
        "steps: the REGISTER at B times out while it or B's answer is on its way, "
        "after step 1 has de-affiliated and de-registered the client at A (the model reads "
        "step 1's 'de-authorizes' as a SIP de-registration, itself a reading), and the client "
        "gives up (register_failure=gives_up); a client that sends its REGISTER once more "
        "(register_failure=retries) fails the same way once the second one's timer expires "
        "too, and a client that goes back to the MC system it left (after_break=return, in "
        "slow_answers_after_break, with one migration) fails once the return's REGISTER or "
        "affiliation times out as well. Why a reading and not a gap: a client that gives "
        "up, sends its REGISTER once more or goes back once stops after a bounded number of "
        "attempts (assumption register-retries-bounded); more attempts only postpone "
        "the failure, but a client that never stops trying is not kept out. Where no message "
        "is lost, B answers every REGISTER at last, and a client that sends its request "
        "again until an answer arrives in time runs as a client that waits for the answer "
        "does, the reading under which the property holds (unbounded attempts are argued, "
        "not explored: they would fill the channels; with loss, not declared here, one that "
        "keeps trying at an unreachable B stays out). So the finding turns on what the client "
        "does when step 2 or 3 fails after step 1, on which 10.16.2.2 is silent. A timer that "
        "expires right after the send, as in the chart, stands for B out of reach, or its "
        "answer delayed, for more than Timer F's 128 s. Make-before-break (X.1.4.1) holds "
        "under both: make_before_break_slow_answers, the candidate fix. "
        "Proposed change: none until the "
        "meeting says whether a client keeps trying; if it need not, 10.16.2.2 says what it "
        "does when step 2 or 3 fails after step 1 (return to the old MC system, for "
        "instance), or performs step 1 only once steps 2 and 3 have succeeded (X.1.4.1's "
        "make-before-break)")
model.finding(
    "ghost-affiliation", prop="affiliation-consistent",
    charts=(Chart(under=("group_document=all_ids",)),),
    facts=(
        REGISTRATION_EXPIRY.bears(LEFT_OUT, "and the affiliation's own expiry (TS 24.379), which "
                                            "the model gives no lifetime either"),
        SIP_TRANSACTIONS.bears(SUPPORTS, "transaction_timeout=free, in the slow_answers "
                                         "variants: an affiliation given up while its answer "
                                         "is merely slow"),
    ),
    reading="no reading of our text removes the affiliation: 10.16.2.2 step 1 and 10.8.4.2 assume "
            "the de-affiliation arrives, and the lifetimes that would expire it (TS 24.229, TS "
            "24.379) are not in our text",
    variants=("lossy_deaffiliation", "make_before_break_lossy", "switch_off", "slow_answers",
              "slow_answers_after_break", "make_before_break_slow_answers"),
    cls=MODEL_ARTEFACT,
    title="The model gives an affiliation no lifetime, so a lost de-affiliation leaves "
          "the group's MC system affiliating an unused ID",
    why="the model leaves out the lifetimes below the text: an affiliation expires unless "
        "refreshed (TS 24.379) and a registration with it (TS 24.229; RFC 3261 10.2.1.1), "
        "facts from outside the excerpts and the fact sheet (a reader who doubts them reads "
        "the finding as a gap of 10.16.2.2 step 1), and stage 2 relies on "
        "them as it relies on signalling arriving; with loss, or a client that gives up on a "
        "slow answer, no clean-up can keep affiliation-consistent true at every quiescent "
        "instant (nothing in flight) before the lifetime expires, and what the model shows "
        "is only that nothing at the MC layer removes it before the lifetime would. The chart "
        "is drawn with group_document=all_ids, so that group-document's refusal is not mixed "
        "in")
model.finding(
    "ghost-registration-group", prop="registration-consistent",
    charts=(Chart(under=("group_document=all_ids",)),),
    facts=(
        REGISTRATION_EXPIRY.bears(LEFT_OUT),
        SIP_TRANSACTIONS.bears(SUPPORTS, "transaction_timeout=free, in the slow_answers "
                                         "variants: a REGISTER given up while its answer is "
                                         "merely slow"),
    ),
    reading="no reading of our text removes the registration: the de-registration is assumed to "
            "arrive, and SIP registration expiry (TS 24.229) is not in our text",
    variants=("lossy_deaffiliation", "make_before_break_lossy", "switch_off", "slow_answers",
              "slow_answers_after_break", "make_before_break_slow_answers"),
    cls=MODEL_ARTEFACT,
    title="The model gives a registration no lifetime, so a lost de-registration or a "
          "given-up REGISTER leaves a registration nothing removes",
    why="the same root as ghost-affiliation, and its chart is the same run as that page's "
        "(both properties fail at its last step). The expiry this class rests on "
        "(RFC 3261 10.2.1.1; TS 24.229) is "
        "outside the excerpts and the fact sheet: a reader who doubts it reads the "
        "finding as a gap of 10.16.2.2 step 1. "
        "The model leaves out SIP registration expiry "
        "(TS 24.229), which removes a registration its UE stops refreshing or never learnt "
        "of; with loss, or a client that gives up on a slow answer, no clean-up keeps "
        "registration-consistent true at every quiescent instant (nothing in flight) before "
        "the registration would expire. The chart is drawn with group_document=all_ids, "
        "so that group-document's refusal is not mixed in")
