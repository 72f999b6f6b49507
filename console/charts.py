"""The dashboard's charts as ECharts options built with pyecharts.

Pages carry each chart's options as JSON in a data attribute (no inline script: the CSP allows
our own files only) and `static/dashboard.js` draws them with the vendored ECharts. Each chart
also carries the drill-down filters of its data points, in the points' order, so that a click
opens the tickets behind the point.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pyecharts import options as opts
from pyecharts.charts import Bar, HeatMap, Line, Pie
from pyecharts.charts.chart import Chart

Translate = Callable[[str], str]
RATE_SERIES = ("response_rate", "resolved_on_time_rate", "satisfaction_rate", "reopen_rate")


@dataclass(frozen=True)
class ChartSpec:
    """What a page needs to draw one chart: its options and the filters behind each point."""

    options: str
    points: str


def _spec(chart: Chart, points: list[dict[str, Any]]) -> ChartSpec:
    return ChartSpec(options=chart.dump_options(), points=json.dumps(points, ensure_ascii=False))


def _percent(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


def _base(title: str) -> dict[str, Any]:
    return {
        "title_opts": opts.TitleOpts(title=title),
        "tooltip_opts": opts.TooltipOpts(trigger="axis"),
    }


def _init() -> opts.InitOpts:
    # no animation: the page is read, not watched, and screenshots show the final chart
    return opts.InitOpts(
        animation_opts=opts.AnimationOpts(animation=False), aria_opts=opts.AriaOpts(is_enable=True)
    )


def trend_chart(points: list[dict[str, Any]], t: Translate) -> ChartSpec:
    """Tickets received per day or week (bars) and the rates in per cent (lines)."""
    periods = [point["period"] for point in points]
    bars = (
        Bar(init_opts=_init())
        .add_xaxis(periods)
        .add_yaxis(t("m_received"), [point["received"] for point in points], yaxis_index=0)
        .extend_axis(
            yaxis=opts.AxisOpts(
                name="%", min_=0, max_=100, axislabel_opts=opts.LabelOpts(formatter="{value}%")
            )
        )
        .set_series_opts(label_opts=opts.LabelOpts(is_show=False))
        .set_global_opts(
            **_base(t("chart_trend")),
            legend_opts=opts.LegendOpts(pos_bottom=0),
            yaxis_opts=opts.AxisOpts(name=t("m_received"), min_=0),
        )
    )
    lines = Line().add_xaxis(periods)
    for name in RATE_SERIES:
        lines.add_yaxis(
            t(f"m_{name}"),
            [_percent(point[name]) for point in points],
            yaxis_index=1,
            is_connect_nones=False,
            label_opts=opts.LabelOpts(is_show=False),
        )
    bars.overlap(lines)
    bars.options.update(grid={"top": 70, "bottom": 60, "left": 50, "right": 50})  # legend below
    return _spec(bars, [{"day": period} for period in periods])


def category_chart(rows: list[dict[str, Any]], t: Translate) -> ChartSpec:
    """The category mix: tickets received per category."""
    pie = Pie(init_opts=_init())
    if rows:  # pyecharts refuses a pie without data; an empty period draws just the title
        pie.add(
            t("m_received"),
            [(row["name"], row["received"]) for row in rows],
            radius=["35%", "65%"],
            center=["50%", "58%"],
        )
    pie.set_series_opts(label_opts=opts.LabelOpts(formatter="{b}: {c} ({d}%)")).set_global_opts(
        **{**_base(t("chart_categories")), "tooltip_opts": opts.TooltipOpts(trigger="item")},
        legend_opts=opts.LegendOpts(is_show=False),
    )
    return _spec(pie, [row["filters"] for row in rows])


def heat_chart(table: dict[str, Any], t: Translate) -> ChartSpec:
    """District × category: tickets received per cell, darker for more."""
    districts = table["districts"]
    codes = [category["service_code"] for category in table["categories"]]
    names = [category["name"] for category in table["categories"]]
    values = [
        [codes.index(cell["service_code"]), districts.index(cell["district"]), cell["received"]]
        for cell in table["cells"]
    ]
    most = max((value[2] for value in values), default=0)
    heat = (
        HeatMap(init_opts=_init())
        .add_xaxis(names)
        .add_yaxis(
            t("m_received"),
            [label or t("unknown_district") for label in districts],
            values,
            label_opts=opts.LabelOpts(is_show=True, position="inside"),
        )
        .set_global_opts(
            **{**_base(t("chart_matrix")), "tooltip_opts": opts.TooltipOpts(trigger="item")},
            visualmap_opts=opts.VisualMapOpts(min_=0, max_=max(most, 1), orient="horizontal"),
            legend_opts=opts.LegendOpts(is_show=False),
        )
    )
    points = [
        {"district": cell["district"], "service_code": cell["service_code"]}
        for cell in table["cells"]
    ]
    return _spec(heat, points)
