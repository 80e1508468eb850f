"""A small HTTP/1.1 client for plain-http servers on the local network (vLLM, SGLang, TGI, Ollama,
``transformers serve`` on 127.0.0.1 or a cluster node), on asyncio and httptools' parser.

It does one thing: POST a body over kept-alive connections and return status, headers and body. That costs a
fraction of a general client's per-request work, which matters at hundreds of requests per second on few
cores, and it imports in milliseconds. HTTPS, proxies and anything else go through aiohttp instead (see
``openai_compat``). Responses may be Content-Length delimited, chunked, or closed-delimited.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import cast


class ConnectionDropped(ConnectionError):
    """The connection closed before a whole response arrived."""

    def __init__(self, message: str, *, received: bool) -> None:
        super().__init__(message)
        #: whether any response bytes had arrived (if not, the request may be replayed on a new connection)
        self.received = received


@dataclass
class HTTPResponse:
    status: int
    headers: dict[str, str]
    body: bytes


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        import httptools

        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[HTTPResponse] | None = None
        self.headers: dict[str, str] = {}
        self.chunks: list[bytes] = []
        self.received = False
        self.keep_alive = True
        self.closed = False

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports are not subclasses

    def data_received(self, data: bytes) -> None:
        import httptools

        self.received = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(ConnectionDropped(f"malformed HTTP response: {exc}", received=True))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            if self.received and self.headers and not self.parser.should_keep_alive():
                # a response delimited by the connection closing: what arrived is the whole body
                self._finish()
                return
            reason = f": {exc}" if exc else ""
            self._fail(ConnectionDropped(f"connection closed by the server{reason}", received=self.received))

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        self.keep_alive = self.parser.should_keep_alive()
        self._finish()

    # own
    def _finish(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            status = self.parser.get_status_code()
            self.waiter.set_result(HTTPResponse(status, self.headers, b"".join(self.chunks)))

    def _fail(self, exc: BaseException) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)

    async def exchange(self, request: bytes) -> HTTPResponse:
        assert self.transport is not None
        self.headers, self.chunks, self.received = {}, [], False
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        try:
            return await self.waiter
        finally:
            self.waiter = None

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class HTTP1Pool:
    """Kept-alive connections to one ``host:port``; as many as requests in flight (the caller bounds that)."""

    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None) -> None:
        self.host, self.port = host, port
        netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        base = {"Host": netloc, "Accept-Encoding": "identity", **(headers or {})}
        self._head = "".join(f"{k}: {v}\r\n" for k, v in base.items())
        self._idle: list[_Connection] = []

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_connection(_Connection, self.host, self.port)
        return protocol

    async def post(self, path: str, body: bytes, content_type: str = "application/json") -> HTTPResponse:
        head = (
            f"POST {path} HTTP/1.1\r\n{self._head}Content-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode("latin-1")
        request = head + body
        while self._idle:
            conn = self._idle.pop()
            if conn.closed:
                continue
            try:
                return self._after(conn, await conn.exchange(request))
            except ConnectionDropped as exc:
                conn.close()
                if exc.received:  # the server answered part of it: not safe to resend silently
                    raise
                # a kept-alive connection the server had already closed: replay on a fresh one
            except BaseException:
                conn.close()
                raise
        conn = await self._connect()
        try:
            return self._after(conn, await conn.exchange(request))
        except BaseException:
            conn.close()
            raise

    def _after(self, conn: _Connection, response: HTTPResponse) -> HTTPResponse:
        if conn.keep_alive and not conn.closed:
            self._idle.append(conn)
        else:
            conn.close()
        return response

    async def close(self) -> None:
        for conn in self._idle:
            conn.close()
        self._idle.clear()


def split_http_url(url: str) -> tuple[str, int, str] | None:
    """``(host, port, path)`` of a plain ``http://`` URL, or None for anything else (https, ...)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        return None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.hostname, parts.port or 80, path


def has_httptools() -> bool:
    try:
        import httptools  # noqa: F401
    except ImportError:
        return False
    return True

