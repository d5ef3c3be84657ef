"""Readings imported from a spreadsheet (CSV in UTF-8 or XLSX): every row is checked first;
one bad row refuses the whole file with the rows and reasons, and nothing is recorded."""

import base64
import binascii
import math

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..tools.tabular import UnreadableWorkbook, csv_rows, xlsx_rows

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000
MAX_ERRORS = 20
# Accepted column titles (case-insensitive), English and Chinese.
COLUMNS = {
    "meter": ("meter no.", "meter", "表号"),
    "value": ("reading", "读数", "本期读数"),
    "date": ("read on", "date", "抄表日期"),
}


class HanlingFeeMeterImport(models.TransientModel):
    _name = "hanling.fee.meter.import"
    _description = "Import Meter Readings"

    period_start = fields.Date(
        string="Month",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
    )
    file = fields.Binary(string="Spreadsheet", required=True)
    filename = fields.Char()
    count = fields.Integer(readonly=True)

    @api.constrains("period_start")
    def _check_period_start(self):
        for wizard in self:
            if wizard.period_start.day != 1:
                raise UserError(self.env._("A reading's month starts on its first day."))

    # ------------------------------------------------------------------ reading the file

    def _rows(self):
        """The file's rows as lists of cells (the first one the titles)."""
        try:
            data = base64.b64decode(self.file or b"", validate=True)
        except (binascii.Error, ValueError) as error:
            raise UserError(self.env._("The file could not be read.")) from error
        if not data:
            raise UserError(self.env._("The file is empty."))
        if len(data) > MAX_BYTES:
            raise UserError(
                self.env._("The file is larger than %(size)s MB.", size=MAX_BYTES // 1024**2)
            )
        name = (self.filename or "").lower()
        if name.endswith(".xlsx") or data[:2] == b"PK":
            return self._xlsx_rows(data)
        if name and not name.endswith((".csv", ".txt")):
            raise UserError(self.env._("Import a CSV (UTF-8) or XLSX file."))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UserError(
                self.env._(
                    "The file is not in UTF-8: save it as “CSV UTF-8” or as an XLSX workbook."
                )
            ) from error
        return csv_rows(text)

    def _xlsx_rows(self, data):
        try:
            return xlsx_rows(data, max_rows=MAX_ROWS)
        except UnreadableWorkbook as error:
            raise UserError(self.env._("The file is not a readable XLSX workbook.")) from error

    def _columns(self, titles):
        positions = {}
        for index, title in enumerate(titles):
            text = str(title or "").strip().lower()
            for key, names in COLUMNS.items():
                if text in names and key not in positions:
                    positions[key] = index
        missing = [key for key in ("meter", "value") if key not in positions]
        if missing:
            raise UserError(
                self.env._(
                    "The file needs the columns “Meter No.” (表号) and “Reading” (读数) in its "
                    "first row; missing: %(columns)s.",
                    columns=", ".join(COLUMNS[key][0] for key in missing),
                )
            )
        return positions

    @staticmethod
    def _cell(row, index):
        return row[index] if index is not None and index < len(row) else ""

    # ------------------------------------------------------------------ the import

    def _parse(self):
        """[(meter, value, date)] of the file, or a refusal listing every bad row."""
        self.ensure_one()
        rows = self._rows()
        if not rows:
            raise UserError(self.env._("The file is empty."))
        positions = self._columns(rows[0])
        body = [row for row in rows[1:] if any(str(cell).strip() for cell in row)]
        if not body:
            raise UserError(self.env._("The file has no readings."))
        if len(body) > MAX_ROWS:
            raise UserError(self.env._("A file holds at most %(count)s readings.", count=MAX_ROWS))
        Meter = self.env["hanling.fee.meter"]
        names = {str(self._cell(row, positions["meter"])).strip() for row in body}
        meters = {
            meter.name: meter
            for meter in Meter.search(
                [("name", "in", list(names)), ("company_id", "=", self.env.company.id)]
            )
        }
        existing = set(
            self.env["hanling.fee.meter.reading"]
            .search(
                [
                    ("meter_id", "in", [m.id for m in meters.values()]),
                    ("period_start", "=", self.period_start),
                    ("state", "not in", ("corrected", "cancel")),
                ]
            )
            .meter_id.ids
        )
        errors, parsed, seen = [], [], set()
        for number, row in enumerate(body, start=2):
            name = str(self._cell(row, positions["meter"])).strip()
            raw = self._cell(row, positions["value"])
            meter = meters.get(name)
            value = self._number(raw)
            day = self._date(self._cell(row, positions.get("date")))
            if not meter:
                errors.append(
                    self.env._("row %(row)s: no meter “%(meter)s”", row=number, meter=name)
                )
            elif name in seen:
                errors.append(
                    self.env._("row %(row)s: meter %(meter)s appears twice", row=number, meter=name)
                )
            elif meter.id in existing:
                errors.append(
                    self.env._(
                        "row %(row)s: meter %(meter)s has a reading of this month already",
                        row=number,
                        meter=name,
                    )
                )
            elif value is None or value < 0:
                errors.append(
                    self.env._(
                        "row %(row)s: the reading “%(value)s” is not a number of zero or more",
                        row=number,
                        value=raw,
                    )
                )
            elif day is False:
                errors.append(self.env._("row %(row)s: the date is not a date", row=number))
            elif (
                float_compare(value, meter._previous_value(self.period_start), precision_digits=2)
                < 0
            ):
                errors.append(
                    self.env._(
                        "row %(row)s: meter %(meter)s reads below its previous reading; record "
                        "the replacement or rollover on the reading screen",
                        row=number,
                        meter=name,
                    )
                )
            else:
                parsed.append((meter, value, day))
            seen.add(name)
        if errors:
            more = len(errors) - MAX_ERRORS
            text = "\n".join(errors[:MAX_ERRORS])
            if more > 0:
                text += "\n" + self.env._("… and %(count)s more", count=more)
            raise UserError(
                self.env._("Nothing was imported. Correct the file:\n%(errors)s", errors=text)
            )
        return parsed

    @staticmethod
    def _number(raw):
        if isinstance(raw, bool):
            return None
        if isinstance(raw, int | float):
            value = float(raw)
        else:
            try:
                value = float(str(raw).strip().replace(",", ""))
            except ValueError:
                return None
        return value if math.isfinite(value) else None

    @staticmethod
    def _date(raw):
        """The cell's date, None when empty, False when it is not a date."""
        if raw in ("", None):
            return None
        if hasattr(raw, "date") and callable(raw.date):
            return raw.date()
        try:
            return fields.Date.to_date(str(raw).strip()[:10])
        except ValueError:
            return False

    def action_import(self):
        """Record the file's readings and confirm them (each checked like one entered on the
        phone: zero use and spikes are held for review)."""
        self.ensure_one()
        parsed = self._parse()
        Reading = self.env["hanling.fee.meter.reading"]
        readings = Reading.create(
            [
                {
                    "meter_id": meter.id,
                    "period_start": self.period_start,
                    "value": value,
                    "date_reading": day or fields.Date.context_today(self),
                    "note": self.env._("Imported from %(file)s", file=self.filename or "-"),
                }
                for meter, value, day in parsed
            ]
        )
        readings.action_confirm()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Imported Readings"),
            "res_model": Reading._name,
            "view_mode": "list,form",
            "domain": [("id", "in", readings.ids)],
        }
