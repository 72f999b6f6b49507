"""Web pages for operators, department staff and admins (Jinja2 + HTMX)."""
