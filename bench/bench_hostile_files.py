"""Hostile uploads: peak memory growth and time for the worst file under each import's limits (goal: ≤ 256 MB, ≤ 10 s).

Each file is built to cost the most while staying under the limits the reader checks
(`core.spreadsheets`: per-part unpacked sizes, CSV line length, rows, columns; the definition
loader's size and depth), plus the files that used to hurt (issue 11 item 8), which must now be
refused at once. Each case runs in a forked process, so its peak (VmHWM) is its own; growth is the
peak minus the process's size when the case started.
"""

import io
import json
import os
import time
import zipfile

from ekonseling.core import spreadsheets

MB = 1024 * 1024
GOAL_MB, GOAL_S = 256, 10


# --- building files ------------------------------------------------------------------------------------------


def _xlsx(sheet_xml: bytes, shared_xml: bytes | None = None, styles_xml: bytes | None = None) -> bytes:
    """A minimal .xlsx around the given parts (what openpyxl needs, nothing more)."""
    content_types = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/xl/workbook.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        b'<Override PartName="/xl/worksheets/sheet1.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        + (
            b'<Override PartName="/xl/sharedStrings.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            if shared_xml
            else b""
        )
        + (
            b'<Override PartName="/xl/styles.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            if styles_xml
            else b""
        )
        + b"</Types>"
    )
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        b'Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{base}/worksheet" Target="worksheets/sheet1.xml"/>'
        + (f'<Relationship Id="rId2" Type="{base}/sharedStrings" Target="sharedStrings.xml"/>' if shared_xml else "")
        + (f'<Relationship Id="rId3" Type="{base}/styles" Target="styles.xml"/>' if styles_xml else "")
        + "</Relationships>"
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared_xml:
            archive.writestr("xl/sharedStrings.xml", shared_xml)
        if styles_xml:
            archive.writestr("xl/styles.xml", styles_xml)
    return out.getvalue()


SHEET_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_TAIL = b"</sheetData></worksheet>"
SST_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _header_row() -> bytes:
    return b'<row><c t="inlineStr"><is><t>NISN</t></is></c><c t="inlineStr"><is><t>Nama</t></is></c></row>'


def shared_strings_file(count: int, length: int = 1) -> bytes:
    """`count` distinct shared strings of about `length` characters: openpyxl keeps each one, indexed."""
    pad = b"x" * max(0, length - 6)
    parts = [SST_HEAD] + [b"<si><t>%x%s</t></si>" % (n, pad) for n in range(count)] + [b"</sst>"]
    rows = [_header_row()] + [
        b'<row><c t="s"><v>%d</v></c><c t="s"><v>%d</v></c></row>' % (i, i + 1) for i in range(50)
    ]
    return _xlsx(SHEET_HEAD + b"".join(rows) + SHEET_TAIL, b"".join(parts))


