"""Issue 12 item 3: the image downloader cannot be turned against the server's own network (SSRF).

Real HTTP servers on loopback (IPv4 and IPv6); loopback is refused unless TISGUARD_FETCH_ALLOW_HOSTS
names the host, which is how these tests let the first hop through."""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO

import pytest
from PIL import Image

from tisguard.images import fetch, netguard
from tisguard.images.fetch import NOT_FETCHED, ImageRejected, load_url


def _png() -> bytes:
    buf = BytesIO()
    Image.new("RGB", (16, 16), (10, 120, 200)).save(buf, format="PNG")
    return buf.getvalue()


PNG = _png()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    redirect_to = ""  # set per server

    def do_GET(self):
        try:
            if self.path == "/ok.png":
                self._send(PNG)
            elif self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", self.server.redirect_to)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path == "/drip-body":  # a valid image, one byte every 20 ms (a few seconds in all)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(PNG)))
                self.end_headers()
                for b in PNG:
                    self.wfile.write(bytes([b]))
                    self.wfile.flush()
                    time.sleep(0.02)
            elif self.path == "/drip-headers":  # headers that never finish quickly
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nX-Slow: ")
                for _ in range(300):
                    self.wfile.write(b"a")
                    self.wfile.flush()
                    time.sleep(0.02)
                self.wfile.write(b"\r\nContent-Length: %d\r\n\r\n" % len(PNG) + PNG)
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, body: bytes):
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


class _Server6(ThreadingHTTPServer):
    address_family = socket.AF_INET6


@pytest.fixture
def serve():
    servers = []

    def start(host: str = "127.0.0.1", redirect_to: str = "") -> str:
        cls = _Server6 if ":" in host else ThreadingHTTPServer
        s = cls((host, 0), _Handler)
        s.daemon_threads = True
        s.redirect_to = redirect_to
        threading.Thread(target=s.serve_forever, daemon=True).start()
        servers.append(s)
        return f"http://[{host}]:{s.server_port}" if ":" in host else f"http://{host}:{s.server_port}"

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def _allow(monkeypatch, *bases: str) -> None:
    monkeypatch.setenv(netguard.ALLOW_ENV, ",".join(b.split("//", 1)[1] for b in bases))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    "addr,public",
    [
        ("8.8.8.8", True),
        ("1.1.1.1", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:8.8.8.8", True),  # IPv4-mapped form of a public address
        ("127.0.0.1", False),
        ("127.255.255.254", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata service (link-local)
        ("100.64.0.1", False),  # carrier-grade NAT
        ("192.0.0.8", False),
        ("198.18.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("233.1.1.1", False),  # multicast that ipaddress calls global
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:10.0.0.1", False),
        ("::ffff:169.254.169.254", False),
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of the metadata address
        ("2002:7f00:1::1", False),  # 6to4 of loopback
        ("2002:a00:1::1", False),  # 6to4 of 10.0.0.1
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
        ("fe80::1", False),
        ("fc00::1", False),
        ("fd12:3456::1", False),
        ("fec0::1", False),  # site-local
        ("ff02::1", False),
        ("ff0e::1", False),  # global-scope multicast
        ("2001:db8::1", False),  # documentation
    ],
)
def test_address_judgement(addr, public):
    assert netguard.is_public(ipaddress.ip_address(addr)) is public


def test_allow_list_parsing():
    allow = netguard.allowed_hosts(" images.example.org, 127.0.0.1:8080 ,[::1]:9000,bad host,x.example/path,")
    assert allow == {("images.example.org", None), ("127.0.0.1", 8080), ("::1", 9000)}
    url = lambda u: __import__("httpx").URL(u)  # noqa: E731
    assert netguard.is_allowed(url("https://IMAGES.example.org/a.png"), allow)
    assert netguard.is_allowed(url("http://127.0.0.1:8080/a.png"), allow)
    assert not netguard.is_allowed(url("http://127.0.0.1:8081/a.png"), allow)
    assert not netguard.is_allowed(url("http://127.0.0.1/a.png"), allow)
    assert netguard.is_allowed(url("http://[::1]:9000/a.png"), allow)


def test_loopback_is_refused_with_one_generic_reason(serve, monkeypatch, caplog):
    monkeypatch.delenv(netguard.ALLOW_ENV, raising=False)
    base = serve()
    open_url, closed_url = base + "/ok.png", f"http://127.0.0.1:{_free_port()}/ok.png"
    name_url = open_url.replace("127.0.0.1", "localhost")
    reasons = []
    with caplog.at_level(logging.WARNING, logger="tisguard.images.fetch"):
        for u in (open_url, closed_url, name_url):
            with pytest.raises(ImageRejected) as e:
                load_url(u)
            reasons.append(str(e.value).replace(u[:80], "URL"))
    assert reasons == [f"URL: {NOT_FETCHED}"] * 3  # an open and a closed port look the same
    assert "not a public address" in caplog.text  # the details are in the server log


@pytest.mark.parametrize("target", ["ipv6", "ipv4_other_port", "mapped"])
def test_redirect_to_loopback_is_refused(serve, monkeypatch, target):
    inner = serve("::1") if target == "ipv6" else serve()
    if target == "mapped":
        inner = inner.replace("127.0.0.1", "[::ffff:127.0.0.1]")
    outer = serve(redirect_to=inner + "/ok.png")
    _allow(monkeypatch, outer)  # only the first hop is allowed
    assert len(load_url(outer + "/ok.png").sha256) == 64  # the allowed host itself is fetched
    with pytest.raises(ImageRejected, match=NOT_FETCHED):
        load_url(outer + "/redirect")


def test_redirect_to_an_allowed_host_is_followed(serve, monkeypatch):
    inner = serve("::1")
    outer = serve(redirect_to=inner + "/ok.png")
    _allow(monkeypatch, outer, inner)
    assert load_url(outer + "/redirect").sha256 == load_url(inner + "/ok.png").sha256


@pytest.mark.parametrize("path", ["/drip-body", "/drip-headers"])
def test_slow_drip_is_cut_at_the_total_deadline(serve, monkeypatch, path):
    base = serve()
    _allow(monkeypatch, base)
    monkeypatch.setattr(fetch, "DEADLINE_S", 0.5, raising=False)  # the drip takes a few seconds in all
    with pytest.raises(ImageRejected, match=NOT_FETCHED):
        load_url(base + path)


def test_connection_goes_to_the_vetted_address_only(serve):
    """The name is never resolved again at connect time (no DNS rebinding), and the address the
    socket really reached is checked."""
    port = int(serve().rsplit(":", 1)[1])
    deadline = time.monotonic() + 5
    stream = netguard.PinnedBackend("127.0.0.1", deadline, allowed=True).connect_tcp("rebind.invalid", port)
    try:
        assert stream.get_extra_info("server_addr")[0] == "127.0.0.1"
    finally:
        stream.close()
    with pytest.raises(netguard.Refused, match="not the vetted|connected to"):
        netguard.PinnedBackend("127.0.0.1", deadline, allowed=False).connect_tcp("rebind.invalid", port)
