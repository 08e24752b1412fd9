"""Serve the class from a process of its own while the lab is shared, so the window stays smooth.

Python runs one thread at a time in a process. Answered on threads of the window's process, a
room of students joining took the interpreter from the GUI thread for 130-320 ms at a time
(``bench/bench_gui_stall.py --class-clients 40``). So the shared address is served by a child
process (:mod:`desktop.lab.class_server_process`) that builds the same app from the lab's
configuration and opens the same store: one SQLite file, one Redis, or none for signed
cookies. The child sends back its session events and the class's requests; a thread here
publishes them again on the lab's own app, with the app as sender, where the window already
listens (:class:`~desktop.lab.event_bridge.ServerEventBridge`, ``Lab.class_requests``). What the
lab changes later (switches, lifetimes, cookie settings, the secret key) it sends on with
:meth:`ClassServer.update`.

A store held in memory cannot be shared by two processes; with it the lab serves the class on
threads of its own process (:class:`~desktop.lab.lab_share.LabShare`). Plain Python, no Qt.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import multiprocessing
import socket
import threading
from collections.abc import Callable

from flask import Flask

from desktop.lab.class_server_process import lab_settings, serve_the_class
from desktop.lab.lab_share import check_address, forget_shared_address, trust_shared_address
from server.class_requests import request_seen
from server.events import publish, store_failed, store_recovered
from server.remember_me import RememberToken, remember_changed
from server.runner import ServerStartError, base_url, bind_listener

log = logging.getLogger(__name__)

EXIT_MARGIN = 0.5  # seconds the lab waits for the child beyond the child's own stop


#: The ``origin`` of the session events the class's server passes on: the window keeps them
#: out of its own browsers' timeline and hands them on a slice at a time.
CLASS_ORIGIN = "class"


class ClassServerFailed(RuntimeError):
    """The class's server process stopped serving on its own."""


