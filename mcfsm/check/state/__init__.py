"""States: interned and stored, stepped, judged by memoized predicates, fingerprinted, and
the explored graph's edges."""
