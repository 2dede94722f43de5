"""Shared declarations of the migration models: MC service IDs and the messages of the
spec's information flows. Model files import these, so one message has one declaration.

MC service IDs are written "user@system": the MC service ID of `user` assigned by MC
system `system` (A, B or C). The user's primary MC system assigns its primary ID.
"""

from __future__ import annotations

from mcfsm import M, Message, O

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


def user_of(mc_service_id: str) -> str:
    return mc_service_id.rsplit("@", 1)[0]


def kms_uri(system: str) -> str:
    """The KMS URI of an MC system's security domain (TS 33.180)."""
    return f"kms.{system}"


# -- registration and migration (X.1.4 - X.1.6) ---------------------------------------------
class Registration(Message, clause="X.1.2 item 6; X.1.6"):
    primary_id: str = M("MC service ID of the user in its primary MC system")


class RegistrationResponse(Message, clause="X.1.6 (MC service IDs in the access token)"):
    mc_service_id: str = M("MC service ID the serving MC system assigned")


class Deregistration(Message, clause="10.16.2.2 step 1; X.1.4.1"):
    mc_service_id: str = M("MC service ID the client de-registers")


class MigrationNotification(Message, clause="X.1.6; TS 23.379 10.6.3.3"):
    primary_id: str = M("MC service ID of the user in its primary MC system")
    partner_id: str = M("MC service ID the partner MC system assigned")


# -- private calls (10.16.5, TS 23.379 10.7.2.1.1) -------------------------------------------
class PrivateCallRequest(Message, clause="10.16.5.3 step 1; TS 23.379 10.7.2.1.1"):
    calling_id: str = M("MC service ID of the calling party")
    called_id: str = M("MC service ID of the called party")
    calling_primary_id: str | None = O("the caller's primary MC service ID, when migrated (X.1.7.3)")
    redirection_indication: bool | None = O("call redirection due to migration (CR 000, NOTE 2)")


class PrivateCallRedirection(Message, clause="Table 10.16.5.2-1"):
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


class CallRelease(Message, clause="TS 23.379 10.7.2.1.3"):
    calling_id: str = M("MC service ID of the calling party")
    called_id: str = M("MC service ID of the called party")


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
    """The primary records the MC service ID a partner assigned (X.1.6)."""
    primary = ctx.msg.primary_id
    ctx.v.bindings = frozenset({*(b for b in ctx.v.bindings if b[0] != primary),
                                (primary, ctx.msg.partner_id)})


def primary_binding_fresh(v) -> bool:
    """When user 2 is registered and nothing about its registration is in flight, the
    primary MC system knows its current MC service ID (none when it is home)."""
    c2 = v["client2"]
    if c2.state != "registered" or any(
            v.in_flight(m) for m in (MigrationNotification, Registration, Deregistration)):
        return True
    known = dict(v["serverA"].bindings).get(USER2_PRIMARY, "")
    return known == ("" if c2.serving == "A" else c2.current_id)
