"""Reading the spreadsheets offices exchange (meter readings, the bank's return files).

One place turns a CSV text or an XLSX workbook into rows of cells; each caller checks the
columns and values it needs and says in its own words, translated, what is wrong with a file.
"""

import csv
import io
import zipfile


class UnreadableWorkbook(ValueError):
    """The bytes are not an XLSX workbook openpyxl can read."""


def xlsx_rows(data, max_rows=None):
    """The first sheet's rows as lists of cell values (an empty cell is ``""``).

    Values keep their type (numbers, dates). Reading stops after ``max_rows + 1`` rows (the
    titles and one too many, so the caller can refuse an oversized file) when ``max_rows`` is
    given.
    """
    import openpyxl  # a requirement of Odoo itself

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableWorkbook(str(error)) from error
    try:
        rows = []
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            if max_rows is not None and len(rows) > max_rows + 1:
                break
            rows.append(["" if cell is None else cell for cell in row])
        return rows
    finally:
        workbook.close()


def csv_rows(text, delimiter=None):
    """The rows of a CSV text; without ``delimiter`` it is guessed among , ; and tab."""
    if delimiter is None:
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return list(csv.reader(io.StringIO(text), dialect))
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))
