"""What `mcfsm init NAME` writes: a runnable minimal model and its pytest test.

The model is small on purpose (a client asks, a server answers) but uses every part a real
model needs: messages with M/O elements and a clause, roles with states, variables,
guards, actions and an environment event, a parameter for a choice the spec leaves open,
a named-condition property with a description, and a variant with declared verdicts.
`tests/test_cli.py` runs `mcfsm init demo && mcfsm check demo.py` in an empty folder.
"""

from __future__ import annotations

MODEL = '''"""{name}: a minimal mcfsm model, written by `mcfsm init {name}`.

A client sends a request; the server answers it, accepting or rejecting as its policy says.
Change the messages, roles and properties to your procedure, cite your clauses, and run:

    mcfsm check {name}.py        # every variant, every property, exhaustively
    mcfsm report {name}.py       # an HTML report with a trace explorer
    pytest test_{name}.py        # the same verdicts as a test
"""

from mcfsm import Instance, M, Message, Model, O, Param, Role, System, Transition, Var, all_of, always


class Request(Message, clause="your spec, Table 1"):
    user: str = M("ID of the requesting user")          # M: mandatory element


class Response(Message, clause="your spec, Table 2"):
    user: str = M("ID of the user the request was for")
    accepted: bool = M("whether the server accepts the request")
    cause: str | None = O("why the server rejects it")  # O: optional element


def send_request(ctx) -> None:          # an action: update ctx.v, send messages
    ctx.send("server", Request(user=ctx.v.user))


def record_answer(ctx) -> None:
    ctx.v.accepted = ctx.msg.accepted


def answer(ctx) -> None:
    ctx.v.answered += 1
    accept = ctx.params.policy == "accept"
    ctx.send(ctx.sender, Response(user=ctx.msg.user, accepted=accept,
                                  cause=None if accept else "busy"))


CLIENT = Role(
    "client", states=["idle", "waiting", "done"], initial="idle", final=["done"],
    variables={{"user": Var(str, "user1"), "accepted": Var(bool, False)}},
    transitions=[
        Transition("start", "idle", "waiting", clause="your spec, step 1", after=[send_request],
                   sends=[Request], environment=True, label="the user asks for service"),
        Transition(Response, "waiting", "done", clause="your spec, step 3", after=[record_answer]),
    ])

SERVER = Role(
    "server", states=["serving"], initial="serving", final=["serving"],
    variables={{"answered": Var(int, 0)}},
    transitions=[
        Transition(Request, "serving", None, clause="your spec, step 2", after=[answer],
                   sends=[Response], conditions=[lambda ctx: ctx.v.answered < 1],
                   label="answers the request"),
    ])

model = Model("{name}", clause="your spec", doc=__doc__)


@model.variant("base", doc="as written: the server's policy is left open, both are explored",
               expect={{}})
def base() -> System:
    return System(
        "{name}",
        instances=[Instance("client", CLIENT, label="client 1"),
                   Instance("server", SERVER, label="the server")],
        params={{"policy": Param(choices=("accept", "reject"), clause="your spec, step 2 (silent)",
                                doc="whether the server accepts: the text does not say")}},
        properties=[
            always("answered-once", all_of({{
                "a client that is done was answered":
                    lambda v: v["client"].state != "done" or v["server"].answered == 1,
                "the server answers at most once": lambda v: v["server"].answered <= 1,
            }}), clause="your spec, step 3", doc="every finished request got exactly one answer"),
        ])
'''

TEST = '''"""The verdicts of {name}.py, as a test (written by `mcfsm init {name}`)."""

from pathlib import Path

from mcfsm import load_path, unexpected_verdicts


def test_every_verdict_is_the_declared_one():
    [loaded] = load_path(Path(__file__).with_name("{name}.py"))
    for variant in loaded.model.variants:
        # (property, declared, found) for each verdict that differs, per choice
        assert unexpected_verdicts(loaded.model, variant) == [], variant
'''


def model_text(name: str) -> str:
    return MODEL.format(name=name)


def test_text(name: str) -> str:
    return TEST.format(name=name)
