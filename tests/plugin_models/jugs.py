"""A model for the pytest plugin's own test: DieHard with one right and one wrong
expectation. `NotSolved` is violated; variant `wrong` declares that it holds."""

import diehard  # tests/validation is on sys.path in the plugin test

from mcfsm import Model

model = Model("jugs")
model.add_variant("right", lambda: diehard.jugs(), expect={"NotSolved": "violated"})
model.add_variant("wrong", lambda: diehard.jugs())
