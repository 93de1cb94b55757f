"""nginx in front of a benchmark's app hosts, configured from the production file.

`render` reads deploy/nginx/tilmeld.conf, so what a benchmark measures is what production runs:
every top-level directive and block of the site (the upstream, the map, a cache path, …), and
the TLS server's settings and locations, served over plain HTTP on a loopback port. Changed on
the way: the upstream's servers (the benchmark's hosts, each with the production line's
parameters), the listen lines (the certificate and the port-80 redirect server go), and every
path under the system's folders, which moves into the benchmark's temporary folder (static
files: the collected STATIC_ROOT). `running` starts Debian's nginx as the current user with
that configuration and stops it again.

    with nginx.running(["127.0.0.1:8001", "127.0.0.1:8002"], prefix=tmp, static_root=static) as web:
        ... http://127.0.0.1:{web.port}/ ...
"""

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx" / "tilmeld.conf"
MIME_TYPES = "/etc/nginx/mime.types"
# The system folders the site's paths may lie in, and where each goes under the prefix.
MOVED = {
    "/var/log/nginx/": "log/",
    "/var/cache/nginx/": "cache/",
    "/opt/tilmeld/": "opt/",
    "/var/lib/tilmeld/": "lib/",
    "/var/www/": "www/",
}
STATIC = "/opt/tilmeld/staticfiles/"
# The upstream's address, its answer and the time, per request: which host served what.
UPSTREAM_LOG = (
    'log_format tilmeld_bench \'$msec $status "$upstream_addr" "$upstream_status"'
    " $request_time $request_method $request_uri';"
)


def program() -> str:
    """Debian's nginx (/usr/sbin is not on every user's PATH), else whichever is on the PATH."""
    return next(
        (p for p in ("/usr/sbin/nginx", shutil.which("nginx")) if p and os.access(p, os.X_OK)), ""
    )


# --- the site file as a tree ----------------------------------------------------------------


@dataclass
class Directive:
    name: str
    args: list[str]
    block: list["Directive"] | None = None


TOKEN = re.compile(r"""\s+|#[^\n]*|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[{};]|[^\s{};"'#]+""")


def parse(text: str) -> list[Directive]:
    """The directives of an nginx file; comments dropped, quoted arguments kept as written."""
    stack: list[list[Directive]] = [[]]
    words: list[str] = []
    position = 0
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None:
            raise ValueError(f"cannot read the nginx file at {text[position : position + 40]!r}")
        position, token = match.end(), match.group()
        if token.isspace() or token.startswith("#"):
            continue
        end = {";": "end", "{": "open", "}": "close"}.get(token)
        if end == "end":
            stack[-1].append(Directive(words[0], words[1:]))
            words = []
        elif end == "open":
            directive = Directive(words[0], words[1:], [])
            stack[-1].append(directive)
            stack.append(directive.block)
            words = []
        elif end == "close":
            if words or len(stack) == 1:
                raise ValueError("unbalanced braces in the nginx file")
            stack.pop()
        else:
            words.append(token)
    if words or len(stack) != 1:
        raise ValueError("the nginx file ends inside a directive or block")
    return stack[0]


def dump(directives: list[Directive], depth: int = 0) -> str:
    lines = []
    for d in directives:
        head = "    " * depth + " ".join([d.name, *d.args])
        if d.block is None:
            lines.append(head + ";")
        else:
            lines += [head + " {", dump(d.block, depth + 1), "    " * depth + "}"]
    return "\n".join(line for line in lines if line)


# --- the benchmark's configuration ----------------------------------------------------------


def render(
    upstreams: list[str],
    port: int,
    prefix: Path,
    static_root: Path,
    *,
    site: Path = SITE,
    worker_processes: str = "auto",
    upstream_log: bool = True,
) -> str:
    """The whole nginx configuration: the site of deploy/nginx/tilmeld.conf listening on
    127.0.0.1:`port` over HTTP, passing to `upstreams` ("host:port"), with every file under
    `prefix`. With `upstream_log`, the site's access log names the host that served each
    request (format tilmeld_bench)."""
    prefix = Path(prefix).resolve()
    site_directives = parse(site.read_text())
    http: list[Directive] = []
    for directive in site_directives:
        if directive.name == "upstream":
            http.append(_upstream(directive, upstreams))
        elif directive.name == "server":
            if _is_tls(directive):
                http.append(_plain(directive, port, upstream_log))
        else:
            http.append(directive)
    _move_paths(http, prefix, Path(static_root).resolve())
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / 'temp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx would hand its workers to "nobody", who cannot read the temporary folder.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return (
        f"# Made by bench/nginx.py from {site.name} for a benchmark; not for production.\n"
        f"{user}worker_processes {worker_processes};\n"
        f"pid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'log' / 'error.log'} warn;\n"
        "events {\n    worker_connections 1024;\n}\n"
        "http {\n"
        # What Debian's /etc/nginx/nginx.conf sets around the sites it includes.
        f"    include {MIME_TYPES};\n"
        "    default_type application/octet-stream;\n"
        "    sendfile on;\n    tcp_nopush on;\n    types_hash_max_size 2048;\n    gzip on;\n"
        f"    access_log {prefix / 'log' / 'access.log'};\n"
        f"{temp}\n" + (f"    {UPSTREAM_LOG}\n" if upstream_log else "") + dump(http, 1) + "\n}\n"
    )


