"""Pieces every layer uses: the name registry, torch device and seeding, package resources."""
