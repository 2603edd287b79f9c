"""Figures of the interpretation page (plotly): the Jaccard heat map and the linkage network; and hit-testing a
click on the driver map."""

from __future__ import annotations

import networkx as nx

from ..textsafe import plot


def heatmap(lk):
    """Jaccard of every pair (the diagonal, an item with itself, left blank), coloured up to the strongest pair."""
    import plotly.graph_objects as go

    jac = lk.jaccard.astype(float).copy()
    for i in jac.index:
        jac.loc[i, i] = float("nan")
    top = float(jac.max().max()) if jac.notna().any().any() else 1.0
    names = [plot(f"{i} {lk.labels.get(i, '')}"[:40]) for i in jac.index]
    fig = go.Figure(go.Heatmap(z=jac.values, x=[plot(c) for c in jac.columns], y=names, colorscale="Blues", zmin=0,
                               zmax=top or 1.0, colorbar={"title": "Jaccard"}, hoverongaps=False,
                               hovertemplate="%{y} × %{x}: %{z:.3f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return fig.update_layout(height=520, margin={"l": 0, "r": 0, "t": 10, "b": 0})


def network(graph: nx.Graph):
    """The linkage graph: node size = units, edge width = Jaccard (relative to the strongest), labels = short names."""
    import plotly.graph_objects as go

    from ..export.driver_map import short_name

    pos = nx.spring_layout(graph, seed=7, weight="jaccard") if len(graph) else {}
    top = max((d["jaccard"] for _a, _b, d in graph.edges(data=True)), default=0) or 1.0
    fig = go.Figure()
    for a, b, d in graph.edges(data=True):
        fig.add_trace(go.Scatter(x=[pos[a][0], pos[b][0]], y=[pos[a][1], pos[b][1]], mode="lines",
                                 line={"width": 0.8 + 7 * d["jaccard"] / top, "color": "rgba(90,110,130,0.5)"},
                                 hoverinfo="text",
                                 text=plot(f"{a}–{b}: {d['together']} together, Jaccard {d['jaccard']}"),
                                 showlegend=False))
    nodes = list(graph.nodes(data=True))
    mid = (max(p[0] for p in pos.values()) + min(p[0] for p in pos.values())) / 2 if pos else 0.0
    fig.add_trace(go.Scatter(
        x=[pos[n][0] for n, _ in nodes], y=[pos[n][1] for n, _ in nodes], mode="markers+text",
        text=[plot(short_name(d.get("label") or n)) for n, d in nodes], showlegend=False,
        textposition=[("top left" if pos[n][0] > mid else "top right") for n, _ in nodes],  # labels run inward
        hoverinfo="text", hovertext=[f"<b>{plot(n)} {plot(d['label'])}</b><br>{d['units']} units, "
                                     f"{d['participants']} participants" for n, d in nodes],
        marker={"size": [8 + 3 * d["units"] ** 0.5 for _, d in nodes], "color": "#4a78a8"}))
    if pos:  # room around the outermost nodes for their labels (plotly clips text at the plot's edge)
        xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
        padx, pady = 0.1 * (max(xs) - min(xs) or 1), 0.12 * (max(ys) - min(ys) or 1)
        fig.update_xaxes(range=[min(xs) - padx, max(xs) + padx])
        fig.update_yaxes(range=[min(ys) - pady, max(ys) + 2 * pady])
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=520, margin={"l": 0, "r": 0, "t": 10, "b": 0}, plot_bgcolor="white")
    return fig


def nearest_driver(layout, x: float, y: float) -> str | None:
    """The driver whose node is nearest to a clicked point of the driver map (None on an empty map)."""
    if not layout.drivers:
        return None
    return min(layout.drivers, key=lambda i: (layout.drivers[i]["x"] - x) ** 2 + (layout.drivers[i]["y"] - y) ** 2)
