"""Photos on the page form (multipart), the photo files per role, removing a photo."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

import pytest
from flask import template_rendered
from sqlalchemy import func, select

from fieldlog.extensions import db
from fieldlog.models import Log, Photo
from fieldlog.photos import storage
from tests.conftest import AuthActions, csrf_from
from tests.fixtures.clock import pinned_today
from tests.fixtures.images import fetch, jpeg_with_gps, opened, picture
from tests.web.helpers import open_form

CONTACT = {"method": "visit", "women_count": "3", "place": "三组"}


def files_of(*pictures: bytes, name: str = "IMG_{}.jpg") -> list:
    return [(BytesIO(p), name.format(i)) for i, p in enumerate(pictures, 1)]


def post_form(client, url: str, data: dict, photos: list | None = None, **kw):
    """Open the form, then post it as multipart/form-data with the chosen photos."""
    _html, hidden = open_form(client, url)
    body = {**hidden, **data, **({"photos": photos} if photos is not None else {})}
    return client.post(url, data=body, content_type="multipart/form-data", **kw)


@contextmanager
def rendered_form(app) -> Iterator[list]:
    """The ``form`` of each template rendered meanwhile (its field errors, whatever the
    template shows of them)."""
    forms: list = []

    def record(sender, template, context, **extra):
        if "form" in context:
            forms.append(context["form"])

    template_rendered.connect(record, app)
    try:
        yield forms
    finally:
        template_rendered.disconnect(record, app)


def counts(app) -> tuple[int, int, int]:
    """(logs, photos, files on disk)."""
    folder = Path(app.instance_path) / "uploads" / "photos"
    with app.app_context():
        logs = db.session.scalar(select(func.count()).select_from(Log))
        photos = db.session.scalar(select(func.count()).select_from(Photo))
    return logs, photos, len(list(folder.iterdir())) if folder.exists() else 0


def stored_photos(app) -> list[Photo]:
    with app.app_context():
        return list(db.session.scalars(select(Photo).order_by(Photo.id)))


@pytest.fixture
def member(world, auth):
    auth.login("member")
    return world["member"]


def new_contact(client, photos, **data):
    fields = {"happened_on": pinned_today().isoformat(), **CONTACT, **data}
    return post_form(client, "/logs/new/contact", fields, photos)


def test_a_log_is_saved_with_its_photos(app, client, member):
    response = new_contact(client, files_of(jpeg_with_gps(), picture((500, 300), fmt="PNG")))
    assert response.status_code == 302
    assert counts(app) == (1, 2, 4)
    first, second = stored_photos(app)
    assert (first.width, first.height) == (800, 1600)
    assert first.created_by_id == member.id and first.client_id is None
    image = opened(
        storage.Path(app.instance_path, "uploads", "photos", first.stored_name).read_bytes()
    )
    assert len(image.getexif()) == 0
    assert (second.width, second.height) == (500, 300)


def test_no_photo_chosen_is_fine(app, client, member):
    empty = [(BytesIO(b""), "")]  # what a browser sends for an empty file input
    assert new_contact(client, empty).status_code == 302
    assert counts(app) == (1, 0, 0)


def test_a_bad_photo_keeps_the_input_and_writes_nothing(app, client, member):
    bad = files_of(picture(), b"this is a text file\n" * 5, name="photo_{}.jpg")
    with rendered_form(app) as forms:
        response = new_contact(client, bad, place="七组")
    assert response.status_code == 422
    (message,) = forms[-1].photos.errors
    assert message.startswith("photo_2.jpg: ")
    assert 'value="七组"' in response.get_data(as_text=True)  # the other input is kept
    assert counts(app) == (0, 0, 0)


def test_field_and_photo_errors_show_together(app, client, member):
    with rendered_form(app) as forms:
        response = new_contact(client, files_of(b"nope"), method="", happened_on="")
    assert response.status_code == 422
    form = forms[-1]
    assert form.method.errors and form.happened_on.errors
    assert form.photos.errors[0].startswith("IMG_1.jpg: ")
    assert counts(app) == (0, 0, 0)


def test_too_many_photos_on_the_form(app, client, member):
    app.config["PHOTOS_PER_LOG"] = 2
    with rendered_form(app) as forms:
        response = new_contact(client, files_of(picture(), picture(), picture()))
    assert response.status_code == 422
    assert "2" in forms[-1].photos.errors[0]
    assert counts(app) == (0, 0, 0)


def test_an_oversize_photo_on_the_form(app, client, member):
    app.config["PHOTO_MAX_BYTES"] = 1500
    with rendered_form(app) as forms:
        response = new_contact(client, files_of(picture((600, 600), quality=100)))
    assert response.status_code == 422
    assert forms[-1].photos.errors[0].startswith("IMG_1.jpg: ")
    assert counts(app) == (0, 0, 0)


def test_a_resubmitted_form_adds_no_photos(app, client, member, today):
    _html, hidden = open_form(client, "/logs/new/contact")
    fields = {**hidden, "happened_on": today.isoformat(), **CONTACT}
    for _ in range(2):
        response = client.post(
            "/logs/new/contact",
            data={**fields, "photos": files_of(picture())},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
    assert counts(app) == (1, 1, 2)


def test_the_edit_form_adds_photos_within_the_limit(app, client, member, make_log, today):
    app.config["PHOTOS_PER_LOG"] = 3
    log = make_log(member, "contact", today, method="visit", women_count=1)
    url = f"/logs/{log.id}/edit"
    assert post_form(client, url, {"happened_on": log.happened_on.isoformat(), **CONTACT},
                     files_of(picture(), picture())).status_code == 302  # fmt: skip
    assert counts(app) == (1, 2, 4)
    too_many = post_form(
        client, url, {"happened_on": log.happened_on.isoformat(), **CONTACT, "place": "八组"},
        files_of(picture(), picture()),
    )  # fmt: skip
    assert too_many.status_code == 422
    assert counts(app) == (1, 2, 4)
    with app.app_context():
        assert db.session.get(Log, log.id).place == "三组"  # the change was not kept either


ROLES = [
    ("member", 200),
    ("chair", 200),
    ("other", 404),
    ("chair_b", 404),
    ("admin", 404),
    ("admin_b", 404),
    ("member_a2", 404),
]


@pytest.mark.parametrize(("username", "status"), ROLES)
def test_photo_files_follow_who_may_read_the_log(app, client, world, username, status):
    auth = AuthActions(client)
    auth.login("member")
    assert new_contact(client, files_of(picture())).status_code == 302
    (photo,) = stored_photos(app)
    auth.logout()
    auth.login(username)
    for url in (f"/photos/{photo.id}", f"/photos/{photo.id}/thumb"):
        response = fetch(client, url)
        assert response.status_code == status, (username, url)
        if status == 200:
            assert response.mimetype == "image/jpeg"
            assert response.headers["Cache-Control"].startswith("private")
            assert "max-age" in response.headers["Cache-Control"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert fetch(client, f"/photos/{photo.id + 1000}").status_code == 404


def test_anonymous_is_sent_to_login_and_deleted_logs_hide_photos(app, client, member):
    assert new_contact(client, files_of(picture())).status_code == 302
    (photo,) = stored_photos(app)
    with app.app_context():
        log_id = db.session.get(Photo, photo.id).log_id
    page = client.get(f"/logs/{log_id}")
    client.post(
        f"/logs/{log_id}/delete", data={"csrf_token": csrf_from(page.get_data(as_text=True))}
    )
    assert fetch(client, f"/photos/{photo.id}").status_code == 404
    AuthActions(client).logout()
    assert fetch(client, f"/photos/{photo.id}").status_code == 302


def test_removing_a_photo_from_the_page(app, client, world, member):
    assert new_contact(client, files_of(picture(), picture())).status_code == 302
    first, second = stored_photos(app)
    token = csrf_from(client.get(f"/logs/{first.log_id}/edit").get_data(as_text=True))
    response = client.post(f"/photos/{first.id}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/logs/{first.log_id}/edit"
    assert fetch(client, f"/photos/{first.id}").status_code == 404
    assert fetch(client, f"/photos/{second.id}").status_code == 200
    assert client.post(f"/photos/{second.id}/delete").status_code == 400  # no CSRF token
    chair = world["chair"]
    AuthActions(client).logout()
    AuthActions(client).login(chair.username)
    token = csrf_from(client.get("/").get_data(as_text=True))
    assert client.post(f"/photos/{second.id}/delete", data={"csrf_token": token}).status_code == 403


def test_staged_files_are_removed_unless_kept(app):
    with app.app_context():
        with pytest.raises(RuntimeError), storage.staged() as files:
            written = storage.path_of(files.write(b"x"))
            assert written.exists()
            raise RuntimeError("the commit failed")
        assert not written.exists()
        with storage.staged() as files:
            refused = storage.path_of(files.write(b"x"))
        assert not refused.exists()
        with storage.staged() as files:
            kept = storage.path_of(files.write(b"x"))
            files.keep()
        assert kept.exists()


def test_the_form_decodes_its_photos_with_no_transaction_open(app, client, member, watch_slow):
    from fieldlog.photos import imaging

    watch = watch_slow(imaging, "prepare")
    response = new_contact(client, files_of(picture((900, 600)), picture((300, 300))))
    assert response.status_code == 302
    watch.assert_idle("prepare")
    assert len(watch.calls) == 2 and counts(app)[:2] == (1, 2)
