"""The course planner, saved plans and patient leaflets, under /planner."""

from flask import Blueprint

bp = Blueprint("courses", __name__)
