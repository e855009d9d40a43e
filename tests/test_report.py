"""The HTML report: self-contained, escaped, charts embedded, and it renders in a real browser."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import require, salesim
from test_review import call

from simulator.report import render, write_report
from simulator.review import review
from simulator.storage import Database

EVIL_REP = '<script>alert("rep")</script> & Co'
EVIL_QUOTE = '<img src=x onerror="alert(1)"> "quoted" & \'single\''


@pytest.fixture
def log(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'log.db'}")
    recs = [call(f"a{i}", "Ana", f"2024-03-{i + 1:02d}", overall=45 + 3 * i, rapport=40,
                 flags=(("premature_concession", 2, 3, "Fine, ten percent off."),) if i < 3 else ())
            for i in range(8)]
    recs += [call("e1", EVIL_REP, "2024-03-05", overall=50, scenario="<b>scn</b>",
                  flags=(("blame_or_excuse", 4, 2, EVIL_QUOTE),)),
             call("only-killed", "Kim", "2024-03-06", overall=None, status="in_progress"),
             call("single", "Lou $x^2$ \\frac", "2024-03-07", overall=70)]  # matplotlib must not read math
    db.import_records(recs)
    return db


def test_the_report_is_self_contained_and_escapes_every_user_text(log: Database, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    data = write_report(log, out)
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "onerror=" not in page.replace("onerror=&quot;", "")  # only ever as escaped text
    assert "&lt;script&gt;alert(&quot;rep&quot;)&lt;/script&gt; &amp; Co" in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &quot;quoted&quot; &amp; &#x27;single&#x27;" in page
    assert "&lt;b&gt;scn&lt;/b&gt;" in page
    # nothing is loaded from anywhere: every image is a data URI, no links to the network
    sources = re.findall(r'\b(?:src|href)="([^"]*)"', page)
    assert sources and all(s.startswith(("data:image/svg+xml;base64,", "#")) for s in sources)
    assert not re.search(r"https?://|url\(|@import", re.sub(r'src="data:[^"]*"', "", page))
    assert "Content-Security-Policy" in page
    # the three team charts, then one per rep with complete calls
    charts = page.count('<img class="chart"')
    assert charts == 3 + sum(1 for r in data["reps"] if r["series"])
    assert page.count('<section id="rep-') == len(data["reps"]) == 4
    assert "Coaching tips" in page and "Fine, ten percent off." in page
    assert "incomplete" in page


def test_a_report_of_an_empty_log_still_renders(tmp_path: Path) -> None:
    page = render(review(Database("sqlite://"), detail=True))
    assert "No calls yet" in page and page.rstrip().endswith("</html>")


def test_report_command_writes_the_file_with_filters(log: Database, tmp_path: Path) -> None:
    out = tmp_path / "ana.html"
    res = salesim("report", "--html", str(out), "--db", log.url, "--rep", "Ana", "--title", "March <review>")
    assert res.returncode == 0, res.stderr
    assert "Wrote" in res.stderr and "8 call(s), 1 rep(s)" in res.stderr
    page = out.read_text(encoding="utf-8")
    assert "March &lt;review&gt;" in page and "Kim" not in page
    res = salesim("report", "--db", log.url)
    assert res.returncode == 2  # --html is required
    res = salesim("report", "--html", "/no/such/folder/r.html", "--db", log.url)
    assert res.returncode == 1 and "cannot write" in res.stderr and "Traceback" not in res.stderr


def test_the_report_renders_in_headless_chromium(log: Database, tmp_path: Path) -> None:
    browser = require("chromium")
    from PIL import Image

    out = tmp_path / "report.html"
    write_report(log, out)
    shot = tmp_path / "shot.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                        f"--screenshot={shot}", "--window-size=1280,2400", out.as_uri()],
                       capture_output=True, timeout=120, check=False)
    assert shot.exists(), "chromium did not write a screenshot"
    img = Image.open(shot).convert("RGB")
    assert img.size == (1280, 2400)
    colours = img.resize((320, 600)).getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 200  # header, cards, charts: not a blank page
    # the header band is the dark indigo gradient, so the style sheet was applied
    r, g, b = img.getpixel((40, 20))
    assert b > r and b > g and r < 120
