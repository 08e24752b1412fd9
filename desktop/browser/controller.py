"""One lab browser's HTTP client, run in order on a worker thread of its own."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from desktop.browser.browser_client import BrowserClient
from desktop.browser.client_job import Action, ClientJob
from desktop.browser.page_result import NavigationError, PageResult


class BrowserController(QObject):
    """Queues the browser's actions on a one-thread pool; the GUI thread never waits on HTTP.

    A ``requests.Session`` must not be used by two threads at once, so every action of one
    client, cookie edits included, runs on the same single-thread pool, in the order asked.

    Each action carries the controller's *generation*; :meth:`cancel` (a reset) starts a new
    one, and whatever an older action still reports is dropped. :meth:`interrupt` (the server
    is being replaced) keeps the running action's outcome but says so.
    """

    busy_changed = Signal(bool)
    #: Whether an HTTP request is queued or running (jar edits and re-pointing do not count).
    requesting_changed = Signal(bool)
    exchange_finished = Signal(object)  # Exchange
    page_loaded = Signal(object)  # PageResult
    jar_changed = Signal(object)  # tuple[CookieRow, ...] after a cookie edit
    request_failed = Signal(str)

    def __init__(self, base_url: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = BrowserClient(base_url)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._jobs: dict[QObject, ClientJob] = {}  # by their signals object
        self.generation = 0
        self._requesting = False

    @property
    def busy(self) -> bool:
        """Whether an action is queued or running."""
        return bool(self._jobs)

    def open(self, path_or_url: str) -> None:
        """Navigate to a page."""
        self._submit(lambda report: self.client.open(path_or_url, report))

    def login(self, userid: str, passwd: str, remember: bool = False) -> None:
        """Log in as a browser does (form, CSRF token, POST, redirect); tick "Remember me"."""
        self._submit(lambda report: self.client.login(userid, passwd, report, remember))

    def secured_page(self) -> None:
        """Open the secured page."""
        self._submit(self.client.secured_page)

    def logout(self) -> None:
        """Open the logout page."""
        self._submit(self.client.logout)

    def open_and_submit_form(self, url: str) -> None:
        """Visit a page of another site of the lab and submit its form, as a click would."""

        def visit_and_submit(report):
            self.client.other_origins.add(url)  # on the worker, like every use of the client
            page = self.client.open(url, report)
            return self.client.submit_form(page, report)

        self._submit(visit_and_submit)

    def open_and_follow_link(self, url: str, index: int = 0) -> None:
        """Visit a page of another site of the lab and click its link number ``index``."""

        def visit_and_follow(report):
            self.client.other_origins.add(url)
            page = self.client.open(url, report)
            if not page.info.links:
                raise NavigationError("That page has no link to click.")
            return self.client.follow_link(page, page.info.links[index], report)

        self._submit(visit_and_follow)

    def open_with_images(self, url: str) -> None:
        """Visit a page of another site of the lab and load the images it embeds."""

        def visit_and_load(report):
            self.client.other_origins.add(url)
            page = self.client.open(url, report)
            for src in page.info.images:
                self.client.fetch_embedded(page, src, report)
            return page

        self._submit(visit_and_load)

    def close_and_reopen(self) -> None:
        """Quit and restart the browser: session cookies are dropped, persistent ones kept."""
        self._submit(lambda report: self.client.close_and_reopen(), False)

    def set_cookie(self, name: str, value: str, **attributes) -> None:
        """Put a cookie in the jar (as developer tools allow), in turn with the requests."""
        self._submit(lambda report: self.client.set_cookie(name, value, **attributes), False)

    def delete_cookie(self, name: str) -> None:
        """Remove a cookie from the jar."""
        self._submit(lambda report: self.client.delete_cookie(name), False)

    def clear_cookies(self) -> None:
        """Clear the jar, like "clear site data"."""
        self._submit(lambda report: self.client.clear_cookies(), False)

    def set_base_url(self, base_url: str) -> None:
        """Point the browser at a restarted server, after the actions already queued."""
        self._submit(lambda report: self.client.set_base_url(base_url), False)

    def set_https(self, https_url: str | None, ca_file: str | None) -> None:
        """Know the lab's https address and trust its CA, after the actions already queued."""
        self._submit(lambda report: self.client.set_https(https_url, ca_file), False)

    def cancel(self) -> None:
        """Drop the queued actions and ignore whatever the running one still reports."""
        self.generation += 1
        self._take_queued()

    def interrupt(self, reason: str) -> None:
        """Mark the running action as answered by a server that is going away, for ``reason``.

        Its exchanges keep the mark (the narration then says so rather than guess), and a
        failure it meets says ``reason`` instead of "the server is not running". Queued
        actions are not touched: they will run against the new server.
        """
        queued = self._take_queued()
        for job in self._jobs.values():
            job.interrupted_by = reason
        for job in queued:
            self._jobs[job.signals] = job
            self._pool.start(job)
        self._note_requesting()

    def _take_queued(self) -> list[ClientJob]:
        # tryTake succeeds only for actions not started yet: those never report finished.
        taken = [job for job in list(self._jobs.values()) if self._pool.tryTake(job)]
        for job in taken:
            del self._jobs[job.signals]
        if taken and not self._jobs:
            self.busy_changed.emit(False)
        self._note_requesting()
        return taken

    def _current(self) -> ClientJob | None:
        # The job whose signal is being delivered, if it belongs to this generation.
        job = self._jobs.get(self.sender())
        return job if job is not None and job.generation == self.generation else None

    def _note_requesting(self) -> None:
        requesting = any(job.is_request for job in self._jobs.values())
        if requesting != self._requesting:
            self._requesting = requesting
            self.requesting_changed.emit(requesting)

    def _submit(self, action: Action, is_request: bool = True) -> None:
        job = ClientJob(action)
        job.is_request = is_request
        job.setAutoDelete(False)  # Python keeps it (and its signals) alive until finished
        job.generation = self.generation
        job.signals.exchange_finished.connect(self._on_exchange)
        job.signals.result.connect(self._on_result)
        job.signals.errored.connect(self._on_error)
        job.signals.finished.connect(self._job_done)
        was_busy = self.busy
        self._jobs[job.signals] = job
        if not was_busy:
            self.busy_changed.emit(True)
        self._note_requesting()
        self._pool.start(job)

    @Slot(object)
    def _on_exchange(self, exchange) -> None:
        job = self._current()
        if job is None:
            return
        if job.interrupted_by is not None:
            exchange = replace(exchange, interrupted_by=job.interrupted_by)
        self.exchange_finished.emit(exchange)

    @Slot(str)
    def _on_error(self, message: str) -> None:
        job = self._current()
        self._settle(self.sender())
        if job is None:
            return
        if job.interrupted_by is not None:
            message = f"This request was cut off: {job.interrupted_by} while it ran. Try again."
        self.request_failed.emit(message)

    @Slot(object)
    def _on_result(self, result) -> None:
        current = self._current()
        self._settle(self.sender())
        if current is None:
            return
        if isinstance(result, PageResult):
            self.page_loaded.emit(result)
        elif isinstance(result, tuple):
            self.jar_changed.emit(result)

    @Slot()
    def _job_done(self) -> None:
        self._settle(self.sender())

    def _settle(self, signals: QObject) -> None:
        # A job is over with its result or error: by the time its page shows, the buttons are
        # back on (``finished``, which follows, then finds nothing left to do).
        if self._jobs.pop(signals, None) is None:
            return
        if not self._jobs:
            self.busy_changed.emit(False)
        self._note_requesting()

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Drop queued actions, wait for the running one, close connections; True if all done."""
        for signals, job in list(self._jobs.items()):
            if self._pool.tryTake(job):  # never started, so it will never report finished
                del self._jobs[signals]
        done = self._pool.waitForDone(timeout_ms)
        self.client.close()
        if not self._jobs:
            self.busy_changed.emit(False)
        return done
