"""Every environment event is a step in every output (issue 31 item 4): one small lossy
model with a timer and a switch-off, whose shortest violation needs a loss, a timer expiry
and a switch-off, written out as `mcfsm check`, `mcfsm diagram` and `mcfsm report` write it;
each output (the text trace, the trace file, Mermaid, DOT, SVG, the HTML report's explorer
data and the finding's page) must name each of the three events, drawn as what it is."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from mcfsm import explore
from mcfsm.lang.loader import load_path
from mcfsm.show.docs import write_docs
from mcfsm.show.html_report import write_report
from mcfsm.show.report import result_text

MODEL = '''
from mcfsm import (UNDER_REVIEW, Expiry, Instance, Loss, Message, Model, Role, SwitchOff,
                   System, Timer, Transition, Var, always)


class Ping(Message, clause="t 1"):
    pass


class Pong(Message, clause="t 2"):
    pass


def ask(ctx):
    ctx.arm("patience")
    ctx.send("server", Ping())


def give_up(ctx):
    ctx.v.gave_up = True


def answer(ctx):
    ctx.v.got = True
    ctx.send(ctx.sender, Pong())


CLIENT = Role("client", states=["idle", "asking", "answered", "gave up"], initial="idle",
              final=["idle", "answered", "gave up"], variables={"gave_up": Var(bool, False)},
              timers=[Timer("patience", clause="t 3")], ignores={Pong: ["gave up"]},
              transitions=[
                  Transition("ask", "idle", "asking", clause="t 1", after=[ask], sends=[Ping]),
                  Transition(Pong, "asking", "answered", clause="t 2",
                             after=[lambda ctx: ctx.cancel("patience")]),
                  Transition(Expiry("patience"), "asking", "gave up", clause="t 3",
                             after=[give_up])])
SERVER = Role("server", states=["on"], initial="on", final=["on"],
              variables={"got": Var(bool, False)},
              transitions=[Transition(Ping, "on", None, clause="t 4", after=[answer],
                                      sends=[Pong])])


def build():
    return System(
        "lossy_ask",
        instances=[Instance("client", CLIENT, label="the client"),
                   Instance("server", SERVER, label="the server")],
        faults=[Loss.on(("client", "server"), why="the request may be lost"),
                SwitchOff("client", why="the client may be switched off", clause="t 5")],
        properties=[always(
            "heard-before-off",
            lambda v: not (v["client"].gave_up and v["client"].state == "switched off"
                           and not v["server"].got and not v.in_flight()),
            clause="t 6", doc="a client that gave up and is off was heard by the server")])


model = Model("lossy_ask", clause="T 1")
model.add_variant("base", build, doc="loss, a free timer, a switch-off",
                  expect={"heard-before-off": "violated"})
model.finding("unheard", prop="heard-before-off", variants=("base",), cls=UNDER_REVIEW,
              why="a test's model", title="The request is lost, the client gives up, then is off")
'''

PROP = "heard-before-off"
HAS_DOT = shutil.which("dot") is not None


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, object]:
    """Explore once; write the diagrams folder (with SVG where graphviz is installed) and
    the HTML report from it, as the commands do."""
    tmp = tmp_path_factory.mktemp("events")
    (tmp / "lossy_ask.py").write_text(MODEL)
    [lm] = load_path(tmp / "lossy_ask.py")
    system = lm.model.system("base")
    result = explore(system)

    def run(_lm, _variant):
        return system, result

    [verdict] = [v for v in result.verdicts if v.property.name == PROP]
    assert verdict.status == "violated"
    kinds = [(k.kind, k.transition) for k in verdict.trace.steps]
    # the shortest violation takes each of the three events once (and the request first)
    assert kinds[0] == ("internal", "ask") and len(kinds) == 4, kinds
    assert sorted(kinds[1:]) == [("internal", "patience expires"), ("internal", "switch off"),
                                 ("lose", "lose")], kinds
    diagrams, html = tmp / "diagrams", tmp / "html"
    write_docs([lm], diagrams, svg=HAS_DOT, run=run)
    write_report([lm], html, run=run)
    return {"kinds": kinds, "result": result,
            "charts": diagrams / "lossy_ask" / "base" / "charts",
            "finding": diagrams / "findings" / "unheard.md", "html": html}


def _step(outputs, transition: str) -> int:
    return 1 + [t for _, t in outputs["kinds"]].index(transition)


def _mermaid_events(outputs, text: str) -> None:
    lose, expiry, off = (_step(outputs, t) for t in ("lose", "patience expires", "switch off"))
    client = re.search(r"participant (P\d+) as the client", text).group(1)
    server = re.search(r"participant (P\d+) as the server", text).group(1)
    # the loss: an arrow ending in a cross in the step that lost it, never "still in flight";
    # lost later than the step after its send (step 1), it says when it was sent
    sent = "" if lose == 2 else ", sent in step 1"
    assert re.search(rf"^    {client}-x{server}: {lose}\. ✗ Ping \[lost{sent}\]$", text, re.M)
    assert "still in flight" not in text
    assert f"    Note over {client}: {expiry}. ⏱ the patience timer expires" in text
    assert f"    Note over {client}: {off}. ⏻ environment: is switched off" in text


def _note(dot: str, step: int) -> str:
    [line] = [x for x in dot.splitlines() if f'[id="step-{step}-note"' in x]
    return line


def _dot_events(outputs, dot: str) -> None:
    lose, expiry, off = (_step(outputs, t) for t in ("lose", "patience expires", "switch off"))
    assert re.search(rf'\[id="step-{lose}-lost", [^\n]*label="✗"', dot)
    assert f"<b>{lose}. Ping (sent in step 1, lost)</b>" in dot
    assert "still in flight" not in dot
    timer = _note(dot, expiry)
    assert "⏱ the patience timer expires" in timer and 'fillcolor="#fff4e0"' in timer
    switch = _note(dot, off)
    assert "⏻ environment: is switched off" in switch and 'fillcolor="#eeeeee"' in switch


def _svg_events(outputs, svg: str) -> None:
    lose, expiry, off = (_step(outputs, t) for t in ("lose", "patience expires", "switch off"))
    assert f'step&#45;{lose}&#45;lost"' in svg and ">✗<" in svg
    assert f"{lose}. Ping (sent in step 1, lost)" in svg
    assert "still in flight" not in svg
    assert f"{expiry}. ⏱ the patience timer expires" in svg
    assert f"{off}. ⏻ environment: is switched off" in svg


def _narration_events(outputs, text: str) -> None:
    """The text narration, as `mcfsm check` prints it and the HTML explorer steps it."""
    lose, expiry, off = (_step(outputs, t) for t in ("lose", "patience expires", "switch off"))
    assert re.search(rf"^ *{lose}\. the network loses Ping from the client to the server$",
                     text, re.M), text
    assert re.search(rf"^ *{expiry}\. the client: the patience timer expires  \(t 3\)$", text,
                     re.M), text
    assert re.search(rf"^ *{off}\. the client: is switched off  \(t 5\)$", text, re.M), text


def test_the_text_trace_names_each_event(outputs):
    text = "\n".join(result_text("lossy_ask", "base", outputs["result"]))
    _narration_events(outputs, text)


def test_the_trace_file_names_each_event(outputs):
    record = json.loads((outputs["charts"] / f"{PROP}.trace.json").read_text())
    lose, expiry, off = (_step(outputs, t) for t in ("lose", "patience expires", "switch off"))
    steps, narrated = record["steps"], record["narrated"]
    assert steps[lose - 1] == {"actor": "network", "transition": "lose", "kind": "lose",
                               "from": "client", "message": {"type": "Ping"}, "arg": "server"}
    assert (steps[expiry - 1]["actor"], steps[expiry - 1]["transition"]) == \
        ("client", "patience expires")
    assert (steps[off - 1]["actor"], steps[off - 1]["transition"]) == ("client", "switch off")
    assert narrated[lose - 1]["words"] == "the network loses Ping"
    assert narrated[lose - 1]["sends"] == [] and narrated[lose - 1]["environment"]
    assert narrated[expiry - 1]["words"] == "the patience timer expires"
    assert (narrated[off - 1]["words"], narrated[off - 1]["environment"]) == \
        ("is switched off", True)
    assert narrated[off - 1]["changes"]["state"][1] == "switched off"
    # the lost Ping is in flight before its loss, and nowhere after it
    before = narrated[lose - 2]["state"] if lose > 1 else record["initial_state"]
    assert [m["message"]["type"] for m in before["in_flight"]] == ["Ping"]
    assert all(not n["state"]["in_flight"] for n in narrated[lose - 1:])


def test_the_mermaid_chart_names_each_event(outputs):
    _mermaid_events(outputs, (outputs["charts"] / f"{PROP}.mmd").read_text())


def test_the_dot_chart_names_each_event(outputs):
    _dot_events(outputs, (outputs["charts"] / f"{PROP}.dot").read_text())


@pytest.mark.skipif(not HAS_DOT, reason="graphviz's `dot` is not installed: no SVG is drawn "
                                        "(apt-get install graphviz)")
def test_the_svg_chart_names_each_event(outputs):
    _svg_events(outputs, (outputs["charts"] / f"{PROP}.svg").read_text())


def test_the_html_explorer_names_each_event(outputs):
    """The report page loads each trace from a script beside it (MODEL.traces/ID.js): its
    narration, and its chart where graphviz drew one."""
    html: Path = outputs["html"]
    page = (html / "lossy_ask.html").read_text()
    [src] = re.findall(rf'<b>{PROP}</b> in <b>base</b>.*?data-src="([^"]+)"', page, re.S)[:1]
    script = (html / src).read_text()
    body = json.loads(re.fullmatch(r'mcfsmTrace\("[^"]+", (.*)\);\n', script, re.S).group(1))
    data = json.loads(re.search(r'<script type="application/json" class="trace-data">(.*?)'
                                r"</script>", body, re.S).group(1).replace("<\\/", "</"))
    narration = "\n".join(line for group in data["narration"] for line in group)
    _narration_events(outputs, narration)
    assert data["steps"] == 4
    if HAS_DOT:  # the chart inlined beside the explorer
        _svg_events(outputs, body)


def test_the_finding_page_names_each_event(outputs):
    page = outputs["finding"].read_text()
    [mermaid] = re.findall(r"```mermaid\n(.*?)```", page, re.S)
    _mermaid_events(outputs, mermaid)
    [paragraph] = re.findall(r"```text\n(.*?)\n```", page, re.S)
    # the paragraph to paste speaks in stage-2 steps (issue 56 item 4)
    for words in ("The network loses the ping from the client to the server",
                  "the client: the patience timer expires", "the client is switched off"):
        assert words in paragraph, paragraph
