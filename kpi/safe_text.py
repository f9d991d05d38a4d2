"""Text people wrote (explanations, decisions, action titles), made safe to show.

Streamlit's `st.markdown` escapes HTML unless `unsafe_allow_html=True`, which the app never passes
with user text; `<script>` and `<img onerror>` therefore show as the characters typed. What Markdown
itself can still do is load a remote image (a tracking pixel, an outbound request from the meeting
room), so images become their alt text and address, shown as text.
"""
from __future__ import annotations

import re

_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
_REFERENCE_IMAGE = re.compile(r"!\[([^\]]*)\]\[[^\]]*\]")


def safe_markdown(text: str) -> str:
    """User Markdown with images turned into text; everything else is left to the escaping renderer."""
    text = _IMAGE.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text or "")
    text = _REFERENCE_IMAGE.sub(lambda m: m.group(1), text)
    return text.replace("![", "!\\[")  # any image form left (nested brackets, shortcut references) stays text
