"""A grammar of mistakes: a small valid model file with named slots, and, per slot, the
wrong things a model author (or a broken tool) puts there, each with the exit code and the
words the error must contain. make_corpus.py enumerates it into the fixed corpus;
tests/test_fuzz.py also draws from it with hypothesis (several mistakes at once).

Every model-file slot defaults to valid code, so the untouched template checks cleanly
(exit 0): a mistake in one slot is the only mistake in the file.
"""

from __future__ import annotations

import dataclasses

from .template import DEFAULTS, MODEL_FILE, TEMPLATE, model_source

__all__ = ["DEFAULTS", "MODEL_FILE", "TEMPLATE", "model_source"]


@dataclasses.dataclass(frozen=True)
class Mistake:
    """One wrong thing in one slot. `exits`: the exit codes the contract allows for it;
    `mentions`: words the error message must contain (beyond the file name)."""

    name: str
    slots: dict[str, str]
    exits: tuple[int, ...] = (2,)
    mentions: tuple[str, ...] = ()
    runtime: bool = False  # raised while exploring (not when the declaration is built)
    alone: bool = False  # another mistake could repair it (not combined by hypothesis)


# What model code can throw, as one statement.
RAISES: dict[str, str] = {
    "value_error": 'raise ValueError("bad value")',
    "zero_division": "1 / 0",
    "sys_exit_0": "sys.exit(0)",
    "sys_exit_1": "sys.exit(1)",
    "sys_exit_3": "sys.exit(3)",
    "system_exit_msg": 'raise SystemExit("bye")',
    "keyboard_interrupt": "raise KeyboardInterrupt",
    "recursion": "(lambda f: f(f))(lambda f: f(f))",
    "key_error": '{}["missing"]',
    "assert_false": 'assert False, "model assertion"',
    "type_error": '"a" + 1',
    "name_error": "undefined_name_in_model",
}

# Where model code runs, and what the error must name there.
CODE_SITES: dict[str, tuple[str, ...]] = {
    "ACTION": ("transition 'ping'", "role 'pinger"),
    "GUARD": ("transition 'ping'", "role 'pinger"),
    "CHOICES": ("transition 'tick'",),
    "ALWAYS": ("property 'few'",),
    "SOMETIMES": ("property 'two'",),
    "STEP": ("property 'grows'",),
    "CONSTRAINT": ("constraint=",),
    "FINAL": ("final=",),
    "VARIANT_BODY": ("variant",),
    "PRELUDE": ("(at model.py:",),  # the line of the module-level code
}


def _decl(name: str, slot: str, value: str, *mentions: str) -> Mistake:
    return Mistake(name, {slot: value}, (2,), mentions)


