"""An appointment's length and video link (careteam.domain.appointments)."""

from __future__ import annotations

import pytest

from careteam.domain.appointments import duration_problem, video_link_problem


@pytest.mark.parametrize("url, ok", [
    ("https://video.clinic.example/room/42", True),
    ("HTTPS://Video.Clinic.example/room?pwd=abc#x", True),
    ("https://video.clinic.example:8443/r", True),
    ("http://video.clinic.example/room", False),          # not encrypted
    ("javascript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("https://", False),
    ("https:///path-only", False),
    ("https://localhost/room", False),                    # no dot: not a public host
    ("//video.clinic.example/room", False),               # no scheme
    ("video.clinic.example/room", False),
    ("https://clinic.example@elsewhere.example/", False),  # a host dressed up as another
    ("https://user:pw@video.clinic.example/", False),
    ("https://video.clinic.example/a b", False),
    ("https://video.clinic.example/\x00", False),
    ("https://video.clinic.example/\u0085", False),
    ("https://video.clinic.example\\@evil.example/", False),
    ("https://video.clinic.example:99999/", False),
    ("https://video.clinic.example:port/", False),
    ("https://video.clinic.example/" + "a" * 480, False),
])
def test_video_links(url, ok):
    assert (video_link_problem(url) is None) is ok, video_link_problem(url)


@pytest.mark.parametrize("minutes, ok", [(4, False), (5, True), (30, True), (480, True), (481, False), (0, False),
                                         (-30, False)])
def test_lengths(minutes, ok):
    assert (duration_problem(minutes) is None) is ok
