"""The command a worker starts for each run of a Python driver (labbook.run, the decorator,
the compat layers): it hands the run to the driver's fork server and mirrors its exit.

Started as ``python -S -I _stub.py`` it imports only built-in modules, so it costs a few
milliseconds; the heavy imports (scikit-learn, torch, the user's module) were done once, in
the driver process the fork server was forked from.

Over a Unix socket ($LABBOOK_PY_SERVER) it sends, in one message, its file descriptors 0-3
(SCM_RIGHTS) and ``LB1 <length> <fd numbers>\\n`` + cwd NUL then the environment as NUL-separated
``KEY=value`` entries. It then waits for ``EXIT <code>\\n`` (a negative code: killed by that
signal) and exits the same way. SIGTERM, SIGINT and SIGHUP are forwarded as ``SIG <n>\\n``;
if the stub dies, the server kills the run.
"""

import _signal
import _socket
import os
import sys

FORWARDED = (_signal.SIGTERM, _signal.SIGINT, _signal.SIGHUP)


def open_fds():
    fds = []
    for fd in (0, 1, 2, 3):
        try:
            os.fstat(fd)
            fds.append(fd)
        except OSError:
            pass
    return fds


def request(fds):
    body = os.getcwd().encode() + b"\0" + b"\0".join(k + b"=" + v for k, v in os.environb.items())
    numbers = ",".join(str(fd) for fd in fds).encode()
    return b"LB1 " + str(len(body)).encode() + b" " + numbers + b"\n" + body


def main():
    path = os.environ.get("LABBOOK_PY_SERVER")
    if not path:
        sys.stderr.write(
            "labbook: this run belongs to a Python driver (labbook.run, @labbook.experiment or a compat layer) "
            "that is not running; run the same Python script again to finish its runs\n"
        )
        return 2
    fds = open_fds()  # before the socket exists, which could otherwise take number 3
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except OSError as error:
        sys.stderr.write(f"labbook: cannot reach the Python driver's fork server at {path}: {error}\n")
        return 2
    ancillary = b"".join(fd.to_bytes(4, sys.byteorder, signed=True) for fd in fds)
    sock.sendmsg([request(fds)], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, ancillary)])
    for fd in fds:
        if fd != 2:
            os.close(fd)  # the run owns them now; keep stderr for our own messages

    def forward(signum, frame):
        try:
            sock.sendall(b"SIG " + str(signum).encode() + b"\n")
        except OSError:
            pass

    for signum in FORWARDED:
        _signal.signal(signum, forward)
    answer = b""
    while not answer.endswith(b"\n"):
        chunk = sock.recv(64)
        if not chunk:
            sys.stderr.write("labbook: the Python driver's fork server went away during the run\n")
            return 70
        answer += chunk
    code = int(answer.split()[1])
    if code < 0:
        _signal.signal(-code, _signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


if __name__ == "__main__":
    os._exit(main())
