"""Plain-Python rules of careteam. Nothing here imports Flask or SQLAlchemy."""
