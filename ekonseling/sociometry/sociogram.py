"""The sociogram: the classic target layout, computed once (pure) and drawn as SVG here or as a PDF
drawing in `exports.py` from the same geometry.

- Rings by what the student received: stars (bintang) in the centre, then those at or above the
  mean score, then those below it who were chosen, and outside the target those nobody chose
  (terisolir, and rejected students nobody chose).
- Around the rings, students who choose each other mutually sit side by side: the order is by
  groups of mutual choices (connected), largest first, then by score.
- Shapes by sex: a square for a boy (L), a circle for a girl (P), a diamond when unknown.
- Lines: a mutual choice is a thick line with no arrow; a one-way choice a thin line with an
  arrowhead at the chosen; a rejection a dashed red line with an arrowhead at the rejected.
- Each node carries the student's number in the sociomatrix; the short name is written beside it
  (a legend under the picture lists every number with the full name, so 40 students stay legible).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from .analysis import ISOLATE, REJECTED, STAR, Analysis, StudentIndex

SIZE = 1000.0
CENTRE = SIZE / 2
NODE_R = 15.0
RING_RADII = (0.12, 0.36, 0.62, 0.9)  # as a share of half the size: stars, >= mean, < mean, never chosen
ARROW = 9.0


@dataclass
class Node:
    id: int
    number: int
    label: str
    sex: str
    ring: int
    x: float
    y: float
    categories: list[str] = field(default_factory=list)


@dataclass
class Edge:
    kind: str  # "mutual", "one_way", "rejection"
    x1: float
    y1: float
    x2: float
    y2: float
    arrow: tuple[tuple[float, float], ...] = ()  # the arrowhead's polygon, empty for mutual lines
    rank: int = 1


@dataclass
class Layout:
    size: float
    nodes: list[Node]
    edges: list[Edge]
    rings: list[float]


def short_name(name: str, limit: int = 12) -> str:
    first = (name or "").split()[0] if (name or "").split() else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _ring(member: StudentIndex, mean: float) -> int:
    if STAR in member.categories:
        return 0
    if member.chosen_by == 0:
        return 3
    return 1 if member.score >= mean else 2


def _groups(result: Analysis) -> dict[int, int]:
    """Each member's group of mutual choices (connected), ranked: the largest group first."""
    parent = {m.id: m.id for m in result.members}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in result.mutual_pairs:
        parent[find(a)] = find(b)
    sizes: dict[int, int] = {}
    for m in result.members:
        root = find(m.id)
        sizes[root] = sizes.get(root, 0) + 1
    ranked = sorted(sizes, key=lambda r: (-sizes[r], r))
    order = {root: i for i, root in enumerate(ranked)}
    return {m.id: order[find(m.id)] for m in result.members}


def layout(result: Analysis, *, ranks: int | None = None, rejections: bool = True) -> Layout:
    """Where every student and line goes. `ranks`: draw only choices up to this rank (1 = first
    choices only); `rejections`: draw rejections."""
    mean = result.thresholds.mean_score
    groups = _groups(result)
    ordered = sorted(result.members, key=lambda m: (groups[m.id], -m.score, m.number))
    goal = {m.id: 2 * math.pi * i / max(len(ordered), 1) for i, m in enumerate(ordered)}
    half = SIZE / 2
    radii = [r * half for r in RING_RADII]
    by_ring: dict[int, list] = {0: [], 1: [], 2: [], 3: []}
    for m in result.members:
        by_ring[_ring(m, mean)].append(m)
    nodes: dict[int, Node] = {}
    for ring, members in by_ring.items():
        if not members:
            continue
        members.sort(key=lambda m: goal[m.id])
        count = len(members)
        radius = radii[ring]
        if ring == 0 and count == 1:
            radius = 0.0
        # The ring is wide enough for its students (a crowded ring grows a little outwards).
        radius = max(radius, count * (2 * NODE_R + 14) / (2 * math.pi)) if radius else 0.0
        start = goal[members[0].id]
        for i, m in enumerate(members):
            angle = start + 2 * math.pi * i / count
            x = CENTRE + radius * math.sin(angle)
            y = CENTRE - radius * math.cos(angle)
            nodes[m.id] = Node(m.id, m.number, short_name(m.name), m.sex, ring, x, y, list(m.categories))

    edges: list[Edge] = []
    mutual = set(result.mutual_pairs)
    drawn_mutual: set[tuple[int, int]] = set()
    for (chooser, chosen), (rank, positive) in sorted(result.matrix.items(), key=lambda kv: (kv[1][1], -kv[1][0])):
        if ranks is not None and rank > ranks:
            continue
        a, b = nodes.get(chooser), nodes.get(chosen)
        if a is None or b is None:
            continue
        if positive:
            key = (chooser, chosen) if (chooser, chosen) in mutual else (chosen, chooser)
            if key in mutual:
                back = result.matrix.get((chosen, chooser))
                if ranks is None or (back and back[0] <= ranks):
                    if key in drawn_mutual:
                        continue
                    drawn_mutual.add(key)
                    edges.append(_edge("mutual", a, b, rank, arrow=False))
                    continue
            edges.append(_edge("one_way", a, b, rank))
        elif rejections:
            edges.append(_edge("rejection", a, b, rank))
    edges.sort(key=lambda e: {"rejection": 0, "one_way": 1, "mutual": 2}[e.kind])
    return Layout(SIZE, [nodes[m.id] for m in result.members], edges, radii)


