"""`mcfsm list`: the variants, instances, parameters and properties of each model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..lang.loader import load_path
from ..show.values import spec_value
from .common import build, echo, exit_help, guarded


@click.command(name="list", help="List the models at PATH: variants, parameters and "
               "properties.\n\n" + exit_help("listed", "(not used)"))
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the listing as JSON.")
@guarded
def list_(path: Path, as_json: bool) -> None:
    loaded = load_path(path)
    listing = []
    for lm in loaded:
        entry: dict[str, Any] = {"model": lm.model.name, "file": str(lm.path),
                                 "clause": lm.model.clause, "source": lm.model.source,
                                 "variants": []}
        for variant, decl in lm.model.variants.items():
            system = build(lm, variant)
            entry["variants"].append({
                "name": variant,
                "doc": decl.doc,
                "instances": {i.name: {"role": i.role.name, "label": i.words}
                              for i in system.instances},
                "network": system.network.value,
                "parameters": {name: {"choices": [spec_value(c) for c in p.choices], "doc": p.doc,
                                      "clause": p.clause} for name, p in system.params.items()},
                "properties": [{"name": p.name, "kind": p.kind, "clause": p.clause, "doc": p.doc}
                               for p in system.properties],
            })
        listing.append(entry)
    if as_json:
        echo(json.dumps(listing, indent=2))
        return
    for entry in listing:
        head = entry["model"] + (f" ({entry['clause']})" if entry["clause"] else "")
        echo(f"{head}  {entry['file']}")
        for v in entry["variants"]:
            echo(f"  variant {v['name']}: {v['doc']}".rstrip(": "))
            echo("    instances: " + ", ".join(
                f"{n} ({d['label']})" if d["label"] != n else n for n, d in v["instances"].items())
                + f"; network {v['network']}")
            for name, p in v["parameters"].items():
                echo(f"    parameter {name} in {{{', '.join(p['choices'])}}}"
                           + (f"  [{p['clause']}]" if p["clause"] else "")
                           + (f"  {p['doc']}" if p["doc"] else ""))
            for p in v["properties"]:
                echo(f"    {p['kind']:<9} {p['name']}  [{p['clause']}]"
                     + (f"\n              {p['doc']}" if p["doc"] else ""))
        echo()
