"""Where a request comes from: the address at the other end of the session's connection, whether it is
loopback or a trusted proxy's, and the request's headers (kpi.ui.auth decides who that makes signed in).
"""
from __future__ import annotations

import ipaddress
from typing import Iterable

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(address: str | None) -> bool:
    """127.0.0.0/8, ::1 and localhost. An empty address is every interface: not loopback."""
    address = (address or "").strip().strip("[]")
    if not address:
        return False
    if address.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def address_trusted(address: str | None, trusted: Iterable[str]) -> bool:
    """Is the connecting address one of `trusted` (addresses or networks like 10.0.0.0/24)?"""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:  # ::ffff:127.0.0.1 as a dual-stack socket reports it
        ip = ip.ipv4_mapped
    for entry in trusted:
        try:
            if ip in ipaddress.ip_network(entry.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


def request_headers() -> dict[str, str]:
    return dict(st.context.headers or {})


def client_address() -> str | None:
    """Who is at the other end of this session's WebSocket: the proxy's address when one is in front.

    Not `st.context.ip_address`: it is None for 127.0.0.1 and ::1 (so the documented nginx on the same
    machine looked like nobody), and Streamlit's server (uvicorn) puts the X-Forwarded-For address a
    loopback peer sends in place of the peer, which is the browser's, not the proxy's. So the address
    is read from the connection's socket; failing that (another server under Streamlit), the server's
    peer address only when no X-Forwarded-For came with it, else None (refused: who connected is unknown).
    """
    client = _session_client()
    if client is None:
        return None
    peer = _socket_peer(client)
    if peer is not None:
        return peer
    context = getattr(client, "client_context", None)
    if context is None:
        return None
    if any(name.lower() == "x-forwarded-for" for name, _ in context.headers):
        return None
    return context.remote_ip


def _session_client():
    ctx = get_script_run_ctx()
    if ctx is None or not runtime.exists():
        return None
    return runtime.get_instance().get_client(ctx.session_id)


def _socket_peer(client) -> str | None:
    """The TCP peer of the session's WebSocket, from the server's connection object.

    Streamlit internals (its Starlette WebSocket, whose receive is bound to uvicorn's protocol), hence
    every step guarded and the connection taken only if it carries this very WebSocket (the same ASGI
    scope); tests/cluster/test_proxy_sign_in.py pins it behind a real nginx.
    """
    websocket = getattr(client, "_websocket", None)
    connection = getattr(getattr(websocket, "_receive", None), "__self__", None)
    if websocket is None or connection is None or getattr(connection, "scope", None) is not websocket.scope:
        return None
    try:
        peer = connection.transport.get_extra_info("peername")
    except Exception:  # noqa: BLE001 - a closed or unusual transport: not known
        return None
    if isinstance(peer, (tuple, list)) and peer and isinstance(peer[0], str) and peer[0]:
        return peer[0]
    return None  # a Unix socket has no address
