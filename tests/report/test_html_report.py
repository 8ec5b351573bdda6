"""The HTML report: structure without a browser, then a real headless Chromium.

The browser tests drive Debian's ``chromium`` over the DevTools protocol on a
pipe (``--remote-debugging-pipe``: no port, no websocket library). They load the
page, fail on any console error, uncaught exception, error log entry or network
request besides the page itself, check the chart and the diagram are drawn,
take screenshots and check they are not blank (a small PNG decoder below). When
chromium is missing, the session fixture installs it with apt-get (as root); it
skips, saying why, only where that cannot be done. Set KZPOLICY_SCREENSHOTS to a
folder to keep the screenshots.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import re
import select
import shutil
import struct
import subprocess
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import kzpolicy
from conftest import CliRun
from kzpolicy import InputError
from kzpolicy.cli.report_commands import emit
from kzpolicy.engine.results import Assessment
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.report.graph import network
from kzpolicy.report.html import comparison_page, page
from kzpolicy.report.svg import node_element_id
from kzpolicy.report.text import markdown, markdown_comparison

CASES: dict[str, dict[str, bool] | str] = {
    "article-2010": "article-2010",
    "nothing": {},
    "integration": {"I1": True, "I2": True, "I3": True, "I4": True, "china_suspicion_grows": True},
    "distancing": {"D1": True, "D2": True, "D3": True, "D4": True, "tough_rivalry": True},
    "both-poles": {"I1": True, "I2": True, "I3": True, "I4": True, "D1": True, "D2": True,
                   "D3": True, "D4": True, "cooperation_intensifies": False},
}


def _assess(case: dict[str, bool] | str) -> Assessment:
    if isinstance(case, str):
        return kzpolicy.assess(preset=case)
    return kzpolicy.assess(case)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return kzpolicy.load()


@pytest.fixture(scope="module")
def article() -> Assessment:
    return kzpolicy.assess(preset="article-2010")


@pytest.fixture(scope="module")
def what_if() -> tuple[Assessment, Assessment]:
    before = kzpolicy.assess(preset="article-2010")
    after = kzpolicy.assess({"D1": True, "D2": True, "D3": True, "D4": True, "D5": True,
                             "B1": False, "B2": False, "B3": False,
                             "cooperation_intensifies": False}, preset="article-2010")
    return before, after


# --------------------------------------------------------------------------- HTML parsing
class Tree(HTMLParser):
    """Elements with their attributes and ancestors; flags unbalanced tags."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                      "meta", "source", "track", "wbr"})

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.elements: list[tuple[str, dict[str, str], tuple[str, ...]]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()
        if self.stack:
            self.problems.append(f"unclosed: {self.stack}")

    def _record(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}, tuple(self.stack)))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._record(tag, attrs)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._record(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def by_id(self, ident: str) -> tuple[str, dict[str, str], tuple[str, ...]]:
        found = [e for e in self.elements if e[1].get("id") == ident]
        assert len(found) == 1, f"{len(found)} elements with id {ident!r}"
        return found[0]

    def with_class(self, cls: str, tag: str | None = None) -> list[dict[str, str]]:
        return [a for t, a, _ in self.elements
                if cls in a.get("class", "").split() and (tag is None or t == tag)]


def _check_self_contained(text: str, tree: Tree) -> None:
    assert not re.search(r"https?:|//[a-z0-9.-]+\.[a-z]{2,}/", text, re.IGNORECASE)
    forbidden = {"script", "link", "img", "iframe", "object", "embed", "base", "audio",
                 "video", "source", "picture", "frame"}
    assert not [t for t, _, _ in tree.elements if t in forbidden]
    for tag, attrs, _ in tree.elements:
        assert "src" not in attrs, tag
        for name in ("href", "xlink:href", "action", "data", "poster"):
            assert attrs.get(name, "#").startswith("#"), (tag, name, attrs.get(name))
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
    assert "@import" not in text and "@font-face" not in text
    assert all(u.startswith("url(#") for u in re.findall(r"url\([^)]*\)", text))


# --------------------------------------------------------------------------- structure
@pytest.mark.parametrize("name", list(CASES))
def test_page_structure(name: str, kb: KnowledgeBase) -> None:
    a = _assess(CASES[name])
    text = page(a)
    tree = Tree(text)
    assert tree.problems == []
    assert text.startswith("<!DOCTYPE html>")
    ids = Counter(attrs["id"] for _, attrs, _ in tree.elements if "id" in attrs)
    assert [i for i, n in ids.items() if n > 1] == []
    _check_self_contained(text, tree)
    # the chart: one bar per scenario, the implied one marked, widths follow the shares
    assert tree.by_id("shares-chart")[0] == "svg"
    bars = tree.with_class("bar", "g")
    assert [b["data-scenario"] for b in bars] == list(a.scenario.shares)
    assert [b["data-scenario"] for b in bars if "implied" in b["class"].split()] == [
        a.scenario.id]
    values = [float(x["width"]) for x in tree.with_class("value", "rect")]
    tracks = [float(x["width"]) for x in tree.with_class("track", "rect")]
    assert values == pytest.approx([s * tracks[0] for s in a.scenario.shares.values()],
                                   abs=0.1)
    # the diagram: every node and edge of the network, what fired marked `on`
    net = network(kb)
    assert tree.by_id("network-diagram")[0] == "svg"
    nodes = tree.with_class("node", "g")
    assert len(nodes) == len(net.nodes)
    assert len(tree.with_class("edge", "path")) == len(net.edges)
    on = {n["data-id"] for n in nodes if "on" in n["class"].split()}
    assert a.flagged_ids() | {a.scenario.id} | {k for k, v in a.asserted.items() if v} <= on
    assert {t.rule for t in a.trace} - {kb.decision.id} <= on
    for n in net.nodes.values():
        tree.by_id(node_element_id(n))
    # flagged items: a row each, with kind, locator, stance and because
    for f in (*a.risks, *a.engaged):
        _, _, _ = tree.by_id(f"item-{f.id}")
        assert f"<code>{f.id}</code>" in text and str(f.locator) in text
        assert all(f"<code>{s.rule}</code>" in text for s in f.because)
    # scenario, margin, runner-up, conditions given, knowledge base
    assert f"{a.scenario.margin:+.2f}" in text and f"<code>{a.scenario.runner_up}</code>" in text
    for ident in a.asserted:
        tree.by_id(f"cond-{ident}")
    assert a.kb_version in "".join(tree.text)
    assert '<meta name="viewport"' in text and "@media print" in text


def test_page_escapes_text(article: Assessment) -> None:
    text = page(article, title='<script>alert("x")</script> & co')
    assert "<script>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in text
    assert Tree(text).problems == []


def test_page_refuses_a_different_knowledge_base(
    article: Assessment, tmp_path: Path
) -> None:
    from kzpolicy.kb.loading import stock_rules_path

    copy = tmp_path / "rules"
    shutil.copytree(stock_rules_path(), copy)
    with (copy / "parameters.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n# a local change\n")
    other = kzpolicy.load(copy)
    if other.version == article.kb_version:  # pragma: no cover - comments not in the digest
        pytest.skip("a comment does not change the knowledge-base version")
    with pytest.raises(InputError, match="knowledge base"):
        page(article, kb=other)
    mine = kzpolicy.assess(preset="article-2010", kb=other)
    assert other.version in page(mine, kb=other)


def test_comparison_page_structure(what_if: tuple[Assessment, Assessment]) -> None:
    before, after = what_if
    text = comparison_page(before, after)
    tree = Tree(text)
    assert tree.problems == []
    _check_self_contained(text, tree)
    bars = tree.with_class("bar", "g")
    assert len(bars) == 2 * len(after.scenario.shares)
    assert {b["class"].split()[1] for b in bars} == {"s-before", "s-after"}
    assert tree.with_class("gained", "g") and tree.with_class("lost", "g")
    assert tree.with_class("gained", "path") and tree.with_class("lost", "path")
    changes = {a["id"][5:]: a.get("class", "") for t, a, _ in tree.elements
               if t == "tr" and a.get("id", "").startswith("item-")}
    was, now = before.flagged_ids(), after.flagged_ids()
    assert set(changes) == was | now
    assert {i for i, c in changes.items() if c == "added"} == now - was
    assert {i for i, c in changes.items() if c == "removed"} == was - now
    assert "changed" in tree.by_id("cond-cooperation_intensifies")[1]["class"]
    assert before.scenario.id in text and after.scenario.id in text


def test_markdown_carries_the_report(article: Assessment, kb: KnowledgeBase) -> None:
    md = markdown(article, kb=kb)
    assert md.startswith("## Implied scenario")
    for ident in article.flagged_ids():
        assert f"| {ident} |" in md
    assert "```mermaid\nflowchart LR" in md and "r_scenario_decision" in md
    assert f"over `{article.scenario.runner_up}` (runner-up)" in md
    assert article.kb_version in md and "`B1=true`" in md
    assert "| balance (implied) | 1.00 | `██████████` |" in md


def test_markdown_comparison(what_if: tuple[Assessment, Assessment]) -> None:
    before, after = what_if
    md = markdown_comparison(before, after)
    assert md.startswith(f"## What-if: `{before.scenario.id}` → `{after.scenario.id}`")
    assert "| cooperation_intensifies | true | false |" in md
    for ident in after.flagged_ids() - before.flagged_ids():
        assert re.search(rf"^\| added \| {ident} \|", md, re.MULTILINE)
    for ident in before.flagged_ids() - after.flagged_ids():
        assert re.search(rf"^\| removed \| {ident} \|", md, re.MULTILINE)
    assert "```mermaid" in md and "fired only before" in md


# --------------------------------------------------------------------------- CLI


def test_cli_report_writes_one_html_file(cli_run: CliRun, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, printed = cli_run("report", "--preset", "article-2010", "--set", "tough_rivalry",
                        "-o", str(target))
    assert code == 0 and printed == ""
    text = target.read_text(encoding="utf-8")
    assert Tree(text).problems == [] and 'id="item-C1"' in text
    code, printed = cli_run("report", "--set", "D1", "--format", "markdown")
    assert code == 0 and printed.startswith("## Implied scenario")
    code, printed = cli_run("report", "--set", "D1", "--title", "Mine")
    assert code == 0 and "<title>Mine</title>" in printed


def test_cli_report_what_if(cli_run: CliRun, tmp_path: Path) -> None:
    target = tmp_path / "whatif.html"
    code, _ = cli_run("report", "--set", "D1", "--set", "D2", "--what-if", "D3", "--what-if",
                  "D4", "--what-if", "cooperation_intensifies=false", "-o", str(target))
    assert code == 0
    text = target.read_text(encoding="utf-8")
    assert 'class="chip changed"' in text and "distancing" in text
    code, md = cli_run("report", "--set", "D1", "--what-if", "D2", "--format", "markdown")
    assert code == 0 and md.startswith("## What-if:")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["report", "--set", "D9"], "'D9'"),
        (["report", "--preset", "nope"], "unknown preset"),
        (["report", "--set", "D1", "--what-if", "D2=maybe"], "true or false"),
        (["report", "--what-if", "nope"], "'nope'"),
        (["report", "--file", "/nonexistent.yaml"], "no such file"),
    ],
)
def test_cli_report_bad_input_exits_2(
    cli_run: CliRun, argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, printed = cli_run(*argv)
    err = capsys.readouterr().err
    assert code == 2 and printed == ""
    assert fragment in err and err.count("\n") == 1


def test_emit_to_a_file_or_standard_output(
    article: Assessment, kb: KnowledgeBase, tmp_path: Path,
    capsys: pytest.CaptureFixture[str]
) -> None:
    html = kzpolicy.render(article, "html", kb=kb)
    out = io.StringIO()
    assert emit(html, None, out) == 0 and out.getvalue() == html
    target = tmp_path / "a.html"
    assert emit(html, str(target), io.StringIO()) == 0
    assert target.read_text(encoding="utf-8") == html
    out = io.StringIO()
    emit("text", "-", out)
    assert out.getvalue() == "text"
    assert emit(html, str(tmp_path / "missing" / "a.html"), io.StringIO()) == 1
    err = capsys.readouterr().err
    assert "cannot write the file" in err and err.count("\n") == 1


def test_cli_an_unwritable_output_file_exits_1(
    cli_run: CliRun, capsys: pytest.CaptureFixture[str]
) -> None:
    for cmd in (["report"], ["assess"], ["graph"], ["assess", "--format", "json"]):
        code, printed = cli_run(*cmd, "-o", "/nonexistent/dir/out")
        err = capsys.readouterr().err
        assert (code, printed) == (1, ""), cmd
        assert "-o /nonexistent/dir/out: cannot write the file" in err and err.count("\n") == 1


# --------------------------------------------------------------------------- browser
def _find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _install_chromium() -> str:
    """Install Debian's chromium with apt-get; return why not, when it did not work."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "installing it needs root (as root: apt-get install chromium)"
    if shutil.which("apt-get") is None:
        return "this machine has no apt-get"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        try:
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1500,
                                  check=False, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"`{' '.join(cmd)}` did not finish: {exc}"
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return f"`{' '.join(cmd)}` failed: {' / '.join(tail)}"
    return "apt-get install chromium finished, yet no chromium is on PATH"


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, installed when missing; skip with the reason if that fails."""
    found = _find_chromium()
    if found is None:
        why = _install_chromium()
        found = _find_chromium()
        if found is None:
            pytest.skip(f"browser tests need Debian's chromium, which is missing and could "
                        f"not be installed: {why}")
    return found


def test_install_says_why_it_cannot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert "needs root" in _install_chromium()
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert "no apt-get" in _install_chromium()


class Browser:
    """Headless Chromium driven over the DevTools protocol on a pipe (fds 3 and 4)."""

    DEADLINE = 120.0  # seconds without a reply before giving up (a hang, not a measure)

    def __init__(self, exe: str, profile: Path) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire() -> None:  # in the child: the pipes on fds 3 and 4, inheritable
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.log = profile / "chromium.log"
        with self.log.open("wb") as err:
            self.proc = subprocess.Popen(
                [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--hide-scrollbars", "--mute-audio",
                 f"--user-data-dir={profile / 'profile'}", "--remote-debugging-pipe"],
                preexec_fn=wire, close_fds=False, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=err)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_chrome], [], [], self.DEADLINE)
            chunk = os.read(self._from_chrome, 1 << 20) if ready else b""
            if not chunk:
                tail = self.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"chromium stopped answering; its log ends:\n{tail}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_for(self, method: str, session: str) -> None:
        while True:
            event = self._read()
            self.events.append(event)
            if event.get("method") == method and event.get("sessionId") == session:
                return

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError):  # it may have died already
            self.call("Browser.close")
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


