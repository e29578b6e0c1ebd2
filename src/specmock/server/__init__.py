"""The runtime: the app factory, dispatch, request errors, faults, the admin API and docs."""
