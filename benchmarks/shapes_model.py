"""Benchmark model of issue 34 item 5's shape, written four ways (benchmarks/bench_shapes.py
measures them): five instances on FIFO channels, shared variables, guards that read a peer.

A bounded pipeline with `n` items. The producer hands items 1..n to two workers, one at a
time each: it sends a worker a Job only when it sees (through `ctx.world`) that the worker
is idle and has taken every Job sent to it. A worker takes a Job, works, and sends the
Result to the consumer. Items are paid for from a shared credit window (`credit`, WINDOW
credits: the producer spends one, the consumer returns it) and counted in a shared
`done`. An auditor watches its neighbour the consumer (through `ctx.world`): when the
consumer's highest item seen passes the auditor's mark it sends the producer a
Checkpoint, and the producer keeps at most LAG items beyond the last checkpoint; when it
sees the consumer record an item out of order it raises an alarm.

Channels (FIFO per pair): producer->w1, producer->w2, w1->consumer, w2->consumer,
auditor->producer.

Invariants: `window-kept` (items in the pipeline = WINDOW - credit: holds), `in-order`
(the consumer never sees an item after a later one: violated, the two workers race),
`acked-consumed` (a checkpoint covers only consumed items: violated, the auditor marks the
highest item seen, not the count) and `alarm-justified` (holds); `no-deadlock` holds.

1. `build(n)`: idiomatic mcfsm (roles, FIFO channels, shared variables, `ctx.world`).
2. `build_one_role(n)`: one role whose one variable is the whole state as a flat tuple
   (the plain BFS's), one step per successor of `successors`.
2b. `build_one_role_vars(n)`: one role again, with one variable per component of the flat
   state (FLAT_VARS) and one transition per action of `successors`, each guard and action
   reading and writing the few variables it concerns (the flat model as a modeller would
   write it; issue 59 item 3: memos keyed on the fields a step reads of its own local).
3. `plain_bfs(n)`: a plain-Python breadth-first search of the same model, written for this
   model alone (flat tuples of small ints, one dict of parents).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

from mcfsm import Instance, M, Message, Network, Role, System, Transition, Var, always, explore

WINDOW = 3  # shared credits: items in the pipeline at once
LAG = 4  # items the producer may emit beyond the auditor's last checkpoint
WORKERS = ("w1", "w2")
SIZES = (6, 10, 14)  # items: 28,982, 315,046 and 1,494,366 distinct states
INVARIANTS = ("window-kept", "in-order", "acked-consumed", "alarm-justified")


# -- 1. idiomatic -------------------------------------------------------------------------
class Job(Message):
    seq: int = M("the item's number, 1..n")


class Result(Message):
    seq: int = M("the item's number")


class Checkpoint(Message):
    upto: int = M("the highest item the consumer has seen")


def worker_ready(worker: str):
    """The producer's guard: `worker` is idle and has taken every Job sent to it."""
    sent = f"sent_{worker}"

    def guard(ctx) -> bool:
        peer = ctx.world[worker]
        return peer.state == "idle" and peer.taken == getattr(ctx.v, sent)
    guard.__name__ = f"{worker}_ready"
    return guard


def may_emit(n: int):
    def guard(ctx) -> bool:
        return (ctx.v.next < n and ctx.shared.credit > 0
                and ctx.v.next - ctx.v.acked < LAG)
    return guard


def emit_to(worker: str):
    sent = f"sent_{worker}"

    def emit(ctx) -> None:
        ctx.v.next += 1
        setattr(ctx.v, sent, getattr(ctx.v, sent) + 1)
        ctx.shared.credit -= 1
        ctx.send(worker, Job(seq=ctx.v.next))
    emit.__name__ = f"emit_to_{worker}"
    return emit


def record_checkpoint(ctx) -> None:
    ctx.v.acked = ctx.msg.upto


def producer(n: int) -> Role:
    return Role(
        "producer", states=["run"], initial="run", final=["run"],
        variables={"next": Var(int, 0), "sent_w1": Var(int, 0), "sent_w2": Var(int, 0),
                   "acked": Var(int, 0)},
        transitions=[
            *(Transition(f"emit_{w}", "run", None, conditions=[may_emit(n), worker_ready(w)],
                         after=[emit_to(w)], sends=[Job]) for w in WORKERS),
            Transition(Checkpoint, "run", None, after=[record_checkpoint]),
        ])


