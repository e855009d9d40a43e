"""The manager's HTML report: one self-contained file with charts, nothing fetched.

Built on :func:`simulator.review.review` (``detail=True``). Charts are drawn by
matplotlib without pyplot (no display, no global backend switch) and embedded
as base64 SVG images; the style sheet is inline; every piece of user text
(rep names, scenario ids, quotes, filters) goes through :func:`html.escape`.
An SVG inside ``<img>`` cannot run scripts, so chart labels are safe as well.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import tempfile
from html import escape
from pathlib import Path
from typing import Any, Iterable

from simulator import __version__
from simulator.review import SEVERITY, SKILL_LABELS, SKILL_NAMES, Filters, review
from simulator.storage import Database

PALETTE = ("#4f46e5", "#0891b2", "#ea580c", "#db2777", "#16a34a", "#475569", "#9333ea", "#ca8a04", "#0f766e",
           "#be123c")
SEVERITY_COLOURS = {3: "#dc2626", 2: "#f59e0b", 1: "#a3a3a3"}
WORDY = ("Weakest skill", "Most frequent flag")
MAX_LINES = 8  # reps drawn on the team's time chart (every rep has their own chart below)


def e(value: Any) -> str:
    """Escape anything for HTML text or a quoted attribute."""
    return escape("" if value is None else str(value), quote=True)


# -- charts ------------------------------------------------------------------------

def _figure(width: float, height: float, left: float = 0.8, right: float = 0.2, top: float = 0.15,
            bottom: float = 0.5) -> Any:
    """A figure with fixed margins in inches (a layout engine would draw everything twice)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height)
    fig.patch.set_alpha(0)
    return fig


def _label_inches(labels: Iterable[str], size: float = 9) -> float:
    """Roughly how wide the longest tick label is, in inches."""
    return 0.1 + max((len(x) for x in labels), default=4) * size * 0.0085


def _style(ax: Any) -> None:
    ax.set_facecolor("none")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#cbd5e1")
    ax.tick_params(colors="#475569", labelsize=9)
    ax.grid(axis="y", color="#e2e8f0", linewidth=0.8)
    ax.set_axisbelow(True)


def _svg(fig: Any) -> str:
    """The figure as an ``<img>`` data URI (base64 SVG)."""
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "salesim", "text.parse_math": False}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _rc() -> Any:
    import matplotlib

    return matplotlib.rc_context({
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
        "text.parse_math": False, "axes.titlesize": 10, "axes.titleweight": "bold", "axes.titlecolor": "#334155",
        "axes.labelcolor": "#475569", "axes.labelsize": 9, "legend.fontsize": 8, "legend.frameon": False,
    })


def _dates(series: list[dict]) -> list[dt.date]:
    return [dt.date.fromisoformat(p["day"]) for p in series]


def _smooth(series: list[dict], window: int = 7) -> list[float]:
    """A call-weighted moving average over the last ``window`` days that had calls."""
    out = []
    for i in range(len(series)):
        chunk = series[max(0, i - window + 1): i + 1]
        calls = sum(p["calls"] for p in chunk)
        out.append(sum(p["overall"] * p["calls"] for p in chunk) / calls if calls else 0.0)
    return out


def _date_axis(ax: Any, days: list[dt.date] | None = None) -> None:
    import matplotlib.dates as mdates

    if days and min(days) == max(days):  # one day of calls: a week around it, not years
        ax.set_xlim(min(days) - dt.timedelta(days=3), min(days) + dt.timedelta(days=3))

    loc = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


def chart_team_time(data: dict, colours: dict[str, str]) -> str | None:
    team = data.get("team_series") or []
    if not team:
        return None
    reps = [r for r in data["reps"] if r["series"]][:MAX_LINES]
    with _rc():
        legend = [r["rep"][:28] for r in reps] + ["Team"]
        fig = _figure(10, 3.6, left=0.75, right=0.55 + _label_inches(legend, 8), top=0.1, bottom=0.55)
        ax = fig.add_subplot()
        _style(ax)
        for r in reps:
            ax.plot(_dates(r["series"]), _smooth(r["series"]), color=colours[r["rep"]], linewidth=1.6,
                    label=r["rep"][:28], alpha=0.9, marker="o" if len(r["series"]) < 3 else None, markersize=4)
        ax.plot(_dates(team), _smooth(team), color="#0f172a", linewidth=2.6, linestyle=(0, (4, 2)), label="Team",
                marker="o" if len(team) < 3 else None)
        ax.set_ylim(0, 100)
        ax.set_ylabel("overall score (moving average)")
        _date_axis(ax, _dates(team))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), handlelength=1.8)
        return _svg(fig)