def _edge(kind: str, a: Node, b: Node, rank: int, arrow: bool = True) -> Edge:
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    x1, y1 = a.x + ux * NODE_R, a.y + uy * NODE_R
    x2, y2 = b.x - ux * (NODE_R + 1), b.y - uy * (NODE_R + 1)
    head: tuple[tuple[float, float], ...] = ()
    if arrow:
        bx, by = x2 - ux * ARROW, y2 - uy * ARROW
        px, py = -uy * ARROW * 0.5, ux * ARROW * 0.5
        head = ((x2, y2), (bx + px, by + py), (bx - px, by - py))
    return Edge(kind, x1, y1, x2, y2, head, rank)


# --- SVG ------------------------------------------------------------------------------------------------

COLOURS = {
    "mutual": "#1b5e20",
    "one_way": "#5c6f82",
    "rejection": "#c62828",
    "ring": "#d7dde3",
    "star": "#ffd54f",
    "isolate": "#eeeeee",
    "rejected": "#ffcdd2",
    "node": "#e3f2fd",
    "text": "#1a1a1a",
}


def node_fill(node: Node) -> str:
    if STAR in node.categories:
        return COLOURS["star"]
    if REJECTED in node.categories:
        return COLOURS["rejected"]
    if ISOLATE in node.categories:
        return COLOURS["isolate"]
    return COLOURS["node"]


def _f(value: float) -> str:
    return f"{value:.1f}"


def _shape(node: Node) -> str:
    fill = node_fill(node)
    common = f'fill="{fill}" stroke="#263238" stroke-width="1.5"'
    if node.sex == "L":
        return (
            f'<rect x="{_f(node.x - NODE_R)}" y="{_f(node.y - NODE_R)}" width="{_f(2 * NODE_R)}" '
            f'height="{_f(2 * NODE_R)}" {common}/>'
        )
    if node.sex == "P":
        return f'<circle cx="{_f(node.x)}" cy="{_f(node.y)}" r="{_f(NODE_R)}" {common}/>'
    r = NODE_R * 1.2
    corners = ((node.x, node.y - r), (node.x + r, node.y), (node.x, node.y + r), (node.x - r, node.y))
    points = " ".join(f"{_f(x)},{_f(y)}" for x, y in corners)
    return f'<polygon points="{points}" {common}/>'


def svg(drawn: Layout, *, title: str = "") -> str:
    """The sociogram as a standalone SVG document (also inlined in the page). No style attribute
    (the content security policy refuses them): presentation attributes only."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(drawn.size)} {_f(drawn.size)}" '
        f'role="img" aria-label={quoteattr(title or "sociogram")} class="sociogram" '
        f'font-family="DejaVu Sans, Arial, sans-serif">'
    ]
    if title:
        out.append(f"<title>{escape(title)}</title>")
    for radius in drawn.rings:
        out.append(
            f'<circle cx="{_f(CENTRE)}" cy="{_f(CENTRE)}" r="{_f(radius)}" fill="none" '
            f'stroke="{COLOURS["ring"]}" stroke-width="1.5" stroke-dasharray="2 6"/>'
        )
    for edge in drawn.edges:
        colour = COLOURS[edge.kind]
        width = {"mutual": 3.2, "one_way": 1.4 if edge.rank > 1 else 1.9, "rejection": 1.4}[edge.kind]
        dash = ' stroke-dasharray="7 5"' if edge.kind == "rejection" else ""
        out.append(
            f'<line x1="{_f(edge.x1)}" y1="{_f(edge.y1)}" x2="{_f(edge.x2)}" y2="{_f(edge.y2)}" '
            f'stroke="{colour}" stroke-width="{width}"{dash} data-kind="{edge.kind}"/>'
        )
        if edge.arrow:
            points = " ".join(f"{_f(x)},{_f(y)}" for x, y in edge.arrow)
            out.append(f'<polygon points="{points}" fill="{colour}"/>')
    for node in drawn.nodes:
        out.append(f'<g data-student="{node.number}" data-ring="{node.ring}">')
        out.append(f"<title>{node.number}. {escape(node.label)}</title>")
        out.append(_shape(node))
        out.append(
            f'<text x="{_f(node.x)}" y="{_f(node.y + 4.5)}" text-anchor="middle" font-size="12" '
            f'font-weight="bold" fill="{COLOURS["text"]}">{node.number}</text>'
        )
        out.append(
            f'<text x="{_f(node.x)}" y="{_f(node.y + NODE_R + 13)}" text-anchor="middle" font-size="11" '
            f'fill="{COLOURS["text"]}">{escape(node.label)}</text>'
        )
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)
