"""The PDF render process: `python -m careteam.summary.pdf_worker`.

Reads length-prefixed pickled jobs on stdin, writes length-prefixed pickled answers on stdout,
and exits when stdin closes (its parent went away). Only its parent talks to it.
"""

from __future__ import annotations

import pickle
import struct
import sys

HEADER = struct.Struct("!I")


def read_message(stream):
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (length,) = HEADER.unpack(header)
    return pickle.loads(stream.read(length))


def write_message(stream, message) -> None:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(payload)) + payload)
    stream.flush()


def main() -> None:
    import weasyprint  # noqa: F401 - import once, before the first job (~0.6 s)

    from careteam.summary.pdf import render_documents

    source, sink = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # anything printed by libraries must not corrupt the answers
    write_message(sink, ("ready", None))
    while (job := read_message(source)) is not None:
        documents, static_dir, page_size = job
        try:
            write_message(sink, ("ok", render_documents(documents, static_dir, page_size)))
        except Exception as error:  # reported to the parent, which shows a clear error page
            write_message(sink, ("error", f"{type(error).__name__}: {error}"))


if __name__ == "__main__":
    main()
