"""Stage 4 (index): a generation's Whoosh files memory-mapped and read in place.

Whoosh 2.7.4 memory-maps a segment's compound file, then wraps each file inside
it in a ``BufferFile`` whose ``BytesIO`` *copies* it: opening an index reads and
copies every posting, length and stored field of every segment (190 MB at 1000x
the seed text), although a query touches a few blocks.  :class:`MappedStorage`
hands Whoosh files that read straight from the map, so opening costs the same at
any size and the operating system pages in only what a query reads.
"""

from __future__ import annotations

import mmap
import os

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile

#: Most bytes a pickle reads ahead (it reads on when a pickle is longer).
PEEK_BYTES = 4096


class _View:
    """The reading half of ``BytesIO`` over a buffer it does not copy."""

    __slots__ = ("_buf", "_pos")

    def __init__(self, buf) -> None:
        self._buf = buf
        self._pos = 0

    def read(self, n: int | None = -1) -> bytes:
        start = self._pos
        end = len(self._buf) if n is None or n < 0 else min(start + n, len(self._buf))
        if end <= start:
            return b""
        self._pos = end
        return bytes(self._buf[start:end])

    def peek(self, n: int = 1) -> bytes:
        # with peek, pickle.load reads ahead in one call instead of one call an opcode
        # (a 300-item pickle: 30 us instead of 3.5 ms); it asks for 128 KiB, but most
        # pickles here are a posting block's header of 20 bytes
        return bytes(self._buf[self._pos : self._pos + min(max(n, 1), PEEK_BYTES)])

    def readline(self, limit: int = -1) -> bytes:
        buf, start = self._buf, self._pos
        end = len(buf) if limit is None or limit < 0 else min(start + limit, len(buf))
        for at in range(start, end, 4096):  # never a copy of the whole rest
            i = bytes(buf[at : min(at + 4096, end)]).find(b"\n")
            if i >= 0:
                return self.read(at + i + 1 - start)
        return self.read(end - start)

    def seek(self, pos: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            pos += self._pos
        elif whence == os.SEEK_END:
            pos += len(self._buf)
        self._pos = max(pos, 0)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._buf = b""  # the map is released when no view of it is left


class MappedFile(BufferFile):
    """A Whoosh ``BufferFile`` over a memory map or a slice of one, never copied."""

    def __init__(self, buf, name=None, onclose=None) -> None:
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = view = _View(buf)
        # one call less for each of Whoosh's many small reads (a hash table opens
        # with 256 of them)
        self.read, self.seek, self.tell = view.read, view.seek, view.tell

    def subset(self, position, length, name=None):
        # Whoosh's CompoundStorage opens each file of a segment through this
        return MappedFile(self._buf[position : position + length], name=name or self._name)


class MappedStorage(FileStorage):
    """A read-only index folder whose files are opened as :class:`MappedFile`."""

    def __init__(self, path: str) -> None:
        # supports_mmap=False: a compound file is already mapped here, and Whoosh's own
        # map of it would be copied file by file
        super().__init__(path, supports_mmap=False, readonly=True)

    def open_file(self, name, **kwargs):
        with open(self._fpath(name), "rb") as f:
            if os.fstat(f.fileno()).st_size == 0:  # an empty file cannot be mapped
                return BufferFile(b"", name=name, **kwargs)
            view = memoryview(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
        return MappedFile(view, name=name, **kwargs)
