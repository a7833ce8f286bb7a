"""The web app's parts: rendering, the HTTP API, guards, uploads, removal, rebuilds, feedback, export.

``app.py`` at the project root wires them into a Gradio page; ``access`` is what the API and the MCP
server share.
"""
