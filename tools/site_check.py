"""Browser test of the built site (`make site-test`, after `make site`): pytest tools/site_check.py

It serves build/site/ over a loopback HTTP server (127.0.0.1, a free port) and drives Debian's headless Chromium
(/usr/bin/chromium) through its DevTools protocol over a websocket (websocket-client); no browser is downloaded.
Every HTML page of the site is opened, and the test asserts:

- it loads with no console error, no uncaught exception, no failed request and no HTTP status >= 400, and it
  requests nothing outside the site (the site must work offline: MathJax and the Colab badge are local copies);
- every image decodes (complete, naturalWidth > 0); every math element is typeset by MathJax, without errors;
- every link into the site resolves: the file exists and, for a #fragment, the target page has that id;
- each notebook page has a previous and a next link, a table of contents of its sections, its exercises'
  solutions collapsed, and Colab links (launch button and badge) that all point at the notebook in the
  repository named in pyproject.toml, at the one ref that every page's setup cell installs the package from;
- the built-in search finds pages with no network;
- the glossary page holds every entry of docs/glossary.txt, and each notebook page links the terms it teaches to
  it (the build turned the notebooks' GitHub glossary links into links to the site's own page).

It saves screenshots of the landing page and of one notebook page at a desktop and a phone width under
build/site-shots/, and a summary in build/site-shots/report.json. Where Chromium is not installed the tests are
skipped with a message that says so; they never pass without a browser.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from tools.repo_url import ROOT, colab_url, repository_url
from tools.site_build import notebook_names

SITE = ROOT / "build" / "site"
SHOTS = ROOT / "build" / "site-shots"
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
SHOT_NOTEBOOK = "05_linear_classifier"
DESKTOP = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
]

# Runs in the page after the load event: waits for MathJax's first typesetting and for every image, then reports.
INSPECT = """
(async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  await Promise.all([...document.images].map(i => i.complete ? null :
    new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); })));
  const maths = [...document.querySelectorAll('span.math, div.math')];
  return {
    title: document.title,
    images: [...document.images].map(i => ({src: i.currentSrc || i.src, complete: i.complete, width: i.naturalWidth})),
    math: maths.length,
    typeset: maths.filter(m => m.querySelector('mjx-container')).length,
    mathErrors: document.querySelectorAll('mjx-merror, .MathJax_Error').length,
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    colab: [...document.querySelectorAll('a[href*="colab.research.google.com"]')].map(a => a.href),
    details: [...document.querySelectorAll('details')].map(d =>
      ({open: d.open, code: !!d.querySelector('pre'), length: d.textContent.trim().length,
        summary: (d.querySelector('summary') || {textContent: ''}).textContent.trim()})),
    toc: document.querySelectorAll('#pst-page-toc-nav a, .bd-toc-nav a').length,
    prev: !!document.querySelector('a.left-prev'),
    next: !!document.querySelector('a.right-next'),
  };
})()
"""


def find_chromium() -> str | None:
    for path in CHROMIUM_PATHS:
        if Path(path).exists():
            return path
    return shutil.which("chromium")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


class Server:
    """build/site/ on http://127.0.0.1:<free port>/, served from a thread."""

    def __init__(self, root: Path):
        handler = functools.partial(_Quiet, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Browser:
    """Headless Chromium driven over the DevTools protocol: one tab, commands in order, events collected."""

    def __init__(self, executable: str):
        import websocket  # websocket-client

        self.profile = tempfile.mkdtemp(prefix="site-check-chromium-")
        self.proc = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"{executable} did not start its DevTools endpoint")
            time.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=True)

    def send(self, method: str, params: dict | None = None, session: bool = False) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event["method"] == method:
                    return self.events.pop(i)
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} within {timeout} s")
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                self.events.append(json.loads(self.ws.recv()))
            finally:
                self.ws.settimeout(60)

    def open(self, url: str, viewport: dict) -> list[dict]:
        """Load url at a viewport size; return the page's events (console, network) up to the load event."""
        self.send("Emulation.setDeviceMetricsOverride", viewport, session=True)
        self.events.clear()
        self.send("Page.navigate", {"url": url}, session=True)
        self.wait_for("Page.loadEventFired")
        return self.events

    def evaluate(self, expression: str):
        result = self.send(
            "Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True}, session=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", {"format": "png"}, session=True)["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            if hasattr(self, "ws"):
                self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def problems_in(events: list[dict], base: str) -> list[str]:
    """Console errors, exceptions, failed requests, HTTP errors and requests that leave the site."""
    found = []
    for e in events:
        p, method = e.get("params", {}), e["method"]
        if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            found.append("console error: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"]))
        elif method == "Runtime.exceptionThrown":
            found.append("uncaught exception: " + p["exceptionDetails"].get("text", ""))
        elif method == "Log.entryAdded" and p["entry"]["level"] == "error":
            found.append(f"console error: {p['entry']['text']} {p['entry'].get('url', '')}")
        elif method == "Network.loadingFailed":
            found.append(f"failed request: {p.get('errorText')} ({p.get('type')})")
        elif method == "Network.responseReceived" and p["response"]["status"] >= 400:
            found.append(f"HTTP {p['response']['status']}: {p['response']['url']}")
        elif method == "Network.requestWillBeSent":
            url = p["request"]["url"]
            if not url.startswith((base, "data:", "blob:", "about:")):
                found.append(f"request leaves the site: {url}")
    return found


