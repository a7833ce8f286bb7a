"""Tests of qa.app: the web app's handlers, HTTP API, guard, rendering, feedback, and the browser."""
