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

Issue 27 adds: every slide deck of build/site/slides/ is opened at 1280x720 and stepped through slide by slide (no
slide's content overflows after the deck's own shrink-to-fit, no JavaScript error, every image decodes, screenshots
of each deck's first two slides in build/site-shots/slides/); axe-core (tools/vendor.py) audits every page and every
slide (no serious or critical WCAG 2 A/AA violation); no image's alt text is a file name and every figure's says what
it shows; and RISE presents a notebook live in JupyterLab, running its cells inside the slides.

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
    images: [...document.images].map(i => ({src: i.currentSrc || i.src, complete: i.complete, width: i.naturalWidth,
                                         alt: i.getAttribute('alt'), figure: !!i.closest('.cell_output')})),
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


# Runs in a deck after its load event: steps through every slide (each horizontal slide and the subslides below
# it, every fragment shown), lets the deck fit the slide, measures its content against the slide, checks its
# images, and runs axe-core on it when axe was injected. One record per slide.
DECK_INSPECT = """
(async () => {
  await new Promise(r => (window.Reveal && Reveal.isReady()) ? r() : Reveal.on('ready', r));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  await Promise.all([...document.images].map(i => i.complete ? null :
    new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); })));
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const config = Reveal.getConfig();
  const audit = async (context) => {
    if (!window.axe) return [];
    const result = await axe.run(context, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                           resultTypes: ['violations']});
    return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
      .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join('; '));
  };
  const slides = [];
  const tops = Reveal.getHorizontalSlides();
  for (let h = 0; h < tops.length; h++) {
    const count = Math.max(1, tops[h].querySelectorAll(':scope > section').length);
    for (let v = 0; v < count; v++) {
      Reveal.slide(h, v);
      const slide = Reveal.getCurrentSlide();
      slide.querySelectorAll('.fragment').forEach(f => f.classList.add('visible'));
      await frame();
      if (window.fitSlide) fitSlide(slide);
      await frame();
      const box = slide.getBoundingClientRect(), scale = Reveal.getScale();
      let bottom = 0, right = 0;
      for (const el of slide.querySelectorAll('*')) {
        if (el.closest('aside.notes')) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        bottom = Math.max(bottom, (r.bottom - box.top) / scale);
        right = Math.max(right, (r.right - box.left) / scale);
      }
      const heading = slide.querySelector('h1, h2, h3, h4');
      const code = slide.querySelector('.jp-InputArea pre, pre');
      slides.push({
        index: h + '.' + v, height: Math.ceil(bottom), width: Math.ceil(right),
        zoom: parseFloat(slide.style.zoom || '1'),
        title: heading ? heading.textContent.replace('¶', '').trim() :
               (code ? code.textContent.trim().split('\\n')[0].slice(0, 60) : ''),
        images: [...slide.querySelectorAll('img')].map(i => ({alt: i.alt, src: i.src.slice(0, 80),
                                                            ok: i.complete && i.naturalWidth > 0})),
        notes: slide.querySelectorAll('aside.notes').length,
        axe: await audit(slide),
      });
    }
  }
  Reveal.slide(0, 0);
  await frame();
  return {width: config.width, height: config.height, slides: slides, chrome: await audit(document),
          links: [...document.querySelectorAll('a[href]')].map(a => a.href)};
})()
"""


AXE_PAGE = """
(async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                          resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join('; '));
})()
"""


@functools.cache
def axe_source() -> str:
    """axe-core's browser script (tools/vendor.py pins the version and its hash)."""
    from tools.vendor import AXE, fetch

    return (fetch(AXE) / "axe.min.js").read_text(encoding="utf-8")


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
    pages = [p for p in pages if not p.startswith(("_static/", "_sources/", "slides/"))]  # decks: see `decks`
    seen = {"base": server.base, "pages": {}, "search_hits": 0}
    try:
        for page in pages:
            events = browser.open(server.base + page, DESKTOP)
            report = browser.evaluate(INSPECT)
            browser.evaluate(axe_source())
            report["axe"] = browser.evaluate(AXE_PAGE)
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


SLIDE = {"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False}
SLIDE_SHOTS = SHOTS / "slides"


@pytest.fixture(scope="module")
def decks():
    """Open every deck of build/site/slides/ at 1280x720 in headless Chromium, step through every slide, audit each
    with axe-core; yield what was seen, and keep a screenshot of each deck's first two slides."""
    from tools.slide_cells import deck_file

    if not (SITE / "slides").is_dir():
        pytest.fail("build/site/slides/ is missing: run `make site` (it builds the decks) first")
    executable = find_chromium()
    if executable is None:
        pytest.skip("Chromium is not installed (no /usr/bin/chromium): the decks were built but not tested")
    server = Server(SITE)
    browser = Browser(executable)
    seen = {"base": server.base, "decks": {}, "screenshots": []}
    SLIDE_SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        for name in notebook_names():
            url = server.base + "slides/" + deck_file(name)
            if not (SITE / "slides" / deck_file(name)).exists():
                seen["decks"][name] = None
                continue
            events = browser.open(url, SLIDE)
            browser.evaluate(axe_source())
            report = browser.evaluate(DECK_INSPECT)
            for slide in (0, 1):
                browser.evaluate(f"Reveal.slide({slide}, 0)")
                time.sleep(0.1)
                shot = SLIDE_SHOTS / f"{name}-{slide + 1}.png"
                browser.screenshot(shot)
                seen["screenshots"].append(shot)
            time.sleep(0.05)
            report["problems"] = problems_in(events, server.base)
            seen["decks"][name] = report
    finally:
        browser.close()
        server.close()
    yield seen


def test_every_notebook_has_a_deck(decks):
    missing = [name for name, report in decks["decks"].items() if report is None]
    assert missing == [], f"no deck in build/site/slides/ for {missing}: run make site"
    for name, report in decks["decks"].items():
        assert (report["width"], report["height"]) == (SLIDE["width"], SLIDE["height"]), name
        assert len(report["slides"]) >= 10, f"{name}: {len(report['slides'])} slides; is its slide metadata there?"


def test_no_slide_overflows(decks):
    """Every slide's content, after the deck's own shrink-to-fit (never below tools.slides.MIN_ZOOM), lies inside
    the 1280x720 slide."""
    bad = []
    for name, report in decks["decks"].items():
        for s in report["slides"]:
            if s["height"] > report["height"] + 1 or s["width"] > report["width"] + 1:
                bad.append(
                    f"{name} slide {s['index']} ({s['title']!r}): content {s['width']}x{s['height']} at zoom "
                    f"{s['zoom']} in a {report['width']}x{report['height']} slide"
                )
    assert bad == [], "slides that overflow:\n" + "\n".join(bad)


def test_decks_load_cleanly_and_every_image_decodes(decks):
    bad = {name: report["problems"] for name, report in decks["decks"].items() if report["problems"]}
    assert bad == {}
    broken = [
        f"{name} slide {s['index']}: {i['src']}"
        for name, report in decks["decks"].items()
        for s in report["slides"]
        for i in s["images"]
        if not i["ok"]
    ]
    assert broken == []


def test_decks_link_to_their_pages_and_back(decks, visit):
    from tools.slide_cells import deck_file

    base = visit["base"]
    for name, report in decks["decks"].items():
        links = {h.replace(decks["base"], base) for h in report["links"]}
        assert f"{base}notebooks/{name}.html" in links, f"{name}'s deck does not link its notebook page"
        page = visit["pages"][f"notebooks/{name}.html"]
        assert f"{base}slides/{deck_file(name)}" in page["links"], f"notebooks/{name}.html does not link its deck"
        assert f"{base}slides/{deck_file(name)}" in visit["pages"]["index.html"]["links"], f"landing: no {name} deck"
        deck = f"{base}slides/{deck_file(name)}"
        internal = {h for h in links if h.startswith(base) and urldefrag(h)[0] != deck}  # not reveal's own #/3/1
        bad = sorted(f"{h}: {why}" for h in internal if (why := link_problem(h, base)))
        assert bad == [], name


def test_every_figure_has_a_descriptive_alt_text(decks, visit):
    """Issue 27: no image's alt text is a file name; every figure (a notebook output) says what it shows."""
    from tools.slide_cells import FILE_NAME, alt_problem

    bad = []
    for page, report in visit["pages"].items():
        for image in report["images"]:
            alt = image["alt"] or ""
            if image["figure"]:  # a notebook's output: it must say what it shows
                why = alt_problem(alt)
            else:  # the theme's logo, the Colab badge: a short name is right, a file name is not
                why = "has no alt text" if not alt.strip() else (alt_problem(alt) if FILE_NAME.search(alt) else None)
            if why:
                bad.append(f"{page}: {image['src'].rsplit('/', 1)[-1]} {why}")
    for name, report in decks["decks"].items():
        for s in report["slides"]:
            for image in s["images"]:
                figure = image["src"].startswith("data:image/png")
                why = alt_problem(image["alt"]) if figure else (None if image["alt"] else "has no alt text")
                if why:
                    bad.append(f"{name} deck slide {s['index']}: an image {why}")
    assert bad == [], "\n".join(bad)


def test_accessibility_audit(decks, visit):
    """axe-core (WCAG 2.0/2.1 A and AA rules) on every page of the site and every slide of every deck: no serious or
    critical violation."""
    bad = [f"{page}: {v}" for page, report in visit["pages"].items() for v in report["axe"]]
    for name, report in decks["decks"].items():
        bad += [f"{name} deck: {v}" for v in report["chrome"]]
        bad += [f"{name} deck slide {s['index']}: {v}" for s in report["slides"] for v in s["axe"]]
    assert bad == [], "\n".join(bad)


def test_slide_screenshots(decks, capsys):
    assert len(decks["screenshots"]) == 2 * len(notebook_names())
    for shot in decks["screenshots"]:
        assert shot.stat().st_size > 5_000, shot
    slides = [s for report in decks["decks"].values() for s in report["slides"]]
    summary = {
        "decks": len(decks["decks"]),
        "slides": len(slides),
        "slides_shrunk_to_fit": sum(s["zoom"] < 1 for s in slides),
        "smallest_zoom": min(s["zoom"] for s in slides),
        "figures": sum(i["src"].startswith("data:image/png") for s in slides for i in s["images"]),
        "slides_with_notes": sum(s["notes"] > 0 for s in slides),
    }
    (SHOTS / "decks.json").write_text(json.dumps(summary, indent=1) + "\n")
    with capsys.disabled():
        print("\nsite-test decks:", json.dumps(summary))


RISE_NOTEBOOK = "01_random_walk"


def _press(browser: Browser, key: str, code: int, modifiers: int = 0) -> None:
    for kind in ("rawKeyDown", "keyUp"):
        event = {"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code, "modifiers": modifiers}
        browser.send("Input.dispatchKeyEvent", event, session=True)


def test_rise_presents_a_notebook_live(tmp_path):
    """Issue 27: in JupyterLab with RISE (what `make lab` installs), a notebook opens as slides, one per slide cell of
    its metadata, and Shift+Enter runs its cells inside the slideshow on a live kernel. The notebook is a
    copy with its outputs cleared, in a temporary folder, so the output seen is the one the kernel just printed (and
    JupyterLab's autosave cannot touch notebooks/)."""
    import importlib.util
    import socket
    import sys
    import urllib.request

    if importlib.util.find_spec("jupyterlab_rise") is None:
        pytest.fail("jupyterlab-rise is not installed: it is in pyproject's dev extra, which `make lab` installs")
    executable = find_chromium()
    if executable is None:
        pytest.skip("Chromium is not installed (no /usr/bin/chromium): RISE was not tested in a browser")
    stored = json.loads((ROOT / "notebooks" / f"{RISE_NOTEBOOK}.ipynb").read_text(encoding="utf-8"))
    for cell in stored["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    (tmp_path / "deck.ipynb").write_text(json.dumps(stored), encoding="utf-8")
    slides_in_metadata = sum(c["metadata"].get("slideshow", {}).get("slide_type") == "slide" for c in stored["cells"])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    lab = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
         "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={tmp_path}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    browser = None
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2)
                break
            except OSError:
                if lab.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("jupyter lab did not start (run `make lab` to see why)")
                time.sleep(0.5)
        browser = Browser(executable)
        browser.open(f"http://127.0.0.1:{port}/rise/deck.ipynb", SLIDE)
        count = "document.querySelectorAll('.reveal .slides > section').length"
        deadline = time.monotonic() + 90
        while not browser.evaluate(count):
            assert time.monotonic() < deadline, "RISE did not render the notebook as slides"
            time.sleep(0.5)
        time.sleep(2)  # let the kernel connect
        shown = browser.evaluate("document.querySelectorAll('.reveal .slides > section').length")
        assert shown == slides_in_metadata, f"RISE shows {shown} slides, the metadata has {slides_in_metadata}"
        for kind in ("mousePressed", "mouseReleased"):  # focus the notebook on its first slide, then command mode
            browser.send("Input.dispatchMouseEvent",
                         {"type": kind, "x": 600, "y": 160, "button": "left", "clickCount": 1}, session=True)  # fmt: skip
        time.sleep(0.5)
        _press(browser, "Escape", 27)
        for _ in range(3):  # the title (Markdown), the Colab setup cell, the imports: each run, then the next
            _press(browser, "Enter", 13, modifiers=8)
            time.sleep(1)
        output = (
            "(() => { const c = [...document.querySelectorAll('.jp-CodeCell')]"
            ".find(c => c.textContent.includes('dev = device()'));"
            " return c ? c.querySelector('.jp-OutputArea').textContent : ''; })()"
        )
        deadline = time.monotonic() + 120
        while "fastest device here" not in (text := browser.evaluate(output)):
            assert time.monotonic() < deadline, f"the imports cell did not run inside the slides: {text!r}"
            time.sleep(0.5)
        assert browser.evaluate("document.querySelector('.reveal') !== null")
    finally:
        if browser is not None:
            browser.close()
        lab.terminate()
        try:
            lab.wait(15)
        except subprocess.TimeoutExpired:
            lab.kill()


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
