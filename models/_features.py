"""What the MC features that migration meets say, as Facts (issue 70, item 1): declarations
only, no model. Each Fact states, in our own words (never quoted), what one clause of a
neighbouring specification says about a feature that acts on a private call, a group call,
a registration, a user profile or an MC service ID (TS 23.379 MCPTT, TS 23.281 MCVideo,
TS 23.282 MCData, TS 23.280 common functions, TS 33.180 security; a few stage 3 clauses of
TS 24.379 where the stage 2 clause was not seen), or about the world around the three
systems: several UEs per user, systems not all interconnected, IDs that outlive their user,
who may learn a partner ID, a KMS URI or a location, who verifies an asserted identity.

Models import from here (`from _features import DEAFFILIATION_SCOPE`, with `models/` on the
path as for `_mc`) and name a fact on the finding it bears on:
`facts=(DEAFFILIATION_SCOPE.bears(DECIDES),)`. models/DIMENSIONS.md, section "Migration among
the features it meets", is the feature-interaction matrix that says which step of which
procedure each fact meets and what it became.

The clause cited is the one seen in a stored public copy (tech-invite.com and itecspec.com
clause pages, the OrganizedProgrammers 3GPPSpecContent viewer pages). `confirmed=False` where
only part of the clause, its table of contents or a neighbouring clause that cites it was
seen; the comment beside it says which. `favours` names only parameters that a model
declares (grep models/*.py for `Param(`). None of these facts is in the fact sheet
(spec/context/FACTS.md) except where `items` says so, and no name clashes with `_mc.py`'s.
"""

from __future__ import annotations

from mcfsm import Fact

# -- topology and time: several UEs, systems not all interconnected, IDs outliving users -----
SEVERAL_UES_PER_USER = Fact(
    "several-ues-per-user", clause="TS 23.280 10.1.4.1",
    says="one MC service user may be active on more than one MC service UE at the same time, "
         "each UE with its own active user profile, or use different profiles on one UE at "
         "different times; the user may also hold profiles meant only for migration, one per "
         "partner MC system, which the partner receives by procedure")
DEAFFILIATION_SCOPE = Fact(
    "deaffiliation-scope",
    clause="TS 23.280 10.8.2 (MC service group de-affiliation request, client to server and "
           "server to server)",
    says="every de-affiliation request carries a mandatory scope: it removes the affiliation "
         "of the requesting MC service client only, or of every client at which the same MC "
         "service ID is logged on",
    items=(7,))
SAKKE_TO_SELF = Fact(
    "sakke-to-self", clause="TS 33.180 E.5; E.3.1",
    says="where the initiating user is attached through more than one UE, an optional second "
         "SAKKE payload encrypts the private call key to the initiator's own identity so its "
         "other UEs can join; for a private call key carried beyond one MC system the "
         "initiator is recommended to include it")
INTERCONNECTED_CLIENTS_USE_OWN_SERVER = Fact(
    "interconnected-clients-use-own-server", clause="TS 33.180 5.1.4.2",
    says="across interconnected MC systems a client always connects to the MC servers of its "
         "own primary system and the servers talk to each other; inter-domain user service "
         "authorisation, with the partner IdMS holding the primary IdMS certificates "
         "provisioned out of band, is used for migration, not for interconnection",
    confirmed=False)  # the text seen beside Figure 5.1.4.2-1; its own number not shown
PARTNER_ROUTING_BY_ID = Fact(
    "partner-routing-by-id", clause="TS 24.379 H.3 (Table H.3-1)",
    says="when the called MCPTT user is in another domain, the controlling function maps the "
         "called MCPTT ID to the public service identity of an interrogating function in the "
         "partner network, which finds the terminating participating function by that ID; "
         "the calling user's MCPTT ID travels in the body, its public user identity in the "
         "asserted-identity header")
INTERCONNECTION_REQUIREMENTS = Fact(
    "interconnection-requirements",
    clause="TS 23.280 5.2.9, 5.2.10.4, 5.2.10.7; TR 23.781 5.1.3, 5.1.10",
    says="the architecture sets separate requirements for migration, for private calls "
         "between interconnected MC systems and for hiding an MC system's topology from its "
         "partners; the migration and interconnection study named the authorisation of "
         "interconnection private calls and topology hiding as key issues",
    confirmed=False)  # tables of contents only: the requirement texts were not seen
PARTNER_SHARES_NO_USER_INFO = Fact(
    "partner-shares-no-user-info", clause="TS 23.379 10.6.2.4.1.1.1 (pre-conditions)",
    says="what user information primary and partner MCPTT systems share is governed by the "
         "agreement between their providers; the procedure considers a partner that does not "
         "share its users' information with the primary")