def take_job(ctx) -> None:
    ctx.v.cur = ctx.msg.seq
    ctx.v.taken += 1


def finish(ctx) -> None:
    ctx.send("consumer", Result(seq=ctx.v.cur))
    ctx.v.cur = 0


WORKER = Role(
    "worker", states=["idle", "busy"], initial="idle", final=["idle"],
    variables={"cur": Var(int, 0), "taken": Var(int, 0)},
    transitions=[
        Transition(Job, "idle", "busy", after=[take_job]),
        Transition("finish", "busy", "idle", after=[finish], sends=[Result]),
    ])


def consume(ctx) -> None:
    seq = ctx.msg.seq
    if seq < ctx.v.maxseq:
        ctx.v.ooo = True
    else:
        ctx.v.maxseq = seq
    ctx.shared.credit += 1
    ctx.shared.done += 1


CONSUMER = Role(
    "consumer", states=["run"], initial="run", final=["run"],
    variables={"maxseq": Var(int, 0), "ooo": Var(bool, False)},
    transitions=[Transition(Result, "run", None, after=[consume])])


def consumer_ahead(ctx) -> bool:
    return ctx.world["consumer"].maxseq > ctx.v.mark


def consumer_disordered(ctx) -> bool:
    return ctx.world["consumer"].ooo


def send_checkpoint(ctx) -> None:
    ctx.v.mark = ctx.world["consumer"].maxseq
    ctx.send("producer", Checkpoint(upto=ctx.v.mark))


AUDITOR = Role(
    "auditor", states=["watch", "alarm"], initial="watch", final=["watch", "alarm"],
    variables={"mark": Var(int, 0)},
    transitions=[
        Transition("audit", ["watch", "alarm"], None, conditions=[consumer_ahead],
                   after=[send_checkpoint], sends=[Checkpoint]),
        Transition("notice_disorder", "watch", "alarm", conditions=[consumer_disordered]),
    ])


def build(n: int) -> System:
    """The pipeline with `n` items, as an mcfsm user writes it."""
    return System(
        "pipeline", network=Network.FIFO,
        instances=[Instance("producer", producer(n)), Instance("w1", WORKER),
                   Instance("w2", WORKER), Instance("consumer", CONSUMER),
                   Instance("auditor", AUDITOR)],
        shared={"credit": Var(int, WINDOW), "done": Var(int, 0)},
        properties=[
            always("window-kept", lambda v: v["producer"].next - v.shared.done
                   == WINDOW - v.shared.credit),
            always("in-order", lambda v: not v["consumer"].ooo),
            always("acked-consumed", lambda v: v["producer"].acked <= v.shared.done),
            always("alarm-justified",
                   lambda v: v["auditor"].state != "alarm" or v["consumer"].ooo),
        ])


# -- 3. the flat state and its successors (the plain BFS's, and the one role's step) -------
# (next, sent1, sent2, acked, busy1, cur1, taken1, busy2, cur2, taken2, maxseq, ooo,
#  alarm, mark, credit, done, jobs1, jobs2, results1, results2, checkpoints): small ints,
#  the five FIFO channels as tuples of item numbers.
INITIAL = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, WINDOW, 0, (), (), (), (), ())