DECLARATION_MISTAKES: list[Mistake] = [
    # Param
    _decl("param_int_choices", "PARAM", "Param(5)", "Param"),
    _decl("param_str_choices", "PARAM", 'Param("ab")', "Param"),
    _decl("param_empty", "PARAM", "Param(())", "Param"),
    _decl("param_none", "PARAM", "Param(None)", "Param"),
    _decl("param_unhashable", "PARAM", "Param(([1], [2]))", "not hashable"),
    _decl("param_doc_int", "PARAM", "Param((1, 2), doc=5)", "doc"),
    _decl("param_clause_none", "PARAM", "Param((1, 2), clause=None)", "clause"),
    _decl("param_not_param", "PARAM", "(1, 2)", "parameter 'p'"),
    # shared=
    _decl("shared_list_type", "SHARED", "Var(list, [])", "mutable"),
    _decl("shared_wrong_initial", "SHARED", 'Var(int, "zero")', "initial value"),
    _decl("shared_not_var", "SHARED", '"total"', "variable 'total'"),
    _decl("shared_type_str", "SHARED", 'Var("int", 0)', "not a type"),
    _decl("shared_doc_int", "SHARED", "Var(int, 0, doc=3)", "doc"),
    _decl("shared_unhashable_initial", "SHARED", "Var(tuple, ([1],))", "unhashable"),
    _decl("shared_dict_type", "SHARED", "Var(dict, {})", "mutable"),
    # role variables
    _decl("var_list_type", "VAR", "Var(list, [])", "role 'pinger'", "mutable"),
    _decl("var_wrong_initial", "VAR", 'Var(int, "0")', "role 'pinger'", "initial value"),
    _decl("var_not_var", "VAR", "0", "role 'pinger'", "variable 'count'"),
    _decl("var_type_none", "VAR", "Var(None, None)", "role 'pinger'", "not a type"),
    _decl("var_set_type", "VAR", "Var(set, set())", "role 'pinger'", "mutable"),
    # constraint= / final=
    _decl("constraint_int", "CONSTRAINT_FN", "5", "constraint="),
    _decl("constraint_no_args", "CONSTRAINT_FN", "lambda: True", "constraint="),
    _decl("constraint_two_args", "CONSTRAINT_FN", "lambda a, b: True", "constraint="),
    _decl("constraint_str", "CONSTRAINT_FN", '"v.a < 3"', "constraint="),
    _decl("final_int", "FINAL_FN", "1", "final="),
    _decl("final_no_args", "FINAL_FN", "lambda: True", "final="),
    _decl("final_three_args", "FINAL_FN", "lambda a, b, c: True", "final="),
    # max_in_flight and flags
    _decl("max_in_flight_str", "MAX_IN_FLIGHT", '"3"', "max_in_flight"),
    _decl("max_in_flight_negative", "MAX_IN_FLIGHT", "-1", "max_in_flight"),
    _decl("max_in_flight_zero", "MAX_IN_FLIGHT", "0", "max_in_flight"),
    _decl("max_in_flight_float", "MAX_IN_FLIGHT", "2.5", "max_in_flight"),
    _decl("max_in_flight_bool", "MAX_IN_FLIGHT", "True", "max_in_flight"),
    _decl("loss_str", "LOSS", '"yes"', "loss"),
    _decl("check_deadlock_none", "CHECK_DEADLOCK", "None", "check_deadlock"),
    _decl("network_str", "NETWORK", '"fifo"', "network"),
    # clauses
    _decl("transition_clause_none", "CLAUSE", "None", "transition 'ping'", "clause"),
    _decl("transition_clause_int", "CLAUSE", "5", "transition 'ping'", "clause"),
    _decl("transition_clause_empty", "CLAUSE", '""', "transition 'ping'", "clause"),
    _decl("property_clause_none", "PROP_CLAUSE", "None", "property 'few'", "clause"),
    _decl("property_clause_list", "PROP_CLAUSE", '["1.5"]', "property 'few'", "clause"),
    # predicates and their arity
    _decl("always_no_args", "ALWAYS_FN", "lambda: True", "property 'few'"),
    _decl("always_two_args", "ALWAYS_FN", "lambda a, b: True", "property 'few'"),
    _decl("always_not_callable", "ALWAYS_FN", "True", "property 'few'"),
    _decl("always_none", "ALWAYS_FN", "None", "property 'few'"),
    _decl("step_one_arg", "STEP_FN", "lambda v: True", "property 'grows'"),
    _decl("step_two_args", "STEP_FN", "lambda a, b: True", "property 'grows'"),
    _decl("step_str", "STEP_FN", '"grows"', "property 'grows'"),
    _decl("property_name_control", "PROP_NAME", '"a\\tfew"', "property name"),
    _decl("property_name_path", "PROP_NAME", '"../few"', "property name"),
    _decl("property_name_empty", "PROP_NAME", '""', "property name"),
    _decl("property_name_int", "PROP_NAME", "5", "property name"),
    _decl("property_name_dup", "PROP_NAME", '"two"', "two properties"),
    # transitions
    _decl("source_int", "SOURCE", "5", "transition 'ping'"),
    _decl("source_list_int", "SOURCE", "[5]", "transition 'ping'"),
    _decl("source_unknown", "SOURCE", '"idel"', "transition 'ping'", "did you mean"),
    _decl("dest_int", "DEST", "7", "transition 'ping'"),
    _decl("dest_unknown", "DEST", '"don"', "transition 'ping'"),
    _decl("conditions_bare_function", "CONDITIONS", "may_ping", "transition 'ping'", "conditions"),
    _decl("conditions_int", "CONDITIONS", "[1]", "transition 'ping'"),
    _decl("conditions_two_args", "CONDITIONS", "[lambda a, b: True]", "transition 'ping'"),
    _decl("after_int", "AFTER", "5", "transition 'ping'", "after"),
    _decl("after_no_args", "AFTER", "[lambda: None]", "transition 'ping'"),
    _decl("sends_int", "SENDS", "[5]", "transition 'ping'", "sends"),
    _decl("sends_bare_class", "SENDS", "Ping", "transition 'ping'", "sends"),
    _decl("choices_int", "CHOICES_FN", "5", "transition 'tick'", "choices="),
    _decl("choices_no_args", "CHOICES_FN", "lambda: (1,)", "transition 'tick'", "choices="),
    _decl("trigger_int", "TRIGGER", "5", "trigger"),
    _decl("trigger_class_not_message", "TRIGGER", "int", "trigger"),
    _decl("tname_int", "TNAME", "5", "name"),
    _decl("label_int", "LABEL", "5", "label"),
    _decl("environment_str", "ENVIRONMENT", '"yes"', "environment"),
    # roles
    _decl("states_string", "STATES", '"idle"', "role 'pinger'", "states"),
    _decl("states_ints", "STATES", "[1, 2]", "role 'pinger'", "states"),
    _decl("states_dup", "STATES", '["idle", "done", "idle"]', "role 'pinger'"),
    _decl("initial_int", "INITIAL", "0", "role 'pinger'", "initial"),
    _decl("initial_unknown", "INITIAL", '"start"', "role 'pinger'", "initial"),
    _decl("role_final_string", "ROLE_FINAL", '"done"', "role 'pinger'", "final"),
    _decl("role_final_unknown", "ROLE_FINAL", '["finished"]', "role 'pinger'", "final"),
    _decl("role_name_int", "ROLE_NAME", "5", "role name"),
    _decl("role_name_empty", "ROLE_NAME", '""', "role name"),
    # instances and systems
    _decl("instances_empty", "INSTANCES", "[]", "no instances"),
    _decl("instances_roles", "INSTANCES", "[PINGER, PONGER]", "Instance"),
    _decl("instance_name_int", "INSTANCES", '[Instance(1, PINGER), Instance("b", PONGER)]',
          "instance name"),
    _decl("instance_dup", "INSTANCES", '[Instance("a", PINGER), Instance("a", PONGER)]',
          "instance name 'a'"),
    _decl("instance_role_str", "INSTANCES", '[Instance("a", "pinger"), Instance("b", PONGER)]',
          "instance 'a'"),
    _decl("instance_label_int", "INSTANCES", '[Instance("a", PINGER, label=3), Instance("b", PONGER)]',
          "label"),
    _decl("instance_init_int", "INSTANCES", '[Instance("a", PINGER, init=3), Instance("b", PONGER)]',
          "init"),
    _decl("instance_init_unknown", "INSTANCES",
          '[Instance("a", PINGER, init={"nope": 1}), Instance("b", PONGER)]', "'nope'"),
    _decl("instance_init_wrong_type", "INSTANCES",
          '[Instance("a", PINGER, init={"count": "x"}), Instance("b", PONGER)]', "'count'"),
    _decl("system_name_int", "SYSTEM_NAME", "5", "system name"),
    _decl("system_name_empty", "SYSTEM_NAME", '""', "system name"),
    _decl("receiver_missing", "INSTANCES", '[Instance("a", PINGER)]', "Ping"),
    # models and variants
    _decl("model_name_path", "MODEL_DECL", 'model = Model("../m")', "model name"),
    _decl("model_name_int", "MODEL_DECL", "model = Model(5)", "model name"),
    _decl("model_clause_int", "MODEL_DECL", 'model = Model("m", clause=5)', "clause"),
    _decl("model_doc_list", "MODEL_DECL", 'model = Model("m", doc=["x"])', "doc"),
    _decl("variant_bare_decorator", "VARIANT_DECORATOR", "@model.variant", "without a name"),
    _decl("variant_name_path", "VARIANT_DECORATOR", '@model.variant("../x")', "variant name"),
    _decl("variant_name_slash", "VARIANT_DECORATOR", '@model.variant("a/b")', "variant name"),
    _decl("variant_name_empty", "VARIANT_DECORATOR", '@model.variant("")', "variant name"),
    _decl("variant_name_int", "VARIANT_DECORATOR", "@model.variant(5)", "variant name"),
    _decl("variant_name_dup", "VARIANT_DECORATOR", '@model.variant("v2")', "twice"),
    _decl("variant_expect_bad", "VARIANT_DECORATOR",
          '@model.variant("v1", expect={"few": "maybe"})', "'maybe'"),
    _decl("variant_expect_list", "VARIANT_DECORATOR", '@model.variant("v1", expect=["few"])',
          "expect"),
    _decl("variant_doc_int", "VARIANT_DECORATOR", '@model.variant("v1", doc=5)', "doc"),
    _decl("variant_takes_args", "VARIANT_ARGS", "x", "variant 'v1'"),
    _decl("variant_returns_none", "VARIANT_BODY", "return None", "must return a System"),
    _decl("variant_returns_int", "VARIANT_BODY", "return 5", "must return a System"),
    _decl("model_no_variants", "EPILOGUE", '\nempty = Model("empty_model")', "no variants"),
    _decl("model_dup_name", "EPILOGUE", '\nagain = Model("fuzz_model")\n'
          'again.add_variant("x", v2)', "'fuzz_model'"),
    # Alone: a Model added elsewhere in the file (model_dup_name) would make it valid.
    dataclasses.replace(_decl(
        "no_model", "MODEL_DECL", 'model = Model("fuzz_model")\nmodel_ = model\ndel model\n'
        'class _M:\n    variant = staticmethod(lambda *a, **k: (lambda f: f))\nmodel = _M()\n'
        'del model_', "defines no mcfsm Model"), alone=True),
    _decl("message_clause_int", "PRELUDE", "\n\nclass Bad(Message, clause=5):\n    x: int = M()",
          "clause"),
    _decl("message_element_without_status", "PRELUDE",
          "\n\nclass Bad(Message, clause='T'):\n    x: int = 0", "M/O status"),
    _decl("syntax_error", "PRELUDE", "def broken(:", "syntax error"),
    _decl("import_missing_sibling", "PRELUDE", "import _no_such_sibling", "_no_such_sibling"),
    _decl("indentation_error", "PRELUDE", "  x = 1", "line"),
]

