"""Photos through the API: upload once per upload id, checks, limits, removal, log JSON."""

from __future__ import annotations

import uuid
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fieldlog.extensions import db
from fieldlog.models import Photo
from tests.api.conftest import BASE, assert_json_error
from tests.fixtures.images import (
    bomb_png,
    fetch,
    jpeg_with_gps,
    opened,
    picture,
    truncated_jpeg,
)


def upload(api, log_id: int, data: bytes, client_id: str | None = None, name="IMG_0001.jpg"):
    """POST one file as multipart/form-data, as the phone does."""
    form: dict = {"file": (BytesIO(data), name)}
    if client_id != "":
        form["client_id"] = client_id or str(uuid.uuid4())
    return api.client.post(
        f"{BASE}/logs/{log_id}/photos",
        data=form,
        headers={"X-CSRFToken": api.token} if api.token else {},
        content_type="multipart/form-data",
    )


def photo_files(app) -> list[Path]:
    folder = Path(app.instance_path) / "uploads" / "photos"
    return sorted(folder.iterdir()) if folder.exists() else []


def photo_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Photo))


@pytest.fixture
def member(api, world):
    assert api.login("member").status_code == 200
    return api


@pytest.fixture
def log(member):
    return member.create()


def test_upload_stores_a_clean_jpeg(app, member, log):
    cid = str(uuid.uuid4())
    response = upload(member, log["id"], jpeg_with_gps((2400, 1200)), cid, "家里的位置.jpg")
    assert response.status_code == 201, response.get_json()
    photo = response.get_json()
    assert photo == {
        "id": photo["id"],
        "log_id": log["id"],
        "client_id": cid,
        "url": f"/photos/{photo['id']}",
        "thumb_url": f"/photos/{photo['id']}/thumb",
        "width": 800,
        "height": 1600,
    }
    files = photo_files(app)
    assert len(files) == 2
    assert all(f.suffix == ".jpg" and len(f.stem) >= 32 for f in files)
    assert not any("IMG" in f.name or "位置" in f.name for f in files)
    served = fetch(member.client, photo["url"])
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    image = opened(served.data)
    assert image.size == (800, 1600)
    assert len(image.getexif()) == 0 and b"GPS" not in served.data
    assert b"TestPhone" not in served.data
    thumb = opened(fetch(member.client, photo["thumb_url"]).data)
    assert thumb.size == (160, 320)


def test_the_same_upload_id_is_stored_once(app, member, log):
    cid = str(uuid.uuid4())
    first = upload(member, log["id"], picture(), cid)
    again = upload(member, log["id"], picture(), cid)
    upper = upload(member, log["id"], picture(), cid.upper())
    assert first.status_code == 201
    assert again.status_code == upper.status_code == 200
    assert again.get_json() == upper.get_json() == first.get_json()
    assert photo_rows(app) == 1
    assert len(photo_files(app)) == 2


def test_log_json_lists_its_photos(member, log):
    one = upload(member, log["id"], picture()).get_json()
    two = upload(member, log["id"], picture((300, 400), fmt="PNG")).get_json()
    assert member.get(f"/logs/{log['id']}").get_json()["photos"] == [one, two]
    listed = member.get("/logs").get_json()["items"]
    assert listed[0]["photos"] == [one, two]
    assert member.create()["photos"] == []


def test_the_list_runs_a_fixed_number_of_queries_with_photos(member, count_queries):
    for _ in range(2):
        upload(member, member.create()["id"], picture((100, 100)))
    with count_queries() as few:
        member.get("/logs")
    for _ in range(4):
        upload(member, member.create()["id"], picture((100, 100)))
    with count_queries() as many:
        body = member.get("/logs").get_json()
    assert sum(len(item["photos"]) for item in body["items"]) == 6
    assert many.count == few.count


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"just some text, not a photo\n" * 20, "photo.jpg"),
        (truncated_jpeg(), "cut.jpg"),
        (picture((40, 40), fmt="GIF", mode="P"), "anim.gif"),
    ],
    ids=["text-named-jpg", "truncated", "gif"],
)
def test_what_is_not_a_photo_is_refused_and_nothing_written(app, member, log, data, name):
    body = assert_json_error(upload(member, log["id"], data, name=name), 422)
    assert list(body["fields"]) == ["file"]
    assert photo_rows(app) == 0
    assert photo_files(app) == []


def test_too_large_is_413(app, member, log):
    app.config["PHOTO_MAX_BYTES"] = 2000
    big = picture((600, 600), quality=100)
    assert len(big) > 2000
    body = assert_json_error(upload(member, log["id"], big), 413)
    assert "file" in body["fields"]
    assert photo_rows(app) == 0 and photo_files(app) == []
    assert upload(member, log["id"], picture((16, 16))).status_code == 201


def test_at_most_photos_per_log(app, member, log):
    app.config["PHOTOS_PER_LOG"] = 2
    for _ in range(2):
        assert upload(member, log["id"], picture((50, 50))).status_code == 201
    body = assert_json_error(upload(member, log["id"], picture((50, 50))), 422)
    assert "2" in body["fields"]["file"][0]
    assert photo_rows(app) == 2 and len(photo_files(app)) == 4
    other = member.create()
    assert upload(member, other["id"], picture((50, 50))).status_code == 201


