"""A layered drawing of a directed graph, worked out in Python (no JavaScript, no network).

Layers are networkx's topological generations of the graph with its cycles condensed (the
teams of a cycle share a layer), so producers stand left of the teams that rely on them;
within a layer, boxes are ordered by the barycentre of their neighbours, a few sweeps each
way, which removes most crossings. The result is geometry only: boxes and edge paths in
SVG user units, for `output.html` to draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BOX_WIDTH = 250
LINE_HEIGHT = 15
BOX_PADDING = 10
GAP_X = 150  # room between layers for the edges and their labels
GAP_Y = 26
MARGIN = 20
SWEEPS = 4


@dataclass(frozen=True, slots=True)
class Box:
    id: str
    x: float
    y: float
    width: float
    height: float
    layer: int

    @property
    def middle_y(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True, slots=True)
class Route:
    source: str
    target: str
    path: str  # SVG path data
    label_x: float
    label_y: float


@dataclass(frozen=True, slots=True)
class Layout:
    width: float
    height: float
    boxes: dict[str, Box]
    routes: list[Route]


def box_height(lines: int) -> float:
    return 2 * BOX_PADDING + max(lines, 1) * LINE_HEIGHT


def layered(nodes: Sequence[tuple[str, int]], edges: Sequence[tuple[str, str]]) -> Layout:
    """Place `nodes` (id, lines of text) in layers so that `edges` (source, target) run left to right."""
    layers = _layers([node_id for node_id, _ in nodes], edges)
    _order(layers, edges)
    lines = dict(nodes)
    heights = [sum(box_height(lines[n]) for n in layer) + GAP_Y * (len(layer) - 1) for layer in layers]
    tallest = max(heights, default=0.0)
    boxes: dict[str, Box] = {}
    for index, layer in enumerate(layers):
        x = MARGIN + index * (BOX_WIDTH + GAP_X)
        y = MARGIN + (tallest - heights[index]) / 2
        for node_id in layer:
            height = box_height(lines[node_id])
            boxes[node_id] = Box(node_id, x, y, BOX_WIDTH, height, index)
            y += height + GAP_Y
    routes = [_route(boxes[s], boxes[t]) for s, t in edges if s != t and s in boxes and t in boxes]
    width = 2 * MARGIN + len(layers) * BOX_WIDTH + max(len(layers) - 1, 0) * GAP_X
    return Layout(width, tallest + 2 * MARGIN, boxes, routes)


def _layers(node_ids: list[str], edges: Sequence[tuple[str, str]]) -> list[list[str]]:
    """Topological generations of the graph with each cycle condensed into one place."""
    import networkx as nx

    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(node_ids)
    graph.add_edges_from((s, t) for s, t in edges if s != t)
    condensed = nx.condensation(graph)
    order = {node_id: index for index, node_id in enumerate(node_ids)}
    layers = []
    for generation in nx.topological_generations(condensed):
        members = [m for group in generation for m in condensed.nodes[group]["members"]]
        layers.append(sorted(members, key=order.__getitem__))
    return layers


def _order(layers: list[list[str]], edges: Sequence[tuple[str, str]]) -> None:
    """Reorder each layer by the mean position of its neighbours in the layer before (then after)."""
    before: dict[str, list[str]] = {}
    after: dict[str, list[str]] = {}
    for source, target in edges:
        if source != target:
            after.setdefault(source, []).append(target)
            before.setdefault(target, []).append(source)
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        sequence = range(1, len(layers)) if forward else range(len(layers) - 2, -1, -1)
        neighbours = before if forward else after
        for index in sequence:
            position = {n: i for layer in layers for i, n in enumerate(layer)}
            keys = {n: (_barycentre(neighbours.get(n, []), position, i), i) for i, n in enumerate(layers[index])}
            layers[index].sort(key=keys.__getitem__)


def _barycentre(neighbours: list[str], position: dict[str, int], own: int) -> float:
    """The mean position of a node's neighbours in the next layer; its own place when it has none."""
    found = [position[n] for n in neighbours if n in position]
    return sum(found) / len(found) if found else float(own)


def _route(source: Box, target: Box) -> Route:
    """A curve into the left side of `target` from the right side of `source` when it runs forward;
    within a layer (a cycle) it bulges out right of both boxes, and back, from the left of `source`
    into the right of `target`."""
    if target.layer > source.layer:
        start_x, end_x, out, into = source.x + source.width, target.x, 1, -1
    elif target.layer == source.layer:
        start_x, end_x, out, into = source.x + source.width, target.x + target.width, 1, 1
    else:
        start_x, end_x, out, into = source.x, target.x + target.width, -1, 1
    start_y, end_y = source.middle_y, target.middle_y
    bend = max(abs(end_x - start_x) / 2, 60.0)
    path = (
        f"M {start_x:.1f} {start_y:.1f} C {start_x + out * bend:.1f} {start_y:.1f}, "
        f"{end_x + into * bend:.1f} {end_y:.1f}, {end_x:.1f} {end_y:.1f}"
    )
    # A cubic curve passes its middle at the mean of its four points.
    middle_x = (start_x + end_x) / 2 + (out + into) * bend * 3 / 8
    return Route(source.id, target.id, path, middle_x, (start_y + end_y) / 2)
