"""Callback XML → InboundMessage, refusing hostile or malformed input with a 400."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any
from xml.parsers import expat

from wxbackend.callback.errors import MalformedMessage
from wxbackend.handlers.messages import InboundMessage, Location

# No WeChat message has a DOCTYPE or a declaration, so refuse them before the parser
# sees them; the parser refuses them again (whatever the document's encoding), so
# neither entity expansion nor an external DTD can happen.
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)
_REQUIRED = ("ToUserName", "FromUserName", "CreateTime", "MsgType")


class _DeclarationRefused(ValueError):
    pass


def _refuse_declaration(*_args: object) -> None:
    raise _DeclarationRefused


class _Tree:
    """Expat events → nested dicts, shaped as xmltodict shapes them.

    A leaf is its stripped text (None when empty), an element with children or
    attributes ("@name") a dict (its text under "#text"), a repeated element a list.
    Written on pyexpat directly: xmltodict's generic handler was the callback's
    costliest step after the HTTP framework.
    """

    __slots__ = ("stack",)

    def __init__(self) -> None:
        # (name, children and attributes or None, text chunks); the bottom is the document.
        self.stack: list[tuple[str, dict[str, Any] | None, list[str]]] = [("", {}, [])]

    def start(self, name: str, attributes: list[str]) -> None:
        item = (
            {"@" + attributes[i]: attributes[i + 1] for i in range(0, len(attributes), 2)}
            if attributes
            else None
        )
        self.stack.append((name, item, []))

    def text(self, data: str) -> None:
        self.stack[-1][2].append(data)

    def end(self, _name: str) -> None:
        name, item, chunks = self.stack.pop()
        text = "".join(chunks).strip() or None
        value: Any
        if item is None:
            value = text
        else:
            if text:
                item["#text"] = text
            value = item
        parent_name, parent, parent_chunks = self.stack[-1]
        if parent is None:
            parent = {}
            self.stack[-1] = (parent_name, parent, parent_chunks)
        if name not in parent:
            parent[name] = value
        elif isinstance(parent[name], list):
            parent[name].append(value)
        else:
            parent[name] = [parent[name], value]

    def parse(self, body: bytes) -> Any:
        parser = expat.ParserCreate()
        parser.ordered_attributes = True
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        parser.StartDoctypeDeclHandler = _refuse_declaration
        parser.EntityDeclHandler = _refuse_declaration
        parser.Parse(body, True)
        return self.stack[0][1]


def parse_xml(body: bytes) -> dict[str, Any]:
    """The children of the root <xml> element; MalformedMessage for anything else."""
    if _DECLARATION.search(body):
        raise MalformedMessage(reason="xml_declaration_refused")
    try:
        document = _Tree().parse(body)
    except _DeclarationRefused:
        raise MalformedMessage(reason="xml_declaration_refused") from None
    except (expat.ExpatError, ValueError) as exc:
        raise MalformedMessage(reason="xml_unparseable") from exc
    if not isinstance(document, dict) or not isinstance(document.get("xml"), dict):
        raise MalformedMessage(reason="xml_root_not_xml")
    fields: dict[str, Any] = document["xml"]
    return fields


def text_field(fields: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    """A leaf element's text ("" for an empty element); refuses repeated or nested ones."""
    if name not in fields:
        if required:
            raise MalformedMessage(reason="missing_field", field=name)
        return None
    value = fields[name]
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedMessage(reason="field_not_text", field=name)
    return value


def _number(fields: Mapping[str, Any], name: str, *, low: float, high: float) -> float:
    raw = text_field(fields, name, required=True) or ""
    try:
        value = float(raw)
    except ValueError as exc:
        raise MalformedMessage(reason="field_not_number", field=name) from exc
    if not math.isfinite(value) or not low <= value <= high:
        raise MalformedMessage(reason="field_out_of_range", field=name)
    return value


def _location(
    fields: Mapping[str, Any], lat: str, lng: str, precision_field: str | None = None
) -> Location:
    precision = None
    if precision_field is not None and fields.get(precision_field):
        precision = _number(fields, precision_field, low=0, high=1e7)
    return Location(
        latitude=_number(fields, lat, low=-90, high=90),
        longitude=_number(fields, lng, low=-180, high=180),
        precision=precision,
        label=text_field(fields, "Label"),
    )


def _find_location(fields: Mapping[str, Any], msg_type: str, event: str | None) -> Location | None:
    if msg_type == "location":
        return _location(fields, "Location_X", "Location_Y")
    if event == "LOCATION":
        return _location(fields, "Latitude", "Longitude", "Precision")
    if event == "location_select":
        info = fields.get("SendLocationInfo")
        if info is None:
            return None
        if not isinstance(info, dict):
            raise MalformedMessage(reason="field_not_text", field="SendLocationInfo")
        return _location(info, "Location_X", "Location_Y")
    return None


def parse_message(fields: Mapping[str, Any]) -> InboundMessage:
    """Build the message a handler sees; MalformedMessage when a required field is wrong."""
    values = {name: text_field(fields, name, required=True) or "" for name in _REQUIRED}
    if not values["FromUserName"] or not values["MsgType"]:
        raise MalformedMessage(reason="missing_field", field="FromUserName/MsgType")
    try:
        create_time = int(values["CreateTime"])
    except ValueError as exc:
        raise MalformedMessage(reason="field_not_number", field="CreateTime") from exc
    msg_type = values["MsgType"]
    event = text_field(fields, "Event") if msg_type == "event" else None
    if msg_type == "event" and not event:
        raise MalformedMessage(reason="missing_field", field="Event")
    msg_id = None if msg_type == "event" else text_field(fields, "MsgId") or None
    return InboundMessage(
        to_user=values["ToUserName"],
        from_user=values["FromUserName"],
        create_time=create_time,
        msg_type=msg_type,
        msg_id=msg_id,
        content=text_field(fields, "Content") if msg_type == "text" else None,
        event=event,
        event_key=text_field(fields, "EventKey") if event else None,
        location=_find_location(fields, msg_type, event),
        fields=dict(fields),
    )
