"""The sociogram's geometry and drawing (pure), and the PDF drawing of the same layout."""

import math
import random
import re

from ekonseling.sociometry import analysis, sociogram
from ekonseling.sociometry.analysis import Member, Pick

from .test_analysis import SEVEN, SEVEN_PICKS, A, B, C, D, E, F, G


def _seven():
    return analysis.analyse(SEVEN, SEVEN_PICKS, choices=3, rejections=1)


def _distance(node):
    return math.hypot(node.x - sociogram.CENTRE, node.y - sociogram.CENTRE)


def test_stars_in_the_centre_isolates_outside():
    drawn = sociogram.layout(_seven())
    nodes = {n.id: n for n in drawn.nodes}
    assert nodes[A].ring == 0 and _distance(nodes[A]) == 0  # the one star sits in the middle
    assert {nodes[i].ring for i in (B, C)} == {1}  # at or above the mean score
    assert {nodes[i].ring for i in (D, E)} == {2}  # chosen, below the mean
    assert {nodes[i].ring for i in (F, G)} == {3}  # nobody chose them: outside
    inner = max(_distance(nodes[i]) for i in (A, B, C, D, E))
    assert min(_distance(nodes[i]) for i in (F, G)) > inner


def test_lines_mutual_one_way_and_rejections():
    drawn = sociogram.layout(_seven())
    kinds = [e.kind for e in drawn.edges]
    assert kinds.count("mutual") == 6  # each mutual pair once, no arrowhead
    assert all(not e.arrow for e in drawn.edges if e.kind == "mutual")
    # One-way: 18 choices made (six students, three each), 12 of them in mutual pairs -> 6 arrows.
    assert kinds.count("one_way") == 6
    assert kinds.count("rejection") == 4
    assert all(len(e.arrow) == 3 for e in drawn.edges if e.kind != "mutual")
    first_only = sociogram.layout(_seven(), ranks=1, rejections=False)
    assert {e.kind for e in first_only.edges} <= {"mutual", "one_way"}
    # First choices: A↔B mutual, C→A, D→C, E→B, G→A.
    assert sorted(e.kind for e in first_only.edges) == ["mutual", "one_way", "one_way", "one_way", "one_way"]


def test_the_svg_shapes_by_sex_and_no_style_attribute():
    svg = sociogram.svg(sociogram.layout(_seven()), title='K1 <belajar> & "teman"')
    assert svg.count("<rect") == 4 and svg.count("<circle") == 3 + len(sociogram.RING_RADII)  # A C E G boys
    assert 'stroke-dasharray="7 5"' in svg  # rejections dashed
    assert "style=" not in svg and "<script" not in svg
    assert "&lt;belajar&gt; &amp;" in svg


def _class_of(n, seed=40):
    rng = random.Random(seed)
    members = [Member(i, f"Siswa Nomor{i} Panjang", "L" if i % 2 else "P") for i in range(1, n + 1)]
    picks = []
    for m in members:
        others = [o.id for o in members if o.id != m.id]
        chosen = rng.sample(others, 3)
        picks += [Pick(m.id, c, r) for r, c in enumerate(chosen, start=1)]
        picks.append(Pick(m.id, rng.choice([o for o in others if o not in chosen]), 1, False))
    return analysis.analyse(members, picks, choices=3, rejections=1)


def test_forty_students_do_not_overlap():
    drawn = sociogram.layout(_class_of(40))
    nodes = drawn.nodes
    for i, a in enumerate(nodes):
        assert a.x - sociogram.NODE_R >= 0 and a.x + sociogram.NODE_R <= drawn.size
        assert a.y - sociogram.NODE_R >= 0 and a.y + sociogram.NODE_R + 16 <= drawn.size
        for b in nodes[i + 1 :]:
            assert math.hypot(a.x - b.x, a.y - b.y) >= 2 * sociogram.NODE_R + 4, (a, b)
    svg = sociogram.svg(drawn)
    assert len(re.findall(r"<g data-student=", svg)) == 40
    assert "Siswa" in svg and "Panjang" not in svg  # the short name on the picture, full names in the table


def test_the_pdf_drawing_has_the_same_geometry():
    from ekonseling.sociometry import exports

    drawn = sociogram.layout(_seven())
    drawing = exports.sociogram_drawing(drawn, 400)
    strings = sorted(s.text for s in drawing.contents if s.__class__.__name__ == "String" and s.text.isdigit())
    assert strings == [str(i) for i in range(1, 8)]
    dashed = [s for s in drawing.contents if s.__class__.__name__ == "Line" and s.strokeDashArray]
    assert len(dashed) == 4
