import pytest

from mcfsm import M, Message, ModelError, Role, Transition, Var


class Ping(Message, clause="test"):
    n: int = M()


def role(**overrides):
    spec = dict(
        states=["idle", "busy"], initial="idle",
        transitions=[Transition("go", "idle", "busy", clause="1.1 step 1")],
    )
    spec.update(overrides)
    return Role("client", **spec)


def test_a_valid_role_builds_and_exposes_transitions_vocabulary():
    r = role()
    spec = r.transitions_spec()
    assert spec == [{"trigger": "go", "source": ["idle"], "dest": "busy", "conditions": [],
                     "after": []}]
    assert r.initial_local() == ("idle",)


def test_unknown_destination_names_role_transition_clause_and_fix():
    with pytest.raises(ModelError) as err:
        role(transitions=[Transition("go", "idle", "bussy", clause="1.1 step 1")])
    text = str(err.value)
    for part in ("'client'", "'go'", "1.1 step 1", "bussy", "how to fix"):
        assert part in text


def test_unknown_source_state():
    with pytest.raises(ModelError, match="source state 'nowhere'"):
        role(transitions=[Transition("go", "nowhere", "busy", clause="c")])


def test_unreachable_state_is_reported():
    with pytest.raises(ModelError, match=r"states \['done'\] cannot be reached"):
        role(states=["idle", "busy", "done"])


def test_transition_without_clause_is_rejected_where_the_model_cites_a_text():
    """Model(clause=...) cites a text: every transition must cite its clause. A model of
    something else (a TLA+ example, a toy) need not (issue 22 item 8)."""
    from mcfsm import Instance, Model, System

    bare = role(transitions=[Transition("go", "idle", "busy"),
                             Transition("back", "busy", "idle", clause="c")])
    cited = Model("cited", clause="10.16")
    cited.add_variant("v", lambda: System("s", instances=[Instance("a", bare)],
                                          check_deadlock=False))
    with pytest.raises(ModelError, match=r"transition 'go'.*cites no clause"):
        cited.system("v")
    plain = Model("plain")
    plain.add_variant("v", lambda: System("s", instances=[Instance("a", bare)],
                                          check_deadlock=False))
    assert plain.system("v").instances[0].role is bare
    with pytest.raises(ModelError, match="cites no clause"):  # not a string at all
        role(transitions=[Transition("go", "idle", "busy", clause=None)])


def test_duplicate_transition_names_ask_for_name():
    with pytest.raises(ModelError, match="two transitions are named 'go'"):
        role(transitions=[Transition("go", "idle", "busy", clause="c"),
                          Transition("go", "busy", "idle", clause="c")])


def test_mutable_variable_type_is_rejected():
    with pytest.raises(ModelError, match="mutable type list"):
        role(variables={"xs": Var(list, [])})


def test_initial_value_must_match_type():
    with pytest.raises(ModelError, match="not of type int"):
        role(variables={"n": Var(int, "zero")})


def test_ignores_must_name_declared_states():
    with pytest.raises(ModelError, match="undeclared states"):
        role(ignores={Ping: ["elsewhere"]})


def test_unknown_initial_state():
    with pytest.raises(ModelError, match="initial state 'start'"):
        role(initial="start")


def test_any_state_source_reaches_everything():
    r = role(states=["idle", "busy", "down"],
             transitions=[Transition("go", "idle", "busy", clause="c"),
                          Transition("fail", "*", "down", clause="c")])
    assert r.transitions_spec()[1]["source"] == "*"


def test_the_declaration_is_a_transitions_machine():
    r = role(transitions=[Transition("go", "idle", "busy", clause="c"),
                          Transition("back", "busy", "idle", clause="c")])
    machine = r.machine()
    assert machine.get_triggers("idle") == ["go"]
    assert sorted(machine.states) == ["busy", "idle"]


def test_a_guard_is_checked_by_what_it_can_be_called_with_whatever_was_checked_before():
    """check_callable remembers what a function's code with its defaults binds (a variant's
    lambdas are new objects at every build): the same code with a default added binds one
    argument, without it not, in either order, and each answer is the uncached one."""

    def two(ctx, extra):
        return True

    with_default = type(two)(two.__code__, two.__globals__, "two", (None,), two.__closure__)
    again = type(two)(two.__code__, two.__globals__, "two", None, two.__closure__)
    for guard, binds in ((two, False), (with_default, True), (again, False),
                         (with_default, True)):
        declare = lambda g=guard: role(transitions=[  # noqa: E731
            Transition("go", "idle", "busy", clause="1.1 step 1", conditions=[g])])
        if binds:
            declare()  # declared without an error
        else:
            with pytest.raises(ModelError, match=r"cannot be called with 1 argument"):
                declare()
