"""The `specmock` command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from specmock.config import ApiConfig, Config, load_config
from specmock.errors import EXIT_DRIFT, ConfigError, SpecmockError

app = typer.Typer(
    name="specmock",
    help="Deterministic mock APIs from OpenAPI documents, kept coupled to the spec.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="specmock.toml or pyproject.toml to use instead of the nearest one.")
]
RemoteRefs = Annotated[bool, typer.Option("--allow-remote-refs", help="Fetch $refs to http(s) URLs.")]


def _echo(message: str) -> None:
    typer.echo(message)


def _config(path: Path | None, specs: list[Path] | None = None) -> Config:
    """The configuration; with explicit specs and no configuration file, one rooted here."""
    try:
        return load_config(path)
    except SpecmockError:
        if path is None and specs:
            return Config(root=Path.cwd(), apis=())
        raise


def _selected(config: Config, specs: list[Path] | None) -> list[ApiConfig]:
    if not specs:
        if not config.apis:
            raise SpecmockError(f"{config.source}: no APIs configured ([[apis]] with name and spec)")
        return list(config.apis)
    return [config.api_for_spec(spec) for spec in specs]


@app.command()
def codegen(
    specs: Annotated[list[Path] | None, typer.Argument(help="Spec files; default: every configured API.")] = None,
    config_path: ConfigOption = None,
    allow_remote_refs: RemoteRefs = False,
) -> None:
    """Write generated/<api>/ (models, routes, manifest) from each spec."""
    from specmock.codegen.gc_tuning import skip_final_collections  # noqa: PLC0415
    from specmock.codegen.models import ModelRenderer  # noqa: PLC0415 - keep --help fast

    skip_final_collections()
    with ModelRenderer() as renderer:  # started first: it warms up while the rest imports
        from specmock.codegen.writer import package_dir, render, write  # noqa: PLC0415

        config = _config(config_path, specs)
        for api in _selected(config, specs):
            generated = render(config, api, allow_remote_refs=allow_remote_refs, renderer=renderer)
            for warning in generated.spec.warnings:
                _echo(f"warning: {api.spec.as_posix()} at {warning}")
            changed = write(config, generated)
            target = package_dir(config, api).relative_to(config.root).as_posix()
            count = len(generated.spec.index.operations)
            status = f"{len(changed)} file(s) changed" if changed else "unchanged"
            _echo(f"{api.name}: {api.spec.as_posix()} -> {target}/ ({count} operations; {status})")


@app.command()
def check(
    apis: Annotated[list[str] | None, typer.Argument(help="API names; default: every configured API.")] = None,
    config_path: ConfigOption = None,
    allow_remote_refs: RemoteRefs = False,
) -> None:
    """CI drift check: generated/ matches the specs, and the generators still fit them."""
    from specmock.codegen.gc_tuning import skip_final_collections  # noqa: PLC0415
    from specmock.codegen.models import ModelRenderer  # noqa: PLC0415

    skip_final_collections()
    total = 0
    with ModelRenderer() as renderer:
        from specmock.codegen.changes import spec_changes  # noqa: PLC0415
        from specmock.codegen.coupling import coupling_problems  # noqa: PLC0415
        from specmock.codegen.writer import drift, render  # noqa: PLC0415

        config = _config(config_path)
        selected = [config.api(name) for name in apis] if apis else list(config.apis)
        if not selected:
            raise SpecmockError(f"{config.source}: no APIs configured ([[apis]] with name and spec)")
        for api in selected:
            generated = render(config, api, allow_remote_refs=allow_remote_refs, renderer=renderer)
            drifted = drift(config, generated)
            problems = coupling_problems(config, generated)
            total += len(drifted) + len(problems)
            verdict = "ok" if not drifted and not problems else f"{len(drifted) + len(problems)} problem(s)"
            _echo(f"{api.name} ({api.spec.as_posix()}): {verdict}")
            if drifted:
                _changes(spec_changes(config, generated).lines, api.spec.as_posix())
            for item in drifted:
                _echo(f"  drift: {item.path} is not what `specmock codegen` makes from {api.spec.as_posix()}")
                _echo("\n".join("    " + line for line in item.diff.splitlines()))
            for problem in problems:
                _echo(f"  coupling: {problem}")
    if total:
        _echo(f"specmock check: {total} problem(s). Run `specmock codegen`, then fix the generators named above.")
        raise typer.Exit(EXIT_DRIFT)
    _echo(f"specmock check: {len(selected)} API(s) in sync with their specs.")


def _changes(lines: list[str], spec: str, most: int = 60) -> None:
    """What the spec changed since the committed package, before the file diffs."""
    if not lines:
        return
    _echo(f"  {spec} changed since the committed package was generated:")
    for line in lines[:most]:
        _echo(f"    {line}")
    if len(lines) > most:
        _echo(f"    ... {len(lines) - most} more changes")


@app.command()
def serve(
    apis: Annotated[list[str] | None, typer.Argument(help="API names; default: every configured API.")] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=0, max=65535)] = 8000,
    seed: Annotated[int, typer.Option(help="Seed of all generated data.")] = 0,
    volume: Annotated[
        list[str] | None, typer.Option(help="low|default|high, or <api>.<collection>=N (repeatable).")
    ] = None,
    latency: Annotated[str | None, typer.Option(help="Added delay: 50ms, 0.2s or 20-80ms.")] = None,
    error_rate: Annotated[str | None, typer.Option(help="Share of requests answered 5xx: 0.05 or 5%.")] = None,
    clock: Annotated[str, typer.Option(help="now, frozen:<ISO time> or speed:<N>.")] = "now",
    state: Annotated[str, typer.Option(help="Where writes are kept: memory or sqlite:<path>.")] = "memory",
    validate: Annotated[str, typer.Option(help="Check responses with openapi-core: off, sample or strict.")] = "off",
    admin_token: Annotated[
        str | None, typer.Option(help="Allow /_specmock/ from anywhere with this bearer token.")
    ] = None,
    cache_mb: Annotated[
        int, typer.Option(help="MiB of answers to repeated GET requests kept (0: none).", min=0, max=4096)
    ] = 4,
    reload: Annotated[bool, typer.Option(help="Restart when code changes (development).")] = False,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1, max=64)] = 1,
    config_path: ConfigOption = None,
) -> None:
    """Serve every configured API (or those named) with uvicorn."""
    import os  # noqa: PLC0415

    import uvicorn  # noqa: PLC0415

    from specmock.server.launch import ENV, ServeOptions, build  # noqa: PLC0415

    options = ServeOptions(
        apis=apis or [],
        config=None if config_path is None else str(config_path),
        seed=seed,
        volumes=volume or [],
        latency=latency,
        error_rate=error_rate,
        clock=clock,
        state=state,
        validate=validate,
        admin_token=admin_token,
        cache_mb=cache_mb,
        workers=workers,
    )
    application = build(options)  # checks every flag and loads every API before listening
    base = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    for warning in application.state.warnings:
        _echo(f"warning: {warning}")
    for name, runtime in application.state.specmock.apis.items():
        _echo(f"{name}: {base}{runtime.prefix} ({len(runtime.operations)} operations from {runtime.spec.file})")
    _echo(f"docs: {base}/docs    admin: {base}/_specmock/config")
    if workers > 1 or reload:
        os.environ[ENV] = options.to_env()
        uvicorn.run(
            "specmock.server.launch:factory",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            reload=reload,
            log_level="warning",
        )
    else:
        uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command()
def conform(
    spec: Annotated[Path, typer.Argument(help="The OpenAPI document to check answers against.")],
    url: Annotated[
        str | None,
        typer.Option(help="The API's base URL on a running server (a real backend too); default: specmock's own app."),
    ] = None,
    samples: Annotated[int, typer.Option(help="Requests per operation.", min=1, max=1000)] = 3,
    seed: Annotated[int, typer.Option(help="Seed of the requests (and of specmock's data in-process).")] = 0,
    report: Annotated[str, typer.Option(help="text, json or junit (on stdout).")] = "text",
    header: Annotated[
        list[str] | None, typer.Option(help="'Name: value' sent with every request, e.g. a token (repeatable).")
    ] = None,
    require_success: Annotated[
        bool, typer.Option(help="Fail on any status but the operation's success status, even a declared 4xx.")
    ] = False,
    progress: Annotated[
        bool | None, typer.Option("--progress/--no-progress", help="Progress on stderr (default: on a terminal).")
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """Exercise every operation of SPEC and check every answer against it; exit 1 if any does not conform."""
    from specmock.conformance.report import FORMATS, as_json, as_junit, text_footer, text_line  # noqa: PLC0415
    from specmock.conformance.runner import OperationResult  # noqa: PLC0415
    from specmock.conformance.session import ConformOptions, run_conform  # noqa: PLC0415

    if report not in FORMATS:
        raise ConfigError(f"--report: {report!r} is not one of {', '.join(FORMATS)}")
    headers = {}
    for item in header or []:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            raise ConfigError(f"--header: {item!r} is not 'Name: value'")
        headers[name.strip()] = value.strip()
    config = None if config_path is None else load_config(config_path)
    terminal = sys.stderr.isatty()
    # the text report streams one line per operation already; json and junit are written at the end
    show = (terminal and report != "text") if progress is None else progress

    def heard(outcome: OperationResult, done: int, total: int) -> None:
        if report == "text":
            _echo(text_line(outcome))
        if show:
            line = f"[{done}/{total}] {outcome.label}"
            sys.stderr.write(f"\r{line[:100]}\x1b[K" if terminal else line + "\n")
            if terminal and done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    options = ConformOptions(spec, url, samples, seed, require_success, config, headers=headers)
    result = run_conform(options, heard)
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if report == "text":
        _echo(text_footer(result))
    else:
        _echo(as_json(result) if report == "json" else as_junit(result))
    if result.failed:
        raise typer.Exit(EXIT_DRIFT)


def main() -> None:
    """Entry point: input errors print one clear message and exit 2 (usage errors too), never a traceback."""
    try:
        app()  # standalone: click prints usage errors itself and exits 2
    except SpecmockError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
