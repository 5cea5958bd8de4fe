"""The HTML every page of the site shares: escaped text, links and the page around a body."""

from __future__ import annotations

import html
import urllib.parse


def e(value) -> str:
  return html.escape(str(value), quote=True)


def href(*parts: str) -> str:
  return "/".join(urllib.parse.quote(p, safe="") for p in parts)


def page(title: str, body: str, stylesheet: str, script: str = "") -> str:
  return (
    "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    f"<title>{e(title)}</title>\n<link rel=\"icon\" href=\"data:,\">\n"
    f"<link rel=\"stylesheet\" href=\"{e(stylesheet)}\">\n</head>\n<body>\n{body}\n{script}</body>\n</html>\n"
  )
