"""Run the session server on its own: ``python -m server``, then open the URL in any browser."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import signal
import sys
from pathlib import Path

from server.allowed_hosts import host_name
from server.app import close_app, create_app, lab_state
from server.config import DEFAULTS, STORES
from server.runner import EmbeddedServer, ServerStartError, url_host
from server.store_start import StoreStartError


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="python -m server",
        description="Session Lab's session server: the Django sessions tutorial on Flask.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port (0: any free port)")
    parser.add_argument("--store", choices=STORES, default="sqlite", help="where sessions live")
    parser.add_argument("--data-dir", type=Path, help="directory for the database and secret key")
    parser.add_argument(
        "--redis-url",
        default=DEFAULTS["REDIS_URL"],
        metavar="URL",
        help="the Redis server of --store redis (default %(default)s)",
    )
    parser.add_argument(
        "--session-lifetime",
        type=int,
        default=DEFAULTS["SESSION_IDLE_LIFETIME"],
        metavar="SECONDS",
        help="idle lifetime of a session; the cookie store's signed cookies too (default 1800)",
    )
    parser.add_argument(
        "--absolute-lifetime",
        type=int,
        default=DEFAULTS["SESSION_ABSOLUTE_LIFETIME"],
        metavar="SECONDS",
        help="a session ends this long after login, in use or not (default 28800)",
    )
    parser.add_argument(
        "--cookie-name",
        default=DEFAULTS["SESSION_COOKIE_NAME"],
        metavar="NAME",
        help="the session cookie's name, e.g. __Host-sessionid (needs --secure-cookie)",
    )
    parser.add_argument(
        "--secure-cookie",
        action="store_true",
        help="mark the session cookie Secure: browsers send it over HTTPS only (behind HTTPS)",
    )
    parser.add_argument(
        "--trusted-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests for this host name (repeatable); loopback names always",
    )
    parser.add_argument(
        "--delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="make every response wait, to simulate a slow network (default 0)",
    )
    return parser


def is_loopback(host: str) -> bool:
    """Tell whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cookie_name_problem(name: str, secure: bool) -> str | None:
    """Say why browsers would refuse a session cookie of this name, or None if they accept it."""
    if not name or any(c in name for c in ' \t;,=()<>@:\\"/[]?{}') or not name.isascii():
        return f"{name!r} is not a valid cookie name"
    if name.startswith(("__Host-", "__Secure-")) and not secure:
        return f"browsers accept a {name.split('-')[0]}- cookie only with --secure-cookie"
    return None


def allowed_hosts(host: str, trusted: list[str]) -> list[str]:
    """Return the Host names to answer: loopback, the address served on, and ``trusted``."""
    names = list(DEFAULTS["ALLOWED_HOSTS"])
    if host not in ("0.0.0.0", "::", ""):  # a wildcard is no name a browser would use
        names.append(url_host(host))
    # A port given with a name is dropped: the Host check ignores ports.
    trusted = [host_name(name) or name for name in trusted]
    return list(dict.fromkeys(name.lower() for name in [*names, *trusted]))


def _raise_keyboard_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Serve until Ctrl-C."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.session_lifetime <= 0 or args.absolute_lifetime <= 0:
        parser.error(
            "--session-lifetime and --absolute-lifetime must be positive numbers of seconds"
        )
    if problem := cookie_name_problem(args.cookie_name, args.secure_cookie):
        parser.error(f"--cookie-name: {problem}")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    if args.delay < 0:
        parser.error("--delay cannot be negative")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        app = create_app(
            {
                "SESSION_STORE": args.store,
                "DATA_DIR": args.data_dir,
                "REDIS_URL": args.redis_url,
                "SESSION_IDLE_LIFETIME": args.session_lifetime,
                "SESSION_ABSOLUTE_LIFETIME": args.absolute_lifetime,
                "SESSION_COOKIE_NAME": args.cookie_name,
                "SESSION_COOKIE_SECURE": args.secure_cookie,
                "ALLOWED_HOSTS": allowed_hosts(args.host, args.trusted_host),
                "RESPONSE_DELAY": args.delay,
            }
        )
    except StoreStartError as error:
        print(f"error: {error}", file=sys.stderr)  # one line, for whoever supervises us
        return 1
    state = lab_state(app)
    if not is_loopback(args.host):
        print(
            f"WARNING: listening on {args.host} lets other machines reach this teaching server."
            f" It answers to: {', '.join(app.config['ALLOWED_HOSTS'])} (add names with"
            " --trusted-host).",
            file=sys.stderr,
        )
    for notice in state.notices:
        print(f"notice: {notice}", file=sys.stderr)
    failures: list[BaseException] = []
    server = EmbeddedServer(app, host=args.host, port=args.port, on_error=failures.append)
    try:
        url = server.start()
    except ServerStartError as error:
        print(f"error: {error}", file=sys.stderr)
        close_app(app)
        return 1
    # Ready for SIGTERM before the URL is out: whoever reads it may stop the server at once.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    where = f" in {state.data_dir}" if state.data_dir else ""
    try:
        print(f"Session Lab server on {url}/app_sessions/login/ ({state.store_name} store{where})")
        print("Press Ctrl-C to stop.", flush=True)  # whoever reads the URL from a pipe needs it now
        while server.wait(0.5):
            pass
    except KeyboardInterrupt:
        print("\nStopping.")
    finally:
        server.stop()
        close_app(app)
    if failures:  # serving ended by itself: a supervisor must not read that as success
        print(f"error: the server stopped: {failures[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
