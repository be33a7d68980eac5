"""The ``searcher`` command: console (the Click-free fast paths), app (Click),
commands (what the commands do), output (how results look).

Imports nothing, so the console script starts at once; holds only what every
part of the command line shares.
"""


def writes_utf8(stream) -> bool:
    """Whether *stream* encodes as UTF-8 (``utf-8``, ``UTF8``, ``utf_8``)."""
    encoding = getattr(stream, "encoding", None) or ""
    return encoding.lower().replace("-", "").replace("_", "") == "utf8"
