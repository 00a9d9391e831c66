"""Start the real exporters and the services they watch on 127.0.0.1, and stop them by PID.

Used by scripts/build_catalog.py (and the real-stack tests). Every service gets a free
loopback port and a private temporary directory; every wait is bounded."""
from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode("utf-8", "replace")
        except OSError as exc:
            last = exc
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s: {last}")


def wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
            return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on {HOST}:{port} after {timeout}s")


class Stack:
    """Processes started here, stopped by PID in reverse order on exit."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="mac-loopback-")
        os.chmod(self.dir, 0o755)
        self.procs = []
        self.stoppers = []

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        for stop in reversed(self.stoppers):
            with contextlib.suppress(Exception):
                stop()
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self, name: str, argv, env=None, user=None) -> subprocess.Popen:
        log = open(os.path.join(self.dir, f"{name}.log"), "wb")
        if user is not None and os.geteuid() == 0:
            argv = ["runuser", "-u", user, "--", *argv]
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                                start_new_session=True)
        self.procs.append(proc)
        return proc

    def log(self, name: str) -> str:
        with open(os.path.join(self.dir, f"{name}.log"), errors="replace") as f:
            return f.read()

    # -- services -------------------------------------------------------------
    def node_exporter(self) -> int:
        port = free_port()
        self.start("node_exporter", ["prometheus-node-exporter", f"--web.listen-address={HOST}:{port}"])
        wait_port(port)
        return port

    def redis(self) -> int:
        port = free_port()
        self.start("redis", ["redis-server", "--bind", HOST, "--port", str(port), "--save", "", "--appendonly", "no"])
        wait_port(port)
        return port

    def redis_exporter(self, redis_port: int) -> int:
        port = free_port()
        self.start("redis_exporter", ["prometheus-redis-exporter", f"-redis.addr=redis://{HOST}:{redis_port}",
                                      f"-web.listen-address={HOST}:{port}"])
        wait_port(port)
        return port

    def postgres(self) -> int:
        port = free_port()
        data, sock = os.path.join(self.dir, "pgdata"), os.path.join(self.dir, "pgsock")
        os.makedirs(sock)
        user = "postgres" if os.geteuid() == 0 else None
        if user:
            uid = pwd.getpwnam(user)
            os.chown(sock, uid.pw_uid, uid.pw_gid)
            os.makedirs(data)
            os.chown(data, uid.pw_uid, uid.pw_gid)
        bindir = "/usr/lib/postgresql/15/bin"
        run = (lambda argv: subprocess.run(["runuser", "-u", user, "--", *argv] if user else argv,
                                           check=True, capture_output=True, timeout=120))
        run([f"{bindir}/initdb", "-D", data, "--auth=trust", "-U", "postgres"])
        self.start("postgres", [f"{bindir}/postgres", "-D", data, "-p", str(port), "-c", f"listen_addresses={HOST}",
                                "-k", sock], user=user)
        wait_port(port, timeout=30)
        return port

    def postgres_exporter(self, pg_port: int) -> int:
        port = free_port()
        dsn = f"postgresql://postgres@{HOST}:{pg_port}/postgres?sslmode=disable"
        self.start("postgres_exporter", ["prometheus-postgres-exporter", f"--web.listen-address={HOST}:{port}"],
                   env={"DATA_SOURCE_NAME": dsn})
        wait_port(port)
        return port

    def nginx(self, extra_server: str = "") -> int:
        port = free_port()
        conf = os.path.join(self.dir, "nginx.conf")
        # As root, workers would drop to `nobody` and could not read files in private temporary
        # folders (a test's htpasswd); this nginx serves loopback only, for a test.
        user = "user root;" if os.geteuid() == 0 else ""
        with open(conf, "w") as f:
            f.write(f"""
{user}
pid {self.dir}/nginx.pid;
error_log {self.dir}/nginx-error.log;
daemon off;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {self.dir}/nginx-body;
    proxy_temp_path {self.dir}/nginx-proxy;
    fastcgi_temp_path {self.dir}/nginx-fastcgi;
    uwsgi_temp_path {self.dir}/nginx-uwsgi;
    scgi_temp_path {self.dir}/nginx-scgi;
    server {{
        listen {HOST}:{port};
        location = /stub_status {{ stub_status; }}
        location / {{ return 200 "ok\\n"; }}
    }}
    {extra_server}
}}
""")
        self.start("nginx", ["nginx", "-c", conf, "-p", self.dir])
        wait_port(port)
        return port

    def nginx_exporter(self, nginx_port: int) -> int:
        port = free_port()
        self.start("nginx_exporter", ["prometheus-nginx-exporter",
                                      f"-nginx.scrape-uri=http://{HOST}:{nginx_port}/stub_status",
                                      f"-web.listen-address={HOST}:{port}"])
        wait_port(port)
        return port

    def prometheus(self, config_text: str, extra_files=None) -> int:
        port = free_port()
        folder = os.path.join(self.dir, "prometheus")
        os.makedirs(os.path.join(folder, "data"), exist_ok=True)
        for rel, data in (extra_files or {}).items():
            path = os.path.join(folder, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
        with open(os.path.join(folder, "prometheus.yml"), "w") as f:
            f.write(config_text)
        self.start("prometheus", ["prometheus", f"--config.file={folder}/prometheus.yml",
                                  f"--storage.tsdb.path={folder}/data", f"--web.listen-address={HOST}:{port}"])
        wait_http(f"http://{HOST}:{port}/-/ready", timeout=30)
        return port


def metrics_text(port: int, path: str = "/metrics") -> str:
    return wait_http(f"http://{HOST}:{port}{path}")


__all__ = ["Stack", "metrics_text", "free_port", "wait_http", "signal"]
