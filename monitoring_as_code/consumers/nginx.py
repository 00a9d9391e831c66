"""`nginx -t` on monitoring.conf, included in a minimal server block as a site would."""
from __future__ import annotations

import os
import tempfile

from .. import diagnostics as diag
from .process import HELP, execute

NAME = "nginx -t"
BINARY = "nginx"
FILE = "nginx/monitoring.conf"
WRAPPER = """pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:8;
        include {conf};
    }}
}}
"""


def wanted(files) -> bool:
    return FILE in files


def run(binary, folder, files, defs):
    with tempfile.TemporaryDirectory(prefix="mac-nginx-") as tmp:
        wrapper = os.path.join(tmp, "nginx.conf")
        with open(wrapper, "w", encoding="utf-8") as f:
            f.write(WRAPPER.format(tmp=tmp, conf=os.path.join(os.path.abspath(folder), FILE)))
        code, output = execute([binary, "-t", "-q", "-c", wrapper, "-p", tmp + "/", "-e", os.path.join(tmp, "error.log")])
    if code == 0:
        return []
    where = defs.stack.nginx.source if defs.stack is not None else None
    message = " ".join(l.strip() for l in output.splitlines() if l.strip())
    return [diag.error(where, "consumer/nginx", f"nginx -t rejects {FILE}: {message}",
                       HELP)]
