"""Functional goals: pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("goals", __name__)
