"""A process pool for linting many files: this process and ``jobs - 1`` forked children.

Items go out in chunks through a pipe filled with chunk numbers before the fork: every process
reads the next number when it is free, so one slow item holds up only its own chunk. Children
inherit everything (inputs, tables, modules: nothing is pickled on the way out) and send each
chunk's results back as soon as it is done; this process reads them between its own chunks.
Chunks of a child that fails are done here. The pool knows nothing of linting: ``work(i)``
returns a picklable result for item ``i``.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import struct
from typing import Any, Callable


def fork_map(jobs: int, count: int, work: Callable[[int], Any]) -> list:
    """``[work(i) for i in range(count)]``, computed by ``jobs`` processes, in order."""
    size = max(1, count // (jobs * 64), -(-count // 4096))  # small chunks end together; at most 4096 numbers
    chunks = [range(i, min(i + size, count)) for i in range(0, count, size)]
    queue_r, queue_w = os.pipe()
    os.write(queue_w, b"".join(struct.pack("<I", i) for i in range(len(chunks))))
    os.close(queue_w)

    def next_chunk():
        data = os.read(queue_r, 4)  # reads of whole 4-byte records from a pipe do not interleave
        return struct.unpack("<I", data)[0] if len(data) == 4 else None

    gc.freeze()  # the children's collections then leave the inherited heap alone (fewer pages copied)
    children: dict[int, tuple[int, bytearray]] = {}  # pid -> (read end, bytes received)
    done: dict[int, list] = {}
    try:
        for _ in range(jobs - 1):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: never returns
                os.close(read_end)
                code = 1
                try:
                    with os.fdopen(write_end, "wb") as out:
                        while (c := next_chunk()) is not None:
                            body = pickle.dumps([work(i) for i in chunks[c]], pickle.HIGHEST_PROTOCOL)
                            out.write(struct.pack("<II", c, len(body)) + body)
                            out.flush()
                    code = 0
                finally:
                    os._exit(code)
            os.close(write_end)
            os.set_blocking(read_end, False)
            children[pid] = (read_end, bytearray())

        while (c := next_chunk()) is not None:
            done[c] = [work(i) for i in chunks[c]]
            for read_end, buf in children.values():
                _drain(read_end, buf, done, block=False)
        for pid, (read_end, buf) in list(children.items()):
            _drain(read_end, buf, done, block=True)
            os.close(read_end)
            os.waitpid(pid, 0)
            del children[pid]
    finally:
        os.close(queue_r)
        for pid, (read_end, _) in children.items():  # only after an error here
            os.close(read_end)
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except OSError:
                pass
        gc.unfreeze()

    results: list = []
    for c, indices in enumerate(chunks):
        if c not in done:  # its child died: do it here
            done[c] = [work(i) for i in indices]
        results += done[c]
    return results


def _drain(fd: int, buf: bytearray, done: dict, block: bool) -> None:
    """Read a child's finished chunks: (chunk number, length, pickled list) records."""
    while True:
        try:
            data = os.read(fd, 1 << 16)
        except BlockingIOError:
            if not block:
                return
            select.select([fd], [], [])
            continue
        if not data:  # the child is done (or died: its unreported chunks are redone)
            return
        buf += data
        while len(buf) >= 8:
            c, length = struct.unpack_from("<II", buf)
            if len(buf) < 8 + length:
                break
            done[c] = pickle.loads(bytes(buf[8:8 + length]))
            del buf[:8 + length]
