"""The APIs bundled with specmock: one package of handwritten generators each, and `generated`,
what `specmock codegen` writes from their specs. A namespace of specmock's own, so a user's
project can have its own `mocks` and `generated` packages beside it."""
