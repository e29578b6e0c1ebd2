"""Schema-driven synthesis: a valid instance of an OpenAPI schema, as a pure function of (schema, rng).

How a value is built:

- A schema is first *flattened*: `$ref`s are followed, `allOf` members are merged into one
  schema (properties and required united, bounds intersected), 3.0 `nullable` becomes a `null`
  type, and what cannot be merged is kept aside: `oneOf`/`anyOf` groups as choices, `not` and
  second patterns or formats as checks.
- A choice is made by picking one branch (the discriminator value is set to match it), merging
  it into the rest and generating from the result; for `oneOf` a value that also matches another
  branch is retried with other draws.
- Values are checked with a small validator that mirrors openapi-schema-validator's semantics;
  when a check fails the generator retries with a child rng, a bounded number of times.

Every draw comes from `Rng` with a label, so adding a property never reshuffles the others, and
nothing depends on `hash()`, set order or the wall clock: `now` is given by the caller. Words,
names, places and codes come from `values`, the engine's one vocabulary, which generators use too.

The package, one idea a module, each class a mixin using only those before it:

- `schema`: schema algebra (`Schemas`): references, flattening, merging, nullable, discriminators.
- `check`: the validator (`Checker`) used for self-checks and retries.
- `hints`: naming hints (`Hints`): strings by property name, values of formats, filler words.
- `generate`: the walk of `value` (`Generator`): choices, types, objects, arrays, scalars.
- `media`: media encoders (`Encoders`): examples and bodies of every media type.
- `synthesizer`: `Synthesizer`, all of them with the settings of one document.
"""

from specmock.engine.synth.media import MULTIPART_BOUNDARY
from specmock.engine.synth.synthesizer import Synthesizer

__all__ = ["MULTIPART_BOUNDARY", "Synthesizer"]
