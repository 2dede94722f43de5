"""One search on several cores or machines: the hash-partitioned breadth-first search."""
