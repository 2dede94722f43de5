import pytest

from mcfsm import M, Message, ModelError, O


class Redirection(Message, clause="Table 10.16.5.2-1"):
    calling_id: str = M("calling party")
    called_id_migrated: str = M("migrated ID")
    kms_uri: str | None = O("KMS URI")


def test_elements_keep_their_status_and_order():
    assert [(e.name, e.status) for e in Redirection.elements] == [
        ("calling_id", "M"), ("called_id_migrated", "M"), ("kms_uri", "O")]
    assert Redirection.title == "Redirection"


def test_missing_mandatory_element_names_message_element_and_clause():
    with pytest.raises(ModelError) as err:
        Redirection(calling_id="u1@A")
    text = str(err.value)
    assert "Redirection" in text and "called_id_migrated" in text
    assert "Table 10.16.5.2-1" in text and "how to fix" in text


def test_messages_are_frozen_hashable_values():
    a = Redirection(calling_id="u1@A", called_id_migrated="u2@B")
    b = Redirection(calling_id="u1@A", called_id_migrated="u2@B")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    with pytest.raises(AttributeError):
        a.calling_id = "x"  # type: ignore[misc]


def test_optional_absent_elements_are_left_out_of_present():
    a = Redirection(calling_id="u1@A", called_id_migrated="u2@B")
    assert a.present() == {"calling_id": "u1@A", "called_id_migrated": "u2@B"}
    assert "kms_uri" in Redirection(calling_id="a", called_id_migrated="b", kms_uri="k").present()


def test_unhashable_element_is_a_model_error():
    with pytest.raises(ModelError, match="unhashable"):
        Redirection(calling_id=["u1"], called_id_migrated="u2@B")  # type: ignore[arg-type]


def test_element_without_status_is_rejected_at_class_creation():
    with pytest.raises(ModelError, match="no M/O status"):
        class Bad(Message):
            x: int = 3
