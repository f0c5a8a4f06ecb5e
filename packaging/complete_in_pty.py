#!/usr/bin/env python3
"""Types a partial command line and a TAB into an interactive login bash in a pseudo-terminal, the way a
user would, and prints what the terminal showed. The completion a shell offers is only visible on a
terminal, so this is how a test sees it.

  complete_in_pty.py ROOT 'kstack ap'     bash runs in the chroot ROOT (a clean root the package went into)
"""
import os
import pty
import select
import sys
import time


def read_for(fd: int, seconds: float) -> bytes:
    """Everything the terminal shows within `seconds`."""
    out = b""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the shell is gone
            break
        if not chunk:
            break
        out += chunk
    return out


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    root, typed = sys.argv[1], sys.argv[2]
    pid, fd = pty.fork()
    if pid == 0:
        env = {"HOME": "/root", "TERM": "dumb", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "PS1": "$ "}
        os.execvpe("chroot", ["chroot", root, "bash", "--login", "-i"], env)
    shown = read_for(fd, 3.0)  # the login shell's start, bash-completion's included
    os.write(fd, typed.encode() + b"\t")
    shown += read_for(fd, 3.0)
    os.write(fd, b"\x15exit\n")  # ^U clears the line
    shown += read_for(fd, 2.0)
    os.waitpid(pid, 0)
    sys.stdout.write(shown.decode(errors="replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
