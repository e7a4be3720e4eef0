"""Run deploy/nginx.conf — the file docker-compose's `proxy` service mounts — with the real nginx
in front of local processes: only the replica addresses, the listening port and the log and
temporary paths change. Used by tests/test_proxy.py and benchmarks/bench_sync.py --proxy."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT


def nginx_binary() -> str:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(found).exists(), "nginx is installed by `make test` (browser-deps)"
    return found


def nginx_conf(tmp: Path, listen: int, apps: list[int], bind: str | None = None) -> Path:
    """*apps*: the local ports standing for the replicas; *bind*: the address nginx connects to
    them from (a container network's, instead of 127.0.0.1)."""
    tmp.mkdir(parents=True, exist_ok=True)
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    assert site.count("server app:8000;") == 2  # both upstreams name the replicas
    replicas = "\n    ".join(f"server 127.0.0.1:{p};" for p in apps)
    site = site.replace("server app:8000;", replicas)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};" + (f"\n    proxy_bind {bind};" if bind else ""))
    site = site.replace("/var/log/nginx/access.log", str(tmp / "access.log"))
    (tmp / "site.conf").write_text(site)
    temp = "\n".join(f"    {name}_temp_path {tmp / name};" for name in
                     ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = tmp / "nginx.conf"
    main.write_text(f"""worker_processes 1;
daemon off;
pid {tmp / 'nginx.pid'};
error_log {tmp / 'error.log'} warn;
events {{ worker_connections 1024; }}
http {{
{temp}
    include {tmp / 'site.conf'};
}}
""")
    return main


def start_nginx(tmp: Path, listen: int, apps: list[int], bind: str | None = None) -> subprocess.Popen:
    nginx = nginx_binary()
    conf = nginx_conf(tmp, listen, apps, bind)
    check = subprocess.run([nginx, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    return subprocess.Popen([nginx, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