CONFIGURATION_SHARED_FOR_MIGRATION = Fact(
    "configuration-shared-for-migration", clause="TS 23.280 7.5.2.16, 7.5.2.17",
    says="configuration management servers of different MC systems share the user "
         "configuration of users permitted to migrate between them, and group management "
         "servers share the configuration of groups that take part in interconnected group "
         "calls",
    confirmed=False)  # the reference point descriptions were cut off after one sentence
MIGRATION_USERS_ADDED_OR_REMOVED = Fact(
    "migration-users-added-or-removed", clause="TS 23.280 10.17.5.1, 10.17.5.2",
    says="an authorised user of the primary MC system asks, through administrative "
         "configuration management, a partner MC system to add or remove a list of its users "
         "for migration there; the partner's server assesses and answers the request, so the "
         "set of users that may migrate changes over time",
    confirmed=False)  # 10.17.5.1 and the start of 10.17.5.2 seen; the removal flow not
GROUP_MEMBERSHIP_UPDATE_ACROSS_SYSTEMS = Fact(
    "group-membership-update-across-systems",
    clause="TS 23.280 10.17 (group membership update request and response between primary "
           "and partner MC systems)",
    says="an authorised user in the primary MC system can ask a user in the partner MC system "
         "to add MC service IDs to, or delete them from, a group, with an urgency; it is an "
         "administrative request between users, not triggered by any migration",
    confirmed=False)  # the information flow tables seen, their clause numbers not
RAILWAY_MIGRATION_STUDY = Fact(
    "railway-migration-study", clause="TR 23.700-90 (scope)",
    says="a later study found that the interconnection and migration work did not fully "
         "meet railway needs and set out to identify gaps in the existing migration and "
         "interconnection mechanisms before further normative work",
    confirmed=False)  # its scope and references seen; its key issues not

# -- identity: who is an ID, who verifies it, who learns what ---------------------------------
MIGRATED_ID_FOR_ALL_COMMUNICATIONS = Fact(
    "migrated-id-for-all-communications",
    clause="TS 23.280 10.16.5.1 (the general text before Table 10.16.5.2-1)",
    says="once migrated, a user is given a new MC service ID by the MC system it migrated to "
         "and uses it for all its communications; callers that know that ID call it "
         "directly, and callers that do not still reach the user by its primary MC service "
         "ID through a redirection by the primary's MC service server",
    # a primary that answers a call for its migrated user with a redirection
    favours=("primary_routing=redirect",),
    confirmed=False)  # the text seen; the clause number is inferred from its place
PARTICIPATING_BINDS_CALLING_ID = Fact(
    "participating-binds-calling-id", clause="TS 24.379 11.1.5.3.1 (steps 2 and 2a, NOTE 1)",
    says="the caller's own participating function takes the calling MCPTT ID from the "
         "binding it made, at service authorisation, between that ID and the public user "
         "identity the SIP core asserts, and rejects a request for which no binding exists "
         "or whose binding has expired; no such binding covers any other ID the request "
         "carries",
    confirmed=False)  # seen for the call-back request; the same rule for an INVITE not seen
PCK_SIGNED_BY_INITIATOR = Fact(
    "pck-signed-by-initiator", clause="TS 33.180 E.3.1",
    says="the MIKEY-SAKKE message of a private call names the initiator's and the receiver's "
         "MC service user IDs and both KMS URIs, encrypts the private call key to the "
         "receiver's identity and is signed with the initiator's identity, so the receiver "
         "verifies the ID the initiator signs with and nothing else the call asserts")
IDENTITY_IS_TIME_BOUND = Fact(
    "identity-is-time-bound", clause="TS 33.179 E.1.0; TS 33.180 F.2.1",
    says="the identity a key is encrypted to or signed with is derived from the MC service "
         "user ID together with the current key period, so key material is issued per ID and "
         "period by the KMS of that ID's domain, to whoever holds the ID in that period",
    confirmed=False)  # seen in TS 33.179 (Release 13); TS 33.180 F.2.1 cited, not read
KMS_URI_NEEDED_AT_BOTH_ENDS = Fact(
    "kms-uri-needed-at-both-ends", clause="TS 33.180 5.2.7.2",
    says="each user's security domain (its KMS URI) is recorded with its MC service ID in "
         "the configuration; the UE initiating an MCPTT or MCVideo private call or an MCData "
         "one-to-one transfer needs the receiver's KMS URI, and the receiving UE needs the "
         "initiator's")
