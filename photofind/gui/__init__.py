"""The desktop app (PySide6): windows, views, models and the threads that feed them."""