@functools.cache
def ids_of(page: Path) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', page.read_text(encoding="utf-8", errors="replace")))


def link_problem(href: str, base: str) -> str | None:
    """Why an internal link does not resolve, or None when it does."""
    url, fragment = urldefrag(href)
    rel = unquote(urlparse(url).path).lstrip("/")
    target = SITE / rel
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return f"missing file {rel or '/'}"
    if fragment and target.suffix == ".html" and unquote(fragment) not in ids_of(target):
        return f"no #{fragment} in {rel}"
    return None


@pytest.fixture(scope="module")
def visit():
    """Open every page of the built site in headless Chromium; yield what was seen."""
    if not (SITE / "index.html").exists():
        pytest.fail("build/site/index.html is missing: run `make site` first")
    executable = find_chromium()
    if executable is None:
        pytest.skip(
            "Chromium is not installed (no /usr/bin/chromium): the site was built but not tested in a browser. "
            "Install it with `apt-get install chromium` (.ci/run does this) and run `make site-test`."
        )
    server = Server(SITE)
    browser = Browser(executable)
    pages = sorted(str(p.relative_to(SITE)) for p in SITE.rglob("*.html") if not p.name.startswith("_"))
    pages = [p for p in pages if not p.startswith(("_static/", "_sources/"))]
    seen = {"base": server.base, "pages": {}, "search_hits": 0}
    try:
        for page in pages:
            events = browser.open(server.base + page, DESKTOP)
            report = browser.evaluate(INSPECT)
            time.sleep(0.05)  # let late network events of the page arrive
            report["problems"] = problems_in(events, server.base)  # events is the live list: late ones included
            seen["pages"][page] = report
        # The built-in search runs in the page from searchindex.js: no server, no network.
        browser.open(server.base + "search.html?q=gradient", DESKTOP)
        hits, deadline = 0, time.monotonic() + 20
        while not hits and time.monotonic() < deadline:
            time.sleep(0.25)
            hits = browser.evaluate("document.querySelectorAll('#search-results li, ul.search li').length")
        seen["search_hits"] = hits
        seen["search_problems"] = problems_in(browser.events, server.base)
        SHOTS.mkdir(parents=True, exist_ok=True)
        shots = []
        for name, page in (("landing", "index.html"), ("notebook", f"notebooks/{SHOT_NOTEBOOK}.html")):
            for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                browser.open(server.base + page, viewport)
                browser.evaluate(INSPECT)
                path = SHOTS / f"{name}-{size}.png"
                browser.screenshot(path)
                shots.append(str(path.relative_to(ROOT)))
        seen["screenshots"] = shots
    finally:
        browser.close()
        server.close()
    yield seen


def _notebook_pages(seen: dict) -> dict[str, dict]:
    return {p: r for p, r in seen["pages"].items() if p.startswith("notebooks/")}


def test_every_page_loads_cleanly(visit):
    bad = {p: r["problems"] for p, r in visit["pages"].items() if r["problems"]}
    assert bad == {}
    assert "index.html" in visit["pages"] and "package.html" in visit["pages"]


def test_every_image_decodes(visit):
    bad = [(p, i["src"]) for p, r in visit["pages"].items() for i in r["images"] if not (i["complete"] and i["width"])]
    assert bad == []
    for page, report in _notebook_pages(visit).items():
        assert len(report["images"]) >= 2, f"{page} shows no figures"


def test_math_is_typeset(visit):
    for page, report in visit["pages"].items():
        assert report["typeset"] == report["math"], f"{page}: {report['typeset']} of {report['math']} typeset"
        assert report["mathErrors"] == 0, page
    assert sum(r["math"] for r in _notebook_pages(visit).values()) > 0


def test_every_internal_link_resolves(visit):
    base = visit["base"]
    links = {h for r in visit["pages"].values() for h in r["links"] if h.startswith(base)}
    bad = sorted(f"{h}: {why}" for h in links if (why := link_problem(h, base)))
    assert bad == []


