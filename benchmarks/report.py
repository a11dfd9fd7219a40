"""The benchmark's outputs: a plain-text table, the Markdown report and the PNG plot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.servers import hot_rounds

__all__ = ["markdown", "plot", "table", "targets"]


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "–"


def _hot_rows(run: dict[str, Any]) -> list[list[str]]:
    rows = []
    for concurrency, ours in run["hot"]["linkvault"].items():
        theirs = run["hot"]["reference"][concurrency]
        rows.append([
            str(concurrency),
            f"{ours['rps']:.0f}", f"{ours['p50_ms']:.1f}", f"{ours['p99_ms']:.1f}",
            f"{theirs['rps']:.0f}", f"{theirs['p50_ms']:.1f}", f"{theirs['p99_ms']:.1f}",
            _ratio(ours["rps"], theirs["rps"]), _ratio(ours["p99_ms"], theirs["p99_ms"]),
        ])  # fmt: skip
    return rows


def _series_rows(series: dict[Any, dict[str, float]], extra: str | None = None) -> list[list[str]]:
    rows = []
    for concurrency, point in series.items():
        row = [str(concurrency), f"{point['rps']:.0f}", f"{point['p50_ms']:.1f}", f"{point['p99_ms']:.1f}"]
        if extra:
            row.append(f"{point[extra]}")
        rows.append(row)
    return rows


def targets(run: dict[str, Any]) -> list[tuple[str, bool, str]]:
    """Each of issue 11's targets that one database's run can judge: (target, met, the figures)."""
    judged = []
    hot = run["hot"]
    if hot:
        worst_rps = min(hot["linkvault"][c]["rps"] / hot["reference"][c]["rps"] for c in hot["linkvault"])
        worst_p99 = max(
            hot["linkvault"][c]["p99_ms"] / hot["reference"][c]["p99_ms"] for c in hot["linkvault"]
        )
        judged.append(
            ("hot path ≥ 2× the reference's req/s", worst_rps >= 2, f"lowest ratio {worst_rps:.2f}×")
        )
        judged.append(
            ("hot path p99 ≤ the reference's", worst_p99 <= 1, f"highest p99 ratio {worst_p99:.2f}×")
        )
    storm = run["storm"]
    if storm:
        judged.append((
            "refresh storm: one provider refresh, every answer within provider time + 100 ms",
            storm["provider_refreshes"] == 1 and storm["within_bound"] and storm["errors"] == 0,
            f"{storm['provider_refreshes']} refresh, provider {storm['provider_ms']:.0f} ms, slowest answer "
            f"{storm['max_ms']:.0f} ms",
        ))  # fmt: skip
    if run["refresh"]:
        judged.append((
            "refresh reads: one provider refresh per account",
            all(point["provider_refreshes"] == point["accounts"] for point in run["refresh"].values()),
            ", ".join(f"{p['provider_refreshes']}/{p['accounts']}" for p in run["refresh"].values()),
        ))  # fmt: skip
    if run["callback"]:
        own = run["callback"]["own_p50_ms"]
        judged.append(("callback: linkvault's own time p50 ≤ 5 ms", own <= 5, f"{own:.1f} ms"))
    if run["peak_rss_mb"]:
        rss = run["peak_rss_mb"]["linkvault"]
        judged.append(("worker peak RSS ≤ 150 MB", rss <= 150, f"{rss:.0f} MiB"))
    scale = run.get("scale")
    if scale:
        for name, label in (("hot", "credentials read"), ("start_link", "start link")):
            ratio = scale["after"][name]["rps"] / scale["before"][name]["rps"]
            judged.append((
                f"{label} at {scale['accounts_after']:,} accounts within 10% of {scale['accounts_before']:,}",
                ratio >= 0.9,
                f"{ratio:.2f}× the req/s",
            ))  # fmt: skip
    return judged


def _text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    return "\n".join(lines)


def _markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


_HOT = [
    "c",
    "linkvault req/s",
    "p50 ms",
    "p99 ms",
    "reference req/s",
    "p50 ms",
    "p99 ms",
    "req/s ratio",
    "p99 ratio",
]


def _sections(results: dict[str, Any], render: Any) -> list[str]:
    parts = []
    for run in results["runs"]:
        parts.append(f"### {run['database']} ({run['accounts']} accounts)\n")
        if run["hot"]:
            parts.append(
                "Credentials read with a valid token (the hot path), linkvault vs the plain reference:\n"
            )
            parts.append(render(_HOT, _hot_rows(run)) + "\n")
        if run["refresh"]:
            parts.append("Credentials read that must refresh (each request a different due account):\n")
            rows = [
                [*row, f"{point.get('provider_mean_ms', 0):.1f}"]
                for row, point in zip(
                    _series_rows(run["refresh"], "provider_refreshes"), run["refresh"].values(), strict=True
                )
            ]
            parts.append(render(["c", "req/s", "p50 ms", "p99 ms", "provider refreshes", "provider ms each"],
                                rows) + "\n")  # fmt: skip
        if run["start_link"]:
            parts.append("Start link:\n")
            parts.append(render(["c", "req/s", "p50 ms", "p99 ms"], _series_rows(run["start_link"])) + "\n")
        if run["callback"]:
            cb = run["callback"]
            parts.append(
                f"Full callback ({cb['count']}, one at a time): total p50 {cb['total_p50_ms']:.1f} ms, p99 "
                f"{cb['total_p99_ms']:.1f} ms; the provider's own time p50 {cb['provider_p50_ms']:.1f} ms; "
                f"linkvault's own time p50 {cb['own_p50_ms']:.1f} ms, p99 {cb['own_p99_ms']:.1f} ms.\n"
            )
            if cb.get("split"):
                split = cb["split"]
                parts.append(
                    f"Where a callback's time went (means, from the server's own histograms at `/metrics`): "
                    f"{split['total_mean_ms']:.1f} ms in all; the provider's own {split['provider_mean_ms']:.1f}; "
                    f"the token request beyond it {split['token_request_beyond_provider_ms']:.1f} (httpx, the "
                    f"loopback connection, the provider's server before its timer); the rest of the app "
                    f"{split['rest_of_app_ms']:.1f} (middleware, validation, using the state up, the ID token, "
                    f"saving the account); outside the app {split['outside_app_ms']:.1f} (uvicorn, the sockets, "
                    f"the harness's client).\n"
                )
        if run["storm"]:
            st = run["storm"]
            parts.append(
                f"Refresh storm: {st['connections']} connections reading one due account for 2 s "
                f"({st['requests']} requests, {st['errors']} failed), {st['provider_refreshes']} provider refresh "
                f"({st['provider_ms']:.0f} ms at the provider, sequence moved {st['sequence_moves']}×); answers p50 "
                f"{st['p50_ms']:.1f} ms, p99 {st['p99_ms']:.0f} ms, slowest {st['max_ms']:.0f} ms.\n"
            )
        if run["peak_rss_mb"]:
            rss = run["peak_rss_mb"]
            parts.append(
                f"Peak RSS: linkvault worker {rss['linkvault']:.0f} MiB, reference {rss['reference']:.0f} MiB.\n"
            )
        if run.get("scale"):
            scale = run["scale"]
            parts.append(
                f"{scale['accounts_before']:,} against {scale['accounts_after']:,} accounts (c=8; two servers side "
                f"by side, one on a copy of the database grown to {scale['accounts_after']:,} accounts, measured in "
                f"turns; the median of {scale.get('rounds', 1)} rounds):\n"
            )
            rows = [
                [name, f"{scale['before'][key]['rps']:.0f}", f"{scale['before'][key]['p99_ms']:.1f}",
                 f"{scale['after'][key]['rps']:.0f}", f"{scale['after'][key]['p99_ms']:.1f}",
                 _ratio(scale['after'][key]['rps'], scale['before'][key]['rps'])]
                for key, name in (("hot", "credentials read"), ("start_link", "start link"))
            ]  # fmt: skip
            parts.append(
                render(
                    [
                        "",
                        f"{scale['accounts_before']:,} req/s",
                        "p99 ms",
                        f"{scale['accounts_after']:,} req/s",
                        "p99 ms",
                        "req/s ratio",
                    ],
                    rows,
                )
                + "\n"
            )
        if run["query_plans"]:
            parts.append(render(["statement", "plan"], [[k, f"`{v}`" if render is _markdown_table else v]
                                                       for k, v in run["query_plans"].items()]) + "\n")  # fmt: skip
        judged = targets(run)
        if judged:
            parts.append(
                render(["target", "met", "figures"], [[t, "yes" if ok else "NO", f] for t, ok, f in judged])
                + "\n"
            )
    return parts


def table(results: dict[str, Any]) -> str:
    """The whole run as plain text, for the terminal."""
    return "\n".join(_sections(results, _text_table))


def markdown(results: dict[str, Any], *, plot: Path | None) -> str:
    env = results["environment"]
    options = results["options"]
    rounds, seconds = hot_rounds(options["duration"], options.get("hot_rounds", 1))
    header = [
        "# Benchmark results",
        "",
        "Written by `nox -s bench` (`python -m benchmarks.run`; see `benchmarks/README.md` for what each "
        "figure means and how the run is set up). Ratios are linkvault's figure over the plain reference's, "
        "measured side by side in this one run.",
        "",
        f"- date: {env['date']}; commit {env['commit']} (uncommitted changes: {env['dirty']})",
        f"- machine: {env['machine']}; {env['os']}",
        f"- Python {env['python']}, uvicorn {env['uvicorn']}, Connexion {env['connexion']}, SQLAlchemy "
        f"{env['sqlalchemy']}, {env['postgresql']}, {env['wrk']}",
        f"- {options['duration']:.0f} s per point (the hot path: {rounds} rounds of {seconds} s, linkvault and the "
        f"reference in turns, each figure the median of its rounds); concurrency "
        f"{', '.join(map(str, options['concurrency']))}; "
        f"server on core 0, wrk, the harness and the test provider on core 1 (PostgreSQL unpinned); "
        f"the whole run took {results['seconds']:.0f} s",
        "",
    ]
    if plot is not None:
        header += [f"![throughput and p99 against concurrency]({plot.name})", ""]
    footer = [
        "For every target marked NO, [README.md](README.md#where-the-time-goes) shows where the time goes "
        "(profiles) and what would close the gap; for the callback, each database's section above also "
        "splits this run's time by the server's own histograms. The query plans above show every hot "
        "statement is an index lookup; `--grow-to 1000000` measures the 1,000,000-account target.",
        "",
    ]
    return "\n".join(header + _sections(results, _markdown_table) + footer)


def plot(results: dict[str, Any], path: Path) -> None:
    """Throughput and p99 against concurrency, linkvault and the reference, one column per database."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = [run for run in results["runs"] if run["hot"]]
    figure, axes = plt.subplots(2, len(runs), figsize=(6 * len(runs), 7), squeeze=False)
    for column, run in enumerate(runs):
        for name, style in (("linkvault", "o-"), ("reference", "s--")):
            series = run["hot"][name]
            levels = [int(c) for c in series]
            axes[0][column].plot(levels, [p["rps"] for p in series.values()], style, label=name)
            axes[1][column].plot(levels, [p["p99_ms"] for p in series.values()], style, label=name)
        axes[0][column].set_title(f"credentials read, {run['database']}")
        axes[0][column].set_ylabel("requests per second")
        axes[0][column].set_ylim(bottom=0)
        axes[1][column].set_ylabel("p99 latency (ms)")
        axes[1][column].set_yscale("log")
        for row in (0, 1):
            axes[row][column].set_xscale("log", base=2)
            axes[row][column].set_xticks(levels, [str(c) for c in levels])
            axes[row][column].set_xlabel("concurrent connections")
            axes[row][column].grid(alpha=0.3)
            axes[row][column].legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
