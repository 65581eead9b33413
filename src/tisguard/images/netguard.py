"""Which network addresses the server may reach on behalf of outsiders (the SSRF guard).

A platform pushes image URLs; fetching them must never let it reach the server itself or the
network behind it (metadata services, databases, admin ports). So every hop of a download:

1. resolves its host once and refuses it unless *every* address is public (no loopback, private,
   link-local, multicast, reserved, unspecified or shared address, IPv4 or IPv6, including IPv6
   forms that embed an IPv4 address: mapped, 6to4, NAT64; Teredo and site-local are refused);
2. connects to that vetted address itself (`PinnedBackend`), never resolving the name again, so a
   DNS answer that changes between the check and the connection (rebinding) cannot redirect it;
3. checks the address the socket really connected to;
4. bounds every socket operation by what is left of the download's total deadline, so a server
   that drips one byte a second (headers or body) is cut at the deadline.

`TISGUARD_FETCH_ALLOW_HOSTS=host[:port],…` names hosts that skip the public-address rule (an
on-premise image store, the tests' loopback servers); they are still pinned and deadline-bound.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import time

import httpcore
import httpx

ALLOW_ENV = "TISGUARD_FETCH_ALLOW_HOSTS"
DEFAULT_PORTS = {"http": 80, "https": 443}
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Blocks that Python 3.11's ipaddress still calls global, or that are worth naming explicitly.
_BLOCKED = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this network"
        "100.64.0.0/10",  # carrier-grade NAT (shared address space)
        "192.0.0.0/24",  # IETF protocol assignments
        "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
        "198.18.0.0/15",  # benchmarking
        "240.0.0.0/4",  # reserved, incl. broadcast
        "fec0::/10",  # site-local (deprecated, still routed on some networks)
        "2001::/32",  # Teredo: the IPv4 inside is obfuscated, refuse outright
    )
)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class Refused(Exception):
    """The address or host may not be fetched; the message is for the server log, not for callers."""


def is_public(ip: IPAddress) -> bool:
    """True when `ip` is a globally routable unicast address (the IPv4 inside an IPv6 form is judged)."""
    if isinstance(ip, ipaddress.IPv6Address):
        ip = ipaddress.IPv6Address(ip.compressed.split("%", 1)[0])  # a scope id does not change the judgement
        if ip.ipv4_mapped is not None:
            return is_public(ip.ipv4_mapped)
        if any(ip in n for n in _NAT64):
            return is_public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.sixtofour is not None and not is_public(ip.sixtofour):
            return False
    if any(ip.version == n.version and ip in n for n in _BLOCKED):
        return False
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


def allowed_hosts(raw: str | None = None) -> set[tuple[str, int | None]]:
    """Parse `host[:port],…` (IPv6 in brackets); a bad entry is skipped, never widened."""
    raw = os.environ.get(ALLOW_ENV, "") if raw is None else raw
    out: set[tuple[str, int | None]] = set()
    for entry in raw.split(","):
        entry = entry.strip()
        if not entry or any(c.isspace() or c in "/@?#%" for c in entry):
            continue
        try:
            u = httpx.URL("http://" + entry)
        except (httpx.InvalidURL, ValueError):
            continue
        if u.host:
            out.add((u.host.lower(), u.port))
    return out


def port_of(url: httpx.URL) -> int:
    return url.port or DEFAULT_PORTS[url.scheme]


def is_allowed(url: httpx.URL, allow: set[tuple[str, int | None]]) -> bool:
    host, port = url.host.lower(), port_of(url)
    return any(h == host and (p is None or p == port) for h, p in allow)


def resolve(url: httpx.URL, allow: set[tuple[str, int | None]]) -> tuple[str, bool]:
    """The address to connect to for `url`, and whether its host is on the allow list.

    Raises Refused when the host does not resolve or any of its addresses is not public."""
    host = url.raw_host.decode("ascii")
    if not host:
        raise Refused("URL has no host")
    try:
        infos = socket.getaddrinfo(host, port_of(url), type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as e:
        raise Refused(f"{host}: does not resolve ({e})") from None
    ips = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))
    if not ips:
        raise Refused(f"{host}: no address")
    allowed = is_allowed(url, allow)
    if not allowed:
        bad = [ip for ip in ips if not is_public(ip)]
        if bad:
            raise Refused(f"{host} resolves to {bad[0]}, which is not a public address")
    return str(ips[0]), allowed


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read, write and TLS handshake ends by the download's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, backend: PinnedBackend):
        self._inner, self._backend = inner, backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._backend.left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._backend.left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None, timeout: float | None = None):
        tls = self._inner.start_tls(ssl_context, server_hostname, self._backend.left(timeout))
        return _DeadlineStream(tls, self._backend)

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class PinnedBackend(httpcore.NetworkBackend):
    """An httpcore network backend that connects only to one vetted address, whatever host it is asked
    for, checks the address it really connected to, and bounds all I/O by a monotonic deadline."""

    def __init__(self, ip: str, deadline: float, allowed: bool = False):
        self.ip, self.deadline, self.allowed = ip, deadline, allowed
        self._inner = httpcore.SyncBackend()

    def left(self, timeout: float | None) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise httpcore.ReadTimeout("the download's total deadline has passed")
        return remaining if timeout is None else min(timeout, remaining)

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        stream = self._inner.connect_tcp(self.ip, port, self.left(timeout), local_address, socket_options)
        peer = ipaddress.ip_address(stream.get_extra_info("server_addr")[0])
        if peer != ipaddress.ip_address(self.ip) or not (self.allowed or is_public(peer)):
            stream.close()
            raise Refused(f"connected to {peer}, not the vetted {self.ip}")
        return _DeadlineStream(stream, self)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise Refused("unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, max(self.deadline - time.monotonic(), 0)))
