"""Bad specs and bad arguments: exit 2, one clear message naming the place, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from specmock.errors import SpecError
from specmock.spec import load_spec
from tests.conftest import CORPUS, needs_shared, run_specmock

GOOD = """\
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing: {type: object, properties: {id: {type: integer}}}
"""


def write(tmp_path: Path, text: str, name: str = "api.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def codegen(tmp_path: Path, spec: Path) -> tuple[int, str]:
    result = run_specmock("codegen", str(spec.name), cwd=tmp_path)
    assert "Traceback" not in result.text
    return result.code, result.err


def test_good_spec_generates(tmp_path: Path) -> None:
    code, _ = codegen(tmp_path, write(tmp_path, GOOD))
    assert code == 0
    assert (tmp_path / "generated" / "api" / "models.py").is_file()


def test_malformed_yaml_names_line(tmp_path: Path) -> None:
    spec = write(tmp_path, GOOD.replace("paths:\n", "paths:\n  - broken: [\n", 1))
    code, err = codegen(tmp_path, spec)
    assert code == 2
    assert err.startswith("error: api.yaml:")
    assert "invalid YAML" in err


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    spec = write(tmp_path, '{"openapi": "3.1.0",\n  "info": }', "api.json")
    with pytest.raises(SpecError) as caught:
        load_spec(spec, name="api.json")
    assert caught.value.line == 2
    assert "invalid JSON" in str(caught.value)


def test_unresolved_ref_names_pointer_and_target(tmp_path: Path) -> None:
    spec = write(tmp_path, GOOD.replace('schemas/Thing"}', 'schemas/Thang"}'))
    code, err = codegen(tmp_path, spec)
    assert code == 2
    assert err.startswith("error: api.yaml:12 at /paths/~1things/get/responses/200/content/application~1json/schema")
    assert "'#/components/schemas/Thang' does not resolve" in err


def test_remote_ref_refused_without_flag(tmp_path: Path) -> None:
    spec = write(tmp_path, GOOD.replace('"#/components/schemas/Thing"', '"https://example.com/thing.yaml"'))
    code, err = codegen(tmp_path, spec)
    assert code == 2
    assert "remote $ref 'https://example.com/thing.yaml' refused" in err
    assert "--allow-remote-refs" in err


def test_swagger_2_refused_with_a_message_that_says_so() -> None:
    needs_shared()
    result = run_specmock("codegen", str(CORPUS / "v2.0_yaml_petstore.yaml"))
    assert result.code == 2
    assert "Swagger 2.0 is not supported" in result.err
    assert "Traceback" not in result.text


def test_missing_file(tmp_path: Path) -> None:
    result = run_specmock("codegen", "does-not-exist.yaml", cwd=tmp_path)
    assert result.code == 2
    assert result.err.strip() == "error: does-not-exist.yaml: no such file"


def test_invalid_openapi_names_pointer_and_line(tmp_path: Path) -> None:
    spec = write(tmp_path, GOOD.replace("description: ok\n", "description: 42\n"))
    with pytest.raises(SpecError) as caught:
        load_spec(spec, name="api.yaml")
    assert caught.value.pointer == "/paths/~1things/get/responses/200/description"
    assert caught.value.line == 9
    assert "not valid OpenAPI 3.1" in str(caught.value)


def test_duplicate_operation_id(tmp_path: Path) -> None:
    text = GOOD.replace(
        "  /things:\n",
        "  /others:\n    get:\n      operationId: listThings\n"
        "      responses: {'204': {description: none}}\n  /things:\n",
    )
    spec = write(tmp_path, text)
    with pytest.raises(SpecError) as caught:
        load_spec(spec, name="api.yaml")
    assert "listThings" in str(caught.value)


def test_external_file_refs_are_bundled(tmp_path: Path) -> None:
    write(tmp_path, "Thing:\n  type: object\n  required: [id]\n  properties:\n    id: {type: integer}\n", "parts.yaml")
    spec = write(tmp_path, GOOD.replace('"#/components/schemas/Thing"', '"parts.yaml#/Thing"'))
    loaded = load_spec(spec)
    schema = loaded.index.operations[0].responses["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].startswith("#/components/schemas/")
    assert loaded.index.resolve(schema)["required"] == ["id"]


def test_missing_external_file_names_the_ref_site(tmp_path: Path) -> None:
    spec = write(tmp_path, GOOD.replace('"#/components/schemas/Thing"', '"missing.yaml#/Thing"'))
    code, err = codegen(tmp_path, spec)
    assert code == 2
    assert "missing.yaml: no such file" in err


@pytest.mark.parametrize(
    "args",
    [["codegen", "--frobnicate"], ["no-such-command"], ["check", "--config", "nope.toml"]],
)
def test_bad_flags_exit_2(tmp_path: Path, args: list[str]) -> None:
    result = run_specmock(*args, cwd=tmp_path)
    assert result.code == 2, result.text
    assert "Traceback" not in result.text


def test_unknown_config_key_is_named(tmp_path: Path) -> None:
    (tmp_path / "specmock.toml").write_text('outptu = "gen"\n')
    result = run_specmock("check", cwd=tmp_path)
    assert result.code == 2
    assert "unknown key(s) outptu" in result.err


def test_bad_config_names_the_key(tmp_path: Path) -> None:
    (tmp_path / "specmock.toml").write_text('[[apis]]\nname = "Bad Name"\nspec = "x.yaml"\n')
    result = run_specmock("codegen", cwd=tmp_path)
    assert result.code == 2
    assert "apis[0].name must be a lower-case Python identifier" in result.err
