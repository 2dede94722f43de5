"""Every element of every message the models declare is read by some model code: a role's
guard or action, or a property (issue 12: "no message field that no role reads").

Method (dynamic, not a static scan): while the bundled variants are explored exhaustively,
`Message.__getattribute__` is wrapped so that each read of a declared element is recorded
with the file of the function that made it. Only reads made by code in `models/` count
(guards, actions, properties, `_mc.py` helpers); the engine's own reads (hashing, equality,
charts) happen in mcfsm's files or in dataclass-generated code and are ignored. A static
scan of `ctx.msg.<name>` would confuse an element with a role variable of the same name
(`primary_id` is both) and could not see reads through helpers such as `record_binding`.

Which messages the models declare comes from the model files' source (classes deriving
from Message); their elements from the loaded classes. The variants explored are the
smallest set that fires every transition that reads a message (see VARIANTS); reading in
any one variant is enough, since a field is read "in some variant". The run takes well
under a minute.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator

import pytest

from mcfsm.check.choices import explore_by_choice
from mcfsm.lang.loader import load_path
from mcfsm.lang.messages import Message

from .conftest import ROOT

MODELS = ROOT / "models"
# One variant per question: together they fire every transition of every role that reads
# a message element (tests/test_models.py checks that every transition fires somewhere).
# migration_lifecycle's fix_departure_notice_mbb (153k states) fires exactly the transitions
# that fix_departure_notice (404k) fired beside permission_and_provisioning, and the reads
# recorded are the same (issue 33).
VARIANTS = {
    "group_call_migration": ("break_before_make", "second_ue"),
    # (the last two, 3k states each: the priority and the caller's KMS URI of round 4)
    "private_call_migration": ("fix_release_completes", "fix_peer_call_resumes", "setup_in_progress",
                               "fix_resumed_call_keeps_priority", "fix_kms_uri_in_new_call",
                               "commencement"),
    "migration_lifecycle": ("permission_and_provisioning", "fix_departure_notice_mbb",
                            "fix_removal_ends_registration"),
    "private_call_redirect": ("base", "fix_note2_via_primary"),
}


def declared_messages() -> set[tuple[str, str]]:
    """(module, class) of every Message subclass defined in a file under models/."""
    found = set()
    for path in MODELS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                    getattr(base, "id", "") == "Message" for base in node.bases):
                found.add((path.stem, node.name))
    return found


def subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


@pytest.fixture(scope="module")
def reads_and_elements() -> tuple[set[tuple[str, str]], dict[str, set[str]]]:
    loaded = {lm.model.name: lm.model for lm in load_path(MODELS)}
    names = declared_messages()
    # The loader keeps one copy of _mc per folder load: take the classes of this load.
    elements = {cls: frozenset(e.name for e in cls.elements) for cls in subclasses(Message)
                if (cls.__module__, cls.__name__) in names}
    reads: set[tuple[str, str]] = set()
    models_dir = str(MODELS)
    original = Message.__getattribute__

    def recording(self: Message, name: str) -> object:
        watched = elements.get(type(self))
        if watched is not None and name in watched:
            caller = sys._getframe(1).f_code.co_filename
            if caller.startswith(models_dir):
                reads.add((type(self).__name__, name))
        return object.__getattribute__(self, name)

    Message.__getattribute__ = recording  # type: ignore[method-assign]
    try:
        for model_name, variants in VARIANTS.items():
            for variant in variants:
                result = explore_by_choice(loaded[model_name].system(variant))
                assert result.complete, f"{model_name}[{variant}] was cut short"
    finally:
        Message.__getattribute__ = original  # type: ignore[method-assign]
    by_name: dict[str, set[str]] = {}
    for cls, fields in elements.items():
        by_name.setdefault(cls.__name__, set()).update(fields)
    return reads, by_name


def test_the_recorder_sees_the_declared_messages(reads_and_elements):
    # Guards against a recorder that sees nothing (and so would find nothing unread by
    # mistake, or everything): the shared messages are found and some reads recorded.
    reads, elements = reads_and_elements
    assert {"PrivateCallRequest", "Registration", "GroupAffiliationRequest"} <= set(elements)
    assert ("PrivateCallRedirection", "called_id_migrated") in reads


def test_every_message_element_is_read_by_model_code(reads_and_elements):
    reads, elements = reads_and_elements
    unread = sorted((message, field) for message, fields in elements.items()
                    for field in fields if (message, field) not in reads)
    assert not unread, ("message elements no guard, action or property reads (read them "
                        f"where the spec says the receiver uses them, or drop them): {unread}")
