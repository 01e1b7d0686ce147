"""The minimal peer: FastAPI + wechatpy doing what every callback must (verify the
signatures, decrypt, parse, reply, encrypt), and nothing else: no store, no dedupe, no
access line, no database.

Its keys come from WXB_PEER_TOKEN, WXB_PEER_AES_KEY and WXB_PEER_APP_ID (bench/compare.py
passes the same ones wxbackend uses, so one set of signed requests serves both).
"""

from __future__ import annotations

import os

from fastapi import FastAPI, Request, Response
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.replies import TextReply

crypto = WeChatCrypto(
    os.environ["WXB_PEER_TOKEN"], os.environ["WXB_PEER_AES_KEY"], os.environ["WXB_PEER_APP_ID"]
)
app = FastAPI()


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/wechat/callback")
async def callback(request: Request, msg_signature: str, timestamp: str, nonce: str) -> Response:
    body = await request.body()
    message = parse_message(crypto.decrypt_message(body, msg_signature, timestamp, nonce))
    reply = TextReply(content="您好，这里是公积金中心。", message=message).render()
    return Response(crypto.encrypt_message(reply, nonce, timestamp), media_type="application/xml")
