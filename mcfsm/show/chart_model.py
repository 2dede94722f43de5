"""What a sequence chart shows, as data: lifelines, arrows (one per message, from the step
that sent it to the step that received it), notes and the end mark. charts.py builds it
from a trace; chart_layout.py and the Mermaid writer draw it."""

from __future__ import annotations

import dataclasses

from ..lang.messages import Message


@dataclasses.dataclass(frozen=True)
class Arrow:
    sender: str
    receiver: str
    message: Message
    sent_at: int  # step number that sent it (0 = already in flight in the initial state)
    received_at: int | None  # None: still in flight when the trace ends
    clause: str = ""  # the clause and step of the transition that received it
    # "" when received; else why it never arrived, in the step `received_at`: "lost" (the
    # network lost it) or "switched off" (it reached an instance that was switched off)
    lost: str = ""
    # the step in which the network duplicated it (0: the sender's own message): a copy is
    # drawn from the original's send, marked as the network's copy, never as a fresh send
    copy: int = 0

    @property
    def not_in_text(self) -> str:
        """Why the text does not define this message ("" when it does)."""
        return type(self.message).not_in_text


@dataclasses.dataclass(frozen=True)
class Chart:
    lifelines: tuple[tuple[str, str], ...]  # (instance name, label)
    arrows: tuple[Arrow, ...]
    notes: tuple[tuple[int, str, str], ...]  # (step, instance, text)
    steps: int
    title: str
    footnote: str
    # The end mark: "e2e-kms-uri-known violated after step 7" (failed) or a witness reached.
    outcome: str = ""
    failed: bool = False
    caption: str = ""  # the property's description, under the title
    loop_start: int | None = None  # a lasso: steps after this one repeat forever
    # The run's context, printed under the title: its parameter values and the pinned ones.
    context: tuple[str, ...] = ()
    # The clause of the transition taken in each step (step -> clause), for the margin.
    clauses: tuple[tuple[int, str], ...] = ()
    # A page of a long chart (chart_layout.chart_pages): it draws steps first..steps; an
    # arrow received after `steps` continues on the next page.
    first: int = 1
    page: tuple[int, int] = (1, 1)  # (this page, pages)
    # Environment events by step, drawn as what they are: "timer" (a timer expires or a
    # transaction times out), "switch-off", "duplicate", "environment" (another event
    # from outside: a user, a UE).
    events: tuple[tuple[int, str], ...] = ()


def late_words(a: Arrow, lead: str) -> str:
    """When a message arrives (or is lost) later than the step after its send, the step it
    was sent in: Mermaid draws an arrow at its arrival only, so a message sent long before
    would read as a fresh send. "" for one taken in the step after it was sent."""
    if a.received_at is None or a.sent_at >= a.received_at - 1:
        return ""
    return lead + ("in flight from the start" if a.sent_at == 0 else f"sent in step {a.sent_at}")
