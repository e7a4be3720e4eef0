"""Outgoing requests to addresses users chose (webhooks), without server-side request forgery.

A webhook URL is resolved and *every* address it resolves to is checked: loopback, link-local
(cloud metadata at 169.254.169.254 among them), private, shared (100.64/10), multicast,
reserved and unspecified addresses are refused, also when written as IPv4-mapped IPv6. The
check runs when the webhook is registered and again at each delivery, and the delivery then
connects to the very address it checked (TLS still verifies the host name), so a DNS answer
that changes in between (rebinding) cannot steer it inside. Redirects are not followed.
Intranet receivers are allowed by the administrator: ``DRAWREVIEW_WEBHOOK_ALLOW`` lists
networks (``10.1.2.0/24,fd00::/8``).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from ..errors import ValidationFailed

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_allow(text: str | None) -> tuple[Network, ...]:
    out = []
    for part in (text or "").replace(";", ",").split(","):
        if part.strip():
            out.append(ipaddress.ip_network(part.strip(), strict=False))
    return tuple(out)


def refused(reason: str, **details) -> ValidationFailed:
    return ValidationFailed("Webhook 地址不允许：不能指向本机、内网或云元数据地址",
                            "Webhook address refused: it must not point at this host, a private network or "
                            "cloud metadata", code="webhook_address_refused", details={"reason": reason, **details})


def blocked(ip: Address, allow: tuple[Network, ...] = ()) -> str | None:
    """Why the address may not be reached (None: it may)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip.version == net.version and ip in net for net in allow):
        return None
    for name in ("is_loopback", "is_link_local", "is_private", "is_multicast", "is_reserved", "is_unspecified"):
        if getattr(ip, name):
            return name[3:]
    if not ip.is_global:
        return "not_global"
    return None


def _target(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[": an unclosed IPv6 address
        raise refused("scheme", url=url) from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise refused("scheme", url=url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise refused("port", url=url) from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, path


def resolve_checked(url: str, allow: tuple[Network, ...] = ()) -> list[Address]:
    """Every address the URL's host resolves to, all of them allowed; else ``refused``."""
    _, host, port, _ = _target(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise refused("unresolvable", host=host, error=str(exc)) from None
    addresses = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        why = blocked(ip, allow)
        if why is not None:
            raise refused(why, host=host, address=str(ip))
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise refused("unresolvable", host=host)
    return addresses


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict, timeout: float, allow: tuple[Network, ...] = ()) -> int:
    """POST to the URL at an address checked just now; return the HTTP status (redirects are
    answers, not followed). Raises ``ValidationFailed`` (refused) or ``OSError``."""
    scheme, host, port, path = _target(url)
    ip = str(resolve_checked(url, allow)[0])
    conn_type = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    conn = conn_type(host, port, ip, timeout)
    try:
        conn.request("POST", path, body=body, headers=headers)
        return conn.getresponse().status
    finally:
        conn.close()