def successors(s: tuple, n: int) -> Iterator[tuple]:
    (nx, s1, s2, acked, b1, c1, t1, b2, c2, t2, mx, ooo, alarm, mark, credit, done,
     q1, q2, r1, r2, ck) = s
    if nx < n and credit > 0 and nx - acked < LAG:  # the producer emits
        if not b1 and t1 == s1:
            yield (nx + 1, s1 + 1, s2, acked, b1, c1, t1, b2, c2, t2, mx, ooo, alarm, mark,
                   credit - 1, done, (*q1, nx + 1), q2, r1, r2, ck)
        if not b2 and t2 == s2:
            yield (nx + 1, s1, s2 + 1, acked, b1, c1, t1, b2, c2, t2, mx, ooo, alarm, mark,
                   credit - 1, done, q1, (*q2, nx + 1), r1, r2, ck)
    if ck:  # the producer takes a checkpoint
        yield (nx, s1, s2, ck[0], b1, c1, t1, b2, c2, t2, mx, ooo, alarm, mark, credit, done,
               q1, q2, r1, r2, ck[1:])
    if b1:  # worker 1 finishes, or takes a job
        yield (nx, s1, s2, acked, 0, 0, t1, b2, c2, t2, mx, ooo, alarm, mark, credit, done,
               q1, q2, (*r1, c1), r2, ck)
    elif q1:
        yield (nx, s1, s2, acked, 1, q1[0], t1 + 1, b2, c2, t2, mx, ooo, alarm, mark, credit,
               done, q1[1:], q2, r1, r2, ck)
    if b2:  # worker 2
        yield (nx, s1, s2, acked, b1, c1, t1, 0, 0, t2, mx, ooo, alarm, mark, credit, done,
               q1, q2, r1, (*r2, c2), ck)
    elif q2:
        yield (nx, s1, s2, acked, b1, c1, t1, 1, q2[0], t2 + 1, mx, ooo, alarm, mark, credit,
               done, q1, q2[1:], r1, r2, ck)
    if r1:  # the consumer takes a result from worker 1
        q = r1[0]
        yield (nx, s1, s2, acked, b1, c1, t1, b2, c2, t2, q if q > mx else mx,
               1 if q < mx else ooo, alarm, mark, credit + 1, done + 1, q1, q2, r1[1:], r2, ck)
    if r2:  # ... from worker 2
        q = r2[0]
        yield (nx, s1, s2, acked, b1, c1, t1, b2, c2, t2, q if q > mx else mx,
               1 if q < mx else ooo, alarm, mark, credit + 1, done + 1, q1, q2, r1, r2[1:], ck)
    if mx > mark:  # the auditor sends a checkpoint
        yield (nx, s1, s2, acked, b1, c1, t1, b2, c2, t2, mx, ooo, alarm, mx, credit, done,
               q1, q2, r1, r2, (*ck, mx))
    if ooo and not alarm:  # the auditor raises the alarm
        yield (nx, s1, s2, acked, b1, c1, t1, b2, c2, t2, mx, ooo, 1, mark, credit, done,
               q1, q2, r1, r2, ck)


def final(s: tuple) -> bool:
    """Where the pipeline may rest: both workers idle, nothing in flight."""
    return not (s[4] or s[7] or s[16] or s[17] or s[18] or s[19] or s[20])


def window_kept(s: tuple) -> bool:
    return s[0] - s[15] == WINDOW - s[14]


def in_order(s: tuple) -> bool:
    return not s[11]


def acked_consumed(s: tuple) -> bool:
    return s[3] <= s[15]


def alarm_justified(s: tuple) -> bool:
    return not s[12] or bool(s[11])


# -- 2. one role holding the whole state ---------------------------------------------------
def build_one_role(n: int) -> System:
    """The same pipeline as one role: its one variable is the flat state above, its one
    transition takes each successor (choices=), the invariants read the tuple."""
    def step_to(ctx):
        return successors(ctx.v.s, n)

    def take(ctx) -> None:
        ctx.v.s = ctx.arg

    whole = Role("pipeline", states=["running"], initial="running", final=["running"],
                 variables={"s": Var(tuple, INITIAL)},
                 transitions=[Transition("step", "running", None, choices=step_to,
                                         after=[take])])
    return System(
        "pipeline_one_role", instances=[Instance("all", whole)],
        final=lambda v: final(v["all"].s),
        properties=[always("window-kept", lambda v: window_kept(v["all"].s)),
                    always("in-order", lambda v: in_order(v["all"].s)),
                    always("acked-consumed", lambda v: acked_consumed(v["all"].s)),
                    always("alarm-justified", lambda v: alarm_justified(v["all"].s))])


# -- 2b. one role, one variable per component, one transition per action ----------------
# The flat state's components as the one role's variables (same order as INITIAL).
FLAT_VARS = ("next", "sent_w1", "sent_w2", "acked", "busy_w1", "cur_w1", "taken_w1",
             "busy_w2", "cur_w2", "taken_w2", "maxseq", "ooo", "alarm", "mark", "credit",
             "done", "jobs_w1", "jobs_w2", "results_w1", "results_w2", "checkpoints")