class ClassServer:
    """Serves ``app``'s lab on ``address`` from a child process; ``config`` builds its app there.

    The same interface as :class:`~desktop.lab.lab_share.LabShare`: ``start``, ``stop``,
    ``end``, ``url``, ``running``.
    """

    def __init__(
        self,
        app: Flask,
        config: dict,
        address: str,
        port: int = 0,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.app = app
        self.config = dict(config)
        self.address = check_address(address)
        self.requested_port = port
        self.on_error = on_error
        self.port: int | None = None
        self._process = None
        self._connection = None
        self._send_lock = threading.Lock()
        self._stopping = False
        self._added_host = False
        #: Set once the child serves (tests wait on it; students' connections simply wait).
        self.serving = threading.Event()
        #: The remember-me tokens the child issued (they live in its memory), as it last said.
        self.remember_tokens: list[RememberToken] = []
        self._reader: threading.Thread | None = None
        self._reported = False

    @property
    def url(self) -> str:
        """The URL students open, e.g. ``http://192.168.1.20:49152``."""
        return base_url("http", self.address, self.port, "the class's server")

    @property
    def running(self) -> bool:
        """Whether the child process serves the shared address (it said no failure)."""
        process = self._process
        return (
            process is not None and process.is_alive() and not self._stopping and not self._reported
        )

    def start(self) -> str:
        """Listen on the shared address, hand the socket to a new child; return the URL at once.

        The child takes a second or two to import Flask; until it serves, the system holds
        the students' connections waiting. Raises :class:`~server.runner.ServerStartError`
        when the address cannot be listened on (not this computer's, say).
        """
        listener = self._listen()
        # "spawn" on every system: a fork of a process running Qt and server threads is unsafe.
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(
            target=serve_the_class,
            args=(self.config, lab_settings(self.app.config), listener, theirs),
            name="session-lab-class-server",
            daemon=True,  # ended with the lab's process, whatever way that ends
        )
        self._stopping = self._reported = False
        self.serving.clear()
        self.remember_tokens = []
        try:
            process.start()
        except Exception as error:  # no process: nothing serves the address
            ours.close()
            raise ServerStartError(f"the class's server could not start: {error}") from error
        finally:
            listener.close()  # the child has its own copy
            theirs.close()
        self._process, self._connection = process, ours
        self._reader = threading.Thread(
            target=self._read, args=(ours,), name="class-server-reader", daemon=True
        )
        self._reader.start()
        self._added_host = trust_shared_address(self.app, self.address)
        return self.url

    def _listen(self) -> socket.socket:
        # The lab's own port on the shared address if it is free there, else any free port.
        try:
            listener = bind_listener(self.address, self.requested_port, self.port)
        except ServerStartError:
            if not self.requested_port:
                raise
            listener = bind_listener(self.address, 0, self.port)
        self.port = listener.getsockname()[1]
        return listener

    def _read(self, connection) -> None:
        # On the reader thread: publish what the child saw, as the lab's own app would.
        with connection:  # closed here, once the child's end is: never under a recv
            while True:
                try:
                    kind, payload = connection.recv()
                except (EOFError, OSError):
                    break
                try:
                    self._publish(kind, payload)
                except Exception:  # a receiver's error must not stop the class's events
                    log.exception("could not publish the class server's %s", kind)
        self.remember_tokens = []  # they ended with the child
        if not self._stopping and not self._reported:
            self._report(ClassServerFailed("the class's server process ended"))

    def _report(self, error: ClassServerFailed) -> None:
        # Once per child: one that could not start also ends, which need not be said again.
        self._reported = True
        if self.on_error is not None:
            self.on_error(error)

    def _publish(self, kind: str, payload) -> None:
        if kind == "event":
            publish(self.app, dataclasses.replace(payload, origin=CLASS_ORIGIN))
        elif kind == "listening":
            self.serving.set()
        elif kind == "seen":
            request_seen.send(self.app, seen=payload)
        elif kind == "store_failed":
            store_failed.send(self.app, message=payload)
        elif kind == "store_recovered":
            store_recovered.send(self.app)
        elif kind == "remember":
            change, self.remember_tokens = payload
            remember_changed.send(self.app, change=change)
        elif kind == "log":  # the child's warnings, in the app's own log
            level, name, message = payload
            logging.getLogger(f"class_server.{name}").log(level, "%s", message)
        elif kind in ("failed", "start_failed"):
            log.error("the class's server: %s", payload)
            self._report(ClassServerFailed(payload))

    def update(self) -> None:
        """Send the child the lab's settings as they are now (after a switch or a setting)."""
        self._send("settings", lab_settings(self.app.config))

    def _send(self, kind: str, payload) -> None:
        with self._send_lock:
            if self._connection is not None:
                with contextlib.suppress(OSError, ValueError):  # the child is gone already
                    self._connection.send((kind, payload))

    def stop(self, timeout: float) -> bool:
        """Tell the child to stop and wait for it; end it if it does not within ``timeout``."""
        process = self._process
        if process is None:
            return True
        self._stopping = True
        self._send("stop", None)
        process.join(timeout)
        stopped = not process.is_alive()
        if not stopped:
            # Still importing Flask (it reads "stop" once its app is built), or stuck: end it.
            # One that never served held nothing, so that is a clean stop too.
            stopped = not self.serving.is_set()
            process.kill()
            process.join(EXIT_MARGIN)
        with self._send_lock:
            # The child has ended, so the reader meets the end of its messages and closes the
            # connection: closed here, another thread's recv could read a reused descriptor.
            self._connection = self._process = None
        self.remember_tokens = []
        return stopped

    def end(self, timeout: float) -> bool:
        """Stop sharing: stop the child, and stop trusting the address in the lab's app."""
        stopped = self.stop(timeout)
        forget_shared_address(self.app, self.address, self._added_host)
        self._added_host = False
        return stopped
