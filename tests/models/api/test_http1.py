"""The built-in HTTP/1.1 client against raw servers that answer in each framing HTTP allows."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from lmms_eval.models.api.http1 import ConnectionDropped, HTTP1Pool, split_http_url

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return head + await reader.readexactly(length)


def _run(handler: Handler, client: Callable[[HTTP1Pool], Awaitable[object]]) -> object:
    async def main() -> object:
        server = await asyncio.start_server(handler, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        pool = HTTP1Pool("127.0.0.1", port, {"Authorization": "Bearer k"})
        try:
            return await client(pool)
        finally:
            await pool.close()
            server.close()

    return asyncio.run(main())


def test_content_length_chunked_and_close_delimited_bodies() -> None:
    seen: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for framing in ("length", "chunked"):
            seen.append(await _read_request(reader))
            if framing == "length":
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello")
            else:
                writer.write(
                    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nwor\r\n2\r\nld\r\n0\r\n\r\n"
                )
            await writer.drain()
        seen.append(await _read_request(reader))
        writer.write(b"HTTP/1.1 503 Busy\r\nConnection: close\r\nRetry-After: 2\r\n\r\nclosing body")
        await writer.drain()
        writer.close()

    async def client(pool: HTTP1Pool) -> list[tuple[int, bytes, str | None]]:
        out = []
        for body in (b'{"a": 1}', b"{}", b"{}"):
            r = await pool.post("/v1/chat/completions", body)
            out.append((r.status, r.body, r.headers.get("retry-after")))
        return out

    result = _run(handler, client)
    assert result == [(200, b"hello", None), (200, b"world", None), (503, b"closing body", "2")]
    assert seen[0].startswith(b"POST /v1/chat/completions HTTP/1.1\r\n")
    assert b"Authorization: Bearer k\r\n" in seen[0] and b"Content-Length: 8\r\n" in seen[0]
    assert seen[0].endswith(b'\r\n\r\n{"a": 1}')


def test_a_stale_kept_alive_connection_is_replayed_on_a_fresh_one() -> None:
    connections = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()
        writer.close()  # keep-alive announced (HTTP/1.1 default) but the server closes anyway

    async def client(pool: HTTP1Pool) -> list[bytes]:
        first = await pool.post("/x", b"{}")
        await asyncio.sleep(0.05)  # let the close arrive
        second = await pool.post("/x", b"{}")
        return [first.body, second.body]

    assert _run(handler, client) == [b"ok", b"ok"]
    assert connections == 2


def test_a_connection_dropped_mid_answer_is_an_error() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
        await writer.drain()
        writer.close()

    async def client(pool: HTTP1Pool) -> object:
        return await pool.post("/x", b"{}")

    with pytest.raises(ConnectionDropped) as info:
        _run(handler, client)
    assert info.value.received


def test_split_http_url() -> None:
    assert split_http_url("http://127.0.0.1:8000/v1/chat/completions") == ("127.0.0.1", 8000, "/v1/chat/completions")
    assert split_http_url("http://host/v1?x=1") == ("host", 80, "/v1?x=1")
    assert split_http_url("https://api.openai.com/v1") is None
