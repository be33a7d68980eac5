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
"""

from __future__ import annotations

import pickle
import zlib
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


class CompactPostingsWriter(W3PostingsWriter):
    """Whoosh's block writer with compact pickles and compression only where it pays."""

    def _write_block(self, last: bool = False) -> None:
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = compact_pickle((self._mini_ids(), self._mini_weights(), self._mini_values()))
        comp = self._compression
        if comp:
            packed = zlib.compress(data, comp)
            if len(packed) < len(data):
                data = packed
            else:
                comp = 0
        ids = self._ids
        info = compact_pickle(
            (
                len(ids),
                ids[-1],
                self._maxweight,
                comp,
                length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
            )
        )
        length = len(info) + len(data)
        self._postfile.write_int(-length if last else length)
        self._postfile.write(info)
        self._postfile.write(data)
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


class CompactPositions(Positions):
    """Word positions as varints: the count, then the gaps between positions."""

    def encode(self, poslist) -> bytes:
        out = bytearray()
        _put_varint(out, len(poslist))
        base = 0
        for pos in poslist:
            _put_varint(out, pos - base)
            base = pos
        return bytes(out)

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
