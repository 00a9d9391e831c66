"""Pages to PNG with a headless Chromium (Debian's `chromium` package) driven by Playwright:
one image per dashboard and one per panel, taken once the page says it has drawn."""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from typing import Dict, Iterator, List, Tuple

from . import layout

# Without the background-networking flags Chromium keeps trying to reach Google's hosts; on a
# closed network every one of those is a refused connection.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", "--font-render-hinting=none",
         "--force-color-profile=srgb", "--hide-scrollbars"]
VIEWPORT = {"width": layout.PAGE_WIDTH + 32, "height": 900}
READY_TIMEOUT_MS = 20000


class BrowserMissing(Exception):
    pass


def chromium_path() -> str:
    for candidate in (os.environ.get("MAC_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate:
            found = shutil.which(candidate) or (candidate if os.path.isfile(candidate) else None)
            if found:
                return found
    raise BrowserMissing("no Chromium found: install Debian's chromium package (apt-get install chromium) "
                         "or set MAC_CHROMIUM to the browser's path")


@contextmanager
def browser() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BrowserMissing("--png needs Playwright: pip install 'monitoring-as-code[preview]'") from None
    executable = chromium_path()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=FLAGS)
        try:
            yield b
        finally:
            b.close()


def open_page(b, path: str, errors: List[str]):
    """A page of `b` showing the file at `path`, drawn; console errors and uncaught exceptions
    are appended to `errors`."""
    page = b.new_page(viewport=VIEWPORT, device_scale_factor=1, timezone_id="UTC", locale="en-US")
    page.on("console", lambda m: errors.append(f"{os.path.basename(path)}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"{os.path.basename(path)}: {exc}"))
    page.goto("file://" + os.path.abspath(path))
    page.wait_for_selector("body[data-ready='1']", timeout=READY_TIMEOUT_MS)
    return page


def shoot(folder: str, pages: Dict[str, str], panels: Dict[str, List[dict]], only: Dict[str, set] = None,
          whole: bool = True) -> Tuple[Dict[str, bytes], List[str]]:
    """{png path: bytes} for each page (png/<uid>.png) and panel (png/<uid>/<panel id>.png);
    only: uid → panel ids, to shoot just those. Also the console errors seen."""
    files: Dict[str, bytes] = {}
    errors: List[str] = []
    with browser() as b:
        for uid, name in pages.items():
            if only is not None and uid not in only:
                continue
            page = open_page(b, os.path.join(folder, name), errors)
            try:
                if whole:
                    files[f"png/{name[:-5]}.png"] = page.screenshot(full_page=True, animations="disabled")
                for index, panel in enumerate(panels[uid]):
                    if panel["type"] == "row" or (only is not None and panel["id"] not in only[uid]):
                        continue
                    node = page.locator(f"main.grid > [data-index='{index}']")
                    files[f"png/{name[:-5]}/{panel['id']}.png"] = node.screenshot(animations="disabled")
            finally:
                page.close()
    return files, errors
