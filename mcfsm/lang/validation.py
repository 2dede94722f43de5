"""Validation of a System's declaration, before anything is compiled or explored: every
field's type, names, parameters, shared variables, roles and messages (a mixin of System)."""

from __future__ import annotations

import warnings

from ..errors import McfsmWarning, ModelError
from .declared import check_name, check_text, check_variable
from .guard import check_callable
from .messages import Message
from .records import NETWORK_ACTOR, Instance, Network, Param
from .role_checks import reachable_states


class Validation:
    """System._validate: raises a ModelError naming the system and the fix."""

    def _validate(self) -> None:
        check_name(self.name, "system name")
        where = f"system {self.name!r}"
        check_text(self.doc, "doc", where=where)
        for flag in ("check_deadlock",):
            if not isinstance(getattr(self, flag), bool):
                raise ModelError(f"{flag}={getattr(self, flag)!r} is not True or False",
                                 where=where, fix=f"pass {flag}=True or {flag}=False")
        if self.max_in_flight is not None and (
                type(self.max_in_flight) is not int or self.max_in_flight < 1):
            raise ModelError(f"max_in_flight={self.max_in_flight!r} is not a positive whole "
                             "number", where=where, fix="pass max_in_flight=N with N >= 1, or None")
        for field, fn in (("constraint", self.constraint), ("final", self._final)):
            if fn is not None:
                check_callable(fn, 1, what=f"{field}=", takes="the state view", where=where)
        if self.action_constraint is not None:
            check_callable(self.action_constraint, 3, what="action_constraint=",
                           takes="before, step, after", where=where)
        if not self.instances:
            raise ModelError("has no instances", where=where,
                             fix="pass instances=[Instance('client1', client_role), ...]")
        seen: set[str] = set()
        for inst in self.instances:
            if not isinstance(inst, Instance):
                raise ModelError(f"instances contains {inst!r}", where=where,
                                 fix="wrap each role as Instance(name, role)")
            if inst.name in seen or inst.name == NETWORK_ACTOR:
                raise ModelError(f"instance name {inst.name!r} is used twice or reserved",
                                 where=where, fix="give every instance its own name")
            seen.add(inst.name)
            inst.role.initial_local(dict(inst.init))  # validates the overrides
        if not isinstance(self.network, Network):
            raise ModelError(f"network={self.network!r} is not a Network", where=where,
                             fix="use Network.FIFO, Network.BAG or Network.PERSISTENT")
        if self.duplication and self.network is Network.PERSISTENT:
            raise ModelError("duplication has no meaning on a persistent message set (a sent "
                             "message may already be read again and again)",
                             where=where, fix="drop duplication=True or use FIFO/BAG")
        if self.reorder and self.network in (Network.BAG, Network.PERSISTENT):
            raise ModelError(f"Reorder has no meaning on {self.network.value} network (every "
                             "message may already overtake the others)", where=where,
                             fix="drop the Reorder, or use Network.FIFO / Network.INBOX")
        if self.duplication and self.max_in_flight is None:
            raise ModelError("duplication without max_in_flight makes the state space infinite",
                             where=where, fix="pass max_in_flight=N to bound each inbox")
        for pname, p in self.params.items():
            if not isinstance(pname, str) or not pname.isidentifier():
                raise ModelError(f"parameter name {pname!r} is not a Python identifier",
                                 where=where, fix="name parameters like variables: 'policy'")
            if not isinstance(p, Param):
                raise ModelError(f"parameter {pname!r} is {p!r}", where=where,
                                 fix="declare it as Param(choices=(a, b, ...), doc=..., clause=...)")
        for sname, var in self.shared.items():
            check_variable(sname, var, owner=f"shared variable of {where}")
        roles = {i.role.name: i.role for i in self.instances if not i.observer}
        accepted = {m for r in roles.values() for m in r.accepted}
        # a message only announced to monitors (P's announce: monitors.py) is taken by them
        accepted |= {t.receives for i in self.instances if i.observer
                     for t in i.role.transitions if t.receives is not None}
        ignored = {m for r in roles.values() for m in r.ignores}
        sent = {m: r for r in roles.values() for m in r.sent}
        # a message in flight at the start counts as sent by its sender's role
        for inst in self.instances:
            for _, msg in inst.sends if isinstance(inst.sends, tuple) else ():
                if isinstance(msg, Message):
                    sent.setdefault(type(msg), inst.role)
        # a CR's generic change that omits a step may leave a message no role sends: the
        # transitions taking it never fire, which the check shows (lang/step_changes.py)
        changed = any(r.changed_by_cr for r in roles.values())
        for role in roles.values():
            for t in role.transitions:
                if t.receives is not None and t.receives not in sent and (role.reusable
                                                                           or changed):
                    warnings.warn(McfsmWarning(
                        f"system {self.name!r}: role {role.name!r} "
                        f"({'reusable' if role.reusable else 'changed by a CR'}), transition "
                        f"{t.name!r} receives {t.receives.__name__}, which no role of this "
                        "system sends: it never fires here"), stacklevel=2)
                elif t.receives is not None and t.receives not in sent:
                    raise ModelError(
                        f"receives {t.receives.__name__}, which no role of this system sends",
                        role=role.name, transition=t.name, clause=t.clause, where=where,
                        fix=f"add {t.receives.__name__} to sends= of the transition that "
                            "sends it, add the role that sends it to the system, or declare "
                            "the role Role(..., reusable=True) if other systems send it")
        for inst in self.instances:  # a monitor observing what nobody sends never moves
            for t in inst.role.transitions if inst.observer else ():
                if t.receives is not None and t.receives not in sent:
                    raise ModelError(
                        f"monitor {inst.name!r} observes {t.receives.__name__}, which no role "
                        "of this system sends", role=inst.role.name, transition=t.name,
                        clause=t.clause, where=where,
                        fix=f"drop the transition, or add the role that sends "
                            f"{t.receives.__name__} to the system")
        for role in roles.values():
            if not role.reusable:
                continue
            here = reachable_states(role, lambda t: t.receives is None or t.receives in sent)
            idle = [st for st in role.states if st not in here]
            if idle:
                warnings.warn(McfsmWarning(
                    f"system {self.name!r}: role {role.name!r} (reusable): states {idle} "
                    "cannot be reached in this system (the transitions leading there receive "
                    "messages no role of this system sends)"), stacklevel=2)
        for msg, role in sent.items():
            if msg not in accepted and msg not in ignored:
                sender_t = next((t for t in role.transitions if msg in t.sends), None)
                if changed:  # the CR omitted the step taking it: unhandled, and so reported
                    warnings.warn(McfsmWarning(
                        f"system {self.name!r} (changed by a CR): {msg.__name__} is sent but "
                        "no role takes it any more: it is an unhandled message where it "
                        "arrives"), stacklevel=2)
                    continue
                raise ModelError(
                    f"sends {msg.__name__}"
                    + ("" if sender_t else " (in its initial sends=)")
                    + ", which no role of this system accepts or ignores",
                    role=role.name, transition=sender_t.name if sender_t else None,
                    clause=sender_t.clause if sender_t else None, where=where,
                    fix=f"add a transition with trigger={msg.__name__} to the receiving role, "
                        "or declare ignores=[...] there"
                        + (f"; to announce it to a monitor (P's announce), give the monitor's "
                           f"role a transition on {msg.__name__}" if self.monitors else ""))
