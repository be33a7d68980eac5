"""Stage 4 (index): how postings are laid out on disk, on top of Whoosh's W3 codec.

Whoosh 2.7.4 spends most of a small index on overhead (benchmarks/speed.py measures
the size; tests/test_scoring.py checks the scores are still Whoosh's):

* it pickles every posting block with protocol 2, where each ``bytes`` value (a
  posting's positions) becomes a ``codecs.encode`` call of about ten bytes;
* it zlib-compresses every block, even a 15-byte one that grows by compressing
  (its "don't bother under 20 bytes" check is overwritten on the next line);
* ``Frequency`` repeats each posting's term frequency, already its weight, as four
  value bytes, and ``Positions`` pickles a list for every posting.

:class:`CompactCodec` writes the same blocks (Whoosh reads them unchanged) pickled
with protocol 5 without its optional frame header, compressed only when that makes
them smaller; :class:`WeightOnly` and :class:`CompactPositions` are the two formats.
Whoosh pickles the codec and the formats into the index, so they live at this
stable import path.

A query reads this layout itself (:func:`block_heads`, :func:`block_data`,
:func:`term_value`): Whoosh's matcher objects and hash-file generators cost as much
to set up as a small posting list costs to score.  ``tests/test_scoring.py`` checks
the scores, and every term lookup, against Whoosh's own.
"""

from __future__ import annotations

import pickle
import struct
import zlib
from io import BytesIO
from itertools import accumulate

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3PostingsWriter
from whoosh.formats import Frequency, Positions
from whoosh.util.numeric import length_to_byte

_FRAME = 0x95  # pickle's FRAME opcode: 1 byte + an 8-byte length, optional for readers


def compact_pickle(obj) -> bytes:
    """*obj* pickled (protocol 5) without the frame header: 9 bytes less a block."""
    data = pickle.dumps(obj, 5)
    if len(data) > 2 and data[2] == _FRAME:
        data = data[:2] + data[11:]
    return data


def write_block(postfile, first: bool, last: bool, compression: int, ids, weights, values,
                maxweight: float, minlength: int | None, maxlength: int) -> None:
    """One posting block of a term as Whoosh's W3 writer lays it out, with compact
    pickles and compression only where it pays: *ids* the block's document numbers,
    *weights* and *values* as Whoosh minifies them (None for all-1.0 weights or no
    values).  Both writers use it: :class:`CompactPostingsWriter` (a posting at a time,
    for merges) and :mod:`searcher.backends.local.bulk` (a term's postings at once)."""
    if first:
        postfile.write(WHOOSH3_HEADER_MAGIC)
    gaps, base = [], 0
    for n in ids:
        gaps.append(n - base)
        base = n
    data = compact_pickle((tuple(gaps), weights, values))
    comp = compression
    if comp:
        packed = zlib.compress(data, comp)
        if len(packed) < len(data):
            data = packed
        else:
            comp = 0
    info = compact_pickle(
        (len(ids), ids[-1], maxweight, comp, length_to_byte(minlength), length_to_byte(maxlength))
    )
    length = len(info) + len(data)
    postfile.write_int(-length if last else length)
    postfile.write(info)
    postfile.write(data)


class CompactPostingsWriter(W3PostingsWriter):
    """Whoosh's block writer with compact pickles and compression only where it pays."""

    def _write_block(self, last: bool = False) -> None:
        self._terminfo.add_block(self)
        write_block(
            self._postfile, not self._blockcount, last, self._compression, self._ids,
            self._mini_weights(), self._mini_values(), self._maxweight, self._minlength,
            self._maxlength,
        )
        self._blockcount += 1
        self._new_block()


class CompactCodec(W3Codec):
    """Whoosh's W3 codec writing posting blocks through :class:`CompactPostingsWriter`."""

    def postings_writer(self, dbfile, byteids=False):
        return CompactPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )


class WeightOnly(Frequency):
    """Term frequency kept once, as the posting weight (no value bytes)."""

    posting_size = 0

    def word_values(self, value, analyzer, **kwargs):
        for w, freq, weight, _ in super().word_values(value, analyzer, **kwargs):
            yield w, freq, weight, b""

    def encode(self, value) -> bytes:
        return b""

    def decode_frequency(self, valuestring):
        raise NotImplementedError("WeightOnly postings: read the posting's weight")

    decode_weight = decode_frequency


def _put_varint(out: bytearray, n: int) -> None:
    while n > 0x7F:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)


