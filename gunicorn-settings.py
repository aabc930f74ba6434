"""gunicorn's settings for `make run` and `make bench` (`gunicorn -c gunicorn-settings.py`;
command-line options override them). Not named gunicorn.conf.py, which gunicorn would load
for every server started from this folder, the tests' own included.

Connections are spread over the workers by the kernel. With one listening socket shared by all
workers, whichever worker wakes first accepts, and with keep-alive a browser (or a proxy) keeps
the worker it got: under load one worker often ends up with nearly every connection while the
other idles, which halves what the server does. So each worker listens on a socket of its own,
all bound to the same address with SO_REUSEPORT, and the kernel hands each new connection to
one of them by a hash of its addresses. The master binds first (so a taken port fails at start
as usual) and then stops listening itself; a worker started later opens its own socket again.
Unix-socket and inherited (systemd) listeners are shared as before: the kernel cannot spread
those. SHOP_SHARED_SOCKET=1 turns this off (to measure the difference).

`make bench` reports how its requests were split between the workers.
"""
import os

from gunicorn import sock as gunicorn_sockets

worker_class = "gthread"
workers = 2
threads = 4
reuse_port = os.environ.get("SHOP_SHARED_SOCKET", "") != "1"


def _spread(server):
    return (server.cfg.reuse_port and hasattr(gunicorn_sockets.socket, "SO_REUSEPORT")
            and not server.systemd)


def when_ready(server):
    if not _spread(server):
        return
    for listener in server.LISTENERS:
        if isinstance(listener, gunicorn_sockets.TCPSocket):
            # The address it got (port 0 in --bind is a free port, which the workers must share).
            listener.cfg_addr = listener.sock.getsockname()[:2]
            listener.sock.close()


def post_fork(server, worker):
    if not _spread(server):
        return
    worker.sockets = [type(listener)(listener.cfg_addr, server.cfg, server.log)
                      if isinstance(listener, gunicorn_sockets.TCPSocket) else listener
                      for listener in worker.sockets]
