"""Simulations that are not data: the router protocol, a container's shell."""
