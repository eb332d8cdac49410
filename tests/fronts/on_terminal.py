#!/usr/bin/env python3
"""Runs a command with its standard error on a pseudo-terminal, as a person at
a terminal would, and writes what that terminal received to TRANSCRIPT.

  on_terminal.py [--stdout-on-terminal] STDIN_FILE DELAY TRANSCRIPT STDOUT -- COMMAND...

Standard output goes to the file STDOUT (or to the terminal as well with
--stdout-on-terminal). Standard input is a pipe that stays open and empty for
DELAY seconds, then carries STDIN_FILE and closes: a command reading `-` is
held that long, which makes its run a long one. The terminal is 100 columns
wide. The exit status is the command's; a run longer than 30 s is killed.
"""
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time


def main(argv):
    stdout_on_terminal = False
    if argv and argv[0] == "--stdout-on-terminal":
        stdout_on_terminal = True
        argv = argv[1:]
    if len(argv) < 6 or argv[4] != "--":
        sys.stderr.write(__doc__)
        return 2
    stdin_file, delay, transcript, stdout_file = argv[0], float(argv[1]), argv[2], argv[3]
    command = argv[5:]
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    out = open(stdout_file, "wb")
    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=slave if stdout_on_terminal else out,
                             stderr=slave, start_new_session=True)
    os.close(slave)
    received = bytearray()
    start = time.monotonic()
    fed = False
    while True:
        now = time.monotonic()
        if not fed and now - start >= delay:
            try:
                with open(stdin_file, "rb") as f:
                    child.stdin.write(f.read())
                child.stdin.close()
            except BrokenPipeError:  # the command ended without reading it
                pass
            fed = True
        if now - start > 30:
            child.kill()
            sys.stderr.write("on_terminal.py: killed after 30 s\n")
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every holder of the terminal's other side is gone
                break
            if not chunk:
                break
            received += chunk
        elif child.poll() is not None and fed:
            # The child is gone; drain what is left without blocking.
            try:
                while select.select([master], [], [], 0.05)[0]:
                    chunk = os.read(master, 65536)
                    if not chunk:
                        break
                    received += chunk
            except OSError:
                pass
            break
    status = child.wait()
    with open(transcript, "wb") as f:
        f.write(received)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