def chart_skill_heatmap(data: dict) -> str | None:
    import numpy as np

    reps = [r for r in data["reps"] if r["averages"]["overall"] is not None]
    if not reps:
        return None
    skills = [s for s in SKILL_NAMES if any(r["averages"][s] is not None for r in reps)]
    cols = ["overall", *skills]
    rows = [*reps, {"rep": "Team", "averages": data["totals"]["averages"]}]
    grid = np.array([[np.nan if r["averages"][k] is None else r["averages"][k] for k in cols] for r in rows])
    with _rc():
        height = 0.9 + 0.36 * len(rows)
        fig = _figure(10, height, left=_label_inches(r["rep"][:28] for r in rows) + 0.1, right=0.05, top=0.35,
                      bottom=0.05)
        ax = fig.add_subplot()
        cmap = _cmap().with_extremes(bad="#f1f5f9")
        ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=25, vmax=95, aspect="auto")
        ax.set_xticks(range(len(cols)), [SKILL_LABELS.get(k, k) for k in cols], fontsize=9, color="#334155")
        ax.set_yticks(range(len(rows)), [r["rep"][:28] for r in rows], fontsize=9, color="#334155")
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.axhline(len(rows) - 1.5, color="white", linewidth=3)
        ax.axvline(0.5, color="white", linewidth=3)
        for i in range(len(rows)):
            for j in range(len(cols)):
                v = grid[i, j]
                ax.text(j, i, "–" if np.isnan(v) else f"{v:.0f}", ha="center", va="center", fontsize=9,
                        color="#0f172a", fontweight="bold" if i == len(rows) - 1 or j == 0 else "normal")
        return _svg(fig)


def _cmap() -> Any:
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("score", ["#fca5a5", "#fde68a", "#bbf7d0", "#4ade80"])


def chart_flags(data: dict) -> str | None:
    flags = sorted(data["flags"], key=lambda f: (-f["share"], f["rule"]))[:12]
    if not flags:
        return None
    with _rc():
        fig = _figure(10, 0.9 + 0.34 * len(flags), left=_label_inches(f["label"] for f in flags) + 0.15,
                      right=0.3, top=0.1, bottom=0.6)
        ax = fig.add_subplot()
        _style(ax)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", color="#e2e8f0", linewidth=0.8)
        labels = [f["label"] for f in flags][::-1]
        shares = [100 * f["share"] for f in flags][::-1]
        colours = [SEVERITY_COLOURS.get(round(f["severity"] or 1), "#a3a3a3") for f in flags][::-1]
        bars = ax.barh(labels, shares, color=colours, height=0.62)
        for bar, f in zip(bars, flags[::-1]):
            ax.text(bar.get_width() + 0.6, bar.get_y() + bar.get_height() / 2, f"{f['share']:.0%}  ({f['times']}×)",
                    va="center", fontsize=8, color="#475569")
        ax.set_xlim(0, max(shares) * 1.25 + 1)
        ax.set_xlabel("share of scored calls with this flag (%)")
        ax.tick_params(axis="y", labelsize=9, colors="#334155")
        return _svg(fig)


