"""Pieces of the kstack dev cloud that run inside OpenStack services."""