def test_removing_one_frees_its_place(app, member, log):
    app.config["PHOTOS_PER_LOG"] = 1
    photo = upload(member, log["id"], picture((50, 50))).get_json()
    assert upload(member, log["id"], picture((50, 50))).status_code == 422
    assert member.delete(f"/photos/{photo['id']}").status_code == 204
    assert fetch(member.client, photo["url"]).status_code == 404
    assert member.get(f"/logs/{log['id']}").get_json()["photos"] == []
    assert upload(member, log["id"], picture((50, 50))).status_code == 201
    assert_json_error(member.delete(f"/photos/{photo['id']}"), 404)


def test_upload_needs_an_id_a_file_and_the_token(member, log):
    body = assert_json_error(upload(member, log["id"], picture(), client_id=""), 422)
    assert "client_id" in body["fields"]
    body = assert_json_error(upload(member, log["id"], picture(), client_id="nope"), 422)
    assert "client_id" in body["fields"]
    no_file = member.client.post(
        f"{BASE}/logs/{log['id']}/photos",
        data={"client_id": str(uuid.uuid4())},
        headers={"X-CSRFToken": member.token},
        content_type="multipart/form-data",
    )
    assert "file" in assert_json_error(no_file, 422)["fields"]
    member.token = None
    assert_json_error(upload(member, log["id"], picture()), 400)


def test_an_upload_id_used_elsewhere_is_a_conflict(member, log):
    cid = str(uuid.uuid4())
    assert upload(member, log["id"], picture(), cid).status_code == 201
    other = member.create()
    assert_json_error(upload(member, other["id"], picture(), cid), 409)


def test_only_the_author_adds_or_removes(member, log, api_as):
    photo = upload(member, log["id"], picture()).get_json()
    for name in ("chair", "admin"):  # they read the log, but only she changes it
        reader = api_as(name)
        assert_json_error(upload(reader, log["id"], picture()), 403)
    assert_json_error(api_as("chair").delete(f"/photos/{photo['id']}"), 403)
    assert_json_error(api_as("admin").delete(f"/photos/{photo['id']}"), 404)  # photos: not hers
    for name in ("other", "chair_b"):
        stranger = api_as(name)
        assert_json_error(upload(stranger, log["id"], picture()), 404)
        assert_json_error(stranger.delete(f"/photos/{photo['id']}"), 404)
    assert fetch(member.client, photo["url"]).status_code == 200


def test_anonymous_upload_is_401(client, world, make_log):
    log = make_log(world["member"])
    response = client.post(
        f"{BASE}/logs/{log.id}/photos",
        data={"file": (BytesIO(picture()), "a.jpg"), "client_id": str(uuid.uuid4())},
        content_type="multipart/form-data",
    )
    assert response.status_code in (400, 401)  # no CSRF token either
    assert response.mimetype == "application/json"


# Bounded decoding ---------------------------------------------------------------------------


def test_a_photo_is_decoded_with_no_transaction_open(app, member, log, watch_slow):
    from fieldlog.photos import imaging

    watch = watch_slow(imaging, "prepare")
    assert upload(member, log["id"], picture((900, 600))).status_code == 201
    watch.assert_idle("prepare")


def test_a_picture_over_the_pixel_cap_is_refused_from_its_header(app, member, log):
    body = assert_json_error(upload(member, log["id"], bomb_png(7999, 7999), name="a.png"), 422)
    assert body["fields"]["file"] == ["照片像素太多。"]
    assert photo_rows(app) == 0 and photo_files(app) == []
    app.config["PHOTO_MAX_PIXELS"] = 100 * 100
    assert_json_error(upload(member, log["id"], picture((101, 100), fmt="PNG")), 422)
    assert upload(member, log["id"], picture((100, 100), fmt="PNG")).status_code == 201


def test_when_every_decoding_turn_is_taken_the_upload_is_busy_503(app, member, log):
    from fieldlog.photos import service

    app.config.update(PHOTO_DECODES=1, PHOTO_DECODE_WAIT=0.01)
    with app.app_context():
        slots = service._decode_slots()
    slots.acquire()  # another upload is being decoded
    try:
        body = assert_json_error(upload(member, log["id"], picture((50, 50))), 503)
        assert body["fields"]["file"] == ["服务器正忙于处理其他照片，请稍后再发送。"]
    finally:
        slots.release()
    assert photo_rows(app) == 0
    assert upload(member, log["id"], picture((50, 50))).status_code == 201


def test_at_most_photo_decodes_run_at_once(app, monkeypatch):
    import threading
    import time

    from fieldlog.photos import imaging, service

    app.config["PHOTO_DECODES"] = 2
    running, most = [0], [0]
    lock = threading.Lock()
    prepare = imaging.prepare

    def slow(raw, max_pixels):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return prepare(raw, max_pixels)

    monkeypatch.setattr(imaging, "prepare", slow)
    data = picture((40, 40))

    def one() -> None:
        with app.app_context():
            service.prepare(service.Upload("a.jpg", data))

    threads = [threading.Thread(target=one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 2
