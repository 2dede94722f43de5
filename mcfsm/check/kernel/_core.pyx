# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The compiled engine core: core.py's PyCore in C, with identical results.

Why Cython: gcc and Cython wheels are on every machine here and `pip install -e .` builds
this module with them; Rust crates cannot be fetched from these machines (Debian's
packaged pyo3 is old). Cython writes the reference counting of the few Python calls that
remain (memo misses, judging new states), and the rest is plain C on flat buffers.

Layout, per distinct state: its slot indices packed in `width` bytes (each slot 0, 1, 2 or
4 bytes wide, widened when a slot's table outgrows it: every stored state is then
re-encoded once; a slot with one value so far takes none), a 4-byte parent and a 4-byte step id (Python `array`s, read by the
trace code), and a 4-byte slot in the open-addressing visited set (state index + 1; 0 is
empty; at most 3/4 full). Under hash compaction (set_compact) only a set of 64-bit
fingerprints stays in memory; the columns and the breadth-first queue go to temporary files
(see the fields below). The memo of local steps maps (instance, local, inbox signature,
0, shared) to an entry of the memo pools (deltas, sends, self-loops), a world
reader's part by part on what each part read (see the fields); the inbox table maps
(inbox slot, inbox, message code) to the inbox after the message is added. A miss calls
CompiledSteps (model code) and converts its answer into the pools.
"""

from cpython cimport array
from cpython.bytearray cimport PyByteArray_AS_STRING, PyByteArray_GET_SIZE, PyByteArray_Resize
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.list cimport PyList_GET_ITEM
from cpython.tuple cimport PyTuple_GET_ITEM
from cpython.exc cimport PyErr_CheckSignals
from cpython.ref cimport PyObject
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free, realloc
from libc.string cimport memcmp, memcpy, memmove, memset
from posix.time cimport CLOCK_MONOTONIC, clock_gettime, timespec

import array as _array
import time as _time

from ...lang.system import StepCut
from ..state.fingerprints import SpillFile
from ..state.projections import NOTHING_SENT
from ..state.store import WIDENS_AT


cdef struct Entry:
    int32_t delta_start
    int32_t ndeltas
    int32_t loop_start
    int32_t nloops
    int32_t unhandled  # index into Core.unhandled_records, or -1


cdef struct Delta:
    uint32_t tid
    uint32_t sid
    uint32_t local
    uint32_t shared
    uint32_t inbox
    uint32_t send_start
    uint32_t nsends


cdef struct Send:
    uint32_t slot
    uint32_t code


cdef struct Loop:
    uint32_t tid
    uint32_t sid


cdef struct Pool:
    Entry* entries
    Py_ssize_t nentries, centries
    Delta* deltas
    Py_ssize_t ndeltas, cdeltas
    Send* sends
    Py_ssize_t nsends, csends
    Loop* loops
    Py_ssize_t nloops, cloops


cdef struct MapSlot:
    uint32_t key[5]
    uint32_t value  # the value + 1; 0 marks an empty slot


cdef struct Map:
    MapSlot* slots
    size_t mask
    size_t count


cdef void* _grow(void* p, Py_ssize_t* cap, Py_ssize_t need, size_t item) except NULL:
    """p with room for `need` items (doubling), or MemoryError."""
    cdef Py_ssize_t c = cap[0]
    cdef void* q
    if need <= c and p != NULL:
        return p
    while c < need:
        c = c * 2 if c else 16
    q = realloc(p, <size_t>c * item)
    if q == NULL:
        raise MemoryError("the engine core could not grow a table")
    cap[0] = c
    return q


cdef inline uint64_t _mix(uint64_t h) nogil:
    h ^= h >> 30
    h *= 0xbf58476d1ce4e5b9ULL
    h ^= h >> 27
    h *= 0x94d049bb133111ebULL
    h ^= h >> 31
    return h


cdef inline uint64_t _link(uint64_t h, uint64_t w) noexcept nogil:
    """One link of a fingerprint's chain: a bijection of w for a given h."""
    return _mix(h ^ w) + 0x9E3779B97F4A7C15ULL


cdef inline uint64_t _fingerprint(const uint32_t* v, int slots) noexcept nogil:
    """A state's 64-bit fingerprint in hash-compaction mode, from its slot indices (not its
    packing, which widens during the search): every word through splitmix64's finaliser, on
    four lanes (word k on lane k % 4, each lane seeded apart), the lanes then chained the
    same way. One chain over every word was a dependent run of two multiplies a word (a
    fifth of a TwoPhase 9 search's time under --hash-compact); four lanes run side by side.
    Each link is a bijection of the word it takes, so two states that differ in one slot
    never share a fingerprint. core.fingerprint is its pure-Python twin; both must agree."""
    cdef uint64_t a = 0x9E3779B97F4A7C15ULL ^ <uint64_t>slots
    cdef uint64_t b = 0xC2B2AE3D27D4EB4FULL ^ <uint64_t>slots
    cdef uint64_t c = 0x165667B19E3779F9ULL ^ <uint64_t>slots
    cdef uint64_t d = 0x27D4EB2F165667C5ULL ^ <uint64_t>slots
    cdef int k = 0
    while k + 4 <= slots:
        a, b = _link(a, v[k]), _link(b, v[k + 1])
        c, d = _link(c, v[k + 2]), _link(d, v[k + 3])
        k += 4
    if k < slots:
        a = _link(a, v[k])
    if k + 1 < slots:
        b = _link(b, v[k + 1])
    if k + 2 < slots:
        c = _link(c, v[k + 2])
    return _link(_link(_link(a, b), c), d)


def fingerprint_of(words):
    """_fingerprint of a row of slot indices given as a sequence (tests hold it to the
    pure-Python twin, fingerprints.fingerprint, for every row length)."""
    cdef array.array row = _array.array("I", words)
    return _fingerprint(row.data.as_uints, len(row))


cdef inline uint64_t _words_hash(const uint32_t* v, int n) noexcept nogil:
    """The hash of a local's words in its by-value table (Core._by_value): a multiply per
    two words and one finaliser, where a fingerprint, which hash compaction trusts without
    comparing, mixes every word; the table compares the words it finds."""
    cdef uint64_t h = <uint64_t>n
    cdef int k
    for k in range(0, n - 1, 2):
        h = (h ^ (<uint64_t>v[k] | <uint64_t>v[k + 1] << 32)) * 0x9E3779B97F4A7C15ULL
        h ^= h >> 29
    if n & 1:
        h = (h ^ v[n - 1]) * 0x9E3779B97F4A7C15ULL
    return _mix(h)


# The visited set's tagged entries (Core.tagged): an index below 2**26, 6 hash bits above.
cdef enum:
    TAG_INDEX = (1 << 26) - 1
# Slot indices below this have a world reader's column values in a dense array (_column);
# the rare larger ones stay in the `cols` table.
cdef enum:
    DENSE_COLUMN = 1 << 20
# A memo tree node's edges for slot indices below this sit in an array by index (Core.tdense).
cdef enum:
    DENSE_EDGE = 1 << 10


# where the entries stop holding tags (a module attribute, so that a test can lower it)
TAG_LIMIT = TAG_INDEX

# A predicate's slot mask when it is unknown (or names a slot past 63): it reads every slot.
cdef uint64_t ALL_SLOTS = 0xFFFFFFFFFFFFFFFF
_MAX_MASK = (1 << 64) - 1


cdef inline uint32_t _tag(uint64_t h) noexcept nogil:
    return <uint32_t>(h >> 58) << 26


cdef inline uint64_t _hash_bytes(const uint8_t* p, Py_ssize_t n) nogil:
    cdef uint64_t h = 0x9E3779B97F4A7C15ULL ^ <uint64_t>n
    cdef uint64_t w
    while n >= 8:
        memcpy(&w, p, 8)
        h = _mix(h ^ w)
        p += 8
        n -= 8
    if n > 0:
        w = 0
        memcpy(&w, p, n)
        h = _mix(h ^ w)
    return h


cdef inline uint64_t _hash_key(const uint32_t* k) nogil:
    cdef uint64_t h = (<uint64_t>k[0] << 32 | k[1]) * 0x9E3779B97F4A7C15ULL
    h = _mix(h ^ (<uint64_t>k[2] << 32 | k[3]))
    return _mix(h ^ k[4])


cdef int _cover(array.array words, Py_ssize_t need) except -1:
    """words (unsigned ints) grown, zero-filled and at least doubling, to hold `need`."""
    if need > len(words):
        words.extend(_array.array("I", bytes(4 * max(need - len(words), len(words)))))
    return 0


cdef int _map_init(Map* m, size_t capacity) except -1:
    m.slots = <MapSlot*>calloc(capacity, sizeof(MapSlot))
    if m.slots == NULL:
        raise MemoryError("the engine core could not allocate a memo table")
    m.mask = capacity - 1
    m.count = 0
    return 0


cdef inline uint32_t _map_get(Map* m, const uint32_t* key) nogil:
    """The value + 1 stored under key, or 0."""
    cdef size_t pos = _hash_key(key) & m.mask
    cdef MapSlot* s
    while True:
        s = &m.slots[pos]
        if s.value == 0:
            return 0
        if memcmp(s.key, key, 5 * sizeof(uint32_t)) == 0:
            return s.value
        pos = (pos + 1) & m.mask


cdef int _map_put(Map* m, const uint32_t* key, uint32_t value) except -1:
    """Store value under a key that is not in the map."""
    cdef MapSlot* old
    cdef size_t old_size, j, pos
    if (m.count + 1) * 4 > (m.mask + 1) * 3:
        old, old_size = m.slots, m.mask + 1
        _map_init(m, old_size * 2)
        for j in range(old_size):
            if old[j].value != 0:
                _map_put(m, old[j].key, old[j].value - 1)
        free(old)
    pos = _hash_key(key) & m.mask
    while m.slots[pos].value != 0:
        pos = (pos + 1) & m.mask
    memcpy(m.slots[pos].key, key, 5 * sizeof(uint32_t))
    m.slots[pos].value = value + 1
    m.count += 1
    return 0


cdef int _map_set(Map* m, const uint32_t* key, uint32_t value) except -1:
    """Store value under key, replacing what the key held."""
    cdef size_t pos = _hash_key(key) & m.mask
    while m.slots[pos].value != 0:
        if memcmp(m.slots[pos].key, key, 5 * sizeof(uint32_t)) == 0:
            m.slots[pos].value = value + 1
            return 0
        pos = (pos + 1) & m.mask
    return _map_put(m, key, value)


# The memo trees' edges (Core._walk_edges): Map's open addressing with one 64-bit key, so
# a probe is one compare where Map's 5-word keys take a memcmp of 20 bytes.
cdef struct EdgeSlot:
    uint64_t key    # a memo tree node's number << 32 | the slot index the walk read there
    uint32_t value  # the edge + 1 (0 marks an empty slot); see Core._tree_edge


cdef struct EdgeMap:
    EdgeSlot* slots
    size_t mask
    size_t count


cdef int _edges_init(EdgeMap* m, size_t capacity) except -1:
    m.slots = <EdgeSlot*>calloc(capacity, sizeof(EdgeSlot))
    if m.slots == NULL:
        raise MemoryError("the engine core could not allocate a memo tree's edge table")
    m.mask = capacity - 1
    m.count = 0
    return 0


cdef inline uint32_t _edges_get(EdgeMap* m, uint64_t key) nogil:
    """The value + 1 stored under key, or 0."""
    cdef size_t pos = _mix(key * 0x9E3779B97F4A7C15ULL) & m.mask
    while True:
        if m.slots[pos].value == 0:
            return 0
        if m.slots[pos].key == key:
            return m.slots[pos].value
        pos = (pos + 1) & m.mask


cdef int _edges_put(EdgeMap* m, uint64_t key, uint32_t value) except -1:
    """Store value under a key that is not in the map."""
    cdef EdgeSlot* old
    cdef size_t old_size, j, pos
    if (m.count + 1) * 4 > (m.mask + 1) * 3:
        old, old_size = m.slots, m.mask + 1
        _edges_init(m, old_size * 2)
        for j in range(old_size):
            if old[j].value != 0:
                _edges_put(m, old[j].key, old[j].value - 1)
        free(old)
    pos = _mix(key * 0x9E3779B97F4A7C15ULL) & m.mask
    while m.slots[pos].value != 0:
        pos = (pos + 1) & m.mask
    m.slots[pos].key = key
    m.slots[pos].value = value + 1
    m.count += 1
    return 0


cdef int* _slot_array(list pairs) except NULL:
    """The local slots of (slot, monitor number) pairs as a C array (at least one item)."""
    cdef int* out = <int*>calloc(max(len(pairs), 1), sizeof(int))
    cdef Py_ssize_t k
    if out == NULL:
        raise MemoryError()
    for k in range(len(pairs)):
        out[k] = pairs[k][0]
    return out


cdef void _pool_free(Pool* p) noexcept:
    free(p.entries)
    free(p.deltas)
    free(p.sends)
    free(p.loops)
    memset(p, 0, sizeof(Pool))


cdef extern from *:
    """
    /* One compare-and-swap on a 64-bit word that several processes map (the shared
       visited set of the split search with --hash-compact: set_shared). */
    static inline int mcfsm_claim_slot(unsigned long long* p, unsigned long long want) {
        return __sync_bool_compare_and_swap(p, 0ULL, want);
    }
    static inline unsigned long long mcfsm_load(unsigned long long* p) {
        return __atomic_load_n(p, __ATOMIC_ACQUIRE);
    }
    static inline unsigned long long mcfsm_add(unsigned long long* p, unsigned long long n) {
        return __sync_add_and_fetch(p, n);
    }
    static inline void mcfsm_prefetch(const void* p) {
        __builtin_prefetch(p, 1, 1);
    }
    """
    void mcfsm_prefetch(const void* p) nogil
    int mcfsm_claim_slot(unsigned long long* p, unsigned long long want) nogil
    unsigned long long mcfsm_load(unsigned long long* p) nogil
    unsigned long long mcfsm_add(unsigned long long* p, unsigned long long n) nogil


cdef extern from "Python.h":
    # without PyDict_GetItem's save and restore of the error state on every lookup
    PyObject* PyDict_GetItemWithError(object d, object key) except? NULL


cdef extern from *:
    """
    /* Writes.apply on a local record (a tuple subclass): a new record of its type, its
       items with `dest` (unless None) at position 0 and each (position, value) of
       `assigned` put in, allocated as tuple.__new__(type, items) allocates it (the
       type's tp_alloc) without the list and the tuple in between. */
    static PyObject* mcfsm_with_writes(PyObject* old, PyObject* dest, PyObject* assigned) {
        Py_ssize_t n = PyTuple_GET_SIZE(old), j, count = PyTuple_GET_SIZE(assigned);
        PyTypeObject* t = Py_TYPE(old);
        PyObject* made = t->tp_alloc(t, n);
        if (made == NULL) return NULL;
        for (j = 0; j < n; j++) {
            PyObject* v = PyTuple_GET_ITEM(old, j);
            Py_INCREF(v);
            PyTuple_SET_ITEM(made, j, v);
        }
        for (j = -1; j < count; j++) {
            Py_ssize_t at = 0;
            PyObject* v = dest;
            if (j >= 0) {
                PyObject* pair = PyTuple_GET_ITEM(assigned, j);
                at = PyLong_AsSsize_t(PyTuple_GET_ITEM(pair, 0));
                v = PyTuple_GET_ITEM(pair, 1);
                if (at < 0 || at >= n) {
                    Py_DECREF(made);
                    if (!PyErr_Occurred())
                        PyErr_SetString(PyExc_IndexError, "a write past the local's end");
                    return NULL;
                }
            } else if (v == Py_None) {
                continue;
            }
            PyObject* was = PyTuple_GET_ITEM(made, at);
            Py_INCREF(v);
            PyTuple_SET_ITEM(made, at, v);
            Py_DECREF(was);
        }
        return made;
    }
    """
    object mcfsm_with_writes(object old, object dest, tuple assigned)


# Where the store widens a slot's code (Store.intern; Core._made leaves those to it).
cdef Py_ssize_t _WIDEN_H = WIDENS_AT[0], _WIDEN_I = WIDENS_AT[1]


# Boxed slot indices, made once: a memo tree's dicts are keyed by Python ints, and boxing
# an index on every lookup (an allocation above 256) cost a tenth of a property-heavy search.
cdef enum:
    BOXED = 1 << 17
cdef list _BOXED = list(range(BOXED))


cdef inline object _boxed(uint32_t v):
    if v < BOXED:
        return <object>PyList_GET_ITEM(_BOXED, v)
    return v


cdef object _NOTHING_SENT = NOTHING_SENT
cdef long _NOTHING_ID = NOTHING_SENT  # (Core._sent_id: a sent_since edge's index is id - it)


cdef object _sent(tuple slots, list tables, const uint32_t* a, const uint32_t* b):
    """Projections.sent on a step's two index vectors: NOTHING_SENT, the one inbox's
    projection id, or the tuple of them; None where a difference is not interned yet."""
    cdef Py_ssize_t j, slot
    cdef PyObject* pid
    cdef object first = _NOTHING_SENT
    cdef list more = None
    for j in range(len(slots)):
        slot = <Py_ssize_t>(<object>PyTuple_GET_ITEM(slots, j))
        if a[slot] == b[slot]:
            continue
        pid = PyDict_GetItemWithError(<object>PyList_GET_ITEM(tables, j),
                                      (<uint64_t>a[slot]) << 32 | b[slot])
        if pid == NULL:
            return None
        if <object>pid == _NOTHING_SENT:
            continue
        if more is not None:
            more.append(<object>pid)
        elif first is _NOTHING_SENT:
            first = <object>pid
        else:
            more = [first, <object>pid]
    return first if more is None else tuple(more)


cdef inline Py_ssize_t _node_slot(list node):
    """The slot a memo tree node reads: its own, an inbox projection's inbox, or -1 for what
    a step sent (sent_since)."""
    return <Py_ssize_t>node[0] if node[2] is None else <Py_ssize_t>(<tuple>node[0])[0]


cdef inline PyObject* _child(list node, uint32_t idx) except? NULL:
    """The child of a slot or inbox-projection node for index idx of the slot it reads
    (borrowed), or NULL when the tree has none yet."""
    cdef PyObject* pid
    if node[2] is None:
        return PyDict_GetItemWithError(node[1], _boxed(idx))
    pid = PyDict_GetItemWithError(node[2], _boxed(idx))
    if pid == NULL:
        return NULL
    return PyDict_GetItemWithError(node[1], <object>pid)


cdef int _walk(object root, const uint32_t* a, const uint32_t* b, int width) except -2:
    """A MemoPredicate's decision tree (predicates.py) walked on slot indices: a node is
    [slot, {index: child}, None] or [(inbox slot, type, sender), {projection: child},
    {inbox index: projection}], or what a step put in some inboxes (sent_since), [(-1,
    type, sender, inbox slots), {what was put there: child}, [per inbox, {before << 32 |
    after: projection}]]; a leaf is the result. Slots from `width` on are read from b (a
    step's state after). 1 or 0, or -1 when the walk falls off the tree."""
    cdef object node = root, sent
    cdef PyObject* child
    cdef Py_ssize_t slot
    while type(node) is list:
        slot = _node_slot(<list>node)
        if slot >= 0:
            child = _child(<list>node, a[slot] if slot < width else b[slot - width])
        else:  # what a step put in the inboxes key[3] (sent_since): Projections.sent
            sent = _sent((<tuple>(<list>node)[0])[3], (<list>node)[2], a, b)
            if sent is None:
                return -1
            child = PyDict_GetItemWithError((<list>node)[1], sent)
        if child == NULL:
            return -1
        node = <object>child
    if node is None:
        return -1
    return 1 if node else 0


cdef double _now() noexcept nogil:
    cdef timespec t
    clock_gettime(CLOCK_MONOTONIC, &t)
    return t.tv_sec + t.tv_nsec * 1e-9


# local_found's "memoizable" answer for a world reader: memoize on the slots it read
READS = 2
# ... for a field-keyed one (steps.py's `fields`): memoize on its local's state, the part
# and the columns read, of its own local too; each delta's local a writes number
FIELDS = 3
# a field-keyed instance's internal part j is keyed with part code INTERNAL | j
cdef enum:
    INTERNAL = 0x40000000
# a relative delta's inbox (Core.bysig): the inbox as it is, or after the j-th delivery
cdef enum:
    KEEP = 0xFFFFFFFF
    TAKE = 0x80000000
# how far ahead the visited set's growth asks for the slots it writes (Core._rehash)
cdef enum:
    REHASH_AHEAD = 16