def chart_rep(rep: dict, team_averages: dict, colour: str) -> str | None:
    series = rep["series"]
    skills = [s for s in SKILL_NAMES if rep["averages"][s] is not None]
    if not series and not skills:
        return None
    with _rc():
        fig = _figure(10, 2.9, left=0.45, right=0.2, top=0.35, bottom=0.45)
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.35, 1], "wspace": 0.38})
        _style(left)
        if series:
            days = _dates(series)
            left.scatter(days, [p["overall"] for p in series], s=[10 + 4 * min(p["calls"], 10) for p in series],
                         color=colour, alpha=0.25, linewidths=0)
            left.plot(days, _smooth(series), color=colour, linewidth=2, marker="o" if len(series) < 3 else None)
            _date_axis(left, days)
        left.set_ylim(0, 100)
        left.set_title("Overall score over time", loc="left")
        _style(right)
        right.grid(axis="y", visible=False)
        right.grid(axis="x", color="#e2e8f0", linewidth=0.8)
        names = [SKILL_LABELS[s] for s in skills][::-1]
        values = [rep["averages"][s] for s in skills][::-1]
        weakest = (rep.get("weakest_skill") or {}).get("skill")
        right.barh(names, values, color=["#ef4444" if s == weakest else colour for s in skills][::-1], height=0.6,
                   alpha=0.9)
        team = [team_averages.get(s) for s in skills][::-1]
        right.scatter([t if t is not None else 0 for t in team], names, marker="|", s=160, color="#0f172a",
                      linewidths=2, zorder=3, label="team average")
        right.set_xlim(0, 100)
        right.set_title("Skill profile  (black tick: team average)", loc="left")
        right.tick_params(axis="y", labelsize=9, colors="#334155")
        return _svg(fig)


# -- the page ----------------------------------------------------------------------

CSS = """
:root{--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f5f6fb;--card:#fff;--accent:#4f46e5;
--good:#15803d;--mid:#b45309;--bad:#b91c1c}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",
"DejaVu Sans","Liberation Sans",Arial,sans-serif}
header{background:linear-gradient(120deg,#312e81,#4f46e5 60%,#0891b2);color:#fff;padding:36px 48px 30px}
header h1{margin:0 0 6px;font-size:30px;letter-spacing:-.01em}
header p{margin:0;opacity:.85}
main{max-width:1180px;margin:0 auto;padding:0 32px 48px}
.kpis{display:grid;grid-template-columns:repeat(5,1fr);gap:14px;margin:-22px 0 26px}
.kpi{background:var(--card);border-radius:12px;padding:14px 16px;box-shadow:0 1px 3px rgba(15,23,42,.08),0 8px 24px rgba(15,23,42,.05)}
.kpi .v{font-size:26px;font-weight:700;line-height:1.2}
.kpi .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.06em}
.kpi .s{color:var(--muted);font-size:13px}
section{background:var(--card);border-radius:14px;padding:22px 26px;margin:0 0 22px;
box-shadow:0 1px 3px rgba(15,23,42,.08)}
h2{font-size:20px;margin:0 0 4px}
h3{font-size:15px;margin:22px 0 8px}
.sub{color:var(--muted);margin:0 0 14px;font-size:14px}
img.chart{width:100%;height:auto;display:block;margin:6px 0 4px}
table{border-collapse:collapse;width:100%;font-size:14px;margin:6px 0}
th{text-align:left;color:var(--muted);font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.04em;
border-bottom:2px solid var(--line);padding:6px 8px}
td{border-bottom:1px solid var(--line);padding:7px 8px;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.pill{display:inline-block;border-radius:999px;padding:1px 9px;font-size:13px;font-weight:600}
.g{background:#dcfce7;color:var(--good)}.m{background:#fef3c7;color:var(--mid)}.b{background:#fee2e2;color:var(--bad)}
.x{background:#f1f5f9;color:var(--muted)}
.tg{color:var(--good)}.tm{color:var(--mid)}.tb{color:var(--bad)}.of{font-size:14px;color:var(--muted);font-weight:400}
.kpi .v.w{font-size:19px;padding-top:5px}
.up{color:var(--good)}.down{color:var(--bad)}.flat,.new{color:var(--muted)}
svg.spark{vertical-align:middle}
.moment{border-left:4px solid var(--bad);background:#fff7f7;border-radius:8px;padding:10px 14px;margin:10px 0}
.moment.s2{border-color:#f59e0b;background:#fffbeb}.moment.s1{border-color:#a3a3a3;background:#fafafa}
.moment .meta{font-size:12px;color:var(--muted);margin-bottom:4px}
.moment .rule{font-weight:700;color:var(--ink)}
.moment .before{color:var(--muted);font-style:italic;margin:2px 0}
.moment blockquote{margin:2px 0 6px;font-size:16px;font-weight:500}
.moment .tip{font-size:13.5px;color:#334155}
.moment .better{font-size:13.5px;color:var(--good)}
.rephead{display:flex;justify-content:space-between;align-items:baseline;flex-wrap:wrap;gap:8px}
.stats span{margin-left:12px;color:var(--muted);font-size:14px}
.stats b{color:var(--ink)}
ul.tips{margin:4px 0 0;padding-left:18px}ul.tips li{margin:6px 0}
.toc a{color:var(--accent);text-decoration:none;margin-right:12px;white-space:nowrap}
.note{color:var(--muted);font-size:13px}
footer{color:var(--muted);font-size:12px;text-align:center;padding:10px 0 30px}
@media print{body{background:#fff}section,.kpi{box-shadow:none;border:1px solid var(--line)}header{-webkit-print-color-adjust:exact;print-color-adjust:exact}
section{break-inside:avoid}}
@media (max-width:900px){.kpis{grid-template-columns:repeat(2,1fr)}main{padding:0 14px}header{padding:24px}}
"""