def dense_sheet_file(cells: int, per_row: int = 10_000) -> bytes:
    """About `cells` cells (never fewer) in wide rows (cut to the column limit after parsing)."""
    row = b"<row>" + b"<c><v>1</v></c>" * per_row + b"</row>"
    count = -(-(cells - 2) // per_row)  # at least `cells` cells
    return _xlsx(SHEET_HEAD + _header_row() + row * count + SHEET_TAIL)


def styles_file(budget: int) -> bytes:
    head = b'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>'
    xf = b'<xf numFmtId="0" fontId="0"/>'
    count = (budget - 256) // len(xf)
    styles = head + xf * count + b"</cellXfs></styleSheet>"
    return _xlsx(SHEET_HEAD + _header_row() + SHEET_TAIL, styles_xml=styles)


def csv_long_lines(budget: int) -> bytes:
    line = b";" * (spreadsheets.MAX_CSV_LINE_CHARS - 2) + b"\n"
    return b"NISN;Nama\n" + line * ((budget - 16) // len(line))


def csv_many_rows(budget: int) -> bytes:
    return b"NISN;Nama\n" + b"1;a\n" * ((budget - 16) // 4)


def old_bomb() -> bytes:
    """The issue's file: 0.5 MB that unpacks to about 195 MB of shared strings."""
    body = b"<si><t>" + b"A" * 1000 + b"</t></si>"
    return _xlsx(SHEET_HEAD + _header_row() + SHEET_TAIL, SST_HEAD + body * 195_000 + b"</sst>")


def definition_file(budget: int) -> bytes:
    """A definition of as many items as fit the upload limit."""
    items = []
    size = 0
    n = 0
    while size < budget - 4096:
        item = {"number": n + 1, "area": "A", "text": f"Butir {n + 1}"}
        size += len(json.dumps(item)) + 2
        items.append(item)
        n += 1
    data = {
        "schema": 1,
        "code": "BENCH",
        "version": "1",
        "title": "Bench",
        "school_levels": ["SMA"],
        "scoring": "checklist_topic",
        "answer_format": "checklist",
        "areas": [{"code": "A", "name": "A", "bidang": "pribadi"}],
        "items": items,
    }
    return json.dumps(data).encode()


# --- measuring -------------------------------------------------------------------------------------------------


def _status(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def _measure(label: str, work) -> None:
    """Run `work()` in a forked child; print its time, peak growth and outcome."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: nothing of the parent's database connection is used
        os.close(read)
        from django.db import connections

        for conn in connections.all():
            conn.connection = None  # the parent's: this process opens its own if it needs one
        start_rss = _status("VmRSS")
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            outcome = work()
        except Exception as exc:  # a refusal is an outcome too
            outcome = f"refused: {type(exc).__name__}: {str(exc)[:70]}"
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        grown = (_status("VmHWM") - start_rss) / MB
        os.write(write, json.dumps([elapsed, cpu, grown, str(outcome)]).encode())
        os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 65536):
        data += chunk
    os.waitpid(pid, 0)
    elapsed, cpu, grown, outcome = json.loads(data)
    # The time goal is judged on CPU time: on a shared machine the wall clock measures the neighbours.
    verdict = "ok" if grown <= GOAL_MB and cpu <= GOAL_S else "OVER GOAL"
    print(f"  {label}: {elapsed:.2f} s (cpu {cpu:.2f} s), +{grown:.0f} MB peak  [{verdict}]  {outcome}", flush=True)


def run():
    from ekonseling.instruments import answer_import, definition, services
    from ekonseling.students import importing, imports

    sample = services.SAMPLES_DIR / "aum-umum-contoh.json"
    aum = definition.load_definition(sample.read_bytes(), sample.name)
    student_limit = imports.max_bytes()
    answer_limit = answer_import.max_bytes()

    def students(content, name):
        return lambda: f"{len(importing.parse(content, name).records)} records"

    def answers(content, name):
        return lambda: f"{len(answer_import.parse(aum, content, name).records)} records"

    cases = [
        ("shared strings at the count cap", lambda: shared_strings_file(spreadsheets.MAX_SHARED_STRINGS), "x.xlsx"),
        (
            "shared strings at both caps (count and bytes)",
            lambda: shared_strings_file(
                spreadsheets.MAX_SHARED_STRINGS,
                spreadsheets.MAX_SHARED_STRINGS_BYTES // spreadsheets.MAX_SHARED_STRINGS - 20,
            ),
            "x.xlsx",
        ),
        ("shared strings over the cap", lambda: shared_strings_file(spreadsheets.MAX_SHARED_STRINGS + 1), "x.xlsx"),
        ("dense sheet just under the cell cap", lambda: dense_sheet_file(spreadsheets.MAX_CELLS - 10_000), "x.xlsx"),
        ("dense sheet of 3 million cells", lambda: dense_sheet_file(3_000_000), "x.xlsx"),
        ("styles at the cap", lambda: styles_file(spreadsheets.MAX_OTHER_PART_BYTES), "x.xlsx"),
        ("old zip bomb (195 MB shared strings)", old_bomb, "x.xlsx"),
    ]
    for title, limit, importer in (
        ("student import", student_limit, students),
        ("answer import", answer_limit, answers),
    ):
        print(f"  -- {title} (upload limit {limit // MB} MB)")
        for label, build, name in [
            *cases,
            ("CSV of the longest lines", lambda limit=limit: csv_long_lines(limit), "x.csv"),
            ("CSV of the most rows", lambda limit=limit: csv_many_rows(limit), "x.csv"),
            ("CSV of 50 MB", lambda: csv_many_rows(50 * MB), "x.csv"),
        ]:
            content = build()
            size = f"{len(content) / MB:.1f} MB" if len(content) >= MB else f"{len(content) // 1024} kB"
            if len(content) > limit:
                size += ", over the upload limit"
            _measure(f"{label} ({size})", importer(content, name))
    print("  -- instrument definition import")
    content = definition_file(2 * MB)
    _measure(
        f"definition of {len(content) / MB:.1f} MB",
        lambda: f"{len(definition.load_definition(content, 'x.json').items)} items",
    )
    deep = b"[" * 100_000 + b"]" * 100_000
    _measure("definition nested 100,000 deep", lambda: definition.load_definition(deep, "x.json"))
    _uploads()
    _lexicon()


# --- uploads that are decoded: attachments (images, PDFs), student photos, the school logo --------------------


def png_of_pixels(pixels: int, mode: str = "RGBA") -> bytes:
    """A PNG of about `pixels` pixels of one colour: tiny on disk, all of it decoded in memory."""
    from PIL import Image

    side = int(pixels**0.5)
    out = io.BytesIO()
    Image.new(mode, (side, side), (200, 30, 30, 255) if mode == "RGBA" else (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def pdf_of_objects(count: int) -> bytes:
    """A PDF of one page and `count` small objects (the rewrite opens and walks every one)."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.Junk = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(N=n)) for n in range(count)])
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


def pdf_compressed_bomb(unpacked: int) -> bytes:
    """A PDF whose one stream inflates to `unpacked` bytes (the rewrite must not inflate it)."""
    import zlib as _zlib

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    packed = _zlib.compress(b"\x00" * unpacked, 9)
    pdf.Root.Bomb = pikepdf.Stream(pdf, packed, Filter=pikepdf.Name.FlateDecode)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _upload(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def _uploads():
    from django import forms

    from ekonseling.core import images, uploads
    from ekonseling.counseling import attachments
    from ekonseling.students import forms_records

    limit = attachments.max_bytes()

    def attachment(content, name):
        def work():
            prepared = attachments.prepare(_upload(content, name))
            return f"{prepared.content_type}, {len(prepared.data) // 1024} kB"

        return work

    def image_field(content, name, clean):
        def work():
            field = forms.ImageField()
            return f"{len(clean(field.clean(_upload(content, name))).read()) // 1024} kB"

        return work

    print(f"  -- counseling attachment (upload limit {limit // MB} MB)")
    for label, build, name in [
        ("PNG at the pixel cap", lambda: png_of_pixels(attachments.MAX_PIXELS), "a.png"),
        ("PNG over the pixel cap", lambda: png_of_pixels(attachments.MAX_PIXELS * 2), "a.png"),
        # As many objects as fit the upload limit (about 60 bytes each), at most the object cap.
        ("PDF of the most objects", lambda: pdf_of_objects(min(uploads.MAX_PDF_OBJECTS, limit // 70)), "a.pdf"),
        ("PDF with a 1 GB compressed stream", lambda: pdf_compressed_bomb(1024 * MB), "a.pdf"),
    ]:
        content = build()
        _measure(f"{label} ({len(content) / MB:.1f} MB)", attachment(content, name))
    print(f"  -- school logo (limit {images.LOGO_MAX_BYTES // MB} MB)")
    content = png_of_pixels(images.LOGO_MAX_PIXELS)
    _measure(
        f"PNG at the pixel cap ({len(content) / MB:.1f} MB)",
        image_field(content, "logo.png", images.normalise_logo),
    )
    from ekonseling.information import media

    def article_media(content, name):
        def work():
            checked = media.check(_upload(content, name))
            return f"{checked.content_type}, {len(checked.data) // 1024} kB"

        return work

    def mp4_of(size: int) -> bytes:
        """An MP4 of `size` bytes: ftyp, a moov with many udta boxes to blank, one large mdat."""
        import struct

        def box(kind, payload):
            return struct.pack(">I4s", 8 + len(payload), kind) + payload

        moov = box(b"moov", b"".join(box(b"udta", b"x" * 100) for _ in range(10_000)))
        head = box(b"ftyp", b"isom\x00\x00\x02\x00isom") + moov
        return head + struct.pack(">I4s", size - len(head), b"mdat") + bytes(size - len(head) - 8)

    print(
        f"  -- article media (images {media.IMAGE_MAX_BYTES // MB} MB, PDF {media.PDF_MAX_BYTES // MB} MB, "
        f"video {media.video_max_bytes() // MB} MB)"
    )
    for label, build, name in [
        ("PNG at the pixel cap", lambda: png_of_pixels(media.MAX_PIXELS), "a.png"),
        ("PNG over the pixel cap", lambda: png_of_pixels(media.MAX_PIXELS * 2), "a.png"),
        (
            "PDF of the most objects",
            lambda: pdf_of_objects(min(uploads.MAX_PDF_OBJECTS, media.PDF_MAX_BYTES // 70)),
            "a.pdf",
        ),
        ("PDF with a 1 GB compressed stream", lambda: pdf_compressed_bomb(1024 * MB), "a.pdf"),
        ("MP4 at the video cap, 10,000 metadata boxes", lambda: mp4_of(media.video_max_bytes()), "a.mp4"),
    ]:
        content = build()
        _measure(f"{label} ({len(content) / MB:.1f} MB)", article_media(content, name))
    print(f"  -- student photo (limit {forms_records.PHOTO_MAX_BYTES // MB} MB)")
    content = png_of_pixels(forms_records.PHOTO_MAX_PIXELS, "RGB")
    _measure(
        f"PNG at the pixel cap ({len(content) / MB:.1f} MB)",
        image_field(content, "photo.png", forms_records._normalise_photo),
    )


def lexicon_extension(budget: int, most: int) -> str:
    """A koordinator's lexicon extension of as many distinct phrases as fit its limits."""
    phrases, size, n = [], 200, 0
    while size < budget - 64 and n < most:
        phrase = f"frasa{n:06d} kata{n % 997}"
        phrases.append(phrase)
        size += len(phrase) + 4
        n += 1
    return json.dumps({"categories": {"bullying": {"phrases": phrases}}})


def _lexicon():
    from ekonseling.counseling import lexicons

    limit, most = lexicons.MAX_EXTENSION_BYTES, lexicons.MAX_EXTENSION_ENTRIES
    print(f"  -- risk lexicon extension (limits {limit // 1000} kB, {most} entries)")

    def check(text):
        def work():  # what the page's "check" does before it measures: parse (which builds the lexicon)
            extension = lexicons.parse(text)
            hits = lexicons.compile_extension(extension).screen("aku frasa000123 kata123 dan " * 200)
            return f"{lexicons.summary(extension).phrases} phrases, screened: {bool(hits)}"

        return work

    for label, text in [
        ("the most entries", lexicon_extension(limit, most)),
        ("200 kB of distinct phrases", lexicon_extension(limit, limit)),
    ]:
        _measure(f"{label} ({len(text) // 1000} kB)", check(text))
