"""The ceiling: a bare Flask view under the same gunicorn settings (bench/pages.py)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
