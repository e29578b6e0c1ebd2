"""The pytest plugin in a user's project: fixtures, the conformance assertion, one test per operation."""

from __future__ import annotations

import shutil

import pytest

from tests.conformance.conftest import PETS_SPEC
from tests.conftest import FIXTURES, REPO

pytest_plugins = ["pytester"]


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A folder with the pets spec and an ini file naming it (no specmock.toml: synthesis serves it)."""
    shutil.copy(PETS_SPEC, pytester.path / "pets.yaml")
    pytester.makeini("[pytest]\nspecmock_spec = pets.yaml\nspecmock_seed = 3\n")
    return pytester


def test_the_readme_shows_the_example_that_runs() -> None:
    example = (REPO / "tests" / "test_plugin_example.py").read_text()
    assert f"```python\n{example}```" in (REPO / "README.md").read_text()


def test_one_test_per_operation(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        def test_conforms(specmock_operation, assert_conforms):
            assert_conforms(specmock_operation.send())
        """
    )
    result = project.runpytest("-v")
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines(["*test_conforms?getPet? PASSED*", "*test_conforms?getPhoto? PASSED*"])


def test_a_response_that_breaks_the_spec_fails_with_each_violation(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import httpx

        def test_wrong_pet(assert_conforms):
            request = httpx.Request("GET", "http://backend.test/pets/7")
            assert_conforms(httpx.Response(200, json={"id": "seven", "name": "Rex"}, request=request))
        """
    )
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*GET /pets/7 -> 200 (getPet) does not conform to *pets.yaml:",
            "*  $: 'status' is a required property (required)",
            "*  $.id: 'seven' is not of type 'integer' (type)",
        ]
    )


def test_the_client_and_app_fixtures(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import pytest

        def test_same_seed_same_pet(specmock_client, specmock_app):
            first = specmock_client.get("/pets/1").json()
            assert specmock_client.get("/pets/1").json() == first
            assert specmock_app.state.specmock.settings.seed == 3

        @pytest.mark.specmock(seed=4)
        def test_the_marker_sets_the_seed(specmock_app):
            assert specmock_app.state.specmock.settings.seed == 4
        """
    )
    project.runpytest().assert_outcomes(passed=2)


def test_no_spec_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(specmock_operation):\n    pass\n")
    result = pytester.runpytest()
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*specmock: no spec: set `specmock_spec`*"])


def test_a_spec_with_a_server_path_is_served_and_sent_under_it(pytester: pytest.Pytester) -> None:
    shutil.copy(FIXTURES / "twins" / "specs" / "gamma.yaml", pytester.path / "gamma.yaml")  # servers: /v2
    pytester.makeini("[pytest]\nspecmock_spec = gamma.yaml\n")
    pytester.makepyfile(
        """
        import httpx

        ORDER = "6f1c2a4e-8b7d-4c3e-9a1f-2b3c4d5e6f70"

        def test_every_operation(specmock_operation, assert_conforms):
            response = specmock_operation.send()
            assert response.request.url.path.startswith("/v2/orders")
            assert_conforms(response)

        def test_the_client_names_the_specs_paths(specmock_client, specmock_app, assert_conforms):
            response = specmock_client.get("/orders")
            assert (response.status_code, response.request.url.path) == (200, "/v2/orders")
            assert specmock_client.get("http://testserver/orders").status_code == 404
            assert [entry.path for entry in specmock_app.state.specmock.log] == ["/v2/orders"]
            assert_conforms(response)
            # an answer from elsewhere is judged by its path, with or without the server's /v2
            for url in ("http://backend.test/orders", "http://backend.test/v2/orders"):
                assert_conforms(httpx.Response(200, json={"orders": [ORDER]}, request=httpx.Request("GET", url)))

        def test_a_broken_answer_under_the_mount(assert_conforms):
            request = httpx.Request("GET", "http://testserver/v2/orders")
            assert_conforms(httpx.Response(200, json={"orders": [7]}, request=request))
        """
    )
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        ["*GET /v2/orders -> 200 (listOrders) does not conform to *gamma.yaml:", "*  $.orders?0?: 7 is not of type*"]
    )