class Tab:
    """One page in its own target, with the problems it reported while loading."""

    def __init__(self, browser: Browser, width: int, height: int, *, mobile: bool = False
                 ) -> None:
        self.b = browser
        self.target: str = browser.call("Target.createTarget", {"url": "about:blank"})[
            "targetId"]
        self.session: str = browser.call(
            "Target.attachToTarget", {"targetId": self.target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        self.url = ""

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.b.call(method, params, self.session)

    def load(self, path: Path) -> list[str]:
        """Open the file; return every console error, exception, error log entry and
        request other than the page itself."""
        self.url = path.resolve().as_uri()
        start = len(self.b.events)
        self.call("Page.navigate", {"url": self.url})
        self.b.wait_for("Page.loadEventFired", self.session)
        self.evaluate("1")  # a round trip: events raised before it are in
        problems = []
        for event in self.b.events[start:]:
            if event.get("sessionId") != self.session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params["type"] in (
                    "error", "assert", "warning"):
                problems.append(f"console {params['type']}: {params['args']}")
            elif method == "Runtime.exceptionThrown":
                problems.append(f"exception: {params['exceptionDetails']}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                problems.append(f"log {params['entry']['level']}: {params['entry']['text']}")
            elif method == "Network.requestWillBeSent" and params["request"]["url"] != self.url:
                problems.append(f"request: {params['request']['url']}")
        return problems

    def evaluate(self, expression: str) -> Any:
        reply = self.call("Runtime.evaluate", {"expression": expression,
                                               "returnByValue": True})
        if "exceptionDetails" in reply:
            raise RuntimeError(f"{expression[:60]}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, name: str, folder: Path, clip: dict[str, float] | None = None
                   ) -> bytes:
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": clip is not None,
                                  "optimizeForSpeed": True}  # simpler PNG filters, quick to read
        if clip is not None:
            params["clip"] = {**clip, "scale": 1}
        data = base64.b64decode(self.call("Page.captureScreenshot", params)["data"])
        (folder / name).write_bytes(data)
        keep = os.environ.get("KZPOLICY_SCREENSHOTS")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            (Path(keep) / name).write_bytes(data)
        return data

    def close(self) -> None:
        self.b.call("Target.closeTarget", {"targetId": self.target})


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes) to RGB rows."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    chunks, pos = bytearray(), 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        if data[pos + 4:pos + 8] == b"IDAT":
            chunks += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(bytes(chunks))
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    prev = bytearray(stride)
    low, high = int.from_bytes(b"\x7f" * stride, "big"), int.from_bytes(b"\x80" * stride, "big")
    rows = []
    for y in range(height):
        at = y * (stride + 1)
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:  # bytewise (x + up) mod 256 on big integers: no carry between bytes
            x, up = int.from_bytes(line, "big"), int.from_bytes(prev, "big")
            line = bytearray((((x & low) + (up & low)) ^ ((x ^ up) & high)).to_bytes(
                stride, "big"))
        elif kind == 3:
            for i in range(bpp):
                line[i] = (line[i] + (prev[i] >> 1)) & 255
            for i in range(bpp, stride):
                line[i] = (line[i] + ((line[i - bpp] + prev[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(bpp):
                line[i] = (line[i] + prev[i]) & 255
            for i in range(bpp, stride):
                a, b, c = line[i - bpp], prev[i], prev[i - bpp]
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - c - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line) if bpp == 3 else bytes(
            v for i, v in enumerate(line) if i % 4 != 3))
        prev = line
    return width, height, rows


def ink(data: bytes) -> tuple[int, float, Counter[tuple[int, int, int]]]:
    """Distinct colours, the share of pixels that are not near-white, and a colour count."""
    width, height, rows = png_pixels(data)
    colours: Counter[tuple[int, int, int]] = Counter()
    for row in rows:
        colours.update(zip(row[0::3], row[1::3], row[2::3], strict=True))
    dark = sum(n for (r, g, b), n in colours.items() if min(r, g, b) < 235)
    return len(colours), dark / (width * height), colours


def near(colours: Counter[tuple[int, int, int]], rgb: tuple[int, int, int]) -> int:
    """How many pixels are within a small distance of ``rgb``."""
    return sum(n for c, n in colours.items() if max(abs(a - b) for a, b in zip(c, rgb,
                                                                              strict=True)) < 24)


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    with tempfile.TemporaryDirectory(prefix="kzpolicy-chromium-") as folder:
        b = Browser(chromium, Path(folder))
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, article: Assessment,
          what_if: tuple[Assessment, Assessment]) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    files = {"report": folder / "report.html", "what-if": folder / "what-if.html"}
    files["report"].write_text(page(article), encoding="utf-8")
    files["what-if"].write_text(comparison_page(*what_if), encoding="utf-8")
    return files


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


_DRAWN = """JSON.stringify((() => {
  const box = e => { const r = e.getBoundingClientRect();
    return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}; };
  const chart = document.getElementById('shares-chart');
  const net = document.getElementById('network-diagram');
  const bb = net.getBBox();
  return {
    chart: box(chart), chartBBox: chart.getBBox().width * chart.getBBox().height,
    bars: [...chart.querySelectorAll('g.bar')].map(g => [g.dataset.scenario,
          g.querySelector('rect.value').getBBox().width]),
    diagram: box(net), diagramBBox: [bb.width, bb.height],
    nodes: net.querySelectorAll('g.node').length,
    edges: net.querySelectorAll('path.edge').length,
    on: [...net.querySelectorAll('g.node.on')].map(g => g.dataset.id),
    textWidth: [...net.querySelectorAll('g.node text')].reduce((s, t) =>
          s + t.getComputedTextLength(), 0),
    rows: document.querySelectorAll('tr[id^="item-"]').length,
    pageWidth: document.documentElement.scrollWidth, viewWidth: innerWidth,
  };
})())"""


def test_browser_renders_the_report(
    browser: Browser, pages: dict[str, Path], shots: Path, article: Assessment,
    kb: KnowledgeBase
) -> None:
    tab = Tab(browser, 1280, 900)
    assert tab.load(pages["report"]) == []
    drawn = json.loads(tab.evaluate(_DRAWN))
    net = network(kb)
    assert drawn["chartBBox"] > 0 and drawn["chart"]["width"] > 200
    assert dict(drawn["bars"])["balance"] > 0
    assert [s for s, w in drawn["bars"]] == list(article.scenario.shares)
    assert drawn["diagramBBox"][0] > 500 and drawn["diagramBBox"][1] > 500
    assert drawn["nodes"] == len(net.nodes) and drawn["edges"] == len(net.edges)
    assert drawn["textWidth"] > 0
    assert article.flagged_ids() <= set(drawn["on"])
    assert drawn["rows"] == len(article.risks) + len(article.engaged)
    assert drawn["pageWidth"] <= drawn["viewWidth"]

    colours, share, _ = ink(tab.screenshot("report-desktop.png", shots))
    assert colours > 50 and share > 0.03, "the screenshot is blank"
    colours, share, counts = ink(tab.screenshot("report-diagram.png", shots,
                                                drawn["diagram"]))
    assert colours > 50 and share > 0.03, "the diagram screenshot is blank"
    assert near(counts, (0xEA, 0x58, 0x0C)) > 200, "no fired edge is drawn highlighted"
    colours, share, counts = ink(tab.screenshot("report-chart.png", shots, drawn["chart"]))
    assert near(counts, (0x6D, 0x28, 0xD9)) > 200, "the implied scenario's bar is missing"
    tab.close()


def test_browser_phone_width(browser: Browser, pages: dict[str, Path], shots: Path) -> None:
    tab = Tab(browser, 390, 844, mobile=True)
    assert tab.load(pages["report"]) == []
    drawn = json.loads(tab.evaluate(_DRAWN))
    assert drawn["pageWidth"] <= drawn["viewWidth"], "the page scrolls sideways on a phone"
    assert drawn["chart"]["width"] <= drawn["viewWidth"]
    scroller = tab.evaluate("(() => { const s = document.querySelector('#network .scroll');"
                            " return [s.clientWidth, s.scrollWidth]; })()")
    assert scroller[0] <= 390 < scroller[1], "the diagram should scroll inside its box"
    hidden = tab.evaluate("getComputedStyle(document.querySelector('table.items thead'))"
                          ".display")
    assert hidden == "none", "tables should turn into cards on a phone"
    colours, share, _ = ink(tab.screenshot("report-phone.png", shots))
    assert colours > 30 and share > 0.03, "the phone screenshot is blank"
    tab.close()


def test_browser_print(browser: Browser, pages: dict[str, Path]) -> None:
    tab = Tab(browser, 1280, 900)
    assert tab.load(pages["report"]) == []
    tab.call("Emulation.setEmulatedMedia", {"media": "print"})
    fit = tab.evaluate("(() => { const r = document.getElementById('network-diagram')"
                       ".getBoundingClientRect(); return [r.width, document.body.clientWidth,"
                       " getComputedStyle(document.querySelector('label.toggle')).display]; })()")
    assert 0 < fit[0] <= fit[1] and fit[2] == "none"
    pdf = base64.b64decode(tab.call("Page.printToPDF", {"printBackground": True})["data"])
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2
    tab.close()


def test_browser_renders_the_what_if(
    browser: Browser, pages: dict[str, Path], shots: Path,
    what_if: tuple[Assessment, Assessment]
) -> None:
    tab = Tab(browser, 1280, 900)
    assert tab.load(pages["what-if"]) == []
    drawn = json.loads(tab.evaluate(_DRAWN))
    assert len(drawn["bars"]) == 2 * len(what_if[1].scenario.shares)
    assert drawn["chartBBox"] > 0 and drawn["nodes"] > 0
    counts = tab.evaluate("[document.querySelectorAll('#network-diagram .gained').length,"
                          " document.querySelectorAll('#network-diagram .lost').length]")
    assert counts[0] > 0 and counts[1] > 0
    colours, share, _ = ink(tab.screenshot("what-if-desktop.png", shots))
    assert colours > 50 and share > 0.03, "the what-if screenshot is blank"
    _, _, counts_px = ink(tab.screenshot("what-if-diagram.png", shots, drawn["diagram"]))
    assert near(counts_px, (0x15, 0x80, 0x3D)) > 100, "no gained edge drawn"
    assert near(counts_px, (0xDC, 0x26, 0x26)) > 100, "no lost edge drawn"
    tab.close()