# the words of one part's last lookup (Core.parts_seen): 8, then up to 24 columns' values
cdef enum:
    PART_SEEN = 32
# A world reader's key is memoized on the union of what its paths read while the union
# has at most this many columns (one lookup a state), else on a list of what each read
# (read by each Core as it starts: tests set it to 0 to see the lists alone).
UNION_COLUMNS = 8


# hash compaction: the columns of this many states are buffered before they go to the file
cdef enum:
    SPILL_CHUNK = 1 << 16
# ... and the queue's rows (a buffer each way of QUEUE_CHUNK rows of slot indices)
cdef enum:
    QUEUE_CHUNK = 1 << 12

cdef class Core


cdef class _SpilledSteps:
    """Core.step_of under hash compaction: the step column, read from the spilled file."""
    cdef Core core

    def __cinit__(self, Core core):
        self.core = core

    def __getitem__(self, Py_ssize_t index):
        return self.core._spilled(index)[2]


cdef class Core:
    """The compiled twin of core.PyCore (same constructor, methods and results)."""

    cdef object steps, store, judge, record
    cdef object local_found, add_message, fault_list, column_value
    cdef object j_state, j_expansion, j_step, j_progress
    cdef bint check_states, judge_steps, check_expansions, faulty, indexed, capacity
    cdef object fits
    cdef object canon  # symmetry reduction (state/symmetry.py): None, or canon(row) -> row
    cdef public long long total, pruned, expanded
    cdef int n, slots
    # the visited set
    cdef int* widths
    cdef int* offsets
    cdef Py_ssize_t width, count, cstates
    cdef uint8_t* states
    cdef uint32_t* table
    # While fewer than 2**26 states are seen, a table entry holds 6 bits of the state's hash
    # above its index: a probe compares the packed state (a cache miss into `states`) only
    # where those bits match, at no cost in memory. Past that, the entry is the index alone.
    cdef bint tagged
    cdef uint32_t last_tag
    cdef Py_ssize_t tag_limit
    cdef size_t tmask
    cdef array.array parent, step
    cdef uint8_t* packed
    # the memo of local steps and the inbox table
    cdef Map memo, adds
    # Instances whose model code reads other instances (steps.py's world readers, `wr`):
    # their steps are memoized on what their code read too: `wkeys` maps a key (instance,
    # local, inbox, 0, shared) to a list of column sets, in `node_cs` and `node_next`
    # (node + 1, 0 at the end). While what the key's calls have read (steps.path_columns,
    # what one state's paths read) comes to at most `union_columns` columns, the list is
    # their union, one lookup a state; past that, one set per path taken, as steps.py keeps
    # them (later reads depend on earlier values): keyed on the union, a guard that reads
    # six inboxes for eight message types each would miss in nearly every state.
    # A column set is numbered once (`column_sets`) and stored as runs of (slot, column id:
    # 0 the slot's index, else steps.column_value's interned projection, kept in `cols` by
    # (column, index)); `projs` numbers each (column set, values of its columns), four
    # columns at a time, chained.
    cdef uint8_t* wr
    # An instance's local steps depend on its inbox only through what can be delivered
    # from it (steps.py memoizes a reception on the message and its sender), so the memo
    # key holds the inbox's *signature* (its deliverable (sender, message) list, numbered
    # in `sig_ids`) where the role defers nothing (`bysig`): inboxes that differ only
    # behind their heads share entries. A delta's inbox is then relative: KEEP (the inbox
    # as it is) or TAKE | j (the inbox after the j-th delivery, `rests` from `rest_at`).
    # Per instance, `sig_of` and `rest_at` map an inbox index to its signature + 1 (0: not
    # asked yet) and to where its rests start.
    cdef uint8_t* bysig
    cdef list sig_of, rest_at
    cdef array.array rests
    cdef dict sig_ids
    cdef object deliverables
    # A world reader's steps are memoized part by part (steps.local_parts): its internal
    # steps under part code 0, each delivery under 1 + the number of its (sender, message)
    # (`part_ids`), each keyed on what its own path read, so that a state whose parts were
    # all seen in different states hits (keyed whole, the combination of the parts' values
    # would be new). Per signature, `sig_parts` holds its deliveries' part codes from
    # `sig_part_at[signature]` on.
    cdef dict part_ids
    cdef array.array sig_parts, sig_part_at
    cdef object local_parts
    # Field-keyed instances (`fm`, steps.py's `fields`): keyed on their local's state
    # number (key[1]; key[3] = 1 sets these keys apart) instead of the local, one part per
    # internal transition (part code INTERNAL | j), the local's own fields among the
    # columns read; a delta's local is a writes number, applied by `_transform`
    # (steps.transformed), and a step that changes nothing is told to be a self-loop as
    # it is emitted. `st_of[k]` maps a local's index
    # to steps.state_code + 1 (its state's number | internal transitions << 20).
    cdef uint8_t* fm
    cdef list st_of
    cdef object state_code, transformed
    # ... and as a writes number makes a new local, the values of the old one's columns
    # are carried to it (`_carry`: steps.carried by (writes, instance), asked again when
    # a column is added), so that a new local's columns need no call to Python
    cdef dict carry_of
    cdef list column_keys
    cdef object carried
    # ... and a writes number's new local is looked up by value among the locals seen
    # (`_by_value`): each local of instance k as its positions' projections + 1 (`lv_vec[k]`,
    # `lv_width[k]` words a local, 0: not known yet; steps.local_codes), in an open-addressing
    # table of local indices + 1 (`lv_tab[k]`) hashed on those words; steps.transformed runs
    # only for a local not seen yet, once per distinct local instead of once per successor.
    # A width of -1: locals of differing lengths, not looked up.
    cdef int32_t* lv_width
    cdef uint32_t* lv_count
    cdef list lv_vec, lv_tab, wcodes, wvals
    cdef uint32_t* lv_tmp
    cdef Py_ssize_t clv_tmp
    cdef uint64_t lv_hash
    cdef object local_codes, write_codes, field_position, writes_of
    cdef array.array col_pos  # a column's slot << 16 | position in its local (-1: none; -2: not asked)
    # Each instance's last memo hit outside the world readers: (local, inbox, shared) and
    # the entry + 1 (0: none). States leave the queue in the order their parent
    # made them, and siblings differ in the few slots one step changed, so most instances
    # meet the key they met last and skip the memo's probe (a cache miss on a large table).
    cdef uint32_t* last_key
    cdef uint32_t* last_v
    cdef Map wkeys, projs, cols
    # per world reader k and part j of the state being expanded, what its lookup found
    # last (_part_lookup): at (k * 64 + j) * PART_SEEN, [parts_epoch, key[1:5], column set,
    # entry + 1, column count, the columns' values]. Consecutive states share most parts'
    # keys and values (8 in 10 lookups on private_call_migration[lossy_release]), and the
    # three or four hash probes of a lookup are the search's largest cost; any change to
    # the tables a lookup reads (a miss) starts a new epoch
    cdef uint32_t* parts_seen
    cdef uint32_t parts_epoch
    # a sent_since node's projection tables (Projections.diff) copied to C: the id + 1 of
    # what a step put in inbox j of node nid, keyed [nid, j, index before, index after, 0]
    # (Python's {before << 32 | after: id} dicts cost an int object and a dict probe on
    # every step: step properties read what each step sent)
    cdef Map sent_ids
    # `cols` read directly where it can be: per column id, the projection + 1 of each slot
    # index below DENSE_COLUMN (0: not asked yet). Slot indices are dense small integers,
    # and a world reader reads its columns in every state it is expanded in.
    cdef uint32_t** colv
    cdef Py_ssize_t* colcap
    cdef Py_ssize_t ncolv
    cdef array.array cs_at, cs_len, cs_slots, cs_cols, node_cs, node_next
    cdef dict column_sets
    cdef list set_columns
    cdef Py_ssize_t union_columns
    cdef object path_columns
    cdef Pool perm, scratch
    cdef list unhandled_records
    # the loss and duplication steps of each instance's inbox, by inbox index (None: not
    # asked yet): steps.faults is a Python call, and nearly every inbox, empty, has none
    cdef list fault_memo
    # per instance, per inbox index: 1 where fault_list gave nothing (most inboxes: empty,
    # or nothing to lose), so the expansion passes it in C (0: not known yet, or faults)
    cdef uint8_t** fault_none
    cdef Py_ssize_t* fault_cap
    cdef dict unhandled_ids
    # one expansion
    cdef uint32_t* cur
    cdef object cur_tuple
    cdef uint32_t* succ
    cdef uint32_t* succ_tid
    cdef uint32_t* succ_sid
    cdef Py_ssize_t nsucc, csucc, csucc_tid, csucc_sid
    # each successor row's hash in the visited set, taken before the rows are looked up so
    # that their slots are asked for at once (_ask_slots; -1 past the rows it hashed)
    cdef uint64_t* succ_hash
    cdef Py_ssize_t csucc_hash, nhashed
    cdef Loop* loops
    cdef Py_ssize_t nloops, cloops
    cdef int32_t unhandled
    cdef bint hit
    # coverage
    cdef int64_t* generated_
    cdef int64_t* discovered_
    cdef Py_ssize_t ntids
    # judging in C (Judge.compiled_plan): memo trees walked here, Python on a miss
    cdef bint fast_states, fast_steps
    # bounds (TLC's CONSTRAINT, ACTION_CONSTRAINT) beside step properties: Judge.allowed
    # says whether a step is taken, then its trees are walked here
    cdef bint bounded_steps
    cdef object decode_once, found_state, found_step, step_miss, step_keys, j_allowed
    cdef list preds, roots, marks_flags, always_names, somet_names, step_names, step_memos
    cdef int64_t* hits
    cdef uint8_t* memo_on  # each tree's `memoize`, cached with its root (refreshed on a miss)
    # each tree's slot_mask (the slots its paths read; ALL_SLOTS when unknown or past 64)
    cdef uint64_t* masks
    cdef Py_ssize_t cpreds, cmemo_on, cmasks
    # The memo trees' edges in C (_walk_edges): each tree node the walks have met has a
    # number (its index in `tnodes`, which keeps it alive, so that its id is never reused),
    # `tslot` the slot it reads (-1: what a step sent: `tsent`, _sent_id), `troot` each
    # tree's root node's number (-1: a leaf or no tree) and `edges` (node, index) -> edge
    # (_tree_edge).
    # A tree only grows (Python adds an edge on a miss, never changes one), so an edge
    # copied here stays true; a tree Python stops memoizing is not walked at all.
    cdef EdgeMap edges
    cdef list tnodes
    cdef dict tnode_of
    cdef int32_t* tslot
    # ... and for a node that reads a field of a local, the world readers' column of that
    # field (0: none): the walk reads the field's value there (carried from the local it
    # was made of: _carry) or in the node's table, and the node's dense edges are by that
    # value, not by the local's index (_field_edge)
    cdef uint32_t* tcol
    cdef Py_ssize_t ctcol
    cdef object column_of
    # ... and each node's edges for slot indices below DENSE_EDGE in an array by index
    # (`tdense[node]`, `tdcap[node]` entries; edge + 1, 0 not copied yet), `edges` keeping
    # the larger ones: a walk reads one entry per node instead of probing the hash table
    # (the probe and its cache miss were the core's largest cost, `_walk_edges` 17% of
    # private_call_migration[as_published]); nodes are few (thousands), their indices small.
    cdef uint32_t** tdense
    cdef uint32_t* tdcap
    cdef Py_ssize_t ctdense, ctdcap, ntdense
    # ... and for a node that reads what a step sent, its inbox slots as [count, slot...]
    # (NULL for other nodes): read on every step a step property walks there
    cdef int32_t** tsent
    cdef Py_ssize_t ctsent
    cdef int32_t* troot
    cdef Py_ssize_t ctslot, ctroot
    cdef int* mark_opens
    cdef int* mark_trigger
    cdef int* mark_met
    cdef int* always_t
    cdef int* somet_t
    cdef uint8_t* done
    cdef Py_ssize_t nmarks, nalways, nsomet, nsteps
    # per step id sid, 2 * nsteps + 1 words at sid * (2 * nsteps + 1): the tree of step
    # property q at q (-1: not made yet); then how many properties are left to judge on its
    # steps, and which, in property order: a property found, or whose tree is the leaf True
    # (for good: a leaf never misses), is dropped. Step ids are small and dense, and this is
    # read on every step; most trees of most step ids are that leaf (the property does not
    # apply to the step), 9 in 10 on the bundled models
    cdef int32_t* sid_trees
    cdef Py_ssize_t csid
    cdef object new_tuple
    # edges (temporal properties): the recorder's own arrays
    cdef array.array e_offsets, e_targets, e_labels
    cdef Py_ssize_t last_opened
    # depth-first with a depth bound (search_depth_first): depths, the stack, revisits
    cdef bint revisit
    cdef array.array depth_of, dstack
    # monitors (lang/monitors.py): their local slots; observe = CompiledSteps.observe
    cdef int nmon, nrmon
    cdef int* mon_slot
    cdef int* rmon_slot
    cdef object j_observe, j_observe_receipt
    cdef list rmon_j
    # the split search (partitioned.py): this core keeps the successors whose owner is `part`
    # and puts the others in per-owner outboxes
    cdef int part, nparts
    cdef object hash_value
    # hash compaction (set_compact): the visited set is `ctab`, an open-addressing set of
    # the 64-bit fingerprints themselves (0 is empty; the state whose fingerprint is 0 is
    # `zero_seen`), at most 3/4 full; `base` is the first state not yet expanded; each state's fingerprint, parent and step (16 bytes) go to a temporary file
    # (`spill_file`, through the buffer `spill`), read back only to rebuild a trace or to
    # grow the set: what stays in memory is the set and the unexpanded rows
    cdef bint compact, zero_seen
    cdef uint64_t* ctab
    cdef size_t cmask
    cdef uint64_t* spill
    cdef Py_ssize_t nspill, spilled, base
    cdef object spill_file
    cdef uint64_t last_fp
    # ... and the breadth-first queue is on disk too (TLC's state queue): a new state's slot
    # indices (unpacked, so that no widening re-encodes them) go to `q_next` through the
    # buffer `q_out`; the level being expanded is read back in order from `q_cur` through
    # `q_in` (rows `q_in_first` ... `q_in_first + q_in_n - 1`); the two files swap at each
    # level's end. In memory: the fingerprint set and these two buffers.
    cdef const uint32_t* last_row
    cdef uint32_t* q_out
    cdef Py_ssize_t q_out_n, q_in_first, q_in_n
    cdef object q_in, q_cur, q_next
    cdef uint64_t** vh  # per slot: the stable hash of each interned value, by index
    cdef Py_ssize_t* vh_n
    cdef Py_ssize_t* vh_cap
    cdef list out_rows, out_parent, out_sid, out_tid
    # per owner, this round's rows as an open-addressing set, each entry the high 32 bits of
    # the row's state hash over its row number + 1 (0 is empty), so that a probe compares
    # rows only when their hashes agree: a successor generated again in the round is sent once
    cdef uint64_t** otab
    cdef size_t* omask
    # The shared visited set (set_shared): 64-bit state fingerprints in memory every
    # partition maps, word 0 the number claimed, claimed by compare-and-swap; a successor
    # whose fingerprint another partition (or this one) claimed first is skipped, so each
    # state is stored by exactly one partition and no row is sent. `claimed`: the
    # fingerprints this partition claimed, to insert again into a larger table (reshare).
    cdef unsigned long long* stab
    cdef size_t smask
    # With a shared visited set (stab set), a state is stored only by the partition that
    # claimed it: what is new is the claim's to say, so the partition keeps no index of its
    # own rows (no probe of a second table per new state, no rehash as it grows).
    cdef object sbuf
    cdef array.array claimed
    # the state hash of each successor of the state being expanded, computed (and its slot
    # of the shared table prefetched) before any is claimed: the table is far larger than
    # the caches, so the probes of one expansion overlap instead of waiting in turn
    cdef uint64_t* succ_h
    cdef Py_ssize_t csucc_h

    def __cinit__(self, steps, store, judge, record, bint check_states, bint judge_steps,
                  bint check_expansions):
        cdef int k
        self.steps, self.store, self.judge, self.record = steps, store, judge, record
        self.local_found = steps.local_found
        self.path_columns = steps.path_columns
        self.column_value = steps.column_value
        self.add_message = steps._add_message
        self.fault_list = steps.faults
        self.faulty = bool(steps.faulty)
        self.capacity = bool(steps.capacity)
        self.fits = steps.fits
        self.j_state, self.j_expansion = judge.state, judge.expansion
        self.j_step, self.j_progress = judge.step, judge.progress
        self.check_states, self.judge_steps = check_states, judge_steps
        self.check_expansions = check_expansions
        self.n = len(steps.system.instances)
        self.slots = steps.system.slot_count
        self.widths = <int*>calloc(self.slots, sizeof(int))
        self.offsets = <int*>calloc(self.slots, sizeof(int))
        self.cur = <uint32_t*>calloc(self.slots, sizeof(uint32_t))
        self.packed = <uint8_t*>calloc(4 * self.slots + 8, 1)
        if self.widths == NULL or self.offsets == NULL or self.cur == NULL or self.packed == NULL:
            raise MemoryError()
        for k in range(self.slots):
            self.widths[k] = 0  # a slot that never changes takes no byte (persistent inboxes)
        self._layout()
        self.tmask = (1 << 10) - 1
        self.tagged = True
        self.tag_limit = TAG_LIMIT
        self.table = <uint32_t*>calloc(self.tmask + 1, sizeof(uint32_t))
        if self.table == NULL:
            raise MemoryError()
        self.indexed = True
        self.parent = _array.array("i")
        self.step = _array.array("I")
        _map_init(&self.memo, 1 << 8)
        _map_init(&self.adds, 1 << 8)
        _map_init(&self.wkeys, 1 << 6)
        _map_init(&self.projs, 1 << 6)
        _map_init(&self.cols, 1 << 6)
        _map_init(&self.sent_ids, 1 << 6)
        _edges_init(&self.edges, 1 << 8)
        self.tnodes, self.tnode_of = [], {}
        self.wr = <uint8_t*>calloc(self.n, 1)
        self.fm = <uint8_t*>calloc(self.n + 1, 1)
        if self.fm == NULL:
            raise MemoryError()
        self.st_of = [_array.array("I") for _ in range(self.n)]
        self.state_code, self.transformed = steps.state_code, steps.transformed
        self.carry_of, self.column_keys, self.carried = {}, steps.column_keys, steps.carried
        self.lv_width = <int32_t*>calloc(self.n + 1, sizeof(int32_t))
        self.lv_count = <uint32_t*>calloc(self.n + 1, sizeof(uint32_t))
        if self.lv_width == NULL or self.lv_count == NULL:
            raise MemoryError()
        self.lv_vec = [_array.array("I") for _ in range(self.n)]
        self.lv_tab = [_array.array("I") for _ in range(self.n)]
        self.wcodes, self.wvals, self.writes_of = [], [], steps.writes_of
        self.local_codes, self.write_codes = steps.local_codes, steps.write_codes
        self.field_position = steps.field_position
        self.col_pos = _array.array("i")
        self.column_of = steps.column_of
        self.bysig = <uint8_t*>calloc(self.n + 1, 1)
        if self.bysig == NULL:
            raise MemoryError()
        for k in range(self.n):
            self.bysig[k] = steps.system._deferred[k] is None
        self.sig_of = [_array.array("I") for _ in range(self.n)]
        self.rest_at = [_array.array("I") for _ in range(self.n)]
        self.rests = _array.array("I")
        self.sig_ids = {}
        self.deliverables = steps.deliverables
        self.part_ids = {}
        self.sig_parts, self.sig_part_at = _array.array("I"), _array.array("I")
        self.local_parts = steps.local_parts
        self.last_key = <uint32_t*>calloc(3 * self.n + 1, sizeof(uint32_t))
        self.last_v = <uint32_t*>calloc(self.n + 1, sizeof(uint32_t))
        self.parts_seen = <uint32_t*>calloc(self.n * 64 * PART_SEEN + 1, sizeof(uint32_t))
        self.parts_epoch = 1
        if self.wr == NULL or self.last_key == NULL or self.last_v == NULL:
            raise MemoryError()
        self.cs_at, self.cs_len = _array.array("I"), _array.array("I")
        self.cs_slots, self.cs_cols = _array.array("I"), _array.array("I")
        self.column_sets = {}
        self.set_columns = []
        self.union_columns = UNION_COLUMNS
        self.node_cs, self.node_next = _array.array("I"), _array.array("I")
        self.unhandled_records = []
        self.fault_memo = [[] for _ in range(len(steps.system.instances))]
        self.fault_none = <uint8_t**>calloc(self.n + 1, sizeof(uint8_t*))
        self.fault_cap = <Py_ssize_t*>calloc(self.n + 1, sizeof(Py_ssize_t))
        if self.fault_none == NULL or self.fault_cap == NULL:
            raise MemoryError()
        self.unhandled_ids = {}
        self.ntids = len(steps.system.coverage_names) + 1
        self.generated_ = <int64_t*>calloc(self.ntids, sizeof(int64_t))
        self.discovered_ = <int64_t*>calloc(self.ntids, sizeof(int64_t))
        if record is not None:
            self.e_offsets, self.e_targets, self.e_labels = record.offsets, record.targets, record.labels
        self.last_opened = 0
        self.revisit = False
        self.depth_of = _array.array("i")
        self.dstack = _array.array("i")
        self.nmon = len(steps.monitor_slots)
        self.mon_slot = _slot_array(steps.monitor_slots)
        self.j_observe = steps.observe
        self.nrmon = len(steps.receipt_slots)
        self.rmon_slot = _slot_array(steps.receipt_slots)
        self.rmon_j = [j for _, j in steps.receipt_slots]
        self.j_observe_receipt = steps.observe_receipt
        self.part, self.nparts = 0, 1
        self.compact, self.zero_seen, self.base = False, False, 0
        self.ctab, self.cmask, self.spill, self.nspill, self.spilled = NULL, 0, NULL, 0, 0
        self.spill_file = None
        self.last_row, self.q_out, self.q_out_n = NULL, NULL, 0
        self.q_in, self.q_in_first, self.q_in_n = None, 0, 0
        self.q_cur = self.q_next = None
        self.canon = None
        self._plan_judging()

    cdef uint32_t _reader_key(self, int k, uint32_t cs) except? 0xffffffff:
        """The first word of world reader k's memo key: k and the number of the values
        column set cs has now (k + n * number)."""
        cdef uint32_t pk[5]
        cdef uint32_t at = self.cs_at.data.as_uints[cs], m = self.cs_len.data.as_uints[cs]
        cdef uint32_t j, q, v
        # the first group starts with the set's number; each later one with the number of
        # the groups before it (top bit set: never a set's number)
        pk[0] = cs
        q = 0
        while True:
            for j in range(4):
                pk[1 + j] = self._column(at + q + j) if q + j < m else 0
            v = _map_get(&self.projs, pk)
            if v == 0:
                v = <uint32_t>self.projs.count + 1
                if <uint64_t>v * self.n + k >= 0x7fffffff:
                    raise MemoryError("too many values of what world readers read")
                _map_put(&self.projs, pk, v - 1)
            q += 4
            if q >= m:
                return k + self.n * v
            # (the U: Cython takes an unsuffixed literal of 2**31 or more for a Python int,
            # and the `|` then boxed v and built a new int object on every lookup)
            pk[0] = 0x80000000U | v

    cdef inline uint32_t _column(self, Py_ssize_t at) except? 0xffffffff:
        """The value in self.cur of the column stored at `at` of cs_slots and cs_cols."""
        cdef uint32_t idx = self.cur[self.cs_slots.data.as_uints[at]]
        cdef uint32_t c = self.cs_cols.data.as_uints[at]
        cdef uint32_t ck[5]
        cdef uint32_t v
        if c == 0:
            return idx
        if idx < DENSE_COLUMN:
            if c < self.ncolv and idx < self.colcap[c]:
                v = self.colv[c][idx]
                if v != 0:
                    return v - 1
            v = self._word_of(c, self.cs_slots.data.as_uints[at], idx)
            if v == 0:
                v = <uint32_t>self.column_value(c, idx) + 1
            self._dense_put(c, idx, v)
            return v - 1
        v = self._word_of(c, self.cs_slots.data.as_uints[at], idx)
        if v != 0:
            return v - 1
        ck[0], ck[1], ck[2], ck[3], ck[4] = c, idx, 0, 0, 0
        v = _map_get(&self.cols, ck)
        if v == 0:
            v = <uint32_t>self.column_value(c, idx) + 1
            _map_put(&self.cols, ck, v - 1)
        return v - 1

    cdef uint32_t _word_of(self, uint32_t c, uint32_t slot, uint32_t idx) except? 0xffffffff:
        """Column c's value + 1 where `slot` has index idx, read off the local's words when
        the column is a field of a field-keyed instance's local whose words are known (the
        same projection column_value gives: both intern (type, value)); 0 otherwise."""
        cdef int k = <int>slot - 2, width
        cdef Py_ssize_t pos
        cdef array.array vec
        if k < 0 or k >= self.n or self.lv_width[k] <= 0:
            return 0
        width = self.lv_width[k]
        while c >= <uint32_t>len(self.col_pos):
            self.col_pos.append(-2)
        pos = self.col_pos.data.as_ints[c]
        if pos == -2:
            pos = self.col_pos.data.as_ints[c] = self.field_position(c)
        if pos < 0 or <uint32_t>(pos >> 16) != slot or (pos & 0xFFFF) >= width:
            return 0
        pos &= 0xFFFF
        vec = <array.array>self.lv_vec[k]
        if (<Py_ssize_t>idx + 1) * width > len(vec):
            return 0
        if vec.data.as_uints[<Py_ssize_t>idx * width] == 0:
            return 0
        return vec.data.as_uints[<Py_ssize_t>idx * width + pos]

    cdef int _dense_put(self, uint32_t c, uint32_t idx, uint32_t v) except -1:
        """colv[c][idx] = v, growing the arrays (zero-filled) to hold it."""
        cdef Py_ssize_t old, new, j
        cdef uint32_t** p
        cdef Py_ssize_t* q
        cdef uint32_t* r
        if c >= self.ncolv:
            old, new = self.ncolv, max(2 * <Py_ssize_t>c, 16)
            p = <uint32_t**>realloc(self.colv, new * sizeof(uint32_t*))
            if p == NULL:
                raise MemoryError()
            self.colv = p
            q = <Py_ssize_t*>realloc(self.colcap, new * sizeof(Py_ssize_t))
            if q == NULL:
                raise MemoryError()
            self.colcap = q
            for j in range(old, new):
                self.colv[j] = NULL
                self.colcap[j] = 0
            self.ncolv = new
        if idx >= self.colcap[c]:
            old, new = self.colcap[c], max(2 * <Py_ssize_t>idx, 64)
            r = <uint32_t*>realloc(self.colv[c], new * sizeof(uint32_t))
            if r == NULL:
                raise MemoryError()
            memset(r + old, 0, (new - old) * sizeof(uint32_t))
            self.colv[c], self.colcap[c] = r, new
        self.colv[c][idx] = v
        return 0

    cdef uint32_t _column_set(self, tuple columns) except? 0xffffffff:
        """The number of a column set ((slot, column id) pairs), stored the first time."""
        cs = self.column_sets.get(columns)
        if cs is None:
            cs = len(self.cs_len)
            if cs >= 0x7fffffff:
                raise MemoryError("too many column sets read by world readers")
            self.cs_at.append(len(self.cs_slots))
            self.cs_len.append(len(columns))
            for slot, column in columns:
                self.cs_slots.append(slot)
                self.cs_cols.append(column)
            self.column_sets[columns] = cs
            self.set_columns.append(columns)
        return cs

    cdef uint32_t _key_set(self, int k, uint32_t* key, tuple path) except? 0xffffffff:
        """The column set to memoize world reader k's steps on at key[1:], whose lookup
        has just missed, now that its code read the columns `path`: the union of what the
        key's calls read while it is small (replacing the list's one set), else `path`,
        put first in the key's list unless the list holds it (then its values are new)."""
        cdef uint32_t head, node, cs
        self.parts_epoch += 1  # the column sets of a key change
        key[0] = k
        head = _map_get(&self.wkeys, key)
        if head == 0 and len(path) <= self.union_columns:
            cs = self._column_set(path)
            self.node_cs.append(cs)
            self.node_next.append(0)
            _map_put(&self.wkeys, key, <uint32_t>len(self.node_cs) - 1)
            return cs
        if head != 0 and self.node_next.data.as_uints[head - 1] == 0:
            union = tuple(dict.fromkeys(
                self.set_columns[self.node_cs.data.as_uints[head - 1]] + path))
            if len(union) <= self.union_columns:
                cs = self._column_set(union)
                self.node_cs.data.as_uints[head - 1] = cs
                return cs
        cs = self._column_set(path)
        node = head
        while node != 0:
            if self.node_cs.data.as_uints[node - 1] == cs:
                return cs
            node = self.node_next.data.as_uints[node - 1]
        self.node_cs.append(cs)
        self.node_next.append(head)
        _map_set(&self.wkeys, key, <uint32_t>len(self.node_cs) - 1)
        return cs

    cdef int _plan_judging(self) except -1:
        """Take over Judge.state and Judge.step's memo walks (their Python code runs on a
        miss and to record a finding)."""
        cdef Py_ssize_t q
        judge = self.judge
        self.preds = []
        self.roots = []
        if not hasattr(judge, "compiled_plan"):
            return 0
        marks, always, somet, steps = judge.compiled_plan()
        self.decode_once = judge.decode_once
        self.found_state, self.found_step = judge.found_state, judge.found_step
        self.step_miss = judge.step_miss
        self.step_keys = self.steps.step_list
        self.nmarks, self.nalways, self.nsomet = len(marks), len(always), len(somet)
        self.nsteps = 0 if steps is None else len(steps)
        n = self.nmarks + self.nalways + self.nsomet + 1
        self.mark_opens = <int*>calloc(n, sizeof(int))
        self.mark_trigger = <int*>calloc(n, sizeof(int))
        self.mark_met = <int*>calloc(n, sizeof(int))
        self.always_t = <int*>calloc(n, sizeof(int))
        self.somet_t = <int*>calloc(n, sizeof(int))
        self.done = <uint8_t*>calloc(self.nalways + self.nsomet + self.nsteps + 1, 1)
        if self.done == NULL or self.somet_t == NULL or self.always_t == NULL \
                or self.mark_met == NULL or self.mark_trigger == NULL or self.mark_opens == NULL:
            raise MemoryError()
        self.marks_flags = []
        for q, (opens_always, trigger, met, flags) in enumerate(marks):
            self.mark_opens[q] = bool(opens_always)
            self.mark_trigger[q] = -1 if trigger is None else self._register(trigger)
            self.mark_met[q] = self._register(met)
            self.marks_flags.append(flags)
        self.always_names = [name for name, _ in always]
        for q, (_, pred) in enumerate(always):
            self.always_t[q] = self._register(pred)
        self.somet_names = [name for name, _ in somet]
        for q, (_, pred) in enumerate(somet):
            self.somet_t[q] = self._register(pred)
        self.step_names = [] if steps is None else [name for name, _ in steps]
        self.step_memos = [] if steps is None else [memo for _, memo in steps]
        self.fast_states = True
        self.fast_steps = bool(steps)
        self.bounded_steps = self.fast_steps and bool(getattr(judge, "bounded", False))
        self.j_allowed = judge.allowed if self.bounded_steps else None
        return 0

    cdef int _register(self, object pred) except -1:
        cdef Py_ssize_t t = len(self.preds)
        self.preds.append(pred)
        self.roots.append(None)
        self.hits = <int64_t*>_grow(self.hits, &self.cpreds, t + 1, sizeof(int64_t))
        self.memo_on = <uint8_t*>_grow(self.memo_on, &self.cmemo_on, t + 1, 1)
        self.masks = <uint64_t*>_grow(self.masks, &self.cmasks, t + 1, sizeof(uint64_t))
        self.troot = <int32_t*>_grow(self.troot, &self.ctroot, t + 1, sizeof(int32_t))
        self.hits[t] = 0
        self._refresh(t)
        return <int>t

    cdef inline void _refresh(self, int t):
        """Read tree t's root and memoize flag again (Python changes them only on a miss)."""
        pred = self.preds[t]
        self.roots[t] = pred._root
        self.memo_on[t] = 1 if pred.memoize else 0
        self.troot[t] = self._tnode(pred._root) if type(pred._root) is list else -1
        mask = pred.slot_mask
        if pred._root is None or mask < 0 or mask > _MAX_MASK:
            self.masks[t] = ALL_SLOTS
        else:
            self.masks[t] = <uint64_t>mask

    cdef inline bint _keeps(self, int t, uint64_t changed):
        """MemoPredicate.keeps: tree t reads none of the slots in `changed`."""
        return self.memo_on[t] and not (self.masks[t] & changed)

    cdef int32_t _tnode(self, object node) except -2:
        """The number of a memo tree node (a list), given on first sight."""
        cdef object known = self.tnode_of.get(id(node))
        cdef Py_ssize_t k
        if known is not None:
            return <int32_t>known
        k = len(self.tnodes)
        if k >= 0x7FFFFFFF:
            raise MemoryError("the engine core numbers at most 2**31 memo tree nodes")
        self.tnodes.append(node)
        self.tnode_of[id(node)] = k
        self.tslot = <int32_t*>_grow(self.tslot, &self.ctslot, k + 1, sizeof(int32_t))
        self.tslot[k] = <int32_t>_node_slot(<list>node)
        self.tcol = <uint32_t*>_grow(self.tcol, &self.ctcol, k + 1, sizeof(uint32_t))
        key = (<list>node)[0]
        self.tcol[k] = 0
        if (<list>node)[2] is not None and len(<tuple>key) == 2 and (<tuple>key)[0] >= 2:
            self.tcol[k] = self.column_of(key)
        self.tdense = <uint32_t**>_grow(self.tdense, &self.ctdense, k + 1, sizeof(uint32_t*))
        self.tdcap = <uint32_t*>_grow(self.tdcap, &self.ctdcap, k + 1, sizeof(uint32_t))
        self.tdense[k] = NULL
        self.tdcap[k] = 0
        self.tsent = <int32_t**>_grow(self.tsent, &self.ctsent, k + 1, sizeof(int32_t*))
        self.tsent[k] = NULL
        self.ntdense = k + 1
        if self.tslot[k] < 0:
            slots = (<tuple>key)[3]
            self.tsent[k] = <int32_t*>calloc(len(slots) + 1, sizeof(int32_t))
            if self.tsent[k] == NULL:
                raise MemoryError()
            self.tsent[k][0] = <int32_t>len(slots)
            for j, slot in enumerate(slots):
                self.tsent[k][1 + j] = <int32_t>slot
        return <int32_t>k

    cdef int _dense_edge(self, int32_t nid, uint32_t idx, uint32_t value) except -1:
        """tdense[nid][idx] = value (an edge + 1), growing the node's array (zero-filled)
        to a power of two that holds idx."""
        cdef uint32_t old = self.tdcap[nid], cap = old if old else 8
        cdef uint32_t* arr
        while cap <= idx:
            cap *= 2
        if cap != old:
            arr = <uint32_t*>realloc(self.tdense[nid], cap * sizeof(uint32_t))
            if arr == NULL:
                raise MemoryError("the engine core could not grow a memo tree node")
            memset(arr + old, 0, (cap - old) * sizeof(uint32_t))
            self.tdense[nid] = arr
            self.tdcap[nid] = cap
        self.tdense[nid][idx] = value
        return 0

    cdef uint32_t _tree_edge(self, int32_t nid, uint32_t idx) except? 0xFFFFFFFF:
        """The edge from node nid for the index idx of the slot it reads, looked up in the
        Python tree and copied into `edges`: the child's number << 1, or a leaf's result << 1
        | 1; 0xFFFFFFFE when the tree has no such edge yet (a miss: Python extends it)."""
        if self.tslot[nid] < 0:  # a sent_since node: idx is the projection id - _NOTHING_ID
            return self._copy_edge(nid, PyDict_GetItemWithError(
                (<list>self.tnodes[nid])[1], <long>idx + _NOTHING_ID), idx)
        return self._copy_edge(nid, _child(<list>self.tnodes[nid], idx), idx)

    cdef uint32_t _copy_edge(self, int32_t nid, PyObject* child, uint32_t at) \
            except? 0xFFFFFFFF:
        """The edge from node nid to `child` (NULL or None: 0xFFFFFFFE, none yet), kept under
        `at` (the index or value it was found by) in the node's dense edges or `edges`."""
        cdef uint32_t edge
        if child == NULL or <object>child is None:
            return 0xFFFFFFFE
        if type(<object>child) is list:
            edge = (<uint32_t>self._tnode(<object>child)) << 1
        else:
            edge = 3 if <object>child else 1
        if at < DENSE_EDGE:
            self._dense_edge(nid, at, edge + 1)
        else:
            _edges_put(&self.edges, (<uint64_t>nid) << 32 | at, edge)
        return edge

    cdef uint32_t _field_edge(self, int32_t nid, uint32_t c, uint32_t idx) \
            except? 0xFFFFFFFF:
        """The edge from node nid, which reads a field (column c) of a local, for the
        local's index idx: by the field's projection (carried to new locals, colv; else
        from the node's table, then kept there), its edges kept by projection, not by
        index: where a local is new in every state, an index is met once, a value often.
        0xFFFFFFFE on a miss (Python extends the tree)."""
        cdef uint32_t v = 0, p, edge
        cdef PyObject* pid
        if c < self.ncolv and idx < self.colcap[c]:
            v = self.colv[c][idx]
        if v == 0:
            v = self._word_of(c, <uint32_t>self.tslot[nid], idx)
        if v == 0:
            pid = PyDict_GetItemWithError((<list>self.tnodes[nid])[2], _boxed(idx))
            if pid == NULL:
                return 0xFFFFFFFE
            v = <uint32_t>(<object>pid) + 1
            if idx < DENSE_COLUMN:
                self._dense_put(c, idx, v)  # known from here on, to carry
        p = v - 1
        if p < self.tdcap[nid] and self.tdense[nid][p] != 0:
            return self.tdense[nid][p] - 1
        if p >= DENSE_EDGE:
            edge = _edges_get(&self.edges, (<uint64_t>nid) << 32 | p)
            if edge != 0:
                return edge - 1
        return self._copy_edge(nid, PyDict_GetItemWithError((<list>self.tnodes[nid])[1], p), p)

    cdef int _walk_edges(self, int t, const uint32_t* a, const uint32_t* b) except -2:
        """_walk on tree t through the C table of its edges (Python dicts only for an edge
        not copied yet, and for what a step sent): 1 or 0, or -1 on a miss."""
        cdef int32_t nid = self.troot[t], slot
        cdef uint32_t idx, edge
        cdef int width = self.slots
        # the sentinels below are written 0x...U: compared with an unsuffixed literal of
        # 2**31 or more, Cython boxed idx and edge as Python ints at every node walked
        while True:
            slot = self.tslot[nid]
            if slot < 0:  # what a step put in some inboxes (sent_since)
                idx = self._sent_id(nid, a, b)
                if idx == 0xFFFFFFFEU:
                    return -1
                if idx == 0xFFFFFFFFU:  # put in two inboxes or more: the Python walk
                    return _walk(self.tnodes[nid], a, b, width)
            else:
                idx = a[slot] if slot < width else b[slot - width]
            if self.tcol[nid] != 0:  # a field of a local: by its value (_field_edge)
                edge = self._field_edge(nid, self.tcol[nid], idx)
                if edge == 0xFFFFFFFEU:
                    return -1
                if edge & 1:
                    return <int>(edge >> 1)
                nid = <int32_t>(edge >> 1)
                continue
            if idx < self.tdcap[nid]:
                edge = self.tdense[nid][idx]
            elif idx < DENSE_EDGE:
                edge = 0  # not copied yet
            else:
                edge = _edges_get(&self.edges, (<uint64_t>nid) << 32 | idx)
            if edge == 0:
                edge = self._tree_edge(nid, idx)
                if edge == 0xFFFFFFFEU:
                    return -1
            else:
                edge -= 1
            if edge & 1:
                return <int>(edge >> 1)
            nid = <int32_t>(edge >> 1)

    cdef uint32_t _sent_id(self, int32_t nid, const uint32_t* a, const uint32_t* b) \
            except? 0xFFFFFFFE:
        """_sent for the sent_since node nid, through `sent_ids`: what a step put in the
        node's inboxes as the index of the node's edge, the projection id + 1 of the one
        inbox it put something in (0: nothing, NOTHING_SENT); 0xFFFFFFFF where it put
        something in two or more (a tuple: the Python walk), 0xFFFFFFFE where a difference
        is not interned yet (a miss, as _sent's None)."""
        cdef int32_t* slots = self.tsent[nid]
        cdef Py_ssize_t j, slot
        cdef uint32_t key[5]
        cdef uint32_t v, one = 0
        cdef PyObject* pid
        for j in range(slots[0]):
            slot = slots[1 + j]
            if a[slot] == b[slot]:
                continue
            key[0], key[1], key[2], key[3], key[4] = <uint32_t>nid, <uint32_t>j, a[slot], b[slot], 0
            v = _map_get(&self.sent_ids, key)
            if v == 0:
                pid = PyDict_GetItemWithError(<object>PyList_GET_ITEM(
                    <list>(<list>self.tnodes[nid])[2], j), (<uint64_t>a[slot]) << 32 | b[slot])
                if pid == NULL:
                    return 0xFFFFFFFE
                v = <uint32_t>(<long>(<object>pid) - _NOTHING_ID) + 1  # NOTHING_SENT: 1
                _map_put(&self.sent_ids, key, v - 1)
            if v == 1:
                continue  # nothing it passes put there
            if one != 0:
                return 0xFFFFFFFF
            one = v - 1
        return one

    cdef int _eval(self, int t, const uint32_t* a, const uint32_t* b) except -2:
        """Memo tree t on a (and b): 1 or 0, or -1 on a miss (then the hits counted here
        are handed to the predicate, whose memo judges its hit rate on them)."""
        cdef int r
        if self.memo_on[t]:
            r = self._walk_edges(t, a, b) if self.troot[t] >= 0 else \
                _walk(self.roots[t], a, b, self.slots)
            if r >= 0:
                self.hits[t] += 1
                return r
        if self.hits[t]:
            self.preds[t]._evaluations += self.hits[t]
            self.hits[t] = 0
        return -1

    cdef int _eval_state(self, int t, const uint32_t* row) except -1:
        cdef int r = self._eval(t, row, NULL)
        if r >= 0:
            return r
        if self.new_tuple is None:
            self.new_tuple = tuple([row[k] for k in range(self.slots)])
        r = 1 if self.preds[t](self.new_tuple, self.decode_once) else 0
        self._refresh(t)
        return r

    cdef int _judge_new(self, Py_ssize_t index, const uint32_t* row,
                        const uint32_t* parent, Py_ssize_t parent_index) except -1:
        """Judge.state in C: the temporal marks, then the always and sometimes predicates;
        those that read none of the slots in which the state differs from `parent` (the
        state expanded, judged before; NULL for none) keep its result, as in Judge.state."""
        cdef Py_ssize_t q, m, k
        cdef int f, t
        cdef uint64_t changed = ALL_SLOTS
        self.new_tuple = None
        if parent != NULL and self.slots <= 64:
            changed = 0
            for k in range(self.slots):
                if row[k] != parent[k]:
                    changed |= (<uint64_t>1) << k
        for q in range(self.nmarks):
            flags = self.marks_flags[q]
            m = PyByteArray_GET_SIZE(flags)
            t = self.mark_met[q]
            k = self.mark_trigger[q]
            if (0 <= parent_index < m and self._keeps(t, changed)
                    and (k < 0 or self._keeps(k, changed))):
                # neither predicate reads what changed: the parent's flags (marking.py)
                f = PyByteArray_AS_STRING(flags)[parent_index]
                self.hits[t] += 1
                if k >= 0:
                    self.hits[k] += 1
            else:
                f = 1 if self.mark_opens[q] else 0  # OPENS (liveness.py)
                if not f and k >= 0 and self._eval_state(k, row):
                    f = 1
                if self._eval_state(t, row):
                    f |= 2  # MET
            PyByteArray_Resize(flags, m + 1)
            PyByteArray_AS_STRING(flags)[m] = <char>f
        for q in range(self.nalways):
            if self.done[q]:
                continue
            t = self.always_t[q]
            if self._keeps(t, changed):
                self.hits[t] += 1  # holds, as on the parent (the walk would have hit)
            elif not self._eval_state(t, row):
                self.done[q] = 1
                if self.found_state(self.always_names[q], index):
                    self.hit = True
        for q in range(self.nsomet):
            if self.done[self.nalways + q]:
                continue
            t = self.somet_t[q]
            if self._keeps(t, changed):
                self.hits[t] += 1  # not met, as on the parent
            elif self._eval_state(t, row):
                self.done[self.nalways + q] = 1
                if self.found_state(self.somet_names[q], index):
                    self.hit = True
        return 0

    cdef int _judge_step(self, Py_ssize_t i, uint32_t sid, const uint32_t* after, object after_tuple) except -1:
        """Judge.step in C (without bounds): each step property's tree for this step id, but
        those its `sid_trees` entry has dropped (found, or the leaf True: Judge.sid_settled)."""
        cdef Py_ssize_t q, k, j, kept, n = self.nsteps, stride = 2 * self.nsteps + 1
        cdef int t, r
        cdef int32_t* trees
        cdef int32_t* live
        cdef uint8_t* done = self.done + self.nalways + self.nsomet
        cdef int verdict = 1
        if n == 0:
            return 1
        if <Py_ssize_t>sid >= self.csid:
            k = self.csid
            self.sid_trees = <int32_t*>_grow(self.sid_trees, &self.csid, sid + 1,
                                             stride * sizeof(int32_t))
            for j in range(k, self.csid):  # no trees yet, every property to judge
                trees = self.sid_trees + j * stride
                for q in range(n):
                    trees[q] = -1
                    trees[n + 1 + q] = <int32_t>q
                trees[n] = <int32_t>n
        trees = self.sid_trees + sid * stride
        live = trees + n + 1
        kept = 0
        for j in range(trees[n]):
            q = live[j]
            if done[q]:
                continue  # found: dropped for good
            t = trees[q]
            if t < 0:
                t = trees[q] = self._register(self.step_memos[q].tree(sid, self.step_keys[sid]))
            r = self._eval(t, self.cur, after)
            if r < 0:
                if after_tuple is None:
                    after_tuple = tuple([after[k] for k in range(self.slots)])
                r = 1 if self.step_miss(self.preds[t], self._idxs(), after_tuple) else 0
                self._refresh(t)
            if not r:
                done[q] = 1
                if after_tuple is None:
                    after_tuple = tuple([after[k] for k in range(self.slots)])
                if self.found_step(self.step_names[q], i, sid, after_tuple):
                    verdict = 2
            elif not (self.memo_on[t] and self.roots[t] is True):
                live[kept] = <int32_t>q  # (kept <= j: the list shrinks in order)
                kept += 1
        trees[n] = <int32_t>kept
        return verdict

    def __dealloc__(self):
        cdef int k
        cdef Py_ssize_t j
        if self.fault_none != NULL:
            for k in range(self.n):
                free(self.fault_none[k])
        free(self.fault_none)
        free(self.fault_cap)
        free(self.widths)
        free(self.offsets)
        free(self.cur)
        free(self.packed)
        free(self.states)
        free(self.table)
        free(self.ctab)
        free(self.spill)
        free(self.q_out)
        free(self.memo.slots)
        free(self.adds.slots)
        free(self.wkeys.slots)
        free(self.projs.slots)
        free(self.cols.slots)
        free(self.sent_ids.slots)
        for j in range(self.ncolv):
            free(self.colv[j])
        free(self.colv)
        free(self.colcap)
        free(self.edges.slots)
        free(self.tslot)
        free(self.tcol)
        if self.tdense != NULL:
            for j in range(self.ntdense):
                free(self.tdense[j])
        if self.tsent != NULL:
            for j in range(self.ntdense):
                free(self.tsent[j])
        free(self.tsent)
        free(self.tdense)
        free(self.tdcap)
        free(self.troot)
        free(self.wr)
        free(self.fm)
        free(self.lv_width)
        free(self.lv_count)
        free(self.lv_tmp)
        free(self.bysig)
        free(self.last_key)
        free(self.parts_seen)
        free(self.last_v)
        free(self.mon_slot)
        free(self.rmon_slot)
        _pool_free(&self.perm)
        _pool_free(&self.scratch)
        free(self.succ)
        free(self.succ_tid)
        free(self.succ_sid)
        free(self.succ_hash)
        free(self.succ_h)
        free(self.loops)
        free(self.generated_)
        free(self.discovered_)
        free(self.hits)
        free(self.memo_on)
        free(self.masks)
        free(self.mark_opens)
        free(self.mark_trigger)
        free(self.mark_met)
        free(self.always_t)
        free(self.somet_t)
        free(self.done)
        free(self.sid_trees)
        if self.vh != NULL:
            for k in range(self.slots):
                free(self.vh[k])
        free(self.vh)
        free(self.vh_n)
        free(self.vh_cap)
        if self.otab != NULL:
            for k in range(self.nparts):
                free(self.otab[k])
        free(self.otab)
        free(self.omask)

    # -- packing ------------------------------------------------------------------------------
    cdef void _layout(self) noexcept:
        cdef int k, off = 0
        for k in range(self.slots):
            self.offsets[k] = off
            off += self.widths[k]
        self.width = off

    cdef inline void _pack(self, const uint32_t* v, uint8_t* out) noexcept nogil:
        cdef int k, w
        cdef uint32_t x
        for k in range(self.slots):
            w = self.widths[k]
            if w == 0:
                continue
            x = v[k]
            out[0] = <uint8_t>x
            if w > 1:
                out[1] = <uint8_t>(x >> 8)
                if w > 2:
                    out[2] = <uint8_t>(x >> 16)
                    out[3] = <uint8_t>(x >> 24)
            out += w

    cdef inline void _unpack(self, const uint8_t* p, uint32_t* v) noexcept nogil:
        cdef int k, w
        for k in range(self.slots):
            w = self.widths[k]
            if w == 0:
                v[k] = 0
            elif w == 1:
                v[k] = p[0]
            elif w == 2:
                v[k] = p[0] | <uint32_t>p[1] << 8
            else:
                v[k] = p[0] | <uint32_t>p[1] << 8 | <uint32_t>p[2] << 16 | <uint32_t>p[3] << 24
            p += w

    cdef int _fit(self, int slot, uint32_t value) except -1:
        """Widen a slot whose new index does not fit: every stored state is re-encoded once
        (unpacked with the old widths, packed with the new), then the set is rebuilt."""
        cdef int old_w = self.widths[slot]
        cdef Py_ssize_t old_width = self.width, j
        cdef uint8_t* old = self.states
        cdef uint8_t* new_states
        cdef uint32_t* v
        cdef int* old_widths
        cdef int* new_widths
        if (value == 0 or (old_w == 1 and value <= 0xFF) or (old_w == 2 and value <= 0xFFFF)
                or old_w == 4 or self.compact):  # compaction keeps no packed row
            return 0
        v = <uint32_t*>calloc(self.slots, sizeof(uint32_t))
        old_widths = <int*>calloc(self.slots, sizeof(int))
        if v == NULL or old_widths == NULL:
            free(v)
            free(old_widths)
            raise MemoryError()
        memcpy(old_widths, self.widths, self.slots * sizeof(int))
        new_widths = self.widths
        new_widths[slot] = 1 if value <= 0xFF else 2 if value <= 0xFFFF else 4
        self._layout()
        new_states = <uint8_t*>calloc(max(self.count, 1), self.width)
        if new_states == NULL:
            free(v)
            free(old_widths)
            raise MemoryError("the visited set could not be re-encoded")
        for j in range(self.count):
            self.widths = old_widths
            self._unpack(old + j * old_width, v)
            self.widths = new_widths
            self._pack(v, new_states + j * self.width)
        free(v)
        free(old_widths)
        free(old)
        self.states = new_states
        self.cstates = max(self.count, 1)
        if not self.compact and self.stab == NULL:  # fingerprints are of slot indices:
            self._rehash(self.tmask + 1)  # unchanged by the packing; a shared set: no index
        return 0

    # -- the visited set ------------------------------------------------------------------------
    cdef int _rehash(self, size_t capacity) except -1:
        cdef uint32_t* table = <uint32_t*>calloc(capacity, sizeof(uint32_t))
        cdef size_t mask = capacity - 1, pos
        cdef uint64_t h
        cdef uint64_t hs[REHASH_AHEAD]
        cdef Py_ssize_t j
        if table == NULL:
            raise MemoryError("the visited set could not grow")
        free(self.table)
        self.table, self.tmask = table, mask
        # each state's slot is asked for REHASH_AHEAD states before it is written: the
        # writes fall anywhere in the new table, and one that waits for its cache line
        # then finds it on its way (11% of TwoPhase 8's search was here, waiting)
        for j in range(min(self.count, REHASH_AHEAD)):
            hs[j] = _hash_bytes(self.states + j * self.width, self.width)
            mcfsm_prefetch(table + (hs[j] & mask))
        for j in range(self.count):
            h = hs[j % REHASH_AHEAD]
            if j + REHASH_AHEAD < self.count:
                hs[j % REHASH_AHEAD] = _hash_bytes(self.states + (j + REHASH_AHEAD) * self.width,
                                                   self.width)
                mcfsm_prefetch(table + (hs[j % REHASH_AHEAD] & mask))
            pos = h & mask
            while table[pos] != 0:
                pos = (pos + 1) & mask
            table[pos] = <uint32_t>(j + 1) | (_tag(h) if self.tagged else 0)
        return 0

    cdef inline Py_ssize_t _find(self, const uint8_t* packed, size_t* at) noexcept nogil:
        """The index of a packed state, or -1 with `at` set to the free slot for it (and
        last_tag to the tag its entry takes)."""
        return self._find_hashed(packed, _hash_bytes(packed, self.width), at)

    cdef inline Py_ssize_t _find_hashed(self, const uint8_t* packed, uint64_t h,
                                        size_t* at) noexcept nogil:
        """_find, its hash h given."""
        cdef size_t pos = h & self.tmask
        cdef uint32_t v, tag = _tag(h) if self.tagged else 0
        cdef uint32_t mask = TAG_INDEX if self.tagged else 0xFFFFFFFFU
        cdef Py_ssize_t width = self.width
        while True:
            v = self.table[pos]
            if v == 0:
                at[0] = pos
                self.last_tag = tag
                return -1
            if (v & ~mask) == tag and memcmp(self.states + ((v & mask) - 1) * width, packed,
                                             width) == 0:
                return (v & mask) - 1
            pos = (pos + 1) & self.tmask

    cdef Py_ssize_t _lookup(self, const uint32_t* v, size_t* at) except -2:
        """Pack v and find it; the table is grown first so that `at` stays valid."""
        if self.compact:
            if (self.count + 1) * 4 > <Py_ssize_t>(self.cmask + 1) * 3:
                self._regrow_fingerprints((self.cmask + 1) * 2)
            self.last_row = v
            return self._find_fingerprint(_fingerprint(v, self.slots), at)
        if self.stab != NULL:  # new: its claim in the shared table said so (set_shared)
            self._pack(v, self.packed)
            at[0] = 0
            return -1
        if (self.count + 1) * 4 > <Py_ssize_t>(self.tmask + 1) * 3:
            self._rehash((self.tmask + 1) * 2)
        if self.tagged and self.count + 1 >= self.tag_limit:  # indices outgrow the entries' room
            self.tagged = False
            self._rehash(self.tmask + 1)
        self._pack(v, self.packed)
        return self._find(self.packed, at)

    cdef Py_ssize_t _lookup_succ(self, Py_ssize_t j, size_t* at) except -2:
        """_lookup of successor row j, with the hash _ask_slots took where it took one."""
        if j >= self.nhashed:
            return self._lookup(self.succ + j * self.slots, at)
        if (self.count + 1) * 4 > <Py_ssize_t>(self.tmask + 1) * 3:
            self._rehash((self.tmask + 1) * 2)
        if self.tagged and self.count + 1 >= self.tag_limit:
            self.tagged = False
            self._rehash(self.tmask + 1)
        self._pack(self.succ + j * self.slots, self.packed)
        return self._find_hashed(self.packed, self.succ_hash[j], at)

    cdef int _ask_slots(self) except -1:
        """Hash every successor row and ask for its slot in the visited set (a prefetch)
        before any is looked up: each lookup's first load misses the cache, and asked
        together they wait once, not one after the other. Only for the plain exact search
        (hash compaction, a shared set, a split or symmetry look rows up otherwise)."""
        cdef Py_ssize_t j
        self.nhashed = 0
        if self.compact or self.stab != NULL or self.canon is not None or self.nparts > 1:
            return 0
        self.succ_hash = <uint64_t*>_grow(self.succ_hash, &self.csucc_hash, self.nsucc + 1,
                                          sizeof(uint64_t))
        for j in range(self.nsucc):
            self._pack(self.succ + j * self.slots, self.packed)
            self.succ_hash[j] = _hash_bytes(self.packed, self.width)
            mcfsm_prefetch(self.table + (self.succ_hash[j] & self.tmask))
        self.nhashed = self.nsucc
        return 0

    cdef inline Py_ssize_t _find_fingerprint(self, uint64_t fp, size_t* at) noexcept nogil:
        """Hash compaction: 0 when a state with fingerprint fp was seen (a distinct state
        sharing it is taken as seen: the omission the report bounds; its index is not kept,
        and no caller needs it without a state graph), else -1 with `at` set to its free
        slot (SIZE_MAX for the fingerprint 0, which the empty mark cannot hold)."""
        cdef size_t pos = fp & self.cmask
        cdef uint64_t v
        self.last_fp = fp
        if fp == 0:
            if self.zero_seen:
                return 0
            at[0] = <size_t>-1
            return -1
        while True:
            v = self.ctab[pos]
            if v == 0:
                at[0] = pos
                return -1
            if v == fp:
                return 0
            pos = (pos + 1) & self.cmask

    cdef int _put_fingerprint(self, uint64_t fp) except -1:
        """Into the fingerprint set, known absent (growing it)."""
        cdef size_t pos
        if fp == 0:
            self.zero_seen = True
            return 0
        pos = fp & self.cmask
        while self.ctab[pos] != 0:
            pos = (pos + 1) & self.cmask
        self.ctab[pos] = fp
        return 0

    cdef int _regrow_fingerprints(self, size_t capacity) except -1:
        """A fingerprint set of `capacity` slots, refilled from the spilled columns: the old
        set is freed first, so that the two never take memory at once."""
        cdef Py_ssize_t j, n, chunk = SPILL_CHUNK
        cdef const uint64_t* rec
        free(self.ctab)
        self.ctab = <uint64_t*>calloc(capacity, sizeof(uint64_t))
        if self.ctab == NULL:
            raise MemoryError("the fingerprint set could not grow")
        self.cmask = capacity - 1
        self.zero_seen = False
        if self.spilled:
            self.spill_file.flush()
            self.spill_file.seek(0)
            n = 0
            while n < self.spilled:
                data = self.spill_file.read(16 * min(chunk, self.spilled - n))
                rec = <const uint64_t*>PyBytes_AS_STRING(data)
                for j in range(PyBytes_GET_SIZE(data) // 16):
                    self._put_fingerprint(rec[2 * j])
                n += PyBytes_GET_SIZE(data) // 16
            self.spill_file.seek(16 * self.spilled)
        for j in range(self.nspill):
            self._put_fingerprint(self.spill[2 * j])
        return 0

    cdef int _spill_add(self, uint64_t fp, int32_t parent, uint32_t step) except -1:
        """A new state's columns, into the buffer; a full buffer goes to the file."""
        if self.nspill == SPILL_CHUNK:
            self.spill_file.write(PyBytes_FromStringAndSize(<char*>self.spill,
                                                            16 * SPILL_CHUNK))
            self.spilled += SPILL_CHUNK
            self.nspill = 0
        self.spill[2 * self.nspill] = fp
        self.spill[2 * self.nspill + 1] = (<uint64_t><uint32_t>parent) << 32 | step
        self.nspill += 1
        return 0

    cdef int _enqueue(self, const uint32_t* row) except -1:
        """A new state's slot indices, onto the queue of the next level."""
        if self.q_out_n == QUEUE_CHUNK:
            self._flush_queue()
        memcpy(self.q_out + self.q_out_n * self.slots, row, self.slots * sizeof(uint32_t))
        self.q_out_n += 1
        return 0

    cdef int _flush_queue(self) except -1:
        if self.q_out_n:
            self.q_next.write(PyBytes_FromStringAndSize(
                <char*>self.q_out, self.q_out_n * self.slots * sizeof(uint32_t)))
            self.q_out_n = 0
        return 0

    cdef int _next_level(self, Py_ssize_t first) except -1:
        """The queued level becomes the one read (its first state is `first`); the file of
        the level just expanded is emptied and takes the next level's states."""
        self._flush_queue()
        self.q_cur, self.q_next = self.q_next, self.q_cur
        self.q_cur.flush()
        self.q_cur.seek(0)
        self.q_next.seek(0)
        self.q_next.truncate()
        self.q_in, self.q_in_first, self.q_in_n = None, first, 0
        self.base = first
        return 0

    cdef const uint32_t* _queued(self, Py_ssize_t i) except NULL:
        """State i's slot indices, read in order from the level being expanded."""
        cdef Py_ssize_t row_bytes = self.slots * sizeof(uint32_t)
        if not self.q_in_first <= i < self.q_in_first + self.q_in_n:
            if i != self.q_in_first + self.q_in_n:
                raise IndexError(f"state {i} is not next in the breadth-first queue")
            self.q_in = self.q_cur.read(row_bytes * QUEUE_CHUNK)
            self.q_in_first, self.q_in_n = i, PyBytes_GET_SIZE(self.q_in) // row_bytes
            if self.q_in_n == 0:
                raise IndexError(f"state {i} is past the end of the breadth-first queue")
        return (<const uint32_t*>PyBytes_AS_STRING(self.q_in)) + (i - self.q_in_first) * self.slots

    cdef object _spilled(self, Py_ssize_t index):
        """State `index`'s (fingerprint, parent, step) under hash compaction."""
        cdef uint64_t fp, ps
        cdef const uint64_t* rec
        if not 0 <= index < self.count:
            raise IndexError(index)
        if index >= self.spilled:
            fp = self.spill[2 * (index - self.spilled)]
            ps = self.spill[2 * (index - self.spilled) + 1]
        else:
            self.spill_file.flush()
            self.spill_file.seek(16 * index)
            data = self.spill_file.read(16)
            self.spill_file.seek(16 * self.spilled)
            rec = <const uint64_t*>PyBytes_AS_STRING(data)
            fp, ps = rec[0], rec[1]
        return fp, <int32_t><uint32_t>(ps >> 32), <uint32_t>(ps & 0xffffffffULL)

    cdef Py_ssize_t _insert(self, size_t at, int32_t parent, uint32_t step) except -1:
        """Add the state last packed (by _lookup) at free slot `at`: its index."""
        cdef Py_ssize_t j = self.count, row = self.count - self.base
        if self.compact:
            if at == <size_t>-1:
                self.zero_seen = True
            else:
                self.ctab[at] = self.last_fp
            self._spill_add(self.last_fp, parent, step)
            self._enqueue(self.last_row)
            self.count = j + 1
            return j
        if row >= self.cstates:
            self.states = <uint8_t*>_grow(self.states, &self.cstates, row + 1,
                                          max(self.width, 1))
        memcpy(self.states + row * self.width, self.packed, self.width)
        if self.stab == NULL:  # a partition of a shared set keeps no index (set_shared)
            self.table[at] = <uint32_t>(j + 1) | self.last_tag
        self.count = j + 1
        array.resize_smart(self.parent, j + 1)
        self.parent.data.as_ints[j] = parent
        array.resize_smart(self.step, j + 1)
        self.step.data.as_uints[j] = step
        return j

    def __len__(self):
        return self.count

    def add_initial(self, idxs):
        """Add an initial state; its index, or -1 when it was seen already."""
        cdef int k
        cdef size_t at
        for k in range(self.slots):
            self._fit(k, idxs[k])
        for k in range(self.slots):
            self.cur[k] = idxs[k]
        if self._lookup(self.cur, &at) >= 0:
            return -1
        return self._insert(at, -1, 0)

    def unpack(self, Py_ssize_t index):
        cdef int k
        if not 0 <= index < self.count:
            raise IndexError(index)
        if self.compact:
            raise IndexError(f"state {index}: hash compaction keeps no row in memory (the "
                             "fingerprints of the states, and the queue of the unexpanded "
                             "ones on disk)")
        v = <uint32_t*>calloc(self.slots, sizeof(uint32_t))
        self._unpack(self.states + (index - self.base) * self.width, v)
        out = tuple([v[k] for k in range(self.slots)])
        free(v)
        return out

    def index_of(self, idxs):
        """The index of a state given as slot indices, or -1."""
        cdef int k
        cdef size_t at
        if not self.indexed:
            raise RuntimeError("the visited set was released after the search")
        if self.stab != NULL:
            raise RuntimeError("a partition of a shared visited set keeps no index of a state")
        if self.compact:
            raise RuntimeError("hash compaction keeps no index of a state")
        v = <uint32_t*>calloc(self.slots, sizeof(uint32_t))
        try:
            for k in range(self.slots):
                if idxs[k] > (0 if self.widths[k] == 0 else 0xFF if self.widths[k] == 1
                              else 0xFFFF if self.widths[k] == 2 else 0xFFFFFFFF):
                    return -1
                v[k] = idxs[k]
            return self._lookup(v, &at)
        finally:
            free(v)

    @property
    def step_of(self):
        return _SpilledSteps(self) if self.compact else self.step

    def path_to(self, Py_ssize_t index):
        path = []
        while index >= 0:
            path.append(index)
            index = self.parent_of(index)
        path.reverse()
        return path

    def parent_of(self, Py_ssize_t index):
        if self.compact:
            return self._spilled(index)[1]
        return self.parent.data.as_ints[index]

    def decode_at(self, Py_ssize_t index):
        return self.store.decode(self.unpack(index))

    def contains(self, state):
        tables = self.store.tables
        idxs = []
        for k, value in enumerate(state):
            idx = tables[k].get(value)
            if idx is None:
                return False
            idxs.append(idx)
        return self.index_of(idxs) >= 0

    def set_symmetry(self, canon):
        """Store canonical states only: canon(slot indices) -> the canonical member's (core.py)."""
        self.canon = canon

    cdef int _canonical(self, Py_ssize_t j) except -1:
        """Successor row j replaced by the canonical member of its orbit (PyCore's
        `new = canon(new)`), its slots widened where the canonical indices need it."""
        cdef int k
        cdef uint32_t* row = self.succ + j * self.slots
        canonical = self.canon(self._row_tuple(j))
        for k in range(self.slots):
            row[k] = canonical[k]
            self._fit(k, row[k])
        return 0

    def adopt_memo(self, Core old):
        """Take over `old`'s memo of local steps and its inbox, column and signature tables,
        giving it this core's (empty) ones: `old` searched another parameter combination of
        the same variant on the same SharedTables (explorer.py), so its entries, keyed on
        component indices interned in the same tables, hold here too (the C memo is keyed
        as steps.py's is: a read of the params is a world reader's recorded read). Without
        it each combination's core asked Python again for every entry it met (local_found,
        local_parts, add_message: about a tenth of private_call_migration[as_published]'s
        CPU, 64 combinations). The slot widths come along, so that every index the entries
        hold fits the packed rows (_fit ran when each entry was made). Judging, the visited
        set and the counts stay this core's own: only this core's empty tables are given."""
        cdef Map tmap
        cdef Pool tpool
        cdef uint8_t* tb
        cdef int32_t* ti
        cdef uint32_t* tu
        cdef uint32_t** tcv
        cdef Py_ssize_t* tcap
        cdef uint8_t** tfn
        cdef Py_ssize_t ts
        cdef uint32_t te
        cdef int k
        if (old.steps is not self.steps or old.n != self.n or old.slots != self.slots
                or self.count or self.compact or old.compact or self.canon is not None
                or old.canon is not None):
            raise ValueError("adopt_memo: another plain search on the same steps, before this "
                             "one has states")
        tmap = self.memo
        self.memo = old.memo
        old.memo = tmap
        tmap = self.adds
        self.adds = old.adds
        old.adds = tmap
        tmap = self.wkeys
        self.wkeys = old.wkeys
        old.wkeys = tmap
        tmap = self.projs
        self.projs = old.projs
        old.projs = tmap
        tmap = self.cols
        self.cols = old.cols
        old.cols = tmap
        tpool = self.perm
        self.perm = old.perm
        old.perm = tpool
        tb = self.wr
        self.wr = old.wr
        old.wr = tb
        tb = self.fm
        self.fm = old.fm
        old.fm = tb
        ti = self.lv_width
        self.lv_width = old.lv_width
        old.lv_width = ti
        tu = self.lv_count
        self.lv_count = old.lv_count
        old.lv_count = tu
        tu = self.last_key
        self.last_key = old.last_key
        old.last_key = tu
        tu = self.last_v
        self.last_v = old.last_v
        old.last_v = tu
        # what a part's last lookup found, with the epoch it is valid in
        tu = self.parts_seen
        self.parts_seen = old.parts_seen
        old.parts_seen = tu
        te = self.parts_epoch
        self.parts_epoch = old.parts_epoch
        old.parts_epoch = te
        tcv = self.colv
        self.colv = old.colv
        old.colv = tcv
        tcap = self.colcap
        self.colcap = old.colcap
        old.colcap = tcap
        ts = self.ncolv
        self.ncolv = old.ncolv
        old.ncolv = ts
        tfn = self.fault_none
        self.fault_none = old.fault_none
        old.fault_none = tfn
        tcap = self.fault_cap
        self.fault_cap = old.fault_cap
        old.fault_cap = tcap
        ts = self.union_columns
        self.union_columns = old.union_columns
        old.union_columns = ts
        self.st_of, old.st_of = old.st_of, self.st_of
        self.carry_of, old.carry_of = old.carry_of, self.carry_of
        self.lv_vec, old.lv_vec = old.lv_vec, self.lv_vec
        self.lv_tab, old.lv_tab = old.lv_tab, self.lv_tab
        self.wcodes, old.wcodes = old.wcodes, self.wcodes
        self.wvals, old.wvals = old.wvals, self.wvals
        self.col_pos, old.col_pos = old.col_pos, self.col_pos
        self.sig_of, old.sig_of = old.sig_of, self.sig_of
        self.rest_at, old.rest_at = old.rest_at, self.rest_at
        self.rests, old.rests = old.rests, self.rests
        self.sig_ids, old.sig_ids = old.sig_ids, self.sig_ids
        self.part_ids, old.part_ids = old.part_ids, self.part_ids
        self.sig_parts, old.sig_parts = old.sig_parts, self.sig_parts
        self.sig_part_at, old.sig_part_at = old.sig_part_at, self.sig_part_at
        self.cs_at, old.cs_at = old.cs_at, self.cs_at
        self.cs_len, old.cs_len = old.cs_len, self.cs_len
        self.cs_slots, old.cs_slots = old.cs_slots, self.cs_slots
        self.cs_cols, old.cs_cols = old.cs_cols, self.cs_cols
        self.node_cs, old.node_cs = old.node_cs, self.node_cs
        self.node_next, old.node_next = old.node_next, self.node_next
        self.column_sets, old.column_sets = old.column_sets, self.column_sets
        self.set_columns, old.set_columns = old.set_columns, self.set_columns
        self.unhandled_records, old.unhandled_records = old.unhandled_records, self.unhandled_records
        self.unhandled_ids, old.unhandled_ids = old.unhandled_ids, self.unhandled_ids
        self.fault_memo, old.fault_memo = old.fault_memo, self.fault_memo
        for k in range(self.slots):  # (no state is stored here yet: nothing to re-encode)
            if old.widths[k] > self.widths[k]:
                self.widths[k] = old.widths[k]
        self._layout()
        return None

    def release_index(self):
        """The state -> index map is not needed any more (liveness runs next): free it."""
        free(self.table)
        self.table = NULL
        self.tmask = 0
        self.indexed = False

    @property
    def generated(self):
        return [self.generated_[j] for j in range(self.ntids)]

    @property
    def discovered(self):
        return [self.discovered_[j] for j in range(self.ntids)]

    cdef int _tally(self, uint32_t tid, bint new) except -1:
        """Count a generated step (new: a discovered state) of coverage id tid."""
        cdef Py_ssize_t need = tid + 1, j, old = self.ntids
        if need > old:
            need = max(need, 2 * old)
            self.generated_ = <int64_t*>realloc(self.generated_, need * sizeof(int64_t))
            self.discovered_ = <int64_t*>realloc(self.discovered_, need * sizeof(int64_t))
            if self.generated_ == NULL or self.discovered_ == NULL:
                raise MemoryError()
            for j in range(old, need):
                self.generated_[j] = 0
                self.discovered_[j] = 0
            self.ntids = need
        if new:
            self.discovered_[tid] += 1
        else:
            self.generated_[tid] += 1
        return 0

    # -- the search -----------------------------------------------------------------------------
    def search(self, max_depth, max_states, deadline, stop, progress_every, bint stop_hit,
               start=None, at_level=None):
        """Breadth-first from the initial states added so far, or from `start` = (first state
        of the level to expand, its depth) of a restored checkpoint: (depth, stopped_by).
        `at_level(depth, level_start)` is called at each level boundary (checkpoint.py)."""
        # budgets beyond any reachable count (--max-states 10**30) mean no budget in C
        cdef long long maxd = -1 if max_depth is None or max_depth >= 1 << 62 else max_depth
        cdef long long maxs = -1 if max_states is None or max_states >= 1 << 62 else max_states
        cdef bint timed = deadline is not None
        cdef double until = 0
        cdef Py_ssize_t level_start = 0, level_end = self.count, i
        cdef long long depth = 1 if self.count else 0
        cdef int reached_max
        cdef long long every = min(progress_every, 1 << 62)
        if start is not None:
            level_start, depth = start
        if timed:  # perf_counter's deadline on the C monotonic clock
            until = deadline - _time.perf_counter() + _now()
        for i in range(len(self.preds)):  # Judge.state ran on the initial states
            self._refresh(i)
        if self.fast_states:  # findings on the initial states (Judge.state ran on them)
            found = self.judge.found
            for i, name in enumerate(self.always_names + self.somet_names + self.step_names):
                self.done[i] = name in found
        stopped_by = None
        if self.compact:
            self._next_level(level_start)
        while level_start < level_end and stopped_by is None:
            if maxd >= 0 and depth >= maxd:
                stopped_by = "max-depth"
                break
            i = level_start
            while i < level_end:
                try:
                    reached_max = self._expand(i, maxs)
                except StepCut:  # a step with very many choices met the budget
                    stopped_by = self.judge.cut_reason()
                    break
                stop_hit = stop_hit or self.hit
                if stop_hit:
                    stopped_by = "first-violation"
                elif reached_max:
                    stopped_by = "max-states"
                if stopped_by is not None:
                    break
                if timed and _now() > until:
                    stopped_by = "time-limit"
                    break
                if self.expanded & 255 == 0:
                    # Ctrl-C: a loop that calls no Python would otherwise never see it.
                    # A stop request is polled here too, not per expansion: a Python call
                    # each time cost 7% of private_call_migration[as_published]'s CPU.
                    PyErr_CheckSignals()
                    if stop is not None and stop():
                        stopped_by = "interrupted"
                        break
                    if self.expanded % every == 0:
                        self.j_progress(self.count, self.total, depth, self.count - i - 1)
                i += 1
            if self.count > level_end:
                depth += 1
            level_start, level_end = level_end, self.count
            if self.compact and stopped_by is None:
                self._next_level(level_start)
            if at_level is not None and stopped_by is None and level_start < level_end:
                at_level(depth, level_start)
        return depth, stopped_by

    def set_compact(self):
        """Hash compaction from now on (before the first state is added): the visited set
        keeps a fingerprint per state, and rows only for the levels not yet expanded; the
        parent, step and fingerprint columns go to a temporary file (SpillFile: unlinked once
        open, named in the error of a failed write)."""
        if self.count:
            raise RuntimeError("set_compact() comes before the first state")
        self.compact = True
        self.ctab = <uint64_t*>calloc(1 << 10, sizeof(uint64_t))
        self.spill = <uint64_t*>calloc(2 * SPILL_CHUNK, sizeof(uint64_t))
        if self.ctab == NULL or self.spill == NULL:
            raise MemoryError()
        self.cmask = (1 << 10) - 1
        self.spill_file = SpillFile("state columns (fingerprint, parent, step)",
                                    "mcfsm-columns-")
        self.q_out = <uint32_t*>calloc(QUEUE_CHUNK * max(self.slots, 1), sizeof(uint32_t))
        if self.q_out == NULL:
            raise MemoryError()
        self.q_cur = SpillFile("the breadth-first queue", "mcfsm-queue-")
        self.q_next = SpillFile("the breadth-first queue", "mcfsm-queue-")

    def fingerprint_at(self, Py_ssize_t index):
        """State `index`'s fingerprint (the trace replay of fingerprints.py asks for it)."""
        cdef uint32_t* v
        if not 0 <= index < self.count:
            raise IndexError(index)
        if self.compact:
            return self._spilled(index)[0]
        v = <uint32_t*>calloc(self.slots, sizeof(uint32_t))
        self._unpack(self.states + (index - self.base) * self.width, v)
        fp = _fingerprint(v, self.slots)
        free(v)
        return fp

    @property
    def rows_kept(self):
        """Rows held now (hash compaction: the unexpanded states, queued on disk)."""
        return self.count - self.base

    # -- checkpoints (checkpoint.py) ----------------------------------------------------------
    def snapshot(self):
        """The visited set and its columns and counters as plain arrays (rows of slot
        indices, unpacked: independent of the packing widths)."""
        cdef Py_ssize_t j
        cdef array.array rows = array.clone(_array.array("I"), self.count * self.slots, False)
        for j in range(self.count):
            self._unpack(self.states + j * self.width, rows.data.as_uints + j * self.slots)
        return {"rows": rows, "parent": _array.array("i", self.parent),
                "step": _array.array("I", self.step), "generated": self.generated,
                "discovered": self.discovered, "total": self.total, "pruned": self.pruned,
                "expanded": self.expanded, "last_opened": self.last_opened}

    def restore(self, snap):
        """A snapshot's states, in their order, with their parents and steps and counters
        (into an empty core)."""
        cdef array.array rows = snap["rows"], parent = snap["parent"], step = snap["step"]
        cdef Py_ssize_t j, n = len(parent)
        cdef int k
        cdef uint32_t top
        cdef size_t at
        if self.count:
            raise ValueError("restore into an empty core")
        for k in range(self.slots):  # the widths first: no state is re-encoded later
            top = 0
            for j in range(n):
                if rows.data.as_uints[j * self.slots + k] > top:
                    top = rows.data.as_uints[j * self.slots + k]
            self._fit(k, top)
        for j in range(n):
            if self._lookup(rows.data.as_uints + j * self.slots, &at) >= 0:
                raise ValueError(f"state {j} of the checkpoint is there twice")
            self._insert(at, parent.data.as_ints[j], step.data.as_uints[j])
        for j, g in enumerate(snap["generated"]):
            if g:
                self._tally(j, False)
                self.generated_[j] = g
        for j, d in enumerate(snap["discovered"]):
            if d:
                self._tally(j, True)
                self.discovered_[j] = d
        self.total, self.pruned, self.expanded = snap["total"], snap["pruned"], snap["expanded"]
        self.last_opened = snap["last_opened"]
        if self.record is not None:
            self.record._last = self.last_opened

    def search_depth_first(self, max_depth, max_states, deadline, stop, progress_every,
                           bint stop_hit):
        """core.py's PyCore.search_depth_first: the same search, a stack for its frontier."""
        cdef long long maxd = -1 if max_depth is None or max_depth >= 1 << 62 else max_depth
        cdef long long maxs = -1 if max_states is None or max_states >= 1 << 62 else max_states
        cdef bint timed = deadline is not None
        cdef double until = 0
        cdef Py_ssize_t n = self.count, i, old, j, top
        cdef long long every = min(progress_every, 1 << 62)
        cdef int reached_max, d
        cdef bint again
        cdef long long deepest = 1 if n else 0
        cdef long long saved_total = 0, saved_pruned = 0
        cdef array.array done_at
        if timed:
            until = deadline - _time.perf_counter() + _now()
        for i in range(len(self.preds)):
            self._refresh(i)
        if self.fast_states:
            found = self.judge.found
            for i, name in enumerate(self.always_names + self.somet_names + self.step_names):
                self.done[i] = name in found
        self.depth_of = _array.array("i", [1]) * n
        done_at = _array.array("i", [0]) * n
        self.dstack = _array.array("i", range(n - 1, -1, -1))
        self.revisit = maxd >= 0
        stopped_by = None
        while len(self.dstack):
            top = len(self.dstack) - 1
            i = self.dstack.data.as_ints[top]
            array.resize_smart(self.dstack, top)
            d = self.depth_of.data.as_ints[i]
            if done_at.data.as_ints[i] and done_at.data.as_ints[i] <= d:
                continue
            if maxd >= 0 and d >= maxd:
                continue
            again = done_at.data.as_ints[i] > 0
            done_at.data.as_ints[i] = d
            if again:
                saved_total, saved_pruned = self.total, self.pruned
                saved = [self.generated_[j] for j in range(self.ntids)]
            old = self.count
            try:
                reached_max = self._expand(i, maxs)
            except StepCut:
                stopped_by = self.judge.cut_reason()
                break
            if again:
                self.total, self.pruned = saved_total, saved_pruned
                for j in range(len(saved)):
                    self.generated_[j] = saved[j]
            if self.count > old:
                array.resize_smart(self.depth_of, self.count)
                array.resize_smart(done_at, self.count)
                for j in range(old, self.count):
                    self.depth_of.data.as_ints[j] = d + 1
                    done_at.data.as_ints[j] = 0
                for j in range(self.count - 1, old - 1, -1):
                    self._push(j)
                if d + 1 > deepest:
                    deepest = d + 1
            stop_hit = stop_hit or self.hit
            if stop_hit:
                stopped_by = "first-violation"
            elif reached_max:
                stopped_by = "max-states"
            if stopped_by is not None:
                break
            if timed and _now() > until:
                stopped_by = "time-limit"
                break
            if self.expanded & 255 == 0:
                PyErr_CheckSignals()
                if stop is not None and stop():
                    stopped_by = "interrupted"
                    break
                if self.expanded % every == 0:
                    self.j_progress(self.count, self.total, d, len(self.dstack))
        if stopped_by is None and 0 in done_at:
            stopped_by = "max-depth"
        self.revisit = False
        return deepest, stopped_by

    cdef int _push(self, Py_ssize_t index) except -1:
        cdef Py_ssize_t m = len(self.dstack)
        array.resize_smart(self.dstack, m + 1)
        self.dstack.data.as_ints[m] = <int>index
        return 0

    cdef int _revisit(self, Py_ssize_t target, Py_ssize_t i, uint32_t sid) except -1:
        """PyCore.revisit_at: a shorter path to a seen state is taken, the state expanded again."""
        cdef int d = self.depth_of.data.as_ints[i] + 1
        if target < len(self.depth_of) and self.depth_of.data.as_ints[target] > d:
            self.depth_of.data.as_ints[target] = d
            self.parent.data.as_ints[target] = <int>i
            self.step.data.as_uints[target] = sid
            self._push(target)
        return 0

    cdef object _idxs(self):
        """The state being expanded as a tuple of slot indices (built once, when asked)."""
        cdef int k
        if self.cur_tuple is None:
            self.cur_tuple = tuple([self.cur[k] for k in range(self.slots)])
        return self.cur_tuple

    cdef int _expand(self, Py_ssize_t i, long long maxs) except -1:
        """Expand state i and record its successors; 1 when the state budget is reached."""
        cdef Py_ssize_t j
        cdef bint has_steps
        if self.compact:
            memcpy(self.cur, self._queued(i), self.slots * sizeof(uint32_t))
            self.base = i + 1
        else:
            self._unpack(self.states + (i - self.base) * self.width, self.cur)
        self.cur_tuple = None
        self._assemble()
        self.expanded += 1
        self.hit = False
        has_steps = self.nsucc > 0 or self.nloops > 0
        if self.check_expansions and (self.unhandled >= 0 or not has_steps):
            u = None if self.unhandled < 0 else self.unhandled_records[self.unhandled]
            if self.j_expansion(i, self._idxs(), has_steps, u):
                self.hit = True
        self.total += self.nsucc + self.nloops
        for j in range(self.nloops):
            self._tally(self.loops[j].tid, False)
        if (self.judge_steps and has_steps) or self.record is not None or self.revisit:
            return self._record_all(i, maxs)
        return self._record_new(i, maxs)

    cdef object _row_tuple(self, Py_ssize_t j):
        cdef int k
        cdef uint32_t* row = self.succ + j * self.slots
        return tuple([row[k] for k in range(self.slots)])

    cdef int _record_new(self, Py_ssize_t i, long long maxs) except -1:
        """The hot loop: no edges, no step properties, no bounds."""
        cdef Py_ssize_t j, index
        cdef size_t at
        cdef uint32_t tid
        if self.stab != NULL and self.canon is None:
            self._prefetch_claims()
        self._ask_slots()
        for j in range(self.nsucc):
            tid = self.succ_tid[j]
            self._tally(tid, False)
            if self.canon is not None:
                self._canonical(j)
            if self.nparts > 1 and self._sent(i, j):
                continue
            if self._lookup_succ(j, &at) >= 0:
                continue
            index = self._insert(at, <int32_t>i, self.succ_sid[j])
            self._tally(tid, True)
            if self.check_states:
                self._judge(index, j, i)
            if maxs >= 0 and self.count >= maxs:
                return 1
        return 0

    cdef int _judge(self, Py_ssize_t index, Py_ssize_t j, Py_ssize_t i) except -1:
        """Judge successor j of state i, the one being expanded (self.cur)."""
        return self._judge_row(index, self.succ + j * self.slots, self.cur, i)

    cdef int _judge_row(self, Py_ssize_t index, const uint32_t* row,
                        const uint32_t* parent, Py_ssize_t parent_index) except -1:
        cdef int k
        if self.fast_states:
            self._judge_new(index, row, parent, parent_index)
        elif self.j_state(index, tuple([row[k] for k in range(self.slots)]),
                          None if parent == NULL else self._idxs(), parent_index):
            self.hit = True
        return 0

    cdef int _edge(self, Py_ssize_t target, uint32_t label) except -1:
        cdef Py_ssize_t m = len(self.e_targets)
        array.resize_smart(self.e_targets, m + 1)
        self.e_targets.data.as_ints[m] = <int>target
        array.resize_smart(self.e_labels, m + 1)
        self.e_labels.data.as_ushorts[m] = <unsigned short>label
        return 0

    cdef int _record_all(self, Py_ssize_t i, long long maxs) except -1:
        """The general loop: step properties and bounds see every step (self-loops last),
        edges are recorded for temporal properties."""
        cdef Py_ssize_t j, index, m
        cdef size_t at
        cdef uint32_t tid
        cdef bint recording = self.record is not None
        cdef int verdict
        if recording and i != self.last_opened:  # EdgeRecorder.open(i), inline
            m = len(self.e_targets)
            while len(self.e_offsets) <= i:
                j = len(self.e_offsets)
                array.resize_smart(self.e_offsets, j + 1)
                self.e_offsets.data.as_uints[j] = <unsigned int>m
            self.last_opened = i
            self.record._last = i
        if self.stab != NULL and self.canon is None:
            self._prefetch_claims()
        self._ask_slots()
        for j in range(self.nsucc):
            tid = self.succ_tid[j]
            self._tally(tid, False)
            if self.fast_steps:
                if self.bounded_steps and not self.j_allowed(self._idxs(), self.succ_sid[j],
                                                             self._row_tuple(j)):
                    verdict = 0  # out of bounds: not taken, not judged (Judge.step)
                else:
                    verdict = self._judge_step(i, self.succ_sid[j], self.succ + j * self.slots,
                                               None)
            elif self.judge_steps:
                verdict = self.j_step(i, self._idxs(), tid, self.succ_sid[j], self._row_tuple(j))
            if self.judge_steps:
                if verdict == 0:
                    self.pruned += 1
                    continue
                if verdict == 2:
                    self.hit = True
            if self.canon is not None:
                self._canonical(j)
            if self.nparts > 1 and self._sent(i, j):
                continue
            index = self._lookup_succ(j, &at)
            if recording:
                self._edge(self.count if index < 0 else index, tid)
            if index >= 0:
                if self.revisit:
                    self._revisit(index, i, self.succ_sid[j])
                continue
            index = self._insert(at, <int32_t>i, self.succ_sid[j])
            self._tally(tid, True)
            if self.check_states:
                self._judge(index, j, i)
            if maxs >= 0 and self.count >= maxs:
                return 1
        for j in range(self.nloops):
            if self.fast_steps:
                if self.bounded_steps and not self.j_allowed(self._idxs(), self.loops[j].sid,
                                                             None):
                    pass  # the action constraint rejects it (Judge.step)
                elif self._judge_step(i, self.loops[j].sid, self.cur, self._idxs()) == 2:
                    self.hit = True
            elif self.judge_steps and self.j_step(i, self._idxs(), self.loops[j].tid,
                                                  self.loops[j].sid, None) == 2:
                self.hit = True
            if recording:
                self._edge(i, self.loops[j].tid)
        return 0

    # -- the split search (partitioned.py) ----------------------------------------------------
    def set_partition(self, int part, int nparts, hash_value):
        """Own the states whose owner (the stable hash of the state modulo nparts, see
        stable_hash.py) is `part`; a successor owned by another partition goes to that
        partition's outbox (take_outbox) instead of the visited set."""
        if self.record is not None:
            raise ValueError("a split search records no edges (temporal properties)")
        if not 0 <= part < nparts:
            raise ValueError(f"partition {part} of {nparts}")
        self.part, self.nparts, self.hash_value = part, nparts, hash_value
        self.vh = <uint64_t**>calloc(self.slots, sizeof(uint64_t*))
        self.vh_n = <Py_ssize_t*>calloc(self.slots, sizeof(Py_ssize_t))
        self.vh_cap = <Py_ssize_t*>calloc(self.slots, sizeof(Py_ssize_t))
        self.otab = <uint64_t**>calloc(nparts, sizeof(uint64_t*))
        self.omask = <size_t*>calloc(nparts, sizeof(size_t))
        if (self.vh == NULL or self.vh_n == NULL or self.vh_cap == NULL or self.otab == NULL
                or self.omask == NULL):
            raise MemoryError()
        self._clear_outbox()

    def set_shared(self, buffer, lock=None):
        """Share the visited set with the other partitions: `buffer` (writable, 8-byte
        words, a power of two of them plus one) is mapped by every partition; word 0 counts
        the fingerprints claimed, the others are an open-addressing set of them (0 empty).
        Call after set_partition; again (reshare) to move to a larger table. `lock` is
        the twin's (it has no compare-and-swap); the compiled core needs none."""
        cdef unsigned long long[::1] words = memoryview(buffer).cast("B").cast("Q")
        cdef Py_ssize_t n = words.shape[0] - 1
        if n < 2 or n & (n - 1):
            raise ValueError(f"a shared table of {n} slots: a power of two is needed")
        if self.nparts < 2:
            raise ValueError("set_shared needs set_partition first")
        if self.stab == NULL:  # the first table: the claims decide what is new from now on
            if self.count:
                raise ValueError("set_shared comes before the first state")
            free(self.table)
            self.table, self.tmask = NULL, 0
        self.sbuf = words
        self.stab = &words[0]
        self.smask = <size_t>(n - 1)
        if self.claimed is None:
            self.claimed = _array.array("Q")

    def reshare(self, buffer, lock=None):
        """Move to a larger shared table: claim again every fingerprint this partition
        claimed (each partition its own, so none is claimed twice)."""
        cdef array.array mine = self.claimed
        cdef Py_ssize_t k, n = len(mine)
        self.set_shared(buffer)
        self.claimed = _array.array("Q")
        for k in range(n):
            if not self._claim(mine.data.as_ulonglongs[k]):
                raise ValueError("a fingerprint was claimed twice while the shared table "
                                 "grew: every partition must reshare before any expands")

    def claim_initial(self, idxs):
        """Claim an initial state's fingerprint; whether this partition claimed it first."""
        cdef uint32_t* row = <uint32_t*>calloc(self.slots, sizeof(uint32_t))
        cdef int k
        if row == NULL:
            raise MemoryError()
        try:
            for k in range(self.slots):
                row[k] = idxs[k]
            return self._claim(self._state_hash(row))
        finally:
            free(row)

    def shared_load(self):
        """(fingerprints claimed by all partitions, slots of the shared table)."""
        if self.stab == NULL:
            return 0, 0
        return mcfsm_load(self.stab), self.smask + 1

    cdef int _prefetch_claims(self) except -1:
        """Hash every successor of the state being expanded and prefetch its first slot."""
        cdef Py_ssize_t j
        cdef uint64_t h
        self.succ_h = <uint64_t*>_grow(self.succ_h, &self.csucc_h, max(self.nsucc, 1),
                                       sizeof(uint64_t))
        for j in range(self.nsucc):
            h = self._state_hash(self.succ + j * self.slots)
            self.succ_h[j] = h
            mcfsm_prefetch(self.stab + 1 + self._first_slot(h))
        return 0

    cdef inline size_t _first_slot(self, uint64_t h) noexcept:
        """Where fingerprint h's probe starts (0 marks an empty slot, so h = 0 is kept as 1;
        the low bits, which chose the partition in the split, are shifted out)."""
        return ((h if h != 0 else 1) >> 7) & self.smask

    cdef bint _claim(self, uint64_t h) except -1:
        """Claim fingerprint h in the shared table; False if some partition has it."""
        cdef unsigned long long want = h if h != 0 else 1  # 0 marks an empty slot
        cdef size_t pos = self._first_slot(h), probes = 0
        cdef unsigned long long* slot
        cdef unsigned long long e
        cdef Py_ssize_t m
        while True:
            slot = self.stab + 1 + pos
            e = mcfsm_load(slot)
            if e == want:
                return False
            if e == 0:
                if mcfsm_claim_slot(slot, want):
                    break
                continue  # another partition took this slot just now: read it again
            pos = (pos + 1) & self.smask
            probes += 1
            if probes > self.smask:
                raise OverflowError("the shared visited set is full")
        if mcfsm_add(self.stab, 1) * 8 > (self.smask + 1) * 7:
            raise OverflowError("the shared visited set is full")
        m = len(self.claimed)
        array.resize_smart(self.claimed, m + 1)
        self.claimed.data.as_ulonglongs[m] = want
        return True

    cdef int _clear_outbox(self) except -1:
        cdef int k
        for k in range(self.nparts):
            free(self.otab[k])
            self.otab[k] = <uint64_t*>calloc(1 << 10, sizeof(uint64_t))
            if self.otab[k] == NULL:
                raise MemoryError()
            self.omask[k] = (1 << 10) - 1
        self.out_rows = [_array.array("I") for _ in range(self.nparts)]
        self.out_parent = [_array.array("i") for _ in range(self.nparts)]
        self.out_sid = [_array.array("I") for _ in range(self.nparts)]
        self.out_tid = [_array.array("I") for _ in range(self.nparts)]
        return 0

    cdef int _hash_values(self, int k, uint32_t upto) except -1:
        """The stable hashes of slot k's values up to index `upto` (Python, once a value)."""
        cdef Py_ssize_t need = <Py_ssize_t>upto + 1, j
        values = self.store.values[k]
        self.vh[k] = <uint64_t*>_grow(self.vh[k], &self.vh_cap[k], need, sizeof(uint64_t))
        for j in range(self.vh_n[k], need):
            self.vh[k][j] = <uint64_t>self.hash_value(values[j])
        self.vh_n[k] = need
        return 0

    cdef uint64_t _state_hash(self, const uint32_t* row) except? 0:
        """stable_hash.combine of the row's component hashes."""
        cdef uint64_t h = 0xCBF29CE484222325ULL
        cdef int k
        for k in range(self.slots):
            if row[k] >= self.vh_n[k]:
                self._hash_values(k, row[k])
            h = (h ^ self.vh[k][row[k]]) * 0x100000001B3ULL
        return _mix(h)

    def state_hash(self, Py_ssize_t index):
        """The stable hash of state `index` (equal in every partition for equal states)."""
        v = self.unpack(index)
        cdef uint32_t* row = <uint32_t*>calloc(self.slots, sizeof(uint32_t))
        cdef int k
        for k in range(self.slots):
            row[k] = v[k]
        try:
            return self._state_hash(row)
        finally:
            free(row)

    cdef bint _sent(self, Py_ssize_t i, Py_ssize_t j) except -1:
        """Successor j of state i goes to its owner's outbox (once a round), unless this
        partition owns it."""
        cdef uint32_t* row = self.succ + j * self.slots
        cdef uint64_t h, e, high
        cdef int o
        cdef array.array rows, col
        cdef Py_ssize_t m
        cdef size_t pos, mask
        cdef uint64_t* table
        if self.stab != NULL:  # shared visited set: this partition's if it claims it first
            return not self._claim(self.succ_h[j] if self.canon is None
                                   else self._state_hash(row))
        h = self._state_hash(row)
        o = <int>(h % <uint64_t>self.nparts)
        high = h & 0xFFFFFFFF00000000ULL
        if o == self.part:
            return False
        rows = <array.array>self.out_rows[o]
        table, mask = self.otab[o], self.omask[o]
        pos = (h >> 12) & mask  # the low bits chose the owner
        while True:
            e = table[pos]
            if e == 0:
                break
            if (e & 0xFFFFFFFF00000000ULL) == high and memcmp(
                    rows.data.as_uints + ((e & 0xFFFFFFFFULL) - 1) * self.slots, row,
                    self.slots * sizeof(uint32_t)) == 0:
                return True  # already sent this round
            pos = (pos + 1) & mask
        m = len(rows)
        table[pos] = high | <uint64_t>(m // self.slots + 1)
        array.resize_smart(rows, m + self.slots)
        memcpy(rows.data.as_uints + m, row, self.slots * sizeof(uint32_t))
        if (m // self.slots + 1) * 4 > <Py_ssize_t>(mask + 1) * 3:
            self._grow_outbox_set(o)
        col = <array.array>self.out_parent[o]
        m = len(col)
        array.resize_smart(col, m + 1)
        col.data.as_ints[m] = <int>i
        col = <array.array>self.out_sid[o]
        array.resize_smart(col, m + 1)
        col.data.as_uints[m] = self.succ_sid[j]
        col = <array.array>self.out_tid[o]
        array.resize_smart(col, m + 1)
        col.data.as_uints[m] = self.succ_tid[j]
        return True

    cdef int _grow_outbox_set(self, int o) except -1:
        """Double owner o's row set and insert its rows again (by their state hash)."""
        cdef array.array rows = <array.array>self.out_rows[o]
        cdef size_t capacity = (self.omask[o] + 1) * 2, mask = capacity - 1, pos
        cdef uint64_t* table = <uint64_t*>calloc(capacity, sizeof(uint64_t))
        cdef Py_ssize_t r, count = len(rows) // self.slots
        cdef uint64_t h
        if table == NULL:
            raise MemoryError()
        for r in range(count):
            h = self._state_hash(rows.data.as_uints + r * self.slots)
            pos = (h >> 12) & mask
            while table[pos] != 0:
                pos = (pos + 1) & mask
            table[pos] = (h & 0xFFFFFFFF00000000ULL) | <uint64_t>(r + 1)
        free(self.otab[o])
        self.otab[o], self.omask[o] = table, mask
        return 0

    def take_outbox(self):
        """What was sent to each partition since the last call: per partition (rows of slot
        indices in this store's numbering, narrowed, parent indices, step ids, coverage ids)."""
        out = list(zip([self.narrow(rows) for rows in self.out_rows], self.out_parent,
                       self.out_sid, self.out_tid))
        self._clear_outbox()
        return out

    cdef int _sync_judge(self) except -1:
        """Python judged states since the last call (initial states, Judge.state): refresh
        the cached memo roots and the findings already made (as `search` does first)."""
        cdef Py_ssize_t i
        for i in range(len(self.preds)):
            self._refresh(i)
        if self.fast_states:
            found = self.judge.found
            for i, name in enumerate(self.always_names + self.somet_names + self.step_names):
                self.done[i] = name in found
        return 0

    def expand_range(self, Py_ssize_t start, Py_ssize_t end, stop, deadline, bint stop_at_hit):
        """Expand states start..end-1 (this partition's share of one BFS level): successors
        it owns join the visited set, the others the outboxes. (stopped_by, whether a
        finding asks to stop)."""
        cdef bint timed = deadline is not None, any_hit = False
        cdef double until = 0
        cdef Py_ssize_t i = start
        if timed:
            until = deadline - _time.perf_counter() + _now()
        self._sync_judge()
        stopped_by = None
        while i < end:
            try:
                self._expand(i, -1)
            except StepCut:
                stopped_by = self.judge.cut_reason()
                break
            if self.hit:
                any_hit = True
                if stop_at_hit:
                    break
            if timed and _now() > until:
                stopped_by = "time-limit"
                break
            if self.expanded & 255 == 0:
                PyErr_CheckSignals()
                if stop is not None and stop():
                    stopped_by = "interrupted"
                    break
            i += 1
        return stopped_by, any_hit

    def ingest(self, array.array rows, array.array tids, int parent_base, bint tally=True):
        """Add the states other partitions sent (rows of slot indices already in this
        store's numbering): the m-th new one gets parent `parent_base - m` (a negative
        reference that partitioned.py resolves to its sender's state) and is judged.
        (the positions of the rows that were new, whether a finding asks to stop).
        tally=False: states another partition gave away, whose discovery it counted."""
        cdef Py_ssize_t j, n = len(tids), index
        cdef uint32_t* row
        cdef size_t at
        cdef int k, m = 0
        cdef bint any_hit = False
        cdef array.array positions = _array.array("i")
        self._sync_judge()
        for j in range(n):
            row = rows.data.as_uints + j * self.slots
            for k in range(self.slots):
                self._fit(k, row[k])
            if self._lookup(row, &at) >= 0:
                continue
            index = self._insert(at, parent_base - m, 0)
            m += 1
            array.resize_smart(positions, m)
            positions.data.as_ints[m - 1] = <int>j
            if tally:
                self._tally(tids.data.as_uints[j], True)
            if self.check_states:
                self.hit = False
                self._judge_row(index, row, NULL, -1)
                any_hit = any_hit or self.hit
        return positions, any_hit

    def narrow(self, array.array rows):
        """The rows (array 'I') in the narrowest array that holds them ('B', 'H' or 'I'):
        what travels between partitions (most component indices are below 256)."""
        cdef Py_ssize_t n = len(rows), j
        cdef uint32_t top = 0
        cdef array.array out
        for j in range(n):
            if rows.data.as_uints[j] > top:
                top = rows.data.as_uints[j]
        if top > 0xFFFF:
            return rows
        out = array.clone(_array.array("B" if top <= 0xFF else "H"), n, False)
        if top <= 0xFF:
            for j in range(n):
                out.data.as_uchars[j] = <unsigned char>rows.data.as_uints[j]
        else:
            for j in range(n):
                out.data.as_ushorts[j] = <unsigned short>rows.data.as_uints[j]
        return out

    def translate(self, array.array rows, int width, list maps):
        """Rows of `width` indices (an array 'B', 'H' or 'I') renumbered through maps[k]
        (an array 'I' per column): a sender's numbering into this store's, as an array 'I'."""
        cdef Py_ssize_t n = len(rows), j
        cdef array.array out = array.clone(_array.array("I"), n, False)
        cdef array.array column
        cdef uint32_t** m = <uint32_t**>calloc(max(width, 1), sizeof(uint32_t*))
        cdef Py_ssize_t* lens = <Py_ssize_t*>calloc(max(width, 1), sizeof(Py_ssize_t))
        cdef int k, size = rows.ob_descr.itemsize
        cdef uint32_t v
        if m == NULL or lens == NULL:
            free(m)
            free(lens)
            raise MemoryError()
        try:
            for k in range(width):
                column = <array.array>maps[k]
                m[k] = column.data.as_uints
                lens[k] = len(column)
            for j in range(n):
                k = j % width
                v = (rows.data.as_uchars[j] if size == 1 else rows.data.as_ushorts[j]
                     if size == 2 else rows.data.as_uints[j])
                if v >= lens[k]:
                    raise IndexError(f"component {v} of column {k} was never announced")
                out.data.as_uints[j] = m[k][v]
        finally:
            free(m)
            free(lens)
        return out

    # -- inbox signatures (bysig) ------------------------------------------------------------
    cdef uint32_t _sig(self, int k, uint32_t bi) except? 0xffffffff:
        """The signature number of instance k's inbox bi (what can be delivered from it)."""
        cdef array.array known = <array.array>self.sig_of[k]
        cdef uint32_t v
        if bi < <uint32_t>len(known):
            v = known.data.as_uints[bi]
            if v != 0:
                return v - 1
        return self._new_sig(k, bi)

    cdef uint32_t _new_sig(self, int k, uint32_t bi) except? 0xffffffff:
        """Number inbox bi's signature and keep its rests (steps.deliverables: once per
        inbox index)."""
        cdef array.array known = <array.array>self.sig_of[k]
        cdef array.array at = <array.array>self.rest_at[k]
        cdef Py_ssize_t grow
        entries = self.deliverables(k, bi)
        sig = tuple([(sender, mid) for sender, mid, _ in entries])
        number = self.sig_ids.get(sig)
        if number is None:
            number = self.sig_ids[sig] = len(self.sig_ids)
            self.sig_part_at.append(len(self.sig_parts))
            for delivery in sig:
                code = self.part_ids.get(delivery)
                if code is None:
                    code = self.part_ids[delivery] = len(self.part_ids) + 1
                self.sig_parts.append(code)
        if bi >= <uint32_t>len(known):
            grow = max(bi + 1 - len(known), len(known))  # doubling: indices come densely
            known.extend(_array.array("I", bytes(4 * grow)))
            at.extend(_array.array("I", bytes(4 * grow)))
        at.data.as_uints[bi] = len(self.rests)
        for _, _, rest in entries:
            rest = bi if rest < 0 else rest  # a persistent inbox keeps its message
            self._fit(2 + self.n + k, rest)
            self.rests.append(rest)
        known.data.as_uints[bi] = <uint32_t>number + 1
        return number

    cdef inline Py_ssize_t _deliveries(self, uint32_t sig):
        """How many deliveries signature sig lists (its part codes in sig_parts)."""
        cdef uint32_t at = self.sig_part_at.data.as_uints[sig]
        if sig + 1 >= <uint32_t>len(self.sig_part_at):
            return len(self.sig_parts) - at
        return self.sig_part_at.data.as_uints[sig + 1] - at

    cdef uint32_t _relative(self, int k, uint32_t ni) except? 0xffffffff:
        """A delta's inbox after, ni, relative to the inbox of the state being expanded:
        KEEP, or TAKE | j for the first delivery j whose rest it is (two deliveries with
        one rest are the same message from the same sender, so any inbox with this
        signature has one rest for both too)."""
        cdef uint32_t bi = self.cur[2 + self.n + k]
        cdef uint32_t start, j
        if ni == bi:
            return KEEP
        start = (<array.array>self.rest_at[k]).data.as_uints[bi]
        for j in range(self._deliveries(self._sig(k, bi))):
            if self.rests.data.as_uints[start + j] == ni:
                return TAKE | j
        raise RuntimeError(f"engine core: instance {k}'s inbox after a step ({ni}) is neither "
                           f"its inbox ({bi}) nor what a delivery leaves (steps.deliverables)")

    # -- successor assembly from memoized local steps ---------------------------------------------
    cdef int _assemble(self) except -1:
        """The successors of self.cur into the succ rows (instance order, faults last) and
        its self-loops; Python runs only on a memo miss."""
        cdef int k, n = self.n
        cdef uint32_t key[5]
        cdef uint32_t v, cs, node, bi
        cdef uint32_t* last
        cdef Entry e
        cdef Pool* pool
        cdef uint32_t* row
        cdef Py_ssize_t j
        cdef list known
        cdef object faults
        self.nsucc = 0
        self.nloops = 0
        self.unhandled = -1
        self.scratch.nentries = self.scratch.ndeltas = self.scratch.nsends = self.scratch.nloops = 0
        for k in range(n):
            bi = self.cur[2 + n + k]
            key[0] = k
            key[1] = self._local_key(k)
            # the inbox's signature where the role defers nothing (also in the last hit
            # below: siblings whose inboxes differ behind their heads then hit it too)
            key[2] = self._sig(k, bi) if self.bysig[k] else bi
            # the params' place, left 0: code that reads them is a world reader, keyed on
            # the params fields it read (steps.py), so a step that reads none is shared by
            # every combination's search on the same tables; 1 for a field-keyed instance
            key[3] = self.fm[k]
            key[4] = self.cur[1]
            if self.wr[k] and self.bysig[k]:  # a world reader: part by part
                self._assemble_parts(k, key)
                continue
            if self.wr[k]:  # a world reader: keyed on the values of what its paths read
                node = _map_get(&self.wkeys, key)
                v = 0
                while node != 0:
                    key[0] = self._reader_key(k, self.node_cs.data.as_uints[node - 1])
                    v = _map_get(&self.memo, key)
                    if v != 0:
                        break
                    node = self.node_next.data.as_uints[node - 1]
            else:
                last = self.last_key + 3 * k
                if (self.last_v[k] != 0 and last[0] == key[1] and last[1] == key[2]
                        and last[2] == key[4]):
                    v = self.last_v[k]
                else:
                    v = _map_get(&self.memo, key)
                    if v != 0:  # a perm entry: the memo never drops one
                        last[0], last[1], last[2] = key[1], key[2], key[4]
                        self.last_v[k] = v
            if v != 0:
                pool = &self.perm
                e = pool.entries[v - 1]
            else:
                self.steps.expansions = self.expanded + 1  # for its memo's hit rate
                self.parts_epoch += 1  # the memo changes
                found, memoizable = self.local_found(k, self._idxs())
                self._keyed_as(k, memoizable == FIELDS, key)
                if memoizable == READS or memoizable == FIELDS:  # a world reader: key it on
                    self.wr[k] = 1                               # what its paths read
                    if self.bysig[k]:  # from the next state on, part by part
                        memoizable = 0
                    else:
                        cs = self._key_set(k, key, self.path_columns())
                        key[0] = self._reader_key(k, cs)
                pool = &self.perm if memoizable else &self.scratch
                self._convert(k, found, pool, &e)
                if memoizable:
                    pool.entries = <Entry*>_grow(pool.entries, &pool.centries, pool.nentries + 1,
                                                 sizeof(Entry))
                    pool.entries[pool.nentries] = e
                    _map_put(&self.memo, key, <uint32_t>pool.nentries)
                    pool.nentries += 1
            self._emit(k, pool, &e, 0)
        if self.faulty:
            for k in range(n):
                j = self.cur[2 + n + k]
                if j < self.fault_cap[k] and self.fault_none[k][j]:
                    continue  # no faults at this inbox (a list item and a test in Python)
                known = <list>self.fault_memo[k]
                faults = known[j] if j < len(known) else None
                if faults is None:
                    faults = tuple(self.fault_list(k, j))
                    if j >= len(known):
                        known.extend([None] * (j + 1 - len(known)))
                    known[j] = faults
                if not faults:
                    self._no_faults(k, j)
                    continue
                for tid, sid, new_inbox in <tuple>faults:
                    self._fit(2 + n + k, new_inbox)
                    row = self._row()
                    row[2 + n + k] = new_inbox
                    self.succ_tid[self.nsucc] = tid
                    self.succ_sid[self.nsucc] = sid
                    self.nsucc += 1
        return 0

    cdef int _no_faults(self, int k, Py_ssize_t j) except -1:
        """Mark inbox index j of instance k as one without faults (fault_none, grown
        zero-filled)."""
        cdef Py_ssize_t old = self.fault_cap[k], new
        cdef uint8_t* p
        if j >= old:
            new = max(2 * j, 64)
            p = <uint8_t*>realloc(self.fault_none[k], new)
            if p == NULL:
                raise MemoryError()
            memset(p + old, 0, new - old)
            self.fault_none[k], self.fault_cap[k] = p, new
        self.fault_none[k][j] = 1
        return 0

    cdef int _emit(self, int k, Pool* pool, Entry* e, uint32_t jbase) except -1:
        """Instance k's steps from one memo entry into the succ rows and loops. A relative
        inbox TAKE | j is the rest of delivery j + jbase of the current inbox (a part's
        entry holds TAKE, its delivery's position coming as jbase)."""
        cdef int n = self.n
        cdef Delta* d
        cdef Send* s
        cdef uint32_t* row
        cdef Py_ssize_t j, q
        cdef uint32_t rests = KEEP  # where the current inbox's rests start, plus jbase
        cdef uint32_t local
        if e.unhandled >= 0 and self.unhandled < 0:
            self.unhandled = e.unhandled
        if e.nloops:
            self.loops = <Loop*>_grow(self.loops, &self.cloops, self.nloops + e.nloops, sizeof(Loop))
            memcpy(self.loops + self.nloops, pool.loops + e.loop_start, e.nloops * sizeof(Loop))
            self.nloops += e.nloops
        for j in range(e.ndeltas):
            d = pool.deltas + e.delta_start + j
            local = d.local
            if self.fm[k]:  # a writes number: the local it makes of this one
                local = self._transform(k, self.cur[2 + k], d.local)
                if (local == self.cur[2 + k] and d.shared == self.cur[1] and d.nsends == 0
                        and (d.inbox == KEEP if self.bysig[k]
                             else d.inbox == self.cur[2 + n + k])):
                    # a self-loop (steps._split_loops), in the order of the deltas
                    self.loops = <Loop*>_grow(self.loops, &self.cloops, self.nloops + 1,
                                              sizeof(Loop))
                    self.loops[self.nloops].tid = d.tid
                    self.loops[self.nloops].sid = d.sid
                    self.nloops += 1
                    continue
            row = self._row()
            row[2 + k] = local
            row[1] = d.shared
            if not self.bysig[k]:
                row[2 + n + k] = d.inbox
            elif d.inbox != KEEP:  # (KEEP: the row holds the inbox already)
                if rests == KEEP:  # looked up once, at the first delivery
                    rests = (<array.array>self.rest_at[k]).data.as_uints[
                        self.cur[2 + n + k]] + jbase
                row[2 + n + k] = self.rests.data.as_uints[rests + (d.inbox & ~TAKE)]
            for q in range(d.nsends):
                s = pool.sends + d.send_start + q
                row[s.slot] = self._add(s.slot, row[s.slot], s.code)
                # _add may call Python, which never grows the pools: d and s stay valid
            if self.capacity and d.nsends and not self._fit_all(pool, d, row, k):
                continue  # a channel it sends on is full: the sender waits
            if self.nrmon:  # a reception first (Monitor(receipts=True))
                self._observe_receipt(d.sid, row)
            if self.nmon and d.nsends:  # monitors observe the sends, in order
                self._observe_sends(pool, d, row)
            self.succ_tid[self.nsucc] = d.tid
            self.succ_sid[self.nsucc] = d.sid
            self.nsucc += 1
        return 0

    cdef uint32_t _part_lookup(self, int k, uint32_t* key, Py_ssize_t j) except? 0xffffffff:
        """World reader k's memo entry + 1 for the part key[1:] names (0: a miss), trying
        each column set its paths have read there; j < 64, the part's place in the state's
        parts. Where the part's last lookup found its entry with the key's first column set
        and nothing has changed the tables since (parts_epoch), the same key and the same
        values of that set's columns find that entry again: the probes are skipped."""
        cdef uint32_t node, v, cs, at, m, q
        cdef uint32_t* seen = self.parts_seen + (k * 64 + j) * PART_SEEN
        cdef bint first = True
        if (seen[0] == self.parts_epoch and seen[1] == key[1] and seen[2] == key[2]
                and seen[3] == key[3] and seen[4] == key[4]):
            at = self.cs_at.data.as_uints[seen[5]]
            m = seen[7]
            for q in range(m):
                if self._column(at + q) != seen[8 + q]:
                    break
            else:
                return seen[6]
        key[0] = k
        node = _map_get(&self.wkeys, key)
        while node != 0:
            cs = self.node_cs.data.as_uints[node - 1]
            key[0] = self._reader_key(k, cs)
            v = _map_get(&self.memo, key)
            if v != 0:
                m = self.cs_len.data.as_uints[cs]
                if first and m <= PART_SEEN - 8:
                    at = self.cs_at.data.as_uints[cs]
                    seen[0], seen[1], seen[2], seen[3], seen[4] = \
                        self.parts_epoch, key[1], key[2], key[3], key[4]
                    seen[5], seen[6], seen[7] = cs, v, m
                    for q in range(m):
                        seen[8 + q] = self._column(at + q)
                return v
            first = False
            node = self.node_next.data.as_uints[node - 1]
        return 0

    cdef inline uint32_t _part_code(self, int k, Py_ssize_t j, Py_ssize_t m, uint32_t at):
        """The part code of instance k's part j of a state with m internal parts whose
        signature's part codes start at `at`: 0 (a world reader's internal steps), INTERNAL | j
        (a field-keyed instance's internal transition j), else its delivery's code."""
        if j < m:
            return INTERNAL | <uint32_t>j if self.fm[k] else 0
        return self.sig_parts.data.as_uints[at + j - m]

    cdef int _assemble_parts(self, int k, uint32_t* key) except -1:
        """World reader k's steps from its parts' entries (internal, then each delivery);
        on a miss, steps.local_parts answers the parts missed and each is memoized on its
        own key and the columns its path read. A field-keyed instance has one internal part
        per internal transition from its local's state (key[1] its number), a world reader
        one for them all."""
        cdef uint32_t sig = key[2]
        cdef uint32_t at = self.sig_part_at.data.as_uints[sig]
        cdef Py_ssize_t count = self._deliveries(sig)
        cdef Py_ssize_t j, m = self._state(k) >> 20 if self.fm[k] else 1
        cdef uint32_t cs
        cdef uint32_t got[64]
        cdef Entry e
        cdef Pool* pool
        cdef bint fields = self.fm[k]
        cdef Py_ssize_t hits = 0
        skip = None
        if count + m <= 64:
            for j in range(count + m):
                key[2] = self._part_code(k, j, m, at)
                got[j] = self._part_lookup(k, key, j)
                hits += got[j] != 0
            if hits == count + m:  # every part hit
                for j in range(count + m):
                    self._emit(k, &self.perm, &self.perm.entries[got[j] - 1],
                               0 if j < m else <uint32_t>(j - m))
                key[2] = sig
                return 0
            if hits:  # Python answers the others
                skip = (fields, tuple([j for j in range(count + m) if got[j] != 0]))
        self.steps.expansions = self.expanded + 1  # for its memo's hit rate
        self.parts_epoch += 1  # the memo changes
        parts, memoizable = self.local_parts(k, self._idxs(), skip)
        if skip is not None and memoizable != (FIELDS if fields else READS):
            # keyed otherwise now, or not memoized: the entries found hold another kind
            # of local (writes numbers or indices), so every part is asked of Python
            parts, memoizable = self.local_parts(k, self._idxs())
            skip = None
        self._keyed_as(k, memoizable == FIELDS, key)
        # (an answer not memoized may come in a field-keyed instance's parts: one per
        # internal transition)
        m = len(parts) - count
        if memoizable and m != (self._state(k) >> 20 if self.fm[k] else 1):
            raise RuntimeError(f"engine core: instance {k} has {len(parts)} parts where its "
                               f"state and inbox make another number (steps.local_parts)")
        memoizable = memoizable and count + m <= 64  # (past 64 parts: not memoized)
        pool = &self.perm if memoizable else &self.scratch
        for j, part in enumerate(parts):
            if part is None:  # found in the memo above
                if skip is None or got[j] == 0:
                    raise RuntimeError(f"engine core: steps.local_parts left out instance "
                                       f"{k}'s part {j}, which the core did not have")
                self._emit(k, &self.perm, &self.perm.entries[got[j] - 1],
                           0 if j < m else <uint32_t>(j - m))
                continue
            found, columns = part
            self._convert(k, found, pool, &e, True)
            if memoizable:
                key[0] = k
                key[2] = self._part_code(k, j, m, at)
                cs = self._key_set(k, key, columns)
                key[0] = self._reader_key(k, cs)
                pool.entries = <Entry*>_grow(pool.entries, &pool.centries, pool.nentries + 1,
                                             sizeof(Entry))
                pool.entries[pool.nentries] = e
                _map_set(&self.memo, key, <uint32_t>pool.nentries)
                pool.nentries += 1
            self._emit(k, pool, &e, 0 if j < m else <uint32_t>(j - m))
        key[2] = sig
        return 0

    cdef inline uint32_t _local_key(self, int k) except? 0xffffffff:
        """key[1] of instance k's memo key: its local, or a field-keyed instance's state
        number (its fields are columns)."""
        return self._state(k) & 0xFFFFF if self.fm[k] else self.cur[2 + k]

    cdef int _keyed_as(self, int k, bint fields, uint32_t* key) except -1:
        """Python answered instance k field-keyed (FIELDS) or not: if that changed, its memo
        key from now on (key[1], and key[3] = 1 for field keys)."""
        if fields != self.fm[k]:
            self.fm[k] = fields
            key[1] = self._local_key(k)
            key[3] = fields
        return 0

    cdef uint32_t _state(self, int k) except? 0xffffffff:
        """steps.state_code of instance k's local in the state being expanded (cached by
        the local's index)."""
        cdef array.array known = <array.array>self.st_of[k]
        cdef uint32_t li = self.cur[2 + k]
        cdef Py_ssize_t grow
        cdef uint32_t v
        if li < <uint32_t>len(known):
            v = known.data.as_uints[li]
            if v != 0:
                return v - 1
        else:
            grow = max(li + 1 - len(known), len(known))  # doubling: indices come densely
            known.extend(_array.array("I", bytes(4 * grow)))
        v = <uint32_t>self.state_code(k, li)
        known.data.as_uints[li] = v + 1
        return v

    cdef uint32_t _transform(self, int k, uint32_t li, uint32_t w) except? 0xFFFFFFFF:
        """Instance k's local li after the writes numbered w: a local seen before, found by
        value (`_by_value`; its index fits, as each local in the table was a state's or was
        made below), else made (`_made`; not kept by (local, writes): a field-keyed
        instance's local is new in nearly every state, so each pair is met about once, while
        the locals they make recur)."""
        cdef uint32_t new = self._by_value(k, li, w)
        cdef Py_ssize_t made
        if new == 0xFFFFFFFFU:
            made = len(<list>self.store.values[2 + k])
            new = self._made(k, li, w)
            self._fit(2 + k, new)
            if new != <uint32_t>made:  # an equal local seen before (True for 1)
                return new
            if self.lv_width[k] > 0:
                # a new local, the very value the words in lv_tmp describe (an existing one
                # equal to it may hold other types, as True for 1: its words are asked anew)
                self._learn_local(k, new)
            # its state's number, and its columns unless read off its words (_word_of):
            # a local found by value had them given when it was made, or asks for them
            self._carry(k, li, w, new, self.lv_width[k] <= 0)
        return new

    cdef uint32_t _made(self, int k, uint32_t li, uint32_t w) except? 0xFFFFFFFF:
        """steps.transformed without a call into Python: local li with the writes numbered
        w applied (Writes.apply: the same objects in the same record type), interned in the
        store's table (an equal local seen before keeps its index, as Store.intern does)."""
        cdef list values = <list>self.store.values[2 + k]
        cdef Py_ssize_t made = len(values)
        if made == _WIDEN_H or made == _WIDEN_I:  # Store.intern widens the slot's code there
            return self.transformed(k, li, w)
        while w >= <uint32_t>len(self.wvals):
            self.wvals.append(None)
        writes = self.wvals[w]
        if writes is None:
            writes = self.wvals[w] = self.writes_of(w)
        old = values[li]
        if not isinstance(old, tuple):  # not a record: Writes.apply says what it makes
            return self.transformed(k, li, w)
        new = mcfsm_with_writes(old, (<tuple>writes)[0], (<tuple>writes)[1])
        idx = (<dict>self.store.tables[2 + k]).setdefault(new, made)
        if <Py_ssize_t>idx == made:
            values.append(new)
        return idx

    cdef uint32_t* _local_vector(self, int k, uint32_t li) except? NULL:
        """Local li's words in lv_vec[k] (its projections + 1), asked of steps.local_codes
        and entered in lv_tab[k] the first time; NULL when instance k's locals are not
        looked up by value (lv_width[k] = -1 from here on)."""
        cdef int width = self.lv_width[k]
        cdef array.array vec = <array.array>self.lv_vec[k]
        cdef Py_ssize_t q
        cdef uint32_t* at
        if width == 0:
            width = len(self.local_codes(k, li))
            self.lv_width[k] = width if width > 0 else -1
        if width < 0:
            return NULL
        _cover(vec, (<Py_ssize_t>li + 1) * width)
        at = vec.data.as_uints + <Py_ssize_t>li * width
        if at[0] == 0:
            codes = self.local_codes(k, li)
            if len(codes) != width:
                self.lv_width[k] = -1
                return NULL
            for q in range(width):
                at[q] = <uint32_t>codes[q] + 1
            self._enter_local(k, li, _words_hash(at, width))
            at = (<array.array>self.lv_vec[k]).data.as_uints + <Py_ssize_t>li * width
        return at

    cdef uint32_t _by_value(self, int k, uint32_t li, uint32_t w) except? 0xFFFFFFFE:
        """The local the writes numbered w make of local li, if a local with those values
        was seen (lv_tab[k]); else 0xFFFFFFFF, with the new local's words in lv_tmp and their
        hash in lv_hash (for _learn_local)."""
        cdef uint32_t* src = self._local_vector(k, li)
        cdef int width = self.lv_width[k]
        cdef array.array wc, tab
        cdef Py_ssize_t q, pos, mask
        cdef uint32_t c
        cdef uint32_t* vec
        if src == NULL:
            return 0xFFFFFFFF
        while w >= <uint32_t>len(self.wcodes):
            self.wcodes.append(None)
        wc = self.wcodes[w]
        if wc is None:
            wc = self.wcodes[w] = _array.array("I", self.write_codes(w))
        self.lv_tmp = <uint32_t*>_grow(self.lv_tmp, &self.clv_tmp, width, sizeof(uint32_t))
        memcpy(self.lv_tmp, src, width * sizeof(uint32_t))
        for q in range(0, len(wc), 2):
            if wc.data.as_uints[q] >= <uint32_t>width:
                self.lv_width[k] = -1  # a write past the local's end: not ours to judge
                return 0xFFFFFFFF
            self.lv_tmp[wc.data.as_uints[q]] = wc.data.as_uints[q + 1] + 1
        self.lv_hash = _words_hash(self.lv_tmp, width)
        tab = <array.array>self.lv_tab[k]
        if len(tab) == 0:
            return 0xFFFFFFFF
        mask = len(tab) - 1
        pos = <Py_ssize_t>(self.lv_hash & <uint64_t>mask)
        vec = (<array.array>self.lv_vec[k]).data.as_uints
        while True:
            c = tab.data.as_uints[pos]
            if c == 0:
                return 0xFFFFFFFF
            if memcmp(vec + <Py_ssize_t>(c - 1) * width, self.lv_tmp,
                      width * sizeof(uint32_t)) == 0:
                return c - 1
            pos = (pos + 1) & mask

    cdef int _learn_local(self, int k, uint32_t new) except -1:
        """steps.transformed made the new local `new` from the words in lv_tmp: its words."""
        cdef int width = self.lv_width[k]
        cdef array.array vec = <array.array>self.lv_vec[k]
        cdef uint32_t* at
        _cover(vec, (<Py_ssize_t>new + 1) * width)
        at = vec.data.as_uints + <Py_ssize_t>new * width
        if at[0] != 0:
            return 0
        memcpy(at, self.lv_tmp, width * sizeof(uint32_t))
        self._enter_local(k, new, self.lv_hash)
        return 0

    cdef int _enter_local(self, int k, uint32_t li, uint64_t h) except -1:
        """Local li (its words known) into lv_tab[k], which doubles past half full."""
        cdef array.array tab = <array.array>self.lv_tab[k]
        cdef array.array old
        cdef Py_ssize_t size = len(tab), j, pos, mask
        cdef int width = self.lv_width[k]
        cdef uint32_t c
        if (self.lv_count[k] + 1) * 2 > size:
            old = tab
            tab = _array.array("I", bytes(4 * max(64, size * 2)))
            self.lv_tab[k] = tab
            mask = len(tab) - 1
            for j in range(size):
                c = old.data.as_uints[j]
                if c != 0:
                    pos = <Py_ssize_t>(_words_hash((<array.array>self.lv_vec[k]).data.as_uints
                                                   + <Py_ssize_t>(c - 1) * width, width)
                                       & <uint64_t>mask)
                    while tab.data.as_uints[pos] != 0:
                        pos = (pos + 1) & mask
                    tab.data.as_uints[pos] = c
        mask = len(tab) - 1
        pos = <Py_ssize_t>(h & <uint64_t>mask)
        while tab.data.as_uints[pos] != 0:
            pos = (pos + 1) & mask
        tab.data.as_uints[pos] = li + 1
        self.lv_count[k] += 1
        return 0

    cdef int _carry(self, int k, uint32_t li, uint32_t w, uint32_t new,
                    bint columns) except -1:
        """The state number of instance k's local li and, with `columns`, its column
        values as far as known, given to the new local `new` that the writes numbered w
        make of it: a written field's value as written, every other as it was."""
        cdef Py_ssize_t count = len(self.column_keys)
        cdef uint32_t c, v
        cdef array.array known
        if new >= DENSE_COLUMN:
            return 0
        at = <Py_ssize_t>w * self.n + k
        info = self.carry_of.get(at)
        if info is None or <Py_ssize_t>(<tuple>info)[0] != count:
            info = self.carry_of[at] = self.carried(k, w)
        if columns:
            for column in <tuple>(<tuple>info)[1]:
                c = column
                if c < self.ncolv and li < self.colcap[c]:
                    v = self.colv[c][li]
                    if v != 0:
                        self._dense_put(c, new, v)
            for column, value in <tuple>(<tuple>info)[2]:
                self._dense_put(column, new, value)
        # and its state's number (the key of its next lookup), where known
        v = (<tuple>info)[3]
        known = <array.array>self.st_of[k]
        if v == 0 and li < <uint32_t>len(known):
            v = known.data.as_uints[li]
        if v != 0:
            if new >= <uint32_t>len(known):
                known.extend(_array.array("I", bytes(4 * max(new + 1 - len(known), len(known)))))
            known.data.as_uints[new] = v
        return 0

    cdef uint32_t* _row(self) except NULL:
        """A new successor row, a copy of the state being expanded."""
        cdef Py_ssize_t need = self.nsucc + 1
        cdef uint32_t* row
        if need > self.csucc:
            self.succ_tid = <uint32_t*>_grow(self.succ_tid, &self.csucc_tid, need, sizeof(uint32_t))
            self.succ_sid = <uint32_t*>_grow(self.succ_sid, &self.csucc_sid, need, sizeof(uint32_t))
            self.succ = <uint32_t*>_grow(self.succ, &self.csucc, need, self.slots * sizeof(uint32_t))
        row = self.succ + self.nsucc * self.slots
        memcpy(row, self.cur, self.slots * sizeof(uint32_t))
        return row

    cdef int _fit_all(self, Pool* pool, Delta* d, const uint32_t* row, int k) except -1:
        """Whether every channel the step sent on holds at most its capacity (a table of
        (inbox slot, inbox, sender); CompiledSteps.fits on a miss)."""
        cdef uint32_t key[5]
        cdef uint32_t v
        cdef Send* s
        cdef Py_ssize_t q
        for q in range(d.nsends):
            s = pool.sends + d.send_start + q
            key[0], key[1], key[2], key[3], key[4] = s.slot, row[s.slot], k, 1, 0
            v = _map_get(&self.adds, key)
            if v == 0:
                v = 2 if self.fits(s.slot, row[s.slot], k) else 1
                _map_put(&self.adds, key, v - 1)
            if v == 1:
                return 0
        return 1

    cdef int _observe_receipt(self, uint32_t sid, uint32_t* row) except -1:
        """CompiledSteps.observe_receipt for each monitor with receipts=True (key[4] = 2)."""
        cdef uint32_t key[5]
        cdef uint32_t w
        cdef int i, mslot
        for i in range(self.nrmon):
            mslot = self.rmon_slot[i]
            key[0] = mslot
            key[1] = row[mslot]
            key[2] = sid
            key[3] = 0
            key[4] = 2
            w = _map_get(&self.adds, key)
            if w != 0:
                row[mslot] = w - 1
            else:
                new = self.j_observe_receipt(self.rmon_j[i], row[mslot], sid)
                self._fit(mslot, new)
                _map_put(&self.adds, key, new)
                row[mslot] = new
        return 0

    cdef int _observe_sends(self, Pool* pool, Delta* d, uint32_t* row) except -1:
        """Each monitor's local after it observes the step's sends (CompiledSteps.observe on
        a miss, memoized in the inbox table under keys of their own: key[4] = 1)."""
        cdef uint32_t key[5]
        cdef uint32_t v, w
        cdef int j, mslot
        cdef Py_ssize_t q
        cdef Send* s
        for j in range(self.nmon):
            mslot = self.mon_slot[j]
            v = row[mslot]
            for q in range(d.nsends):
                s = pool.sends + d.send_start + q
                key[0] = mslot
                key[1] = v
                key[2] = s.slot
                key[3] = s.code
                key[4] = 1
                w = _map_get(&self.adds, key)
                if w != 0:
                    v = w - 1
                else:
                    new = self.j_observe(j, v, s.slot, s.code)
                    self._fit(mslot, new)
                    _map_put(&self.adds, key, new)
                    v = new
            row[mslot] = v
        return 0

    cdef uint32_t _add(self, uint32_t slot, uint32_t bi, uint32_t code) except? 0xFFFFFFFF:
        """The inbox after adding a message (inbox table; CompiledSteps on a miss)."""
        cdef uint32_t key[5]
        cdef uint32_t v
        key[0] = slot
        key[1] = bi
        key[2] = code
        key[3] = 0
        key[4] = 0
        v = _map_get(&self.adds, key)
        if v != 0:
            return v - 1
        new = self.add_message(slot, bi, code)
        self._fit(slot, new)
        _map_put(&self.adds, key, new)
        return new

    cdef int _convert(self, int k, object found, Pool* pool, Entry* e, bint part=False) except -1:
        """CompiledSteps' answer for instance k into the pool, described by e. A part's
        (local_parts) inbox after is KEEP or TAKE: its own delivery's rest."""
        cdef int n = self.n
        cdef Delta* d
        cdef Send* s
        cdef Loop* lp
        deltas, loops, unhandled = found
        e.delta_start = <int32_t>pool.ndeltas
        e.ndeltas = len(deltas)
        e.loop_start = <int32_t>pool.nloops
        e.nloops = len(loops)
        pool.deltas = <Delta*>_grow(pool.deltas, &pool.cdeltas, pool.ndeltas + e.ndeltas, sizeof(Delta))
        for tid, sid, nl, ns, ni, sends in deltas:
            if not self.fm[k]:  # (a field-keyed instance's nl is a writes number)
                self._fit(2 + k, nl)
            self._fit(1, ns)
            self._fit(2 + n + k, ni)
            pool.sends = <Send*>_grow(pool.sends, &pool.csends, pool.nsends + len(sends), sizeof(Send))
            d = pool.deltas + pool.ndeltas
            d.tid, d.sid, d.local, d.shared = tid, sid, nl, ns
            if part:
                d.inbox = KEEP if ni == self.cur[2 + n + k] else TAKE
            else:
                d.inbox = self._relative(k, ni) if self.bysig[k] else ni
            d.send_start = <uint32_t>pool.nsends
            d.nsends = len(sends)
            for slot, code in sends:
                s = pool.sends + pool.nsends
                s.slot, s.code = slot, code
                pool.nsends += 1
            pool.ndeltas += 1
        pool.loops = <Loop*>_grow(pool.loops, &pool.cloops, pool.nloops + e.nloops, sizeof(Loop))
        for tid, sid in loops:
            lp = pool.loops + pool.nloops
            lp.tid, lp.sid = tid, sid
            pool.nloops += 1
        if unhandled is None:
            e.unhandled = -1
        else:
            uid = self.unhandled_ids.get(unhandled)
            if uid is None:
                uid = self.unhandled_ids[unhandled] = len(self.unhandled_records)
                self.unhandled_records.append(unhandled)
            e.unhandled = uid
        return 0

    def memo_size(self):
        """(memoized local steps, their deltas, inbox table entries): for benchmarks."""
        return self.memo.count, self.perm.ndeltas, self.adds.count


# -- liveness (liveness.py's hot loops, compiled; the Python functions there are the twin) ----
def product_bfs(graph, Py_ssize_t initial_count, flags, bint eventually):
    """liveness._product_bfs in C: the same parent and order arrays."""
    cdef Py_ssize_t size = graph.size, head = 0, s, pos, end, nq = 0
    cdef array.array parent = array.clone(_array.array("i"), 2 * size, False)
    cdef array.array queue = array.clone(_array.array("i"), 2 * size, False)
    # each pending node is queued once, so at most `size` states are in order: filled in
    # C and cut to length at the end (order.append boxed each state: 1% of as_published)
    cdef array.array order = array.clone(_array.array("i"), max(size, 1), False)
    cdef int* o = order.data.as_ints
    cdef Py_ssize_t no = 0
    cdef unsigned int[:] offsets = graph.offsets
    cdef int[:] targets = graph.targets
    cdef const unsigned char[:] f = flags
    cdef int* par = parent.data.as_ints
    cdef int* q = queue.data.as_ints
    cdef int node, nxt, t, pending, fl
    for s in range(2 * size):
        par[s] = -2
    for s in range(min(initial_count, size)):
        fl = f[s]
        node = 2 * s + (1 if not fl & 2 and (fl & 1 or eventually) else 0)
        if par[node] == -2:
            par[node] = -1
            q[nq] = node
            nq += 1
            if node & 1:
                o[no] = <int>s
                no += 1
    while head < nq:
        node = q[head]
        head += 1
        s, pending = node >> 1, node & 1
        end = offsets[s + 1]
        for pos in range(offsets[s], end):
            t = targets[pos]
            fl = f[t]
            nxt = 2 * t + (1 if not fl & 2 and (pending or (not eventually and fl & 1)) else 0)
            if par[nxt] == -2:
                par[nxt] = node
                q[nq] = nxt
                nq += 1
                if nxt & 1:
                    o[no] = t
                    no += 1
    array.resize(order, no)
    return parent, order


def region_of(order, Py_ssize_t size):
    """liveness._region_of in C: -1 for every state, 0 for those in `order`."""
    cdef array.array region = array.clone(_array.array("i"), size, False)
    cdef int* r = region.data.as_ints
    cdef const int[:] o = order
    cdef Py_ssize_t i
    memset(r, 0xFF, size * sizeof(int))  # every byte 0xFF: -1 in each int
    for i in range(o.shape[0]):
        r[o[i]] = 0
    return region


def tarjan_pass(graph, region, int rid, roots, index, low, on_stack, constrained,
                component_of, list fair, multi):
    """liveness._tarjan followed by liveness._judge of each component, in C for the
    components of one state (most of them); `multi(comp)` judges the others in Python.
    `constrained[label]` is 1 when some fairness constraint covers the label; None when
    there are no constraints (every component is then fair)."""
    cdef unsigned int[:] offsets = graph.offsets
    cdef int[:] targets = graph.targets
    cdef unsigned short[:] labels = graph.labels
    cdef int[:] reg = region
    cdef const int[:] rts = roots  # read in C: iterating the array boxed each root
    cdef Py_ssize_t r
    cdef int[:] idx = index
    cdef int[:] lo = low
    cdef int[:] comp_of = component_of
    cdef unsigned char[:] on = on_stack
    cdef const unsigned char[:] cons
    cdef bint any_constraint = constrained is not None
    cdef array.array stack = _array.array("i")
    cdef array.array call_node = _array.array("i")
    cdef array.array call_pos = _array.array("I")
    cdef Py_ssize_t counter = 0, depth, pos, end, top
    cdef int root, v, w, u
    cdef bint descended, unfair
    if any_constraint:
        cons = constrained
    for r in range(rts.shape[0]):
        root = rts[r]
        if reg[root] != rid or idx[root] != -1:
            continue
        idx[root] = lo[root] = counter
        counter += 1
        array.resize_smart(stack, len(stack) + 1)
        stack.data.as_ints[len(stack) - 1] = root
        on[root] = 1
        depth = 1
        array.resize_smart(call_node, 1)
        array.resize_smart(call_pos, 1)
        call_node.data.as_ints[0] = root
        call_pos.data.as_uints[0] = offsets[root]
        while depth:
            v = call_node.data.as_ints[depth - 1]
            pos = call_pos.data.as_uints[depth - 1]
            end = offsets[v + 1]
            descended = False
            while pos < end:
                w = targets[pos]
                pos += 1
                if reg[w] != rid:
                    continue
                if idx[w] == -1:
                    call_pos.data.as_uints[depth - 1] = pos
                    idx[w] = lo[w] = counter
                    counter += 1
                    array.resize_smart(stack, len(stack) + 1)
                    stack.data.as_ints[len(stack) - 1] = w
                    on[w] = 1
                    if depth >= len(call_node):
                        array.resize_smart(call_node, depth + 1)
                        array.resize_smart(call_pos, depth + 1)
                    call_node.data.as_ints[depth] = w
                    call_pos.data.as_uints[depth] = offsets[w]
                    depth += 1
                    descended = True
                    break
                if on[w] and idx[w] < lo[v]:
                    lo[v] = idx[w]
            if descended:
                continue
            depth -= 1
            if depth:
                u = call_node.data.as_ints[depth - 1]
                if lo[v] < lo[u]:
                    lo[u] = lo[v]
            if lo[v] == idx[v]:
                top = len(stack) - 1
                if stack.data.as_ints[top] == v:  # a component of one state: judged here
                    array.resize(stack, top)
                    on[v] = 0
                    unfair = False
                    if any_constraint:
                        for pos in range(offsets[v], offsets[v + 1]):
                            if targets[pos] != v and cons[labels[pos]]:
                                unfair = True
                                break
                    if not unfair:
                        comp_of[v] = len(fair)
                        fair.append(_array.array("i", [v]))
                    continue
                comp = _array.array("i")
                while True:
                    w = stack.data.as_ints[len(stack) - 1]
                    array.resize(stack, len(stack) - 1)
                    on[w] = 0
                    comp.append(w)
                    if w == v:
                        break
                multi(comp)
