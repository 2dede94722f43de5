"""Progress properties of the migration models (issue 8), declared apart from the model
files so that each model adds them with one line. Each holds on every *fair* behaviour:
the models declare `System(fairness="weak")`, i.e. every role keeps taking its own steps
(receiving, answering, forwarding) while it has one to take (TLA+'s WF per instance),
and environment events (a user calls, a UE decides to migrate, a group call ends) are
not fair: a fair behaviour may stop migrating at any point, which is how "once
migrations stop" is expressed. models/README.md explains each verdict.
"""

from __future__ import annotations

from _mc import USER2_PRIMARY

from mcfsm import Property
from mcfsm.lang.properties import leads_to

FAIRNESS = "weak"


def call_ends(caller: str) -> Property:
    """A call to the migrated user ends connected or released with a cause (failed)."""
    return leads_to(f"{caller}-call-to-migrated-user-ends",
                    lambda v: v[caller].state in ("calling", "awaiting_kms"),
                    lambda v: v[caller].state in ("connected", "failed"),
                    clause="10.16.5.3 steps 1-4; TS 23.379 10.7.2.1.1",
                    doc="once migrations stop, a call to user 2 connects or is released "
                        "with a cause")


def _primary_knows(v) -> bool:
    c2 = v["client2"]
    if c2.state != "registered":
        return True  # moving on: a new obligation opens when it is registered again
    known = dict(v["serverA"].bindings).get(USER2_PRIMARY, "")
    return known == ("" if c2.serving == "A" else c2.current_id)


def primary_learns_current_id() -> Property:
    return leads_to("primary-learns-current-id",
                    lambda v: v["client2"].state == "registered", _primary_knows,
                    clause="X.1.6; X.1.4.1; 10.16.5.3 pre-condition 3",
                    doc="whenever user 2 is registered somewhere, the primary MC system "
                        "eventually holds its current MC service ID (none when at home)")


def suspended_call_resumed_or_released(restricted: bool = False) -> Property:
    """`restricted`: client 1 has the state in which local call restrictions left it with
    the mark kept (private_call_migration's restricted_resumption), where it still holds
    the call suspended."""
    holding = ("releasing", "released", "registering", "retrieving_profile", "ready",
               "resuming", *(("restricted",) if restricted else ()))
    return leads_to("suspended-call-resumed-or-released",
                    lambda v: v["client1"].suspended,
                    # released (refused), or switched off: no state in which it still acts
                    lambda v: not v["client1"].suspended or v["client1"].state not in holding,
                    clause="10.16.3.2 step 3",
                    doc="a private call suspended for a migration is eventually re-initiated "
                        "and accepted, or released (refused), or its mark removed, unless UE "
                        "1 is switched off")


# The group client's states but "off" (switched off), named without naming "off", which
# only the switch-off variants declare.
GROUP_CLIENT_STATES = ("joined", "registering", "retrieving_profile", "affiliating",
                       "awaiting_late_entry", "holding", "unaffiliated", "call_over")


def member_gets_media_after_migration() -> Property:
    return leads_to("member-gets-media-after-migration",
                    lambda v: v["client1"].state == "registering",
                    lambda v: bool(v["client1"].joined) or not v["serverA"].call_ongoing
                    or v["client1"].state not in GROUP_CLIENT_STATES,  # switched off
                    clause="10.16.2.1; 10.16.2.2 step 4; X.1.7.4",
                    doc="a group member that migrates during the group call eventually "
                        "receives it again in some MC system (or the call has ended, or the UE "
                        "was switched off)")


def old_registration_released() -> Property:
    return leads_to("old-registration-released",
                    lambda v: v["client1"].call_over and bool(v["client1"].old_system),
                    lambda v: not v["client1"].old_system,
                    clause="X.1.4.1; X.1.7.4",
                    doc="once the group call is over, a client that kept its old registration "
                        "(make-before-break) eventually releases it")
