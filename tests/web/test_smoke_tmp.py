from datetime import date

from tests.conftest import csrf_from


def test_smoke(client, auth, world):
    r = auth.login("member")
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    r = client.get("/")
    html = r.get_data(as_text=True)
    assert r.status_code == 200, html[:3000]
    r = client.get("/logs/new/contact")
    html = r.get_data(as_text=True)
    assert r.status_code == 200, html
    tok = csrf_from(html)
    import re

    cid = re.search(r'name="client_id" type="hidden" value="([^"]+)"', html).group(1)
    r = client.post(
        "/logs/new/contact",
        data={
            "csrf_token": tok,
            "client_id": cid,
            "happened_on": date.today().isoformat(),
            "method": "visit",
            "women_count": "3",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    r = client.get("/", follow_redirects=True)
    print(r.get_data(as_text=True))
    r = client.get("/logs/")
    assert r.status_code == 200
    r = client.get("/logs/1")
    assert r.status_code == 200, r.get_data(as_text=True)
    r = client.get("/logs/1/edit")
    assert r.status_code == 200, r.get_data(as_text=True)
