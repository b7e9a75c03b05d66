def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Sign in" in response.data


def test_clinician_lands_on_my_patients(client, clinic, login_as):
    login_as(clinic.physician)
    response = client.get("/", follow_redirects=True)
    assert b"My patients" in response.data
    assert b"Alice Patient" in response.data
    assert b"Bob Patient" not in response.data
