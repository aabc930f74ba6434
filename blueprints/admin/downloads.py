"""CSV files the back office hands out, streamed row by row with their cells escaped against
formula injection (domain.csvcells), and never kept by a browser or proxy cache."""
from flask import Response, stream_with_context

from domain import csvcells


def csv_download(name, header, rows):
    response = Response(stream_with_context(csvcells.lines(header, rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
