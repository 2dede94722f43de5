"""`contribution --all`'s INDEX.md: per finding, its class, the document it got (or why
none), its files, and the outcome of its property per reading, as published and with the
declared change (what was checked, as the documents state it)."""

from __future__ import annotations

from typing import Any

from .values import md_cell


def index_markdown(records: list[dict[str, Any]]) -> str:
    lines = ["# Contributions, one per finding", "",
             "Written by `mcfsm contribution --all`. The document follows the finding's "
             "class: a gap with a declared change gets a discussion paper and a CR; a finding "
             "that turns on a reading, a paper asking which reading is intended; a CR "
             "demonstration, a review comment on that CR; findings with one root (each "
             "turning on a reading of one wording), one paper and one CR settling them all; "
             "an artefact of the model or a "
             "trade-off the text states, none. Each outcome was checked under every reading "
             "the model explores.", "",
             "| finding | model | class | document | files |", "| --- | --- | --- | --- | --- |"]
    for r in records:
        files = ", ".join(f"[{f}]({f})" for f in r["files"]) or md_cell(r["why"])
        lines.append(f"| {r['finding']} | {r['model']} | {md_cell(r['class'])} | "
                     f"{md_cell(r['document'])} | {files} |")
    for r in records:
        if not r["published"]:
            continue
        published, changed = dict(r["published"]), dict(r["changed"])
        lines += ["", f"## {r['finding']}", "", r["why"][:1].upper() + r["why"][1:] + ".", "",
                  "| readings | as published | with the change |", "| --- | --- | --- |"]
        # each search's own readings (the change's may fix or add some): "-" where a
        # search has no such reading, never an outcome it did not check
        for readings in dict.fromkeys([*published, *changed]):
            after = changed.get(readings, "-") if changed else "no change declared"
            lines.append(f"| {md_cell(readings)} | {published.get(readings, '-')} | {after} |")
    return "\n".join(lines) + "\n"
