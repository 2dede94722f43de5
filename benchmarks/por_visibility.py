"""What partial-order reduction could save on the bundled models, judged before building it
(issue 34 item 1): an ample set may leave out a step only if the step is invisible, that is
if it changes nothing a property, step property or constraint reads. The engine memoizes
predicates on the *slots* they read (an instance's whole local record, an inbox projection,
the shared variables), so at that granularity a step of an instance is visible as soon as
any property reads that instance.

For each bundled variant this samples states by random walks, runs every state and step
property on them through the recording view the engine's memo uses, and prints which
instance locals and inboxes are read, and whether the variant has temporal properties
(which an ample-set reduction must either run unreduced or judge with the cycle proviso).

    .venv/bin/python benchmarks/por_visibility.py            # every bundled variant
    .venv/bin/python benchmarks/por_visibility.py --walks 50  # fewer samples, faster
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcfsm.check.state.predicates import _RecordingView  # noqa: E402
from mcfsm.lang.loader import load_path  # noqa: E402
from mcfsm.lang.properties import TEMPORAL_KINDS  # noqa: E402
from mcfsm.lang.records import NETWORK_ACTOR, Network  # noqa: E402
from mcfsm.lang.system import System  # noqa: E402

TEMPORAL = set(TEMPORAL_KINDS)


def sampled_steps(system: System, walks: int, length: int, seed: int) -> list:
    """(before, step, after) triples of random walks from the initial states."""
    rng = random.Random(seed)
    initial = list(system.initial_states())
    out = []
    for _ in range(walks):
        state = rng.choice(initial)
        for _ in range(length):
            successors = system.successors(state)
            if not successors:
                break
            key, after = rng.choice(successors)
            out.append((state, key, after))
            state = after
    return out


def slots_read(system: System, steps: list) -> set[int]:
    """The slots any state or step property reads on the sampled steps (inbox projections
    counted as their inbox slot)."""
    read: set[int] = set()
    for p in system.properties:
        if p.kind not in ("always", "sometimes", "step"):
            continue
        for before, key, after in steps:
            reads: list = []
            try:
                if p.kind == "step":
                    p.predicate(_RecordingView(system, before, reads), key,
                                _RecordingView(system, after, reads))
                else:
                    p.predicate(_RecordingView(system, after, reads))
            except Exception:  # a property that fails here is judged by check itself
                continue
            read.update(r if isinstance(r, int) else r[0] for r in reads)
    return read


def channels_into(system: System, state: tuple, k: int) -> set[int] | None:
    """The senders whose channel into instance k holds a message in `state` (FIFO
    channels); None on a network where a new message is deliverable at once (one FIFO inbox
    with nothing queued, a bag, a persistent set)."""
    n = len(system.instances)
    inbox = state[2 + n + k]
    if system.network is Network.FIFO:
        return {sender for sender, queue in inbox if queue}
    if system.network is Network.INBOX and inbox:
        return set(range(n))  # the head stays the head: a later send enables nothing new
    return None


def independence_ceiling(system: System, steps: list) -> tuple[int, int, int, int]:
    """(states, states where some instance's enabled steps could form an ample set,
    states where they could and change nothing a property reads, states where they could
    and change no local a property reads: what rewriting the properties that read every
    inbox (quiescence, no-deadlock's final states) as step properties could open).

    An instance qualifies (necessary conditions of Peled's C1, so this is a ceiling): it
    has an enabled step; no other instance can make a new message deliverable to it before
    it moves (every channel into it that a sender was seen to use holds a message, so a
    new one queues behind; the network actor's loss or duplication of its queued messages
    counts as such a sender); its steps change only its own local, its own inbox and the
    inboxes it sends into (not the shared variables, not a monitor's local); and no
    Reorder lets a message overtake into it. Reads of other instances (ctx.world) are not
    judged here, nor the cycle proviso: both could only disqualify more."""
    n = len(system.instances)
    names = system.instance_names
    senders: dict[int, set[int]] = {k: set() for k in range(n)}
    for before, _key, _after in steps:
        for k in range(n):
            inbox = before[2 + n + k]
            if system.network is Network.FIFO:
                senders[k].update(sender for sender, queue in inbox if queue)
            elif system.network is Network.INBOX:
                senders[k].update(sender for sender, _msg in inbox)
    read = slots_read(system, steps)
    seen: set[tuple] = set()
    states = candidates = invisible = locals_only = 0
    read_locals = {slot for slot in read if slot < 2 + n}
    for before, _key, _after in steps:
        if before in seen:
            continue
        seen.add(before)
        states += 1
        by_actor: dict[str, list[tuple]] = {}
        for key, after in system.successors(before):
            by_actor.setdefault(key.actor, []).append((key, after))
        faulty = {key.arg for key, _ in by_actor.get(NETWORK_ACTOR, ())}
        found = found_invisible = found_locals = False
        for k in range(n):
            mine = by_actor.get(names[k])
            if not mine or names[k] in faulty or system.reorder:
                continue
            queued = channels_into(system, before, k)
            if queued is None or not (senders[k] - {k}) <= queued:
                continue
            own = {2 + k, 2 + n + k} | {2 + n + j for j in range(n)}
            changed = [{i for i in range(len(before)) if before[i] != after[i]}
                       for _, after in mine]
            if any(c - own for c in changed):
                continue
            found = True
            if not any(c & read for c in changed):
                found_invisible = True
            if not any(c & read_locals for c in changed):
                found_locals = True
        candidates += found
        invisible += found_invisible
        locals_only += found_locals
    return states, candidates, invisible, locals_only


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--walks", type=int, default=200, help="random walks per variant")
    parser.add_argument("--length", type=int, default=40, help="steps per walk")
    args = parser.parse_args()
    rows = []
    for loaded in load_path(ROOT / "models"):
        model = loaded.model
        for variant in model.variants:
            system = model.system(variant)
            n = len(system.instances)
            steps = sampled_steps(system, args.walks, args.length, seed=1)
            read = slots_read(system, steps)
            names = system.instance_names
            unread = [names[k] for k in range(n) if 2 + k not in read]
            inboxes_unread = [names[k] for k in range(n) if 2 + n + k not in read]
            temporal = sorted({p.kind for p in system.properties} & TEMPORAL)
            states, ample, hidden, no_local = independence_ceiling(system, steps)
            rows.append((f"{model.name}[{variant}]", n, unread, inboxes_unread, temporal,
                         states, ample, hidden, no_local))
            print(f"{model.name}[{variant}]: {n} instances; locals no property reads: "
                  f"{', '.join(unread) or 'none'}; inboxes no property reads: "
                  f"{', '.join(inboxes_unread) or 'none'}; temporal: "
                  f"{', '.join(temporal) or 'none'}; sampled states with an independent "
                  f"instance: {ample} of {states}, with an invisible one: {hidden}, with one "
                  f"no property reads a local of: {no_local}",
                  flush=True)
    instances = sum(r[1] for r in rows)
    invisible = sum(len(r[2]) for r in rows)
    print(f"\n{len(rows)} variants, {instances} instances: {invisible} "
          f"({invisible / instances:.0%}) have locals no property reads; "
          f"{sum(1 for r in rows if r[4])} variants have temporal properties")
    states = sum(r[5] for r in rows)
    print(f"sampled states: {states:,}; with an instance whose steps are independent of "
          f"every other step (a ceiling on C1): {sum(r[6] for r in rows):,} "
          f"({sum(r[6] for r in rows) / max(states, 1):.1%}); and invisible too (C2): "
          f"{sum(r[7] for r in rows):,} ({sum(r[7] for r in rows) / max(states, 1):.1%}); "
          f"changing no local a property reads (if no property read an inbox): "
          f"{sum(r[8] for r in rows):,} ({sum(r[8] for r in rows) / max(states, 1):.1%})")


if __name__ == "__main__":
    main()
