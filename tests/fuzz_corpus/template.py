"""The fuzz corpus's model file: a small valid model with named slots (`@@NAME@@`), each
defaulting to valid code, so the untouched template checks cleanly (exit 0) and a mistake
put in one slot is the only mistake in the file (grammar.py lists the mistakes)."""

from __future__ import annotations

MODEL_FILE = "model.py"

TEMPLATE = '''"""A fuzz-corpus model: a pinger sends up to two Pings to a ponger."""
import sys

from mcfsm import (Instance, M, Message, Model, Network, Param, Role, System, Transition, Var,
                   always, sometimes, step)
@@PRELUDE@@


class Ping(Message, clause="T.1"):
    n: int = M("count")


def send_ping(ctx):
    @@ACTION@@
    ctx.send(@@SEND_TO@@, @@SENT@@)
    ctx.v.count = @@ASSIGNED@@


def may_ping(ctx):
    @@GUARD@@
    return ctx.v.count < 2


def pick(ctx):
    @@CHOICES@@
    return (1, 2)


def got(ctx):
    ctx.v.seen = ctx.v.seen + 1
    ctx.shared.total = ctx.shared.total + 1


def few(v):
    @@ALWAYS@@
    return v["b"].seen <= 2


def two(v):
    @@SOMETIMES@@
    return v["b"].seen == 2


def grows(before, key, after):
    @@STEP@@
    return after["b"].seen >= before["b"].seen


def bound(v):
    @@CONSTRAINT@@
    return True


def finished(v):
    @@FINAL@@
    return v["a"].state == "done" and not v.in_flight()


PINGER = Role(@@ROLE_NAME@@, states=@@STATES@@, initial=@@INITIAL@@,
              variables={"count": @@VAR@@},
              transitions=[
                  Transition("ping", @@SOURCE@@, @@DEST@@, clause=@@CLAUSE@@,
                             conditions=@@CONDITIONS@@, after=@@AFTER@@, sends=@@SENDS@@),
                  Transition(@@TRIGGER@@, "idle", None, clause="1.7", choices=@@CHOICES_FN@@,
                             name=@@TNAME@@, label=@@LABEL@@, environment=@@ENVIRONMENT@@),
                  Transition("stop", "idle", "done", clause="1.2")],
              final=@@ROLE_FINAL@@)

PONGER = Role("ponger", states=["wait"], initial="wait",
              variables={"seen": Var(int, 0)},
              transitions=[Transition(Ping, "wait", None, clause="1.3", after=[got])],
              final=["wait"])

@@MODEL_DECL@@


@@VARIANT_DECORATOR@@
def v1(@@VARIANT_ARGS@@):
    @@VARIANT_BODY@@
    return System(@@SYSTEM_NAME@@, instances=@@INSTANCES@@,
                  network=@@NETWORK@@, loss=@@LOSS@@, check_deadlock=@@CHECK_DEADLOCK@@,
                  params={"p": @@PARAM@@},
                  shared={"total": @@SHARED@@},
                  constraint=@@CONSTRAINT_FN@@, final=@@FINAL_FN@@,
                  max_in_flight=@@MAX_IN_FLIGHT@@,
                  properties=[always(@@PROP_NAME@@, @@ALWAYS_FN@@, clause=@@PROP_CLAUSE@@),
                              sometimes("two", two, clause="1.6"),
                              step("grows", @@STEP_FN@@, clause="1.8")])


@model.variant("v2", doc="the same system, for diffs")
def v2():
    return v1(@@V2_ARGS@@)
@@EPILOGUE@@
'''

DEFAULTS: dict[str, str] = {
    "PRELUDE": "", "ACTION": "pass", "SEND_TO": '"b"', "SENT": "Ping(n=ctx.v.count)",
    "ASSIGNED": "ctx.v.count + 1", "GUARD": "pass", "CHOICES": "pass", "ALWAYS": "pass",
    "SOMETIMES": "pass", "STEP": "pass", "CONSTRAINT": "pass", "FINAL": "pass",
    "ROLE_NAME": '"pinger"', "STATES": '["idle", "done"]', "INITIAL": '"idle"',
    "VAR": "Var(int, 0)", "SOURCE": '"idle"', "DEST": '"idle"', "CLAUSE": '"1.1"',
    "CONDITIONS": "[may_ping]", "AFTER": "[send_ping]", "SENDS": "[Ping]",
    "TRIGGER": '"tick"', "CHOICES_FN": "pick", "TNAME": '"tick"', "LABEL": '"ticks"',
    "ENVIRONMENT": "False", "ROLE_FINAL": '["done"]',
    "MODEL_DECL": 'model = Model("fuzz_model", clause="1", doc="fuzz corpus")',
    "VARIANT_DECORATOR": '@model.variant("v1", doc="first")', "VARIANT_ARGS": "",
    "VARIANT_BODY": "pass", "SYSTEM_NAME": '"fuzz_model"',
    "INSTANCES": '[Instance("a", PINGER), Instance("b", PONGER)]', "NETWORK": "Network.FIFO",
    "LOSS": "False", "CHECK_DEADLOCK": "True", "PARAM": 'Param((1, 2), clause="1.4")',
    "SHARED": "Var(int, 0)", "CONSTRAINT_FN": "bound", "FINAL_FN": "finished",
    "MAX_IN_FLIGHT": "None", "PROP_NAME": '"few"', "ALWAYS_FN": "few", "PROP_CLAUSE": '"1.5"',
    "STEP_FN": "grows", "V2_ARGS": "", "EPILOGUE": "",
}


def model_source(**slots: str) -> str:
    text = TEMPLATE
    for name, default in DEFAULTS.items():
        text = text.replace(f"@@{name}@@", slots.get(name, default))
    assert "@@" not in text, text
    return text
