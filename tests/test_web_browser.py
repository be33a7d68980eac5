"""The page as a person uses it: a real headless Chromium (Debian's ``chromium``
package, driven by Playwright, which never downloads a browser of its own) against
a real ``searcher serve`` over the seed text.

Without chromium or Playwright the test skips with the reason; under ``CI=true`` it
fails instead (``.ci/run`` installs the package when it is missing)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest


def _cannot(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"the browser test cannot run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        _cannot("no chromium on PATH (Debian: apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _cannot("Playwright is not installed: pip install -e '.[test]'")
    return path


@pytest.fixture(scope="module")
def server(real_searcher):
    """``searcher serve`` over the seed text's index, on a free port."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "searcher", "serve", "--port", "0", "--texts",
         str(real_searcher.texts_dir), "--index", str(real_searcher.index_dir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    line = proc.stderr.readline()
    found = re.search(r"at (http://\S+) ", line)
    if not found:
        proc.kill()
        pytest.fail(f"searcher serve did not start: {line}{proc.stderr.read()}")
    yield found.group(1)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=20)


def test_browser_search_and_open_passage(chromium, server, tmp_path):
    from playwright.sync_api import sync_playwright

    shots = [tmp_path / "results.png"]
    if os.environ.get("SEARCHER_SCREENSHOT_DIR"):  # the README's picture
        shots.append(Path(os.environ["SEARCHER_SCREENSHOT_DIR"]) / "web-search.png")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True)
        try:
            page = browser.new_context(locale="tr-TR", viewport={"width": 1100, "height": 900}
                                       ).new_page()
            page.goto(server)
            assert page.locator("button[type=submit]").inner_text() == "Ara"  # Turkish words

            # Turkish letters, typed and sent with Enter
            page.locator("#q").fill("Çiçerin Moskova")
            page.keyboard.press("Enter")
            page.wait_for_selector("li.hit mark")
            marks = page.locator("li.hit mark").all_inner_texts()
            assert any(m.startswith("Çiçerin") for m in marks)
            assert "Çiçerin" in page.title()
            for shot in shots:
                page.screenshot(path=str(shot), full_page=False)

            # ASCII typing finds the Turkish spelling
            page.locator("#q").fill("kazim karabekir pasa")
            page.keyboard.press("Enter")
            page.wait_for_selector("li.hit mark")
            first = page.locator("li.hit").first
            assert "Kazım" in first.locator("mark").all_inner_texts()
            address = first.locator("a.address").inner_text()
            assert re.fullmatch(r"sovyet-rusya-ve-tbmm-1920-1922\.txt:\d+", address)

            # the hit's passage, whole, with its neighbours, then back to the results
            first.locator("a.open").click()
            page.wait_for_selector("article.passage-view")
            assert "Karabekir" in page.locator("p.passage").inner_text()
            assert page.locator("p.neighbour").count() >= 1
            page.locator("nav.back a").click()
            page.wait_for_selector("li.hit")
            assert page.locator("#q").input_value() == "kazim karabekir pasa"

            # the concordance from the results, sorted by the words after
            page.locator("a.kwic-link").click()
            page.wait_for_selector("table.kwic")
            rows = page.locator("table.kwic td.match").all_inner_texts()
            assert rows and any(r.startswith("Kazım") for r in rows)
            page.locator("a.sort-right").click()
            page.wait_for_selector("strong.sort-right")
            assert page.locator("table.kwic td.match").count() == len(rows)
        finally:
            browser.close()
    assert shots[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