def test_notebook_pages(visit):
    url = repository_url()
    pages = _notebook_pages(visit)
    assert sorted(pages) == [f"notebooks/{n}.html" for n in notebook_names()]
    for page, report in pages.items():
        name = Path(page).stem
        assert report["colab"], f"{page} has no Colab launch button"
        assert set(report["colab"]) == {colab_url(name, url=url)}, page
        assert report["prev"] and report["next"], f"{page} lacks a previous or next link"
        assert report["toc"] >= 2, f"{page} has no table of contents of its sections"
        solutions = [d for d in report["details"] if d["summary"].lower().startswith("solution")]
        assert solutions, f"{page} shows no exercise solutions"
        # The solution's body (its code and text) sits inside the collapsed block, not after it.
        assert all(d["length"] > len(d["summary"]) + 20 for d in solutions), f"{page}: an empty solution block"
        assert any(d["code"] for d in solutions), f"{page}: no solution's code is inside its collapsed block"
        assert not any(d["open"] for d in report["details"]), f"{page} shows a solution expanded"
        # Issue 26: the questionnaire at the end, 8 to 12 answers, each collapsed and not empty.
        answers = [d for d in report["details"] if d["summary"].lower() == "answer"]
        assert 8 <= len(answers) <= 12, f"{page} shows {len(answers)} questionnaire answers, not 8 to 12"
        assert all(d["length"] > len(d["summary"]) + 20 for d in answers), f"{page}: an empty questionnaire answer"


def test_every_page_opens_and_installs_the_one_ref():
    """Issue 22: on every built page, each Colab link opens the ref that each setup cell installs, the course's ref."""
    import html

    from tools.repo_url import BADGE, INSTALL, ref

    if not SITE.joinpath("index.html").exists():
        pytest.fail("build/site/ is missing: run make site first")
    pages = sorted(SITE.rglob("*.html"))
    seen = {"badges": 0, "installs": 0}
    for page in pages:
        text = html.unescape(page.read_text(encoding="utf-8"))
        badges, installs = {m[1] for m in BADGE.finditer(text)}, {m[1] for m in INSTALL.finditer(text)}
        seen["badges"] += bool(badges)
        seen["installs"] += bool(installs)
        assert badges <= {ref()} and installs <= {ref()}, (
            f"{page.relative_to(SITE)}: opens {badges}, installs {installs}"
        )
    assert seen["badges"] >= len(notebook_names()) and seen["installs"] >= len(notebook_names()), seen


def test_glossary_page_and_the_notebooks_links_to_it():
    """Issue 26: the glossary page holds every entry of docs/glossary.txt as a Sphinx term, in order; no page links
    GLOSSARY.md on GitHub (the build turned every notebook's link into one to the site's own page); and every
    notebook page links each term it teaches to that term's entry on the glossary page."""
    import html

    from tools import glossary_source as glossary

    page = SITE / "glossary.html"
    if not page.exists():
        pytest.fail("build/site/glossary.html is missing: run make site (docs/index.md's toctree lists glossary)")
    entries = sorted(glossary.read_source(), key=lambda e: e.term.lower())
    term_ids = re.findall(r'<dt id="(term-[^"]+)"', page.read_text(encoding="utf-8"))
    assert len(term_ids) == len(entries), f"{len(term_ids)} terms on the page, {len(entries)} in docs/glossary.txt"
    ids = dict(zip((e.term for e in entries), term_ids))
    names = {name[:2]: name for name in notebook_names()}
    for e in entries:
        notebook = SITE / "notebooks" / f"{names[e.taught.number]}.html"
        text = html.unescape(notebook.read_text(encoding="utf-8"))
        assert f'href="../glossary.html#{ids[e.term]}"' in text, f"{notebook.name} does not link the term {e.term}"
    for built in sorted(SITE.rglob("*.html")):
        assert "GLOSSARY.md" not in built.read_text(encoding="utf-8"), (
            f"{built.relative_to(SITE)} links GitHub's glossary"
        )


def test_search_works_offline(visit):
    assert visit["search_problems"] == []
    assert visit["search_hits"] > 0


def test_screenshots_and_report(visit, capsys):
    for shot in visit["screenshots"]:
        assert (ROOT / shot).stat().st_size > 10_000, shot
    pages = visit["pages"]
    summary = {
        "pages": len(pages),
        "images": sum(len(r["images"]) for r in pages.values()),
        "math": sum(r["math"] for r in pages.values()),
        "internal_links": len({h for r in pages.values() for h in r["links"] if h.startswith(visit["base"])}),
        "colab_links": sum(len(r["colab"]) for r in pages.values()),
        "solutions_collapsed": sum(len(r["details"]) for r in pages.values()),
        "search_hits_for_gradient": visit["search_hits"],
        "screenshots": visit["screenshots"],
    }
    (SHOTS / "report.json").write_text(json.dumps(summary, indent=1) + "\n")
    with capsys.disabled():
        print("\nsite-test:", json.dumps(summary))