KMS_DISCOVERY_LOOKUP = Fact(
    "kms-discovery-lookup", clause="TS 33.180 D.1",
    says="besides initialisation, key provisioning and certificate requests, a key management "
         "client can send discovery lookup and discovery upload requests to a KMS over HTTPS",
    # a client without a KMS URI has a request to learn it (CR 001's table NOTE names it)
    favours=("kms_without_uri=lookup", "callee_kms_unknown=lookup"),
    confirmed=False)  # the list of requests seen; D.2's discovery request itself not
HOME_MIGRATION_EXTERNAL_KMS = Fact(
    "home-migration-external-kms", clause="TS 33.180 5.3.1.1, 5.3.1.2",
    says="a key management client has exactly one home KMS, and any number of migration KMSs "
         "(domains it temporarily belongs to while migrated) and external KMSs (domains it "
         "only communicates with); the home KMS is the source of certificates for partner "
         "domains")
IDENTITY_HIDING = Fact(
    "identity-hiding", clause="TS 33.180 5.2.6",
    says="a key distribution message may carry hashed identities instead of URIs; the "
         "receiver checks the signature, decrypts, then recovers the initiator's URI and "
         "checks it against the hashed identity, so the parties' IDs are hidden from the "
         "path")

# -- private call features (TS 23.379 10.7, 10.14, 10.15; TS 23.281 7.2, 7.4, 7.6) ------------
PRIVATE_CALL_REQUEST_ELEMENTS = Fact(
    "private-call-request-elements", clause="TS 23.379 10.7.2.1.1 (Table 10.7.2.1.1-1)",
    says="the MCPTT private call request names the calling MCPTT ID, optional functional "
         "aliases of both parties and the called MCPTT ID, whether floor control is used, an "
         "SDP offer, a requested commencement mode, an implicit floor request, the calling "
         "party's location, a requested priority, and whether the call results from a "
         "transfer, a forwarding or a remotely initiated call request",
    items=(12,))
COMMENCEMENT_MODES = Fact(
    "commencement-modes", clause="TS 23.379 10.7.1; TS 23.281 7.2.2.3.1 (pre-conditions)",
    says="a private call is set up in automatic or manual commencement mode; automatic "
         "applies when the calling user requested it or when the called client is set to "
         "it, so the called side's own setting decides a call that requests none")
EMERGENCY_PRIVATE_CALL_STATE = Fact(
    "emergency-private-call-state", clause="TS 24.379 G.9 (citing TS 23.379 10.7.2.4.1)",
    says="the controlling function that accepts an emergency private call keeps an "
         "in-progress emergency state for the call and its two users: every private call "
         "between them is an emergency private call until that state is cancelled",
    # the new call of 10.16.3.2 step 3 is between the same two users
    favours=("resumed_kind=as_suspended",))
CLIENT_EMERGENCY_STATE = Fact(
    "client-emergency-state", clause="TS 24.379 G.1",
    says="a client enters the MCPTT emergency state when it starts an emergency alert, "
         "emergency group call or emergency private call, and leaves it only when the alert "
         "or call is cancelled or the user clears it; meanwhile its group calls are emergency "
         "group calls where the group allows them")
GROUP_EMERGENCY_STATE = Fact(
    "group-emergency-state", clause="TS 23.379 10.6.2.6.1.1",
    says="an emergency group call gives the initiating client elevated access and puts the "
         "group into an in-progress emergency state, kept by the MCPTT server, in which every "
         "call of the group is an emergency call until the state is cancelled; the client's "
         "emergency state lasts until its user cancels it")
IMMINENT_PERIL_GROUP_ONLY = Fact(
    "imminent-peril-group-only", clause="TS 24.379 4.6",
    says="the priority calls defined for MCPTT are emergency group calls, emergency private "
         "calls, emergency alerts and imminent peril group calls: imminent peril exists for "
         "group calls only",
    confirmed=False)  # table of contents only
LATE_ENTRY_ANY_GROUP_CALL = Fact(
    "late-entry-any-group-call", clause="TS 23.379 10.6.2.3.1.1.4",
    says="the MCPTT server brings a newly affiliated member, or one back from out of "
         "coverage, into an ongoing group call by late entry, and this applies to every kind "
         "of group call, emergency calls included")
PRIVATE_CALL_CALL_BACK = Fact(
    "private-call-call-back", clause="TS 23.379 10.7.4.1.1-10.7.4.1.4",
    says="a user may ask another user to call back: the request names both MCPTT IDs and an "
         "urgency, the response a result; a cancel request and response withdraw it")