def _varints(data: bytes):
    n = shift = 0
    for b in data:
        n |= (b & 0x7F) << shift
        if b & 0x80:
            shift += 7
        else:
            yield n
            n = shift = 0


#: A one-position value (the usual posting) for each position below 128, made once.
ONE_POSITION = tuple(bytes((1, pos)) for pos in range(0x80))


def encode_positions(poslist) -> bytes:
    """Word positions as varints: the count, then the gaps between positions."""
    if len(poslist) == 1 and poslist[0] < 0x80:
        return ONE_POSITION[poslist[0]]
    out = bytearray()
    _put_varint(out, len(poslist))
    base = 0
    for pos in poslist:
        _put_varint(out, pos - base)
        base = pos
    return bytes(out)


def positions_count(value: bytes) -> int:
    """How many positions :func:`encode_positions` wrote into *value* (its first varint)."""
    return value[0] if value[0] < 0x80 else next(_varints(value))


class CompactPositions(Positions):
    """Word positions as varints: the count, then the gaps between positions."""

    def encode(self, poslist) -> bytes:
        return encode_positions(poslist)

    def decode_positions(self, valuestring):
        if valuestring and max(valuestring) < 0x80:  # every number is one byte: the usual case
            return list(accumulate(valuestring[1:]))
        it = _varints(valuestring)
        next(it)
        positions, pos = [], 0
        for gap in it:
            pos += gap
            positions.append(pos)
        return positions

    def decode_frequency(self, valuestring):
        return next(_varints(valuestring))


# -- reading, as Whoosh 2.7.4 reads it (whoosh.codec.whoosh3, whoosh.filedb.filetables)

_TAG_BYTES = 4  # WHOOSH3_HEADER_MAGIC before a term's first block
_LENGTH = struct.Struct("!i")  # a block's byte length, negative for the last block
_HEAD_BYTES = 64  # a block's info tuple pickles to ~20 bytes
_POINTER = struct.Struct("!Iq")  # a hash-table slot: the key's hash, where the key is
_LENGTHS = struct.Struct("!ii")  # before a key: its length and its value's


def block_heads(postfile, at: int):
    """``(count, last id, compressed, data position, data length)`` of each posting
    block of the term whose postings start at *at* in *postfile* (a Whoosh
    ``StructFile``): each block's signed length and pickled info tuple, data unread."""
    get = postfile.get
    pos = at + _TAG_BYTES
    while True:
        length = _LENGTH.unpack(get(pos, _LENGTH.size))[0]
        pos += _LENGTH.size
        end = pos + abs(length)
        head = BytesIO(get(pos, min(end - pos, _HEAD_BYTES)))
        count, maxid, _, compressed, _, _ = pickle.load(head)
        yield count, maxid, compressed, pos + head.tell(), end - pos - head.tell()
        if length < 0:
            return
        pos = end


def block_data(postfile, head: tuple) -> tuple[list[int], list[float], tuple]:
    """``(document ids, weights, values)`` of the block *head* (:func:`block_heads`)."""
    count, _, compressed, at, length = head
    data = postfile.get(at, length)
    gaps, weights, values = pickle.loads(zlib.decompress(data) if compressed else data)
    if weights is None or isinstance(weights, float):  # all 1.0, or all the same
        weights = [1.0 if weights is None else weights] * count
    return list(accumulate(gaps)), weights, values


def term_value(table, key: bytes):
    """The value of *key* in a Whoosh hash file (``HashReader.get``), or None.

    Whoosh finds it through two generators and a ``get`` call a read; a query looks
    up ~7 terms a tier, and this costs half as much.  Slots of the key's bucket are
    probed in turn from the key's hash, as ``HashReader.ranges_for_key`` does."""
    buf = getattr(table.dbfile, "_buf", None)
    if buf is None:  # a file not in memory
        return table.get(key)
    h = table.hashfn(key)
    start, slots = table.tables[h & 255]
    if not slots:
        return None
    end = start + slots * _POINTER.size
    pos = start + (h >> 8) % slots * _POINTER.size
    for _ in range(slots):
        slot_hash, item = _POINTER.unpack_from(buf, pos)
        if not item:
            return None
        if slot_hash == h:
            keylen, datalen = _LENGTHS.unpack_from(buf, item)
            at = item + _LENGTHS.size
            if keylen == len(key) and buf[at : at + keylen] == key:
                return buf[at + keylen : at + keylen + datalen]
        pos += _POINTER.size
        if pos == end:
            pos = start
    return None