def _upstream(block: Directive, upstreams: list[str]) -> Directive:
    """The production upstream with one server line per benchmark host, each with the first
    production line's parameters (max_fails, fail_timeout, …)."""
    servers = [d for d in block.block if d.name == "server"]
    parameters = servers[0].args[1:] if servers else []
    others = [d for d in block.block if d.name != "server"]
    lines = [Directive("server", [address, *parameters]) for address in upstreams]
    return Directive(block.name, block.args, lines + others)


def _is_tls(server: Directive) -> bool:
    return any(d.name == "listen" and "ssl" in d.args for d in server.block) or any(
        d.name.startswith("ssl_") for d in server.block
    )


def _plain(server: Directive, port: int, upstream_log: bool) -> Directive:
    """The TLS server over HTTP on 127.0.0.1:`port`: no listen lines of its own, no ssl_*."""
    body = [Directive("listen", [f"127.0.0.1:{port}"])]
    for d in server.block:
        if d.name == "listen" or d.name.startswith("ssl_") or d.name == "http2":
            continue
        body.append(d)
    if upstream_log:
        _log_upstreams(body)
    return Directive(server.name, server.args, body)


def _log_upstreams(directives: list[Directive]) -> None:
    for d in directives:
        if d.name == "access_log" and d.args and d.args[0] != "off":
            has_format = len(d.args) > 1 and "=" not in d.args[1]
            d.args = [d.args[0], "tilmeld_bench", *d.args[2 if has_format else 1 :]]
        if d.block:
            _log_upstreams(d.block)


def _move_paths(directives: list[Directive], prefix: Path, static_root: Path) -> None:
    for d in directives:
        d.args = [_moved(arg, prefix, static_root) for arg in d.args]
        if d.name == "include" and d.args and not d.args[0].startswith("/"):
            d.args[0] = "/etc/nginx/" + d.args[0]  # as Debian's nginx reads it (proxy_params, …)
        if d.block:
            _move_paths(d.block, prefix, static_root)


def _moved(arg: str, prefix: Path, static_root: Path) -> str:
    """The argument with a system path (alone, quoted, or after `name=`) under the prefix."""

    def replace(match: re.Match) -> str:
        path = match.group(2)
        if path.startswith(STATIC):
            return match.group(1) + str(static_root) + "/" + path[len(STATIC) :]
        for system, ours in MOVED.items():
            if path.startswith(system) or path == system.rstrip("/"):
                rest = path[len(system) :] if path.startswith(system) else ""
                return match.group(1) + str(prefix / ours) + "/" + rest
        return match.group(0)

    systems = "|".join(re.escape(s.rstrip("/")) for s in MOVED)
    return re.sub(rf"""(^|=|["'])((?:{systems})(?:/[^\s"';]*)?)""", replace, arg)


def folders(config: str, prefix: Path) -> list[Path]:
    """The folders under the prefix the configuration names, made before nginx starts: a log
    file's folder, a cache's parent, an alias itself."""
    prefix = Path(prefix).resolve()
    found = set()
    for path in re.findall(rf"{re.escape(str(prefix))}/[^\s;\"']*", config):
        path = Path(path)
        found.add(path if str(path).endswith("/") or path.suffix == "" else path.parent)
    return sorted(found)


# --- running it ---------------------------------------------------------------------------


@dataclass
class Nginx:
    port: int
    prefix: Path
    process: subprocess.Popen
    config: Path
    access_logs: list[Path] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(
    upstreams: list[str],
    *,
    prefix: Path,
    static_root: Path,
    port: int | None = None,
    worker_processes: str = "auto",
    seconds: float = 15,
) -> Iterator[Nginx]:
    """nginx with `render`'s configuration, in the foreground of a process group of its own,
    until the block ends (stopped then, killed if it lingers). Ready when /healthz answers
    anything over HTTP (the hosts may not be up yet)."""
    binary = program()
    if not binary:
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx)")
    prefix = Path(prefix).resolve()
    port = port or free_port()
    config = render(upstreams, port, prefix, static_root, worker_processes=worker_processes)
    for folder in [prefix / "log", prefix / "temp", *folders(config, prefix)]:
        folder.mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(config)
    logs = sorted({Path(p) for p in re.findall(r"access_log (\S+) tilmeld_bench", config)}, key=str)
    stderr = (prefix / "log" / "stderr.log").open("wb")
    process = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(conf), "-e", "stderr", "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        start_new_session=True,
    )
    web = Nginx(port, prefix, process, conf, logs)
    try:
        _wait_until_up(web, seconds)
        yield web
    finally:
        stop(process)
        stderr.close()


def _wait_until_up(web: Nginx, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if web.process.poll() is not None:
            said = (web.prefix / "log" / "stderr.log").read_text(errors="replace")
            raise SystemExit(f"nginx exited with {web.process.returncode}:\n{said}")
        try:
            with urllib.request.urlopen(f"{web.url}/healthz", timeout=2):  # noqa: S310
                return
        except urllib.error.HTTPError:
            return  # nginx answered (502 while no host is up)
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nginx did not answer on {web.url} within {seconds:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """A fast shutdown (SIGTERM), then SIGKILL to the whole group if it takes too long."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