# Mistakes in what model code does while running (values, sends, assignments).
RUNTIME_VALUE_MISTAKES: list[Mistake] = [
    Mistake("send_unknown_instance", {"SEND_TO": '"nobody"'}, (2,), ("'nobody'", "transition 'ping'"),
            True),
    Mistake("send_undeclared_message", {"SENT": "Ping2(n=1)", "PRELUDE": (
        '\n\nclass Ping2(Message, clause="T.2"):\n    n: int = M("n")')}, (2,),
        ("Ping2", "transition 'ping'"), True),
    Mistake("send_not_a_message", {"SENT": "5"}, (2,), ("transition 'ping'",), True),
    Mistake("message_missing_element", {"SENT": "Ping()"}, (2,), ("mandatory", "transition 'ping'"),
            True),
    Mistake("message_unhashable_element", {"SENT": "Ping(n=[1])"}, (2,), ("unhashable",
            "transition 'ping'"), True),
    Mistake("assign_wrong_type", {"ASSIGNED": '"three"'}, (2,), ("'count'", "transition 'ping'"),
            True),
    Mistake("assign_tuple_with_list", {"VAR": "Var((int, tuple), 0)", "ASSIGNED": "(1, [1])",
                                       "GUARD": "return isinstance(ctx.v.count, int)"},
            (2,), ("not hashable", "'count'"), True),
    Mistake("assign_undeclared", {"ACTION": "ctx.v.nope = 1"}, (2,), ("'nope'", "transition 'ping'"),
            True),
    Mistake("guard_assigns", {"GUARD": "ctx.v.count = 5"}, (2,), ("guard", "transition 'ping'"),
            True),
    Mistake("predicate_returns_none", {"ALWAYS": "return None"}, (2,), ("property 'few'", "None"),
            True),
    Mistake("sometimes_returns_none", {"SOMETIMES": "return None"}, (2,), ("property 'two'", "None"),
            True),
    Mistake("step_returns_none", {"STEP": "return None"}, (2,), ("property 'grows'", "None"), True),
    Mistake("choices_unhashable", {"CHOICES": "return ([1], [2])"}, (2,), ("hashable",), True),
    Mistake("choices_not_iterable", {"CHOICES": "return 5"}, (2,), ("transition 'tick'",), True),
    Mistake("view_unknown_instance", {"ALWAYS": 'return v["zz"].seen < 3'}, (2,),
            ("property 'few'", "'zz'"), True),
    Mistake("constraint_excludes_all", {"CONSTRAINT": "return False"}, (2,), ("no initial state",),
            True),
    Mistake("predicate_array_truth", {"ALWAYS": "return _Ambiguous()", "PRELUDE": (
        "\n\nclass _Ambiguous:\n    def __bool__(self):\n        raise ValueError('ambiguous')")},
        (2,), ("property 'few'",), True),
]


def code_mistakes() -> list[Mistake]:
    """Every exception at every site where model code runs."""
    out = []
    for site, mentions in CODE_SITES.items():
        for raise_name, statement in RAISES.items():
            if site == "PRELUDE":
                statement = statement.replace("return ", "")
            out.append(Mistake(f"{site.lower()}_{raise_name}", {site: statement}, (2,),
                               mentions, site != "PRELUDE"))
    return out


def all_model_mistakes() -> list[Mistake]:
    return DECLARATION_MISTAKES + RUNTIME_VALUE_MISTAKES + code_mistakes()