def _pill(v: float | None) -> str:
    if v is None:
        return '<span class="pill x">–</span>'
    cls = "g" if v >= 70 else ("m" if v >= 45 else "b")
    return f'<span class="pill {cls}">{v:.0f}</span>'


def _sparkline(scores: list[int], width: int = 84, height: int = 20) -> str:
    """A tiny inline SVG line of 0-100 scores (numbers only, so nothing to escape)."""
    if not scores:
        return ""
    if len(scores) == 1:
        scores = scores * 2
    from simulator.review import spark_range

    lo, hi = spark_range(scores)
    step = (width - 4) / (len(scores) - 1)
    pts = " ".join(f"{2 + i * step:.1f},{height - 2 - (height - 4) * (max(lo, min(hi, v)) - lo) / (hi - lo):.1f}"
                   for i, v in enumerate(scores))
    last = pts.split()[-1].split(",")
    return (f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true">'
            f'<polyline points="{pts}" fill="none" stroke="#4f46e5" stroke-width="1.6" stroke-linejoin="round"/>'
            f'<circle cx="{last[0]}" cy="{last[1]}" r="2.2" fill="#4f46e5"/></svg>')


def _score(v: float | None) -> str:
    if v is None:
        return "–"
    cls = "g" if v >= 70 else ("m" if v >= 45 else "b")
    return f'<span class="t{cls}">{v:.0f}</span><span class="of"> / 100</span>'


def _trend(tr: dict) -> str:
    arrow = {"up": "▲", "down": "▼", "flat": "▶", "new": ""}[tr["direction"]]
    change = f" {round(tr['change']):+d}" if tr["change"] is not None else ""
    return (f'{_sparkline(tr["scores"])} '
            f'<span class="{e(tr["direction"])}">{arrow}{e(change)}</span>')


def _skill(weak: dict | None) -> str:
    return "–" if not weak else f'{e(SKILL_LABELS.get(weak["skill"], weak["skill"]))} ({weak["average"]:.0f})'


def _moments(moments: Iterable[dict], show_rep: bool, tips_shown: set[str]) -> str:
    """Quote cards. A rule's coaching tip is printed once (``tips_shown`` remembers); the better line always."""
    out = []
    for m in moments:
        sev = m["severity"] or 1
        who = f'<b>{e(m["rep"])}</b> · ' if show_rep else ""
        meta = (f'{who}{e(m["scenario"])} · {e((m["started_at"] or "")[:10])} · turn {e(m["turn"])} · '
                f'<span class="rule">{e(m["label"])}</span> ({e(SEVERITY.get(sev, sev))})'
                + (f' · call score {e(m["overall"])}' if m["overall"] is not None else "")
                + (' · <i>incomplete call</i>' if m["status"] != "complete" else ""))
        before = ""
        if m.get("before"):
            speaker = "Buyer" if m["before"]["speaker"] == "buyer" else "Rep"
            before = f'<div class="before">{speaker}: “{e(_cut(m["before"]["text"]))}”</div>'
        tip = ""
        if m["tip"] and m["rule"] not in tips_shown:
            tips_shown.add(m["rule"])
            tip = f'<div class="tip">{e(m["tip"])}</div>'
        out.append(
            f'<div class="moment s{min(3, max(1, int(sev)))}"><div class="meta">{meta}</div>{before}'
            f'<blockquote>“{e(m["quote"])}”</blockquote>{tip}'
            + (f'<div class="better">Better: {e(m["better"])}</div>' if m.get("better") else "") + "</div>")
    return "\n".join(out)