def _flat_emit(n: int, w: str) -> Transition:
    sent, busy, taken, jobs = f"sent_{w}", f"busy_{w}", f"taken_{w}", f"jobs_{w}"

    def may_emit(ctx) -> bool:
        v = ctx.v
        return v.next < n and v.credit > 0 and v.next - v.acked < LAG

    def ready(ctx) -> bool:
        v = ctx.v
        return not getattr(v, busy) and getattr(v, taken) == getattr(v, sent)

    def emit(ctx) -> None:
        v = ctx.v
        v.next += 1
        setattr(v, sent, getattr(v, sent) + 1)
        v.credit -= 1
        setattr(v, jobs, (*getattr(v, jobs), v.next))
    ready.__name__, emit.__name__ = f"{w}_ready", f"emit_to_{w}"
    return Transition(f"emit_to_{w}", "running", None, conditions=[may_emit, ready],
                      after=[emit])


def _flat_worker(w: str) -> list[Transition]:
    busy, cur, taken, jobs, results = (f"busy_{w}", f"cur_{w}", f"taken_{w}", f"jobs_{w}",
                                       f"results_{w}")

    def job_waiting(ctx) -> bool:
        return not getattr(ctx.v, busy) and bool(getattr(ctx.v, jobs))

    def take_job(ctx) -> None:
        v = ctx.v
        queue = getattr(v, jobs)
        setattr(v, busy, True)
        setattr(v, cur, queue[0])
        setattr(v, taken, getattr(v, taken) + 1)
        setattr(v, jobs, queue[1:])

    def working(ctx) -> bool:
        return bool(getattr(ctx.v, busy))

    def finish(ctx) -> None:
        v = ctx.v
        setattr(v, results, (*getattr(v, results), getattr(v, cur)))
        setattr(v, busy, False)
        setattr(v, cur, 0)

    def result_waiting(ctx) -> bool:
        return bool(getattr(ctx.v, results))

    def consume(ctx) -> None:
        v = ctx.v
        queue = getattr(v, results)
        seq = queue[0]
        if seq < v.maxseq:
            v.ooo = True
        else:
            v.maxseq = seq
        v.credit += 1
        v.done += 1
        setattr(v, results, queue[1:])
    for f, name in ((job_waiting, "job_waiting"), (take_job, "take_job"),
                    (working, "working"), (finish, "finish"),
                    (result_waiting, "result_waiting"), (consume, "consume")):
        f.__name__ = f"{name}_{w}"
    return [Transition(f"{w}_takes_job", "running", None, conditions=[job_waiting],
                       after=[take_job]),
            Transition(f"{w}_finishes", "running", None, conditions=[working],
                       after=[finish]),
            Transition(f"consumer_takes_from_{w}", "running", None,
                       conditions=[result_waiting], after=[consume])]


def _checkpoint_waiting(ctx) -> bool:
    return bool(ctx.v.checkpoints)


def _take_checkpoint(ctx) -> None:
    v = ctx.v
    queue = v.checkpoints
    v.acked = queue[0]
    v.checkpoints = queue[1:]


def _consumer_ahead(ctx) -> bool:
    return ctx.v.maxseq > ctx.v.mark


def _audit(ctx) -> None:
    v = ctx.v
    v.mark = v.maxseq
    v.checkpoints = (*v.checkpoints, v.mark)


def _disorder_unnoticed(ctx) -> bool:
    return ctx.v.ooo and not ctx.v.alarm


def _raise_alarm(ctx) -> None:
    ctx.v.alarm = True


def build_one_role_vars(n: int) -> System:
    """The same pipeline as one role with one variable per component of the flat state
    (FLAT_VARS) and one transition per action `successors` takes, each guard and action
    reading and writing only the variables it concerns: a flat model as a modeller writes
    it in mcfsm. The invariants read the variables."""
    flags = {"busy_w1", "busy_w2", "ooo", "alarm"}
    channels = {"jobs_w1", "jobs_w2", "results_w1", "results_w2", "checkpoints"}
    variables = {name: (Var(bool, False) if name in flags
                        else Var(tuple, ()) if name in channels
                        else Var(int, initial)) for name, initial in zip(FLAT_VARS, INITIAL)}
    whole = Role(
        "pipeline", states=["running"], initial="running", final=["running"],
        variables=variables,
        transitions=[
            *(_flat_emit(n, w) for w in WORKERS),
            Transition("take_checkpoint", "running", None, conditions=[_checkpoint_waiting],
                       after=[_take_checkpoint]),
            *(t for w in WORKERS for t in _flat_worker(w)),
            Transition("audit", "running", None, conditions=[_consumer_ahead],
                       after=[_audit]),
            Transition("notice_disorder", "running", None, conditions=[_disorder_unnoticed],
                       after=[_raise_alarm]),
        ])

    def rests(v) -> bool:
        a = v["all"]
        return not (a.busy_w1 or a.busy_w2 or a.jobs_w1 or a.jobs_w2 or a.results_w1
                    or a.results_w2 or a.checkpoints)
    return System(
        "pipeline_one_role_vars", instances=[Instance("all", whole)], final=rests,
        properties=[
            always("window-kept", lambda v: v["all"].next - v["all"].done
                   == WINDOW - v["all"].credit),
            always("in-order", lambda v: not v["all"].ooo),
            always("acked-consumed", lambda v: v["all"].acked <= v["all"].done),
            always("alarm-justified", lambda v: not v["all"].alarm or v["all"].ooo),
        ])


