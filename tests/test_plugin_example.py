"""specmock's pytest plugin in a test suite: the README shows this file as it is."""

import pytest

pytestmark = pytest.mark.specmock(spec="specs/osmo.yaml", seed=7)


def test_the_workflow_list_conforms(specmock_client, assert_conforms):
    response = specmock_client.get("/api/workflow", params={"limit": 5, "all_users": True})
    assert response.status_code == 200
    assert len(response.json()["workflows"]) == 5
    assert_conforms(response)


def test_every_operation_conforms(specmock_operation, assert_conforms):
    response = specmock_operation.send()
    assert response.status_code < 500
    assert_conforms(response)
