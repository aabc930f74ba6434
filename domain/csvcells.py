"""Cells of the CSV files the shop writes, made safe to open in a spreadsheet.

A cell that starts with =, +, -, @, a tab, a carriage return or a NUL is read by spreadsheet
programs as a formula, which can fetch URLs or run commands on the merchant's computer
(CSV or formula injection, OWASP; ASVS 1.2.10). Such a cell is written with a single quote in
front, which spreadsheets show as text. So that the shop's own files read back unchanged (a
product export imported again), a cell that starts with a quote gets one more, and unescape()
takes exactly one quote off a cell that starts with a quote followed by one of those characters
or another quote: escape() and unescape() undo each other for every text. A file from elsewhere
(a Shopify export) is read as it is, unless a cell starts that way.
"""
import codecs
import csv
import io

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
QUOTE = "'"
# Spreadsheet programs read a CSV file as UTF-8 (Korean names and all) only when it starts so.
BOM = codecs.BOM_UTF8.decode()


def escape(value):
    """The text of a cell as the file holds it."""
    text = "" if value is None else str(value)
    if text.startswith(TRIGGERS + (QUOTE,)):
        return QUOTE + text
    return text


def unescape(cell):
    """The text escape() was given, for a cell escape() wrote; other cells are left alone."""
    if len(cell) > 1 and cell[0] == QUOTE and cell[1] in TRIGGERS + (QUOTE,):
        return cell[1:]
    return cell


def lines(header, rows):
    """A CSV file line by line (the first with the BOM), every cell escaped: for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells):
        writer.writerow([escape(cell) for cell in cells])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield BOM + line(header)
    for row in rows:
        yield line(row)