def _cut(text: str, limit: int = 220) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(data: dict, title: str = "Sales practice report") -> str:
    """The report page for review data gathered with ``detail=True``."""
    t = data["totals"]
    colours = {r["rep"]: PALETTE[i % len(PALETTE)] for i, r in enumerate(data["reps"])}
    scope = "; ".join(f"{k} {v}" for k, v in data["filters"].items()) or "all calls"
    span = ""
    if t["first_call"]:
        span = f' · {e(t["first_call"][:10])} to {e(t["last_call"][:10])}'
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">",
        f"<title>{e(title)}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{e(title)}</h1><p>{e(scope)}{span} · generated {e(data['generated_at'][:16].replace('T', ' '))} UTC</p></header>",
        "<main>",
    ]
    top_flag = data["flags"][0] if data["flags"] else None
    weak = t["weakest_skill"]
    parts.append('<div class="kpis">' + "".join(
        f'<div class="kpi"><div class="l">{label}</div><div class="v{" w" if label in WORDY else ""}">{value}</div>'
        f'<div class="s">{sub}</div></div>'
        for label, value, sub in (
            ("Calls", f'{t["sessions"]:,}', f'{t["complete"]:,} complete · {t["incomplete"]:,} incomplete'),
            ("Reps", f'{t["reps"]:,}', f'{len(data["scenarios"])} scenario(s)'),
            ("Team average", _score(t["averages"]["overall"]), "overall score of complete calls"),
            ("Weakest skill", e(SKILL_LABELS.get(weak["skill"], weak["skill"])) if weak else "–",
             f'team average {weak["average"]:.0f}' if weak else ""),
            ("Most frequent flag", e(top_flag["label"]) if top_flag else "none",
             f'in {top_flag["share"]:.0%} of scored calls' if top_flag else ""),
        )) + "</div>")

    if not t["sessions"]:
        parts.append('<section><h2>No calls yet</h2><p class="sub">No call in the score log matches this report. '
                     "Play a call with <code>salesim play</code>, then run the report again.</p></section>")
        return "\n".join(parts + _footer())

    # -- the team
    parts.append('<section id="team"><h2>Team</h2>')
    parts.append(f'<p class="sub">Scores are 0–100, higher is better, averaged over complete calls. '
                 f'{t["incomplete"]:,} call(s) did not finish ({t["in_progress"]:,} interrupted or still running, '
                 f'{t["abandoned"]:,} abandoned): they count in the call totals and their flags, not in the averages.</p>')
    chart = chart_team_time(data, colours)
    if chart:
        drawn = len([r for r in data["reps"] if r["series"]])
        more = (f" The {MAX_LINES} most active reps are drawn; every rep has a chart in their section below."
                if drawn > MAX_LINES else "")
        parts.append(f'<h3>Overall score over time</h3><img class="chart" alt="Overall score over time by rep" src="{chart}">'
                     f'<p class="note">A moving average over each rep\'s last seven days with calls.{e(more)}</p>')
    chart = chart_skill_heatmap(data)
    if chart:
        parts.append(f'<h3>Skill profile by rep</h3><img class="chart" alt="Average score per skill for each rep" src="{chart}">')
    chart = chart_flags(data)
    if chart:
        parts.append(f'<h3>Flag frequency</h3><img class="chart" alt="How often each flag was raised" src="{chart}">'
                     '<p class="note">Red: critical, amber: serious, grey: minor.</p>')
    parts.append('<h3>Reps</h3><table><tr><th>Rep</th><th class="n">Calls</th><th class="n">Complete</th>'
                 '<th class="n">Incomplete</th><th class="n">Won</th><th class="n">Average</th>'
                 '<th>Trend (last calls)</th><th>Weakest skill</th><th>Last call</th></tr>')
    for i, r in enumerate(data["reps"]):
        parts.append(f'<tr><td><a href="#rep-{i}">{e(r["rep"])}</a></td><td class="n">{r["sessions"]:,}</td>'
                     f'<td class="n">{r["complete"]:,}</td><td class="n">{r["incomplete"]:,}</td>'
                     f'<td class="n">{r["won"]:,}</td><td class="n">{_pill(r["averages"]["overall"])}</td>'
                     f'<td>{_trend(r["trend"])}</td><td>{_skill(r["weakest_skill"])}</td>'
                     f'<td>{e((r["last_call"] or "")[:10])}</td></tr>')
    parts.append("</table>")
    parts.append('<h3>Scenarios</h3><table><tr><th>Scenario</th><th class="n">Calls</th><th class="n">Complete</th>'
                 '<th class="n">Incomplete</th><th class="n">Won</th><th class="n">Average</th><th>Weakest skill</th></tr>')
    for s in data["scenarios"]:
        parts.append(f'<tr><td>{e(s["scenario"])}</td><td class="n">{s["sessions"]:,}</td><td class="n">{s["complete"]:,}</td>'
                     f'<td class="n">{s["incomplete"]:,}</td><td class="n">{s["won"]:,}</td>'
                     f'<td class="n">{_pill(s["averages"]["overall"])}</td><td>{_skill(s["weakest_skill"])}</td></tr>')
    parts.append("</table>")
    if data["worst_moments"]:
        parts.append("<h3>The team's worst moments</h3>" + _moments(data["worst_moments"], True, set()))
    parts.append("</section>")

    if len(data["reps"]) > 1:
        parts.append('<section class="toc"><b>Reps:</b> ' + " ".join(
            f'<a href="#rep-{i}">{e(r["rep"])}</a>' for i, r in enumerate(data["reps"])) + "</section>")

    # -- one section per rep
    for i, r in enumerate(data["reps"]):
        parts.append(f'<section id="rep-{i}"><div class="rephead"><h2>{e(r["rep"])}</h2><div class="stats">'
                     f'<span><b>{r["sessions"]:,}</b> calls</span><span><b>{r["complete"]:,}</b> complete</span>'
                     f'<span><b>{r["incomplete"]:,}</b> incomplete</span><span>average {_pill(r["averages"]["overall"])}</span>'
                     f'<span>trend {_trend(r["trend"])}</span></div></div>')
        weak = r["weakest_skill"]
        if weak:
            parts.append(f'<p class="sub">Weakest skill: <b>{e(SKILL_LABELS.get(weak["skill"], weak["skill"]))}</b> '
                         f'(average {weak["average"]:.0f}, team {_team(data, weak["skill"])}).</p>')
        chart = chart_rep(r, t["averages"], colours[r["rep"]])
        if chart:
            parts.append(f'<img class="chart" alt="{e(r["rep"])}: score over time and skill profile" src="{chart}">')
        if r["worst_moments"]:
            in_tips = {f["rule"] for f in r["top_flags"][:3]}
            parts.append("<h3>Worst moments</h3>" + _moments(r["worst_moments"], False, set(in_tips)))
        if r["top_flags"]:
            parts.append('<h3>Coaching tips</h3><ul class="tips">' + "".join(
                f'<li><b>{e(f["label"])}</b> ({f["times"]}×): {e(f["tip"])}'
                + (f' <span class="better">Try: {e(f["better"])}</span>' if f["better"] else "") + "</li>"
                for f in r["top_flags"][:3]) + "</ul>")
        elif r["complete"]:
            parts.append('<p class="sub">No flags raised: keep doing what you are doing.</p>')
        parts.append("</section>")
    return "\n".join(parts + _footer())


def _team(data: dict, skill: str) -> str:
    v = data["totals"]["averages"].get(skill)
    return "–" if v is None else f"{v:.0f}"


def _footer() -> list[str]:
    return [f"</main><footer>salesim {e(__version__)} · score-log report · every figure comes from the local "
            "score log; nothing in this file is loaded from the network.</footer></body></html>"]


def write_report(db: Database, path: Path, filters: Filters | None = None, title: str | None = None,
                 last: int = 5) -> dict:
    """Build the report for ``filters`` into ``path`` (atomically); returns the review data used."""
    data = review(db, filters, last=last, detail=True)
    page = render(data, title or "Sales practice report")
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=str(path.parent.resolve()))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(page)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return data