CALL_BACK_STATE_BY_ID = Fact(
    "call-back-state-by-id", clause="TS 24.379 11.1.5.1; G.13",
    says="the requesting client stores the target's MCPTT ID with its call-back state and, "
         "once confirmed, expects a private call from that ID, which ends the state; the "
         "target client stores the requester's MCPTT ID, the urgency and the time of the "
         "request")
AMBIENT_LISTENING = Fact(
    "ambient-listening", clause="TS 23.379 10.14.1, 10.14.2.1",
    says="an ambient listening call is a private call in which the listened-to user sends "
         "media to the listening user with no indication on its UE; remotely initiated, the "
         "listened-to user is the called party and accepts silently; locally initiated, it "
         "is the calling party; the request names both MCPTT IDs and which type it is")
AMBIENT_VIEWING = Fact(
    "ambient-viewing", clause="TS 23.281 7.6 (Tables 7.6.2.1-1, 7.6.2.2-1)",
    says="MCVideo has the same feature as an ambient viewing call, remotely or locally "
         "initiated, with no indication on the viewed user's UE")
FIRST_TO_ANSWER = Fact(
    "first-to-answer", clause="TS 23.379 10.15.1, 10.15.2.1",
    says="a first-to-answer call invites a list of MCPTT IDs, or a functional alias several "
         "users may have active at once, and is set up with the first invited user to answer "
         "(the procedure's steps were not read, only its description and request flow)")
PRIVATE_CALL_FORWARDING = Fact(
    "private-call-forwarding", clause="TS 23.379 10.7.5.1",
    says="a user may have its incoming private calls forwarded to another user immediately, "
         "on no answer within a configured time (manual commencement calls), or by its own "
         "choice while the call rings; the forwarding request passes between MCPTT servers "
         "and names the user forwarding, the caller and the target")
PRIVATE_CALL_TRANSFER = Fact(
    "private-call-transfer", clause="TS 23.379 10.7.6.1, 10.7.6.2.1",
    says="a user may transfer an ongoing private call to a third user; the MCPTT server checks "
         "the transferring user's profile entries that allow transfer and to whom before the "
         "transfer goes on")
PRIVATE_CALL_AUTHORISATION = Fact(
    "private-call-authorisation",
    clause="TS 23.379 10.7.3 (the user profile's list of users who can be called); "
           "TS 23.379 10.7.6.2.1 (pre-conditions)",
    says="the MCPTT user profile lists the users its user may call in a private call, and "
         "procedures take as given that the caller is authorised to make private calls to "
         "the called user",
    confirmed=False)  # the off-network use of the list seen; the on-network check not
VIDEO_PUSH = Fact(
    "video-push", clause="TS 23.281 7.4.1, 7.4.2",
    says="an MCVideo user can push video to another user or to a server, or trigger a remote "
         "push in which a second client pushes video to a third client or a group, using the "
         "private call information flows")
MCVIDEO_EMERGENCY_PRIVATE_CALL = Fact(
    "mcvideo-emergency-private-call", clause="TS 23.281 7.2.2.2 (Tables 7.2.2.2.7-1, 7.2.2.2.9-1)",
    says="MCVideo private calls have their own request and response flows between servers "
         "and clients, and separate emergency private call request and response flows")
MCDATA_ONE_TO_ONE = Fact(
    "mcdata-one-to-one", clause="TS 23.282 (one-to-one SDS and file distribution flows)",
    says="a one-to-one MCData transfer names the sending and receiving MCData IDs (or a "
         "functional alias), a conversation and a transaction identifier, an optional "
         "emergency indicator and the sender's location; replies refer to the transaction "
         "they answer",
    confirmed=False)  # the information flow tables seen, their clause numbers not

# -- registration, profile, affiliation, groups (TS 23.280 10.1, 10.8, 10.13, 10.15) ---------
PROFILE_UPDATED_BY_USER = Fact(
    "profile-updated-by-user", clause="TS 23.280 10.1.4.5",
    says="a user may change its MC service user profile data and send the change to the "
         "configuration management server, which stores it for later retrieval",
    confirmed=False)  # pre-conditions and first step seen
REMOTE_AFFILIATION_CHANGE = Fact(
    "remote-affiliation-change", clause="TS 23.280 10.8.5.1.1",
    says="an authorised user can change another user's affiliations to groups of the primary "
         "MC system, in a mandatory mode without the target's approval, the target's client "
         "carrying out the change",
    confirmed=False)  # the pre-conditions seen, not the steps
