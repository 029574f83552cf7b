"""The OpenAPI description: valid, complete, and describing what the API really answers."""

from __future__ import annotations

import re
import uuid
from io import BytesIO

import pytest
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from openapi_spec_validator import validate

from tests.api.conftest import BASE
from tests.fixtures.images import picture

METHODS = {"get", "post", "put", "patch", "delete"}
FLASK_VAR = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@pytest.fixture
def spec(client) -> dict:
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def api_routes(app) -> set[tuple[str, str]]:
    """(OpenAPI path template, method) of every route of the API blueprint."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = FLASK_VAR.sub(r"{\1}", rule.rule).removeprefix(BASE)
            routes |= {(path, m.lower()) for m in rule.methods if m.lower() in METHODS}
    return routes


def documented(spec: dict) -> set[tuple[str, str]]:
    return {(p, m) for p, ops in spec["paths"].items() for m in ops if m in METHODS}


def test_it_is_valid_openapi_3(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert spec["servers"] == [{"url": BASE}]


def test_every_route_is_documented_and_every_documented_route_exists(app, spec):
    routes = api_routes(app)
    assert {("/sync", "post"), ("/logs/{log_id}/photos", "post")} <= routes
    assert routes - documented(spec) == set(), "routes missing from the description"
    assert documented(spec) - routes == set(), "documented routes that do not exist"


def test_path_parameters_match_the_templates(spec):
    parameters = spec["components"]["parameters"]
    for path, operations in spec["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        for method, operation in operations.items():
            declared = {
                parameters[p["$ref"].rsplit("/", 1)[1]]["name"]
                for p in operation.get("parameters", [])
                if parameters[p["$ref"].rsplit("/", 1)[1]]["in"] == "path"
            }
            assert declared == names, (path, method)


def test_writes_are_documented_with_the_csrf_header(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            schemes = {name for s in operation["security"] for name in s}
            if method != "get" and path != "/login":
                assert "csrf" in schemes, (path, method)


def conforms(spec: dict, schema_name: str, instance) -> None:
    """``instance`` is valid against ``#/components/schemas/<schema_name>``."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    OAS30Validator(schema, format_checker=oas30_format_checker).validate(instance)


def test_real_answers_match_their_schemas(spec, api, world):
    me = api.login("member").get_json()
    conforms(spec, "Account", me)
    log = api.create("contact")
    conforms(spec, "Log", log)
    photo = api.client.post(
        f"{BASE}/logs/{log['id']}/photos",
        data={"file": (BytesIO(picture()), "a.jpg"), "client_id": str(uuid.uuid4())},
        headers={"X-CSRFToken": api.token},
        content_type="multipart/form-data",
    ).get_json()
    conforms(spec, "Photo", photo)
    conforms(spec, "LogPage", api.get("/logs").get_json())
    results = api.post("/sync", {"entries": [api.log_body("talk"), {"client_id": 1}]})
    for result in results.get_json()["results"]:
        conforms(spec, "SyncResult", result)
    conforms(spec, "Error", api.get("/logs/999999").get_json())
    for duty in api.get("/duty-types").get_json():
        conforms(spec, "Duty", duty)
    for obligation in api.get("/tracker/me").get_json()["current"]:
        conforms(spec, "Obligation", obligation)


def _answer(response, status: int = 200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_admin_answers_match_their_schemas(spec, api_as, world, frozen):
    admin = api_as("admin")
    for org in _answer(admin.get("/organisations")):
        conforms(spec, "Organisation", org)
    org = {"name": "丙村", "kind": "village", "parent_id": world["township_a"].id}
    village = _answer(admin.post("/organisations", org), 201)
    conforms(spec, "Organisation", village)
    body = {"username": "sunmei", "display_name": "孙梅", "organisation_id": village["id"]}
    account = _answer(admin.post("/accounts", body), 201)
    conforms(spec, "NewAccountAnswer", account)
    join = {
        "account_id": account["id"],
        "organisation_id": village["id"],
        "joined_on": "2026-09-01",
    }
    term = _answer(admin.post("/memberships", join), 201)
    conforms(spec, "Membership", term)
    move = {"organisation_id": world["village_a"].id, "moved_on": "2026-09-10"}
    moved = _answer(admin.post(f"/memberships/{term['id']}/move", move))
    conforms(spec, "MoveAnswer", moved)
    leave = {"left_on": "2026-09-15", "how_left": "resigned", "reason": "外出打工"}
    conforms(
        spec, "Membership", _answer(admin.post(f"/memberships/{moved['started']['id']}/end", leave))
    )
    for listed in _answer(admin.get("/memberships", org=world["village_a"].id)):
        conforms(spec, "Membership", listed)
    conforms(spec, "Error", _answer(admin.post("/memberships", {**join, "joined_on": "9/1"}), 400))


def test_refusals_are_documented(spec):
    login = spec["paths"]["/login"]["post"]["responses"]
    assert {"400", "401", "415", "422", "429"} <= set(login)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "400" in codes, (path, method)  # a query parameter with control characters
            if "requestBody" in operation and path != "/logs/{log_id}/photos":
                assert {"415", "422"} <= codes, (path, method)


def test_ids_are_limited_to_the_integer_column(spec):
    for name in ("log_id", "photo_id", "round_id", "account_id", "member", "org"):
        schema = spec["components"]["parameters"][name]["schema"]
        assert (schema["minimum"], schema["maximum"]) == (1, 2**31 - 1), name


def test_a_rating_without_rater_conforms(spec, app, api_as, world, frozen):
    from datetime import date

    from fieldlog.extensions import db
    from fieldlog.models import Account, Organisation
    from fieldlog.review import service

    with app.app_context():
        chair = db.session.get(Account, world["chair"].id)
        org = db.session.get(Organisation, world["village_a"].id)
        round_id = service.open_round(chair, org, "2026H1", date(2026, 9, 20)).id
        db.session.commit()
    chair = api_as("chair")
    line = {"group": "member", "grade": "qualified", "votes": 2, "rater": None}
    response = chair.client.put(
        f"{BASE}/reviews/{round_id}/members/{world['member'].id}/ratings",
        json={"mode": "counts", "ratings": [line]},
        headers={"X-CSRFToken": chair.token},
    )
    assert response.status_code == 200
    conforms(spec, "ReviewEntry", response.get_json())
    conforms(spec, "ReviewRound", chair.get(f"/reviews/{round_id}").get_json())
