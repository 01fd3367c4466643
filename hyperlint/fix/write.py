"""Writing a fixed file: atomically, through links, keeping owner and mode, never a read-only file."""

from __future__ import annotations

import errno
import os
import stat
import tempfile


class NotFixed(Exception):
    """Why a file was not fixed or not written (one line, for stderr)."""


def write_fixed(path: str, before: bytes, after: bytes) -> None:
    """Write ``after`` over the file at ``path``, whose bytes must still be ``before``.

    - A symbolic link is followed: its target is fixed, the link stays a link.
    - A file without write permission (mode 0444, or not writable by this
      user) is refused, never rewritten (even by root).
    - Usually a temporary file next to it, with the same mode, owner and group,
      is renamed over it: readers see the old or the new file, never a mix, and
      an interrupted run leaves the old one.
    - A file with more than one hard link, or whose owner or group this process
      may not give to a new file, is written in place instead (the same inode:
      every link sees the fix, owner, group, ACLs and extended attributes stay),
      after a backup copy is made next to it; the backup is removed once the
      new bytes are on disk, and the original is restored from it if the write
      fails.

    Raises NotFixed with the reason when the file changed since it was read,
    is read-only, or cannot be written (nothing is changed then)."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except OSError as exc:
        raise NotFixed(failure_reason(exc)) from None
    if not stat.S_ISREG(st.st_mode):
        raise NotFixed("not a regular file any more; not rewritten")
    if not st.st_mode & 0o222:
        raise NotFixed(f"read-only file (mode {stat.S_IMODE(st.st_mode):04o}); not rewritten")
    if not os.access(real, os.W_OK):
        raise NotFixed(f"no permission to write it (mode {stat.S_IMODE(st.st_mode):04o}); not rewritten")
    if st.st_nlink > 1 or not _replace(real, before, after, st):
        _write_in_place(real, before, after)


def _replace(real: str, before: bytes, after: bytes, st: os.stat_result) -> bool:
    """Rename a new file over ``real``; False (nothing done) when its owner or group cannot be kept."""
    try:
        fd, made_tmp = tempfile.mkstemp(prefix=".hyperlint-", dir=os.path.dirname(real))
    except OSError as exc:
        raise NotFixed(f"cannot write a file in its folder ({failure_reason(exc)})") from None
    tmp: str | None = made_tmp
    try:
        try:
            made = os.fstat(fd)
            if (made.st_uid, made.st_gid) != (st.st_uid, st.st_gid):
                try:
                    os.fchown(fd, st.st_uid, st.st_gid)
                except OSError:
                    return False  # not permitted: write in place, which keeps them
            _write_all(fd, after)
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
            os.fsync(fd)
        finally:
            os.close(fd)
        _check_unchanged(real, before)
        os.replace(made_tmp, real)
        tmp = None
        return True
    except OSError as exc:
        raise NotFixed(f"cannot write ({failure_reason(exc)})") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _write_in_place(real: str, before: bytes, after: bytes) -> None:
    flags = os.O_RDWR | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise NotFixed(f"cannot write ({failure_reason(exc)})") from None
    backup = None
    safe = True  # the file holds whole bytes (the old or the new ones): the backup may go
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotFixed("not a regular file any more; not rewritten")
        if _read_all(fd) != before:
            raise NotFixed("changed while hyperlint ran; not fixed (run it again)")
        try:
            bfd, backup = tempfile.mkstemp(prefix=".hyperlint-backup-", dir=os.path.dirname(real))
            try:
                _write_all(bfd, before)
                os.fsync(bfd)
            finally:
                os.close(bfd)
        except OSError as exc:
            raise NotFixed(f"cannot write a backup copy in its folder ({failure_reason(exc)}); not rewritten") from None
        safe = False  # from here until the write is done, an interruption keeps the backup
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            _write_all(fd, after)
            os.ftruncate(fd, len(after))
            os.fsync(fd)
            safe = True
        except OSError as exc:
            try:
                os.lseek(fd, 0, os.SEEK_SET)
                _write_all(fd, before)
                os.ftruncate(fd, len(before))
                os.fsync(fd)
                safe = True
            except OSError:
                raise NotFixed(f"cannot write ({failure_reason(exc)}); the original bytes are in {backup}") from None
            raise NotFixed(f"cannot write ({failure_reason(exc)}); left unchanged") from None
    finally:
        os.close(fd)
        if backup is not None and safe:
            try:
                os.unlink(backup)
            except OSError:
                pass


def _check_unchanged(path: str, before: bytes) -> None:
    from ..discover import read_input

    try:
        now = read_input(path)
    except Exception as exc:  # Unreadable (replaced by a FIFO) or OSError
        raise NotFixed(f"cannot read it again ({failure_reason(exc)}); not fixed") from None
    if now != before:
        raise NotFixed("changed while hyperlint ran; not fixed (run it again)")


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def failure_reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOENT:
            return "no such file: it was removed or renamed while hyperlint ran"
        return exc.strerror or str(exc)
    return str(exc)