PRECONFIGURED_REGROUP = Fact(
    "preconfigured-regroup", clause="TS 23.280 10.15.2.1",
    says="an authorised user may regroup groups, or a list of MC service users or users "
         "chosen by criteria such as location, into a regroup group that takes its "
         "configuration from a preconfigured group")
FUNCTIONAL_ALIAS_SHARED = Fact(
    "functional-alias-shared", clause="TS 23.379 10.15.1; TS 23.280 10.13.8",
    says="a functional alias may be active for several users at the same time, and the MC "
         "service server may activate one automatically on a trigger such as the user's "
         "location, a schedule or a timer, notifying the client")
FUNCTIONAL_ALIAS_QUERY = Fact(
    "functional-alias-query", clause="TS 23.280 10.13.2.1a, 10.13.2.2a, 10.13.7",
    says="an authorised user may ask which users have a functional alias active; the server "
         "checks the requester's authorisation and answers with their MC service IDs")

# -- location (TS 23.280 10.9) ----------------------------------------------------------------
LOCATION_REPORTING_TRIGGERS = Fact(
    "location-reporting-triggers", clause="TS 23.280 10.9.1, 10.9.3.1",
    says="the location management server configures the client's reporting triggers (for "
         "example initial registration, PLMN change, call initiation, an emergency call) and "
         "what to report; the client may store location without reporting it and report it "
         "later",
    confirmed=False)  # 10.9.1 seen; the trigger list seen on a page without its number
LOCATION_DISCLOSED_ONLY_TO_AUTHORISED = Fact(
    "location-disclosed-only-to-authorised", clause="TS 23.280 10.9.3.5, 10.9.3.6.1",
    says="a server or client subscribes to a user's location at the location management "
         "server, which sends a notification only after verifying that the subscriber is "
         "authorised to receive that user's location")
LOCATION_BY_FUNCTIONAL_ALIAS = Fact(
    "location-by-functional-alias", clause="TS 23.280 10.9.3 (one-time location report by "
                                           "functional alias)",
    says="a one-time location request addressed to a functional alias returns the location "
         "of every user sharing it, once the requester's authorisation is checked",
    confirmed=False)  # the procedure text seen, its clause number not

FEATURES = (
    SEVERAL_UES_PER_USER, DEAFFILIATION_SCOPE, SAKKE_TO_SELF,
    INTERCONNECTED_CLIENTS_USE_OWN_SERVER, PARTNER_ROUTING_BY_ID, INTERCONNECTION_REQUIREMENTS,
    PARTNER_SHARES_NO_USER_INFO, CONFIGURATION_SHARED_FOR_MIGRATION,
    MIGRATION_USERS_ADDED_OR_REMOVED, GROUP_MEMBERSHIP_UPDATE_ACROSS_SYSTEMS,
    RAILWAY_MIGRATION_STUDY, MIGRATED_ID_FOR_ALL_COMMUNICATIONS, PARTICIPATING_BINDS_CALLING_ID,
    PCK_SIGNED_BY_INITIATOR, IDENTITY_IS_TIME_BOUND, KMS_URI_NEEDED_AT_BOTH_ENDS,
    KMS_DISCOVERY_LOOKUP, HOME_MIGRATION_EXTERNAL_KMS, IDENTITY_HIDING,
    PRIVATE_CALL_REQUEST_ELEMENTS, COMMENCEMENT_MODES, EMERGENCY_PRIVATE_CALL_STATE,
    CLIENT_EMERGENCY_STATE, GROUP_EMERGENCY_STATE, IMMINENT_PERIL_GROUP_ONLY,
    LATE_ENTRY_ANY_GROUP_CALL, PRIVATE_CALL_CALL_BACK, CALL_BACK_STATE_BY_ID, AMBIENT_LISTENING,
    AMBIENT_VIEWING, FIRST_TO_ANSWER, PRIVATE_CALL_FORWARDING, PRIVATE_CALL_TRANSFER,
    PRIVATE_CALL_AUTHORISATION, VIDEO_PUSH, MCVIDEO_EMERGENCY_PRIVATE_CALL, MCDATA_ONE_TO_ONE,
    PROFILE_UPDATED_BY_USER, REMOTE_AFFILIATION_CHANGE, PRECONFIGURED_REGROUP,
    FUNCTIONAL_ALIAS_SHARED, FUNCTIONAL_ALIAS_QUERY, LOCATION_REPORTING_TRIGGERS,
    LOCATION_DISCLOSED_ONLY_TO_AUTHORISED, LOCATION_BY_FUNCTIONAL_ALIAS,
)
