"""Where the spec text comes from: the user's 3GPP text, found where they say (`--spec DIR`,
MCFSM_SPEC, the clause list's header folder), and the record of the sentences the models
cite (models/quotes.json), which answers for the text on a clone with nothing beside it.

Below show/: it stores and finds text, and renders nothing."""
