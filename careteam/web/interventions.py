"""Interventions and what helped: pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("interventions", __name__)
