"""The version moves with the public API, so a notebook's require(version) catches a stale copy.

tests/public_api.txt lists the public API (tools/api.py); CHANGELOG.md records the fingerprint
of that listing next to each version. A change of the API without a new version fails here.
"""

import course_utils
from tools_loader import load_tool

api = load_tool("api")
FIX = ('run `.venv/bin/python tools/api.py --bump "what changed and why"`: it bumps __version__, rewrites '
       "tests/public_api.txt and adds the CHANGELOG.md entry (after a merge conflict in those files, keep either "
       "side and run it again)")


def test_the_recorded_listing_is_the_public_api():
    recorded = api.LISTING.read_text().splitlines()
    changes = api.differences(recorded, api.listing())
    assert not changes, "the public API of course_utils changed:\n" + "\n".join(changes[:40]) + f"\n{FIX}"


def test_the_changelog_records_this_version_with_the_listing_fingerprint():
    recorded = api.recorded_fingerprint(course_utils.__version__)
    assert recorded is not None, f"CHANGELOG.md has no entry '## {course_utils.__version__} (api ...)': {FIX}"
    listed = api.fingerprint(api.LISTING.read_text().splitlines())
    assert recorded == listed, (f"CHANGELOG.md records api {recorded} for {course_utils.__version__} but "
                                f"tests/public_api.txt is api {listed}: {FIX}")


def test_the_version_in_the_source_is_the_one_imported():
    assert api.version() == course_utils.__version__


def test_fingerprints_tell_listings_apart():
    assert api.fingerprint(["a.f(x)"]) != api.fingerprint(["a.f(x, y)"])
    assert api.differences(["a.f(x)", "b.g()"], ["a.f(x, y)", "b.g()"]) == ["-a.f(x)", "+a.f(x, y)"]


def test_bump_writes_a_new_version_listing_and_entry(tmp_path, monkeypatch):
    for name in ("LISTING", "CHANGELOG", "INIT"):
        target = tmp_path / getattr(api, name).name
        target.write_text(getattr(api, name).read_text())
        monkeypatch.setattr(api, name, target)
    api.LISTING.write_text("course_utils.gone()\n")
    major, minor, _ = (int(p) for p in course_utils.__version__.split("."))
    new_version, changes = api.bump("Removed gone, for the test.")
    assert new_version == f"{major}.{minor + 1}.0" and api.version() == new_version
    assert "-course_utils.gone()" in changes
    assert api.recorded_fingerprint(new_version) == api.fingerprint(api.listing())
    assert "- Removed gone, for the test." in api.CHANGELOG.read_text()
