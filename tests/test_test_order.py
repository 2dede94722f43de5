"""tests/conftest.py deals the long tests out to the heads of the chunks pytest-xdist's
worksteal scheduler first gives its workers: held here to the scheduler itself, so that an
xdist release that shares tests out otherwise fails here rather than quietly leaving the
long tests to one worker."""

import types

import pytest
from xdist.scheduler.worksteal import WorkStealingScheduling

from .conftest import _chunk_sizes


class _Worker:
    """What the scheduler asks of a worker: the tests it is sent, nothing run."""

    shutting_down = False

    def __init__(self, name: str) -> None:
        self.gateway = types.SimpleNamespace(id=name)
        self.sent: list[int] = []

    def send_runtest_some(self, indices: list[int]) -> None:
        self.sent.extend(indices)

    def send_steal(self, indices: list[int]) -> None:  # a worker short of tests asks
        pass

    def shutdown(self) -> None:
        pass


@pytest.mark.parametrize("tests,workers", [(275, 3), (6345, 3), (10, 2), (7, 4), (100, 1)])
def test_the_chunks_are_the_ones_worksteal_first_gives(tests, workers):
    scheduler = WorkStealingScheduling.__new__(WorkStealingScheduling)
    scheduler.numnodes, scheduler.node2collection, scheduler.node2pending = workers, {}, {}
    scheduler.pending, scheduler.collection, scheduler.steal_requested_from_node = [], None, None
    scheduler.log = lambda *args: None
    nodes = [_Worker(f"gw{k}") for k in range(workers)]
    collection = [f"test_{k}" for k in range(tests)]
    for node in nodes:
        scheduler.add_node(node)
        scheduler.add_node_collection(node, collection)
    scheduler.schedule()
    sizes = _chunk_sizes(tests, workers)
    assert [len(node.sent) for node in nodes] == sizes
    starts = [sum(sizes[:k]) for k in range(workers)]
    assert [node.sent for node in nodes] == [list(range(a, a + n))
                                             for a, n in zip(starts, sizes, strict=True)]