# -- 3. plain-Python BFS -------------------------------------------------------------------
def plain_bfs(n: int) -> tuple[int, int, int, dict[str, int | None]]:
    """(distinct, total, depth, verdicts) with TLC's counting: total = initial states +
    every successor generated. verdicts maps each invariant and "no-deadlock" to the
    length of a shortest counterexample (steps), or None where it holds."""
    gc_was_on = gc.isenabled()
    gc.disable()  # as the engine does: millions of acyclic tuples, nothing to collect
    try:
        return _plain_bfs(n)
    finally:
        if gc_was_on:
            gc.enable()


def _plain_bfs(n: int) -> tuple[int, int, int, dict[str, int | None]]:
    parent: dict[tuple, tuple | None] = {INITIAL: None}
    first_bad: dict[str, tuple] = {}  # invariant -> the first state found violating it
    dead_end: tuple | None = None  # the first deadlock found
    checks = [("window-kept", window_kept), ("in-order", in_order),
              ("acked-consumed", acked_consumed), ("alarm-justified", alarm_justified)]
    for name, ok in checks:
        if not ok(INITIAL):
            first_bad[name] = INITIAL
    pending = [(name, ok) for name, ok in checks if name not in first_bad]
    frontier = [INITIAL]
    total, depth = 1, 1
    while frontier:
        nxt = []
        append = nxt.append
        for s in frontier:
            dead = True
            for t in successors(s, n):
                dead = False
                total += 1
                if t not in parent:
                    parent[t] = s
                    append(t)
                    for name, ok in pending:
                        if not ok(t):
                            first_bad[name] = t
                    if len(first_bad) > len(checks) - len(pending):  # one just failed
                        pending = [(name, ok) for name, ok in pending if name not in first_bad]
            if dead and dead_end is None and not final(s):
                dead_end = s
        if nxt:
            depth += 1
        frontier = nxt

    def length(s: tuple) -> int:
        steps = 0
        while (s := parent[s]) is not None:  # type: ignore[assignment]
            steps += 1
        return steps

    verdicts = {name: (length(first_bad[name]) if name in first_bad else None)
                for name in INVARIANTS}
    verdicts["no-deadlock"] = None if dead_end is None else length(dead_end)
    return len(parent), total, depth, verdicts


# -- running an encoding -------------------------------------------------------------------
def engine_figures(system: System) -> tuple[int, int, int, dict[str, int | None], str]:
    """explore(system): (distinct, total, depth, verdicts as plain_bfs gives them, core)."""
    r = explore(system)
    verdicts = {}
    for v in r.verdicts:
        name = v.property.name
        if name in INVARIANTS or name == "no-deadlock":
            if v.status not in ("holds", "violated"):
                raise AssertionError(f"{system.name}: {name} is {v.status}")
            verdicts[name] = None if v.status == "holds" else len(v.trace)
    return r.distinct_states, r.total_states, r.depth, verdicts, r.engine


def run(encoding: str, n: int) -> tuple[int, int, int, dict[str, int | None], str]:
    """One encoding at size n: "idiomatic", "one_role", "one_role_vars" or "plain"."""
    if encoding == "plain":
        return (*plain_bfs(n), "plain Python")
    builders = {"idiomatic": build, "one_role": build_one_role,
                "one_role_vars": build_one_role_vars}
    return engine_figures(builders[encoding](n))
