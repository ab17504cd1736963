"""Images, PDFs and videos in articles: checked by content (type sniffing, size caps, pixel cap
before decoding, re-encoding, PDF rewriting, MP4 metadata boxes blanked), served only by the app to
who may read the article, video by byte ranges."""

import io
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ekonseling.core.errors import ActionError
from ekonseling.information import media, services
from ekonseling.information.models import ArticleMedia

HOUR = timezone.timedelta(hours=1)


def _article(world, rombels=None, by=None):
    data = services.ArticleData(
        "Media", "Isi", "rombel", timezone.now() - HOUR, None, None, rombels or [world.rombel_a]
    )
    return services.publish(by or world.gurubk, data)


def _upload(content: bytes, name: str):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def jpeg_with_gps(size=(64, 48)) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "S", 2: (6.0, 12.0, 30.0)}  # GPS: the student's home
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4(udta_payload=b"\xa9xyz+06.2000+106.8000/") -> bytes:
    ftyp = box(b"ftyp", b"isom" + b"\x00\x00\x02\x00" + b"isomiso2mp41")
    moov = box(b"moov", box(b"mvhd", bytes(100)) + box(b"trak", box(b"tkhd", bytes(84))) + box(b"udta", udta_payload))
    return ftyp + moov + box(b"mdat", bytes(1000))


def test_an_image_is_re_encoded_without_exif_and_made_phone_sized(world):
    from PIL import Image

    checked = media.check(_upload(jpeg_with_gps(), "rumah saya.jpg"))
    assert checked.kind == "image" and checked.content_type == "image/jpeg" and b"PhoneMaker" not in checked.data
    with Image.open(io.BytesIO(checked.data)) as image:
        assert not image.getexif()
    big = media.check(_upload(jpeg_with_gps((4000, 3000)), "besar.jpg"))
    assert (big.width, big.height) == (1920, 1440)


def test_hostile_files_are_refused(world, settings):
    from PIL import Image

    bomb = io.BytesIO()
    Image.new("1", (8_000, 6_000)).save(bomb, "PNG")  # 48 M pixels in a few kB
    cases = {
        "bomb.png": bomb.getvalue(),
        "program.jpg": b"MZ\x90\x00" + bytes(500),
        "surat.pdf": b"%PDF-1.7\nnot really a pdf",
        "video.mp4": b"\x00\x00\x00\x18ftypisom" + bytes(8) + b"garbage that is no box",
        "lain.webm": b"\x1a\x45\xdf\xa3" + bytes(60),  # EBML, but not a WebM
        "kosong.png": b"",
    }
    for name, content in cases.items():
        with pytest.raises(media.MediaError):
            media.check(_upload(content, name))
    settings.INFORMATION_VIDEO_MAX_BYTES = 1000
    with pytest.raises(media.MediaError, match="1000"):
        media.check(_upload(mp4(), "besar.mp4"))


def test_a_pdf_is_rewritten_without_author_and_javascript(world):
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = "Nama Siswa"
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    out = io.BytesIO()
    pdf.save(out)
    checked = media.check(_upload(out.getvalue(), "materi.pdf"))
    assert checked.kind == "pdf" and b"Nama Siswa" not in checked.data and b"app.alert" not in checked.data


def test_an_mp4_keeps_its_size_and_loses_its_place_and_device(world):
    original = mp4()
    checked = media.check(_upload(original, "klip.mp4"))
    assert checked.kind == "video" and len(checked.data) == len(original)
    assert b"udta" not in checked.data and b"+106.8000" not in checked.data and b"moov" in checked.data
    webm = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + bytes(100)
    assert media.check(_upload(webm, "klip.webm")).content_type == "video/webm"


def test_media_are_served_to_who_may_read_the_article(client, world):
    article = _article(world)
    image = services.add_media(world.gurubk, article, _upload(jpeg_with_gps(), "foto.jpg"), "Poster")
    video = services.add_media(world.gurubk, article, _upload(mp4(), "klip.mp4"))
    other = _article(world, rombels=[world.rombel_b])
    hidden = services.add_media(world.gurubk, other, _upload(jpeg_with_gps(), "lain.jpg"))
    url = reverse("information:media", args=[image.pk])
    client.force_login(world.siswa)  # rombel_a: the first article is theirs, the second is not
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == image.file.open("rb").read()
    assert client.get(reverse("information:media", args=[hidden.pk])).status_code == 404
    page = client.get(reverse("information:read", args=[article.pk])).content.decode()
    assert url in page and "<video" in page and "Poster" in page and "http://" not in page.split("<main")[-1]
    ranged = client.get(reverse("information:media", args=[video.pk]), HTTP_RANGE="bytes=10-19")
    assert ranged.status_code == 206 and ranged["Content-Range"] == f"bytes 10-19/{video.size}"
    assert ranged.content == video.file.open("rb").read()[10:20]
    assert client.get(reverse("information:media", args=[video.pk]), HTTP_RANGE="bytes=99999-").status_code == 416
    client.force_login(world.walikelas)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_counselors_add_and_remove_media_over_http(client, world, django_capture_on_commit_callbacks):
    article = _article(world)
    client.force_login(world.gurubk)
    add = reverse("information:media_add", args=[article.pk])
    response = client.post(add, {"file": _upload(jpeg_with_gps(), "foto.jpg"), "caption": "Poster"})
    assert response.status_code == 302
    item = ArticleMedia.objects.get()
    assert item.caption == "Poster" and item.original_name == "foto.jpg" and "foto" not in item.file.name
    client.post(add, {"file": _upload(b"MZ" + bytes(100), "virus.jpg")})
    assert ArticleMedia.objects.count() == 1
    client.force_login(world.gurubk_other)  # not the author
    with pytest.raises(ActionError):
        services.add_media(world.gurubk_other, article, _upload(jpeg_with_gps(), "x.jpg"))
    client.post(reverse("information:media_delete", args=[item.pk]))
    assert ArticleMedia.objects.count() == 1
    client.force_login(world.gurubk)
    storage, name = item.file.storage, item.file.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("information:media_delete", args=[item.pk]))
    assert not ArticleMedia.objects.exists() and not storage.exists(name)


def test_the_demo_article_has_its_image(db):
    from ekonseling.core import demo

    demo.load()
    item = ArticleMedia.objects.get(article__title="Tips belajar menjelang PAS")
    assert item.kind == "image" and item.content_type == "image/png" and item.file.storage.exists(item.file.name)
    demo.load()
    assert ArticleMedia.objects.count() == 1
