"""The baseline: a bare ASGI app that reads the body and returns a fixed XML reply."""

from __future__ import annotations

from typing import Any

REPLY = (
    b"<xml><ToUserName><![CDATA[o]]></ToUserName><FromUserName><![CDATA[gh]]></FromUserName>"
    b"<CreateTime>0</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    b"<Content><![CDATA[ok]]></Content></xml>"
)


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/xml"),
                (b"content-length", str(len(REPLY)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": REPLY})
