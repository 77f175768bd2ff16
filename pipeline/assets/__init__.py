"""Thin Dagster assets: each wires one stage of the pure modules to the resources."""
