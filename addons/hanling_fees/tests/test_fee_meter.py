import base64
import io
from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.hanling_property.tools.workflow import WorkflowGuardError

from .common import FeeCase

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
OPEN = ("not_paid", "partial")


class MeterCase(FeeCase):
    """水费 3.00 per m³ (monthly, billed after the month) on 翰岭院's units 301 and 302, read by
    the technician t_tech; both units pay it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reader = cls.users["t_tech"]
        FeeType = cls.env["hanling.fee.type"].with_user(cls.accountant)
        cls.water = FeeType.create(
            {
                "name": "水费",
                "community_id": cls.community.id,
                "kind": "metered",
                "meter_kind": "water",
                "billing_timing": "arrears",
                "subscribe_on_move_in": False,
            }
        )
        cls.water_tariff = cls._tariff(cls.water, 3.0, date(2025, 1, 1))
        Meter = cls.env["hanling.fee.meter"].with_user(cls.accountant)
        cls.master = Meter.create(
            {
                "name": "W-T1",
                "kind": "water",
                "scope": "common",
                "building_id": cls.building.id,
                "community_id": cls.community.id,
                "share_method": "none",
            }
        )
        cls.meter, cls.meter2 = Meter.create(
            [
                {
                    "name": "W-301",
                    "unit_id": cls.unit.id,
                    "fee_type_id": cls.water.id,
                    "parent_id": cls.master.id,
                    "initial_value": 1000.0,
                    "digits": 4,
                },
                {
                    "name": "W-302",
                    "unit_id": cls.unit2.id,
                    "fee_type_id": cls.water.id,
                    "parent_id": cls.master.id,
                    "initial_value": 500.0,
                },
            ]
        )

    def setUp(self):
        super().setUp()
        self._subscribe(self.unit, self.owner, JAN, fee_type=self.water)
        self._subscribe(self.unit2, self.owner2, JAN, fee_type=self.water)

    def _read(self, meter, period, value, user=None, confirm=True, **vals):
        reading = (
            self.env["hanling.fee.meter.reading"]
            .with_user(user or self.reader)
            .create(
                {
                    "meter_id": meter.id,
                    "period_start": period,
                    "value": value,
                    "date_reading": period + timedelta(days=27),
                    **vals,
                }
            )
        )
        if confirm:
            reading.action_confirm()
        return reading

    def _history(self, meter, start_value, uses, first=date(2025, 7, 1)):
        """Readings of earlier months (confirmed), one per use."""
        value, period = start_value, first
        for use in uses:
            value += use
            self._read(meter, period, value)
            period = (period + timedelta(days=32)).replace(day=1)
        return value


@tagged("post_install", "-at_install")
class TestMeterChecks(MeterCase):
    def test_reading_below_previous_is_refused_unless_rollover_or_replacement(self):
        """Issue 17 item 1: "a reading below the previous one is refused unless a meter
        replacement or a rollover is recorded"."""
        self._read(self.meter, JAN, 1020.0)
        low = self._read(self.meter, FEB, 1010.0, confirm=False)
        with self.assertRaisesRegex(UserError, r"below the previous one \(1020\)"):
            low.action_confirm()
        self.assertEqual(low.state, "draft")
        # A replacement: the old meter ran to 1024, the new one started at 0 and reads 10.
        low.write(
            {
                "event": "replacement",
                "old_final_value": 1024.0,
                "new_start_value": 0.0,
                "value": 10.0,
            }
        )
        low.action_confirm()
        self.assertEqual((low.state, low.previous_value, low.consumption), ("confirmed", 1020, 14))
        # The dial (4 digits) rolled over 9999 → 0000: 9990 → 15 is 25 m³.
        other = (
            self.env["hanling.fee.meter"]
            .with_user(self.accountant)
            .create(
                {"name": "W-303", "unit_id": self.unit2.id, "initial_value": 9990.0, "digits": 4}
            )
        )
        roll = self._read(other, JAN, 15.0, confirm=False, event="rollover")
        roll.action_confirm()
        self.assertEqual(roll.consumption, 25.0)
        # A "rollover" that is not below the previous reading is refused.
        bad = self._read(other, FEB, 30.0, confirm=False, event="rollover")
        with self.assertRaisesRegex(UserError, "a rollover reading is below the previous one"):
            bad.action_confirm()

    def test_multiplier_makes_the_use(self):
        """Issue 17 item 1: meters "with install date, multiplier": the use is the dial's
        difference times the multiplier (an electricity meter on a current transformer)."""
        self.meter.with_user(self.accountant).multiplier = 40.0
        reading = self._read(self.meter, JAN, 1002.5)
        self.assertEqual(reading.consumption, 100.0)
        self.meter.with_user(self.accountant).multiplier = 1.0
        self.assertEqual(reading.consumption, 100.0, "a later multiplier changes no reading")

    def test_zero_use_and_spikes_are_held_and_only_the_accountant_releases(self):
        """Issue 17 item 1: "zero use and spikes beyond a configurable multiple of the unit's
        average are held for review"; the release is the accountant's or the engineering
        supervisor's, never the reader's, and cannot be forged over RPC."""
        value = self._history(self.meter, 1000.0, [10, 12, 8])
        zero = self._read(self.meter, JAN, value)
        self.assertEqual((zero.state, zero.hold_reason), ("held", "zero"))
        self.assertEqual(zero.hold_detail, "No use this month")
        with self.assertRaisesRegex(AccessError, "Only the accountant or the engineering"):
            zero.with_user(self.reader).action_release()
        with self.assertRaisesRegex(WorkflowGuardError, "State"):
            zero.with_user(self.reader).write({"state": "confirmed"})
        with self.assertRaisesRegex(WorkflowGuardError, "Released by"):
            zero.with_user(self.accountant).write({"released_by_id": self.accountant.id})
        self.assertEqual(zero.state, "held")
        zero.with_user(self.accountant).action_release()
        self.assertEqual((zero.state, zero.released_by_id), ("confirmed", self.accountant))

        # 10, 12, 8 (and 0) average 7.5; 3 × 7.5 = 22.5 < 40: a spike.
        spike = self._read(self.meter, FEB, value + 40)
        self.assertEqual(spike.state, "held")
        self.assertEqual((spike.hold_reason, spike.hold_average), ("spike", 7.5))
        self.assertEqual(spike.hold_detail, "Use 40 against an average of 7.5")
        self.assertEqual(spike.with_context(lang="zh_CN").hold_detail, "用量 40，平均用量 7.5")
        # The multiple is the fee's (per community): at 6× the same use passes.
        spike.with_user(self.reader).action_reset_draft()
        self.water.with_user(self.accountant).meter_spike_multiple = 6.0
        spike.with_user(self.reader).action_confirm()
        self.assertEqual(spike.state, "confirmed")

    def test_the_supervisor_does_not_release_a_reading_of_their_own(self):
        """Issue 17 item 1 (held for review): the review is someone else's than the reader's."""
        supervisor = self.users["t_engsup"]
        held = self._read(self.meter, JAN, 1000.0, user=supervisor)
        self.assertEqual(held.state, "held")
        with self.assertRaisesRegex(UserError, "someone other than its reader"):
            held.with_user(supervisor).action_release()
        held.with_user(self.accountant).action_release()
        self.assertEqual(held.state, "confirmed")

    def test_forged_read_by_or_state_at_create_is_refused(self):
        """The workflow kernel guards the reading: a client cannot create one confirmed or
        billed, nor in another reader's name."""
        Reading = self.env["hanling.fee.meter.reading"].with_user(self.reader)
        vals = {"meter_id": self.meter.id, "period_start": JAN, "value": 1010.0}
        with self.assertRaisesRegex(WorkflowGuardError, "State"):
            Reading.create({**vals, "state": "confirmed"})
        with self.assertRaisesRegex(WorkflowGuardError, "Read by"):
            Reading.create({**vals, "read_by_id": self.users["t_tech2"].id})
        with self.assertRaisesRegex(WorkflowGuardError, "Use"):
            Reading.create({**vals, "consumption": 1.0})

    def test_confirmed_reading_is_locked(self):
        """A confirmed reading's dial is frozen: it is entered again through "Enter Again"."""
        reading = self._read(self.meter, JAN, 1010.0)
        with self.assertRaisesRegex(UserError, "Reading"):
            reading.with_user(self.reader).write({"value": 1011.0})
        reading.with_user(self.reader).action_reset_draft()
        reading.with_user(self.reader).write({"value": 1011.0})
        reading.with_user(self.reader).action_confirm()
        self.assertEqual(reading.consumption, 11.0)

    def test_verification_reminder(self):
        """Issue 17 item 1: "the next verification date": the responsible is reminded 30 days
        before it (the kernel's deadline mechanism); recording the verification closes it."""
        self.meter.with_user(self.accountant).write(
            {
                "date_last_verification": date(2025, 3, 1),
                "date_next_verification": date(2026, 3, 1),
                "user_id": self.accountant.id,
            }
        )
        with freeze_time("2026-02-10"):
            self.env["hanling.deadline.mixin"]._cron_check_deadlines()
            self.assertTrue(self.meter.is_verification_due)
            activity = self.meter.activity_ids
            self.assertEqual(activity.user_id, self.accountant)
            self.assertIn("Meter verification due", activity.summary)
            self.meter.with_user(self.accountant).action_record_verification()
            self.assertEqual(self.meter.date_next_verification, date(2027, 2, 10))
            self.assertFalse(self.meter.is_verification_due)
            self.assertFalse(self.meter.activity_ids)


@tagged("post_install", "-at_install")
class TestMeterBilling(MeterCase):
    def test_readings_bill_through_the_run_with_previous_and_current(self):
        """Issue 17 item 1: "Readings bill through the billing run as lines carrying the
        previous and current readings"; a unit, fee and month is billed once."""
        self._read(self.meter, JAN, 1012.5)
        self._read(self.meter2, JAN, 520.0)
        run = self._run(FEB)
        bill = run.bill_line_ids.filtered(lambda b: b.unit_id == self.unit)
        self.assertEqual((bill.period_start, bill.period_end), (JAN, date(2026, 1, 31)))
        self.assertEqual(
            (bill.meter_previous, bill.meter_current, bill.meter_use), (1000, 1012.5, 12.5)
        )
        self.assertEqual(bill.amount, 37.5)
        line = bill.invoice_line_id
        self.assertEqual(line.move_id.state, "posted")
        self.assertEqual(line.move_id.partner_id, self.owner)
        self.assertEqual((line.quantity, line.price_unit), (12.5, 3.0))
        self.assertEqual((line.hanling_meter_previous, line.hanling_meter_current), (1000, 1012.5))
        self.assertIn("meter W-301: 1000 → 1012.5", line.name)
        self.assertEqual(bill.meter_reading_ids.state, "billed")
        self.assertEqual(line.move_id.amount_total, 37.5)
        # A second run of the month bills nothing again.
        again = self._run(FEB)
        self.assertFalse(again.bill_line_ids)
        self.assertEqual(
            self.env["hanling.fee.bill.line"].search_count(
                [("unit_id", "=", self.unit.id), ("fee_type_id", "=", self.water.id)]
            ),
            1,
        )

    def test_held_reading_waits_for_its_release(self):
        """Issue 17 item 1: a held reading is not billed; once released, the next run of the
        month bills it (and the run does not fail the payer's other fees)."""
        held = self._read(self.meter, JAN, 1000.0)
        self._read(self.meter2, JAN, 510.0)
        run = self._run(FEB)
        self.assertEqual(run.bill_line_ids.unit_id, self.unit2)
        self.assertFalse(run.failure_ids)
        held.with_user(self.accountant).action_release()
        later = self._run(FEB)
        self.assertEqual(later.bill_line_ids.unit_id, self.unit)
        self.assertEqual(later.bill_line_ids.amount, 0.0)
        self.assertEqual(held.state, "billed")

    def test_monthly_tiers(self):
        """Issue 17 item 1: "Tiered prices (阶梯水价 …: tiers per month …)": 15 m³ with the
        first 10 at 3.00 and the rest at 5.00 is 55.00."""
        self.env["hanling.fee.tariff.tier"].with_user(self.accountant).create(
            [
                {"tariff_id": self.water_tariff.id, "sequence": 1, "up_to": 10, "rate": 3.0},
                {"tariff_id": self.water_tariff.id, "sequence": 2, "up_to": 0, "rate": 5.0},
            ]
        )
        self._read(self.meter, JAN, 1015.0)
        bill = self._run(FEB).bill_line_ids
        self.assertEqual(bill.amount, 55.0)
        self.assertEqual((bill.invoice_line_id.quantity, bill.invoice_line_id.price_unit), (1, 55))
        self.assertIn("tier 1: 10 × 3", bill.name)
        self.assertIn("tier 2: 5 × 5", bill.name)
        # The tariff billed: its tiers are never rewritten.
        with self.assertRaisesRegex(UserError, "its tiers are never rewritten"):
            self.water_tariff.tier_ids[0].with_user(self.accountant).rate = 2.0

    def test_yearly_tiers_count_the_years_cumulative_use(self):
        """Issue 17 item 1: "tiers … per year": 阶梯电价 counted on the year's cumulative use —
        January's 150 kWh fill the first 200; February's 100 are 50 at 0.50 and 50 at 0.80."""
        power = (
            self.env["hanling.fee.type"]
            .with_user(self.accountant)
            .create(
                {
                    "name": "电费",
                    "community_id": self.community.id,
                    "kind": "metered",
                    "meter_kind": "electricity",
                    "billing_timing": "arrears",
                    "tier_period": "year",
                    "subscribe_on_move_in": False,
                }
            )
        )
        tariff = self._tariff(power, 0.5, date(2025, 1, 1))
        self.env["hanling.fee.tariff.tier"].with_user(self.accountant).create(
            [
                {"tariff_id": tariff.id, "sequence": 1, "up_to": 200, "rate": 0.5},
                {"tariff_id": tariff.id, "sequence": 2, "up_to": 0, "rate": 0.8},
            ]
        )
        meter = (
            self.env["hanling.fee.meter"]
            .with_user(self.accountant)
            .create(
                {
                    "name": "E-301",
                    "kind": "electricity",
                    "unit_id": self.unit.id,
                    "fee_type_id": power.id,
                }
            )
        )
        self._subscribe(self.unit, self.owner, JAN, fee_type=power)
        self._read(meter, JAN, 150.0)
        january = self._run(FEB).bill_line_ids.filtered(lambda b: b.fee_type_id == power)
        self.assertEqual(january.amount, 75.0)
        self._read(meter, FEB, 250.0)
        february = self._run(MAR).bill_line_ids.filtered(lambda b: b.fee_type_id == power)
        self.assertEqual(february.amount, 65.0)  # 50 × 0.50 + 50 × 0.80
        self.assertIn("used this year before: 150", february.name)

    def test_common_meter_difference_shared_by_floor_area(self):
        """Issue 17 item 1: "the common meter's difference (the master reading minus its
        sub-meters) shared by floor area (公摊) when the office chooses"."""
        self.master.with_user(self.accountant).share_method = "area"
        self._read(self.meter, JAN, 1030.0)  # 30
        self._read(self.meter2, JAN, 540.0)  # 40
        # Without the master's reading the units wait (their share is not known yet).
        self.assertFalse(self._run(FEB).bill_line_ids)
        self._read(self.master, JAN, 100.0)  # 100 from 0: 30 m³ beyond the sub-meters
        bills = self._run(FEB).bill_line_ids
        first = bills.filtered(lambda b: b.unit_id == self.unit)
        second = bills.filtered(lambda b: b.unit_id == self.unit2)
        # 30 × 89.5 / 185.5 = 14.47; 30 × 96 / 185.5 = 15.53
        self.assertEqual((first.meter_share, second.meter_share), (14.47, 15.53))
        self.assertEqual(first.amount, round((30 + 14.47) * 3, 2))
        self.assertEqual(second.amount, round((40 + 15.53) * 3, 2))
        self.assertIn("common use shared by floor area: 14.47 × 3", first.name)

        # 301's dial was 1040, not 1030: its own use grows by 10 and the common difference
        # shrinks to 20, shared again: both units get a credit note and a new bill.
        first_invoice, second_invoice = first.move_id, second.move_id
        reading = first.meter_reading_ids
        reading.with_user(self.accountant)._correct({"value": 1040.0, "note": "看错"})
        # 20 × 89.5 / 185.5 = 9.65; 20 × 96 / 185.5 = 10.35
        self.assertEqual((first.meter_share, second.meter_share), (9.65, 10.35))
        self.assertEqual(first.amount, round((40 + 9.65) * 3, 2))
        self.assertEqual(second.amount, round((40 + 10.35) * 3, 2))
        for bill, old in ((first, first_invoice), (second, second_invoice)):
            new = bill.invoice_line_id.move_id
            self.assertNotEqual(new, old)
            self.assertEqual((new.state, new.amount_total), ("posted", bill.amount))
            self.assertEqual(old.payment_state, "reversed")
            refund = self.env["account.move"].search([("reversed_entry_id", "=", old.id)])
            self.assertEqual(refund.amount_total, old.amount_total)
        self.assertIn(
            "Common use shared again", second.invoice_line_id.move_id.message_ids[:1].body
        )
        # 302's reading itself is as it was: billed, its use unchanged.
        self.assertEqual((second.meter_reading_ids.state, second.meter_use), ("billed", 40.0))
        # The total billed still adds up to the master's use.
        self.assertAlmostEqual(first.quantity + second.quantity, 100.0)

    def test_discounts_leave_metered_fees_alone(self):
        """A discount (空置, hardship) reduces the periodic fees; water is billed on the use
        read, at its tariff: a unit-wide rule leaves it whole, a rule on it is refused."""
        Discount = self.env["hanling.fee.discount"].with_user(self.accountant)
        Discount.create(
            {
                "name": "困难户",
                "kind": "hardship",
                "unit_id": self.unit.id,
                "percentage": 50,
                "date_start": JAN,
                "date_end": date(2026, 1, 31),
            }
        )
        with (
            self.assertRaisesRegex(ValidationError, "水费 is metered: it is billed on the use"),
            self.env.cr.savepoint(),  # the RPC call's transaction, rolled back with the error
        ):
            Discount.create(
                {
                    "name": "困难户",
                    "unit_id": self.unit2.id,
                    "fee_type_id": self.water.id,
                    "percentage": 50,
                    "date_start": JAN,
                    "date_end": date(2026, 1, 31),
                }
            )
        self.assertFalse(Discount.search([("unit_id", "=", self.unit2.id)]))
        self._read(self.meter, JAN, 1030.0)
        bill = self._run(FEB).bill_line_ids.filtered(lambda b: b.unit_id == self.unit)
        self.assertEqual(bill.amount, 90.0)
        self.assertNotIn("困难户", bill.invoice_line_id.name)

    def test_common_use_borne_by_the_office(self):
        """Issue 17 item 1: the share is the office's choice; "borne by the office" bills the
        units their own use only."""
        self._read(self.meter, JAN, 1030.0)
        bill = self._run(FEB).bill_line_ids.filtered(lambda b: b.unit_id == self.unit)
        self.assertEqual((bill.meter_share, bill.amount), (0.0, 90.0))

    def test_corrected_reading_issues_a_credit_note_and_a_new_bill(self):
        """Issue 17 item 1: "a corrected reading issues a credit note and a new bill, never an
        edited posted invoice"."""
        reading = self._read(self.meter, JAN, 1050.0)
        bill = self._run(FEB).bill_line_ids.filtered(lambda b: b.unit_id == self.unit)
        invoice = bill.move_id
        self.assertEqual(invoice.amount_total, 150.0)
        Wizard = self.env["hanling.fee.meter.correction"]
        with self.assertRaisesRegex(AccessError, "Only the accountant corrects"):
            reading.with_user(self.reader)._correct({"value": 1020.0})
        with self.assertRaises(AccessError):
            Wizard.with_user(self.reader).create(
                {"reading_id": reading.id, "value": 1020.0, "note": "看错"}
            )
        wizard = Wizard.with_user(self.accountant).create(
            {"reading_id": reading.id, "value": 1020.0, "note": "抄表员看错了一位"}
        )
        action = wizard.action_correct()
        corrected = self.env["hanling.fee.meter.reading"].browse(action["res_id"])
        self.assertEqual((reading.state, corrected.state), ("corrected", "billed"))
        self.assertEqual((corrected.previous_value, corrected.consumption), (1000.0, 20.0))
        # The posted invoice is as it was; a credit note of its line and a new bill.
        self.assertEqual((invoice.state, invoice.amount_total), ("posted", 150.0))
        credit = reading.credit_note_id
        self.assertEqual((credit.move_type, credit.state), ("out_refund", "posted"))
        self.assertEqual((credit.reversed_entry_id, credit.amount_total), (invoice, 150.0))
        self.assertEqual(invoice.payment_state, "reversed")
        new = corrected.invoice_id
        self.assertEqual(
            (new.move_type, new.state, new.amount_total), ("out_invoice", "posted", 60.0)
        )
        self.assertEqual(new.partner_id, self.owner)
        self.assertEqual(new.invoice_line_ids.hanling_meter_current, 1020.0)
        # Still one bill line for the unit, fee and month: it carries the new invoice line.
        self.assertEqual(bill.invoice_line_id.move_id, new)
        self.assertEqual((bill.amount, bill.meter_current), (60.0, 1020.0))
        self.assertEqual(
            self.env["hanling.fee.bill.line"].search_count(
                [("unit_id", "=", self.unit.id), ("fee_type_id", "=", self.water.id)]
            ),
            1,
        )
        with self.assertRaisesRegex(UserError, "Correcting a billed reading is not possible"):
            reading.with_user(self.accountant)._correct({"value": 1010.0})

    def _pay_at_counter(self, unit):
        wizard = (
            self.env["hanling.fee.counter.payment"]
            .with_user(self.users["t_duty"])
            .create({"unit_id": unit.id, "journal_id": self.cash_journal.id})
        )
        wizard.action_pay()

    def _correct_as_accountant(self, reading, value):
        wizard = (
            self.env["hanling.fee.meter.correction"]
            .with_user(self.accountant)
            .create({"reading_id": reading.id, "value": value, "note": "抄表员看错了"})
        )
        action = wizard.action_correct()
        return self.env["hanling.fee.meter.reading"].browse(action["res_id"])

    def test_correcting_a_paid_bill_pays_the_new_bill_from_the_credit_note(self):
        """Issue 17 item 1 with the payments of item 2: a bill paid already and then
        corrected. The credit note of the paid bill is the payer's money: it pays the new bill
        of the month first, what it does not need stays the payer's credit, and the bill's
        chatter says where the money came from."""
        reading = self._read(self.meter, JAN, 1050.0)
        bill = self._run(FEB).bill_line_ids.filtered(lambda b: b.unit_id == self.unit)
        invoice = bill.move_id
        self._pay_at_counter(self.unit)
        self.assertEqual((invoice.amount_total, invoice.payment_state), (150.0, "paid"))

        # Read too high: 20 m³ instead of 50. The new bill (60) is paid by the credit note.
        corrected = self._correct_as_accountant(reading, 1020.0)
        new, credit = corrected.invoice_id, reading.credit_note_id
        self.assertEqual((new.amount_total, new.amount_residual), (60.0, 0.0))
        # Odoo's name for an invoice settled by a credit note; it still counts as billed.
        self.assertEqual(new.payment_state, "reversed")
        self.assertFalse(new.reversal_move_ids)
        self.assertEqual((credit.amount_total, credit.amount_residual), (150.0, 90.0))
        self.assertEqual(invoice.payment_state, "paid")  # paid at the counter, as it was
        note = new.message_ids.filtered(lambda m: credit.name in (m.body or ""))
        self.assertTrue(note, new.message_ids.mapped("body"))
        self.assertIn(invoice.name, note.body)
        # The collection rate, the unit's statement and the portal count the new bill: 60
        # billed and paid (from the 150 paid at the counter), nothing owed.
        water = [("unit_id", "=", self.unit.id), ("fee_type_id", "=", self.water.id)]
        report = self.env["hanling.fee.collection.report"].search(water)
        self.assertEqual(
            [(r.move_id, r.billed, r.paid, r.owed) for r in report], [(new, 60.0, 60.0, 0.0)]
        )
        [statement] = self.unit.with_user(self.users["t_duty"])._hanling_fee_statement()
        rows = [r for r in statement["rows"] if r["bill"].fee_type_id == self.water]
        self.assertEqual([(r["bill"], r["paid"], r["owed"]) for r in rows], [(bill, 60.0, 0.0)])
        self.assertIn(credit.name, [p["name"] for p in statement["payments"]])
        # What the payer owes on the unit: nothing; the 90 left is their open credit.
        owed = [("unit_id", "=", self.unit.id), ("move_id.payment_state", "in", OPEN)]
        self.assertEqual(self.env["hanling.fee.bill.line"].search_count(owed), 0)

    def test_correcting_a_paid_bill_upwards_leaves_only_the_difference_owed(self):
        """The same, read too low: the credit note pays what was paid, the new bill is owed
        the difference only."""
        reading = self._read(self.meter, JAN, 1050.0)
        bill = self._run(FEB).bill_line_ids.filtered(lambda b: b.unit_id == self.unit)
        self._pay_at_counter(self.unit)
        self.assertEqual(bill.move_id.payment_state, "paid")
        corrected = self._correct_as_accountant(reading, 1080.0)
        new, credit = corrected.invoice_id, reading.credit_note_id
        self.assertEqual((new.amount_total, new.amount_residual), (240.0, 90.0))
        self.assertEqual(new.payment_state, "partial")
        self.assertEqual(credit.amount_residual, 0.0)

    def test_correcting_an_unpaid_bill_leaves_the_new_bill_owed(self):
        """An unpaid bill: its credit note settles it whole and the new bill is owed in full
        (nothing is taken from anywhere else)."""
        reading = self._read(self.meter, JAN, 1050.0)
        self._run(FEB)
        corrected = self._correct_as_accountant(reading, 1020.0)
        new, credit = corrected.invoice_id, reading.credit_note_id
        self.assertEqual((new.amount_residual, new.payment_state), (60.0, "not_paid"))
        self.assertEqual(credit.amount_residual, 0.0)
        self.assertFalse(new.message_ids.filtered(lambda m: credit.name in (m.body or "")))

    def test_correcting_an_earlier_month_counts_the_later_ones_again(self):
        """A reading that is not the latest is corrected too: the next month starts from the
        corrected dial, so its use is counted again — billed, by its own credit note and new
        bill; confirmed, on the reading itself. The months after it keep their use."""
        jan = self._read(self.meter, JAN, 1050.0)
        self._run(FEB)
        feb = self._read(self.meter, FEB, 1080.0)
        self._run(MAR)
        mar = self._read(self.meter, MAR, 1100.0)
        self.assertEqual((jan.state, feb.state, mar.state), ("billed", "billed", "confirmed"))
        feb_invoice = feb.invoice_id or feb.bill_line_id.move_id
        self.assertEqual(feb_invoice.amount_total, 90.0)

        # The January dial was 1020, not 1050: the dial of February is right, its use is not.
        jan_fixed = jan.with_user(self.accountant)._correct({"value": 1020.0, "note": "看错"})
        self.assertEqual((jan_fixed.consumption, jan_fixed.invoice_id.amount_total), (20.0, 60.0))
        self.assertEqual(feb.state, "corrected")
        feb_fixed = feb.corrected_by_id
        self.assertEqual(
            (feb_fixed.state, feb_fixed.value, feb_fixed.previous_value, feb_fixed.consumption),
            ("billed", 1080.0, 1020.0, 60.0),
        )
        self.assertEqual(feb.credit_note_id.amount_total, 90.0)
        self.assertEqual(feb.credit_note_id.reversed_entry_id, feb_invoice)
        self.assertEqual(feb_fixed.invoice_id.amount_total, 180.0)
        self.assertIn("Counted again from the corrected reading of 2026-01", feb_fixed.note)
        # March starts from February's dial, unchanged: nothing to count again.
        self.assertEqual((mar.state, mar.previous_value, mar.consumption), ("confirmed", 1080, 20))
        # Bill lines: still one per unit, fee and month, each on its new invoice line.
        bills = self.env["hanling.fee.bill.line"].search(
            [("unit_id", "=", self.unit.id), ("fee_type_id", "=", self.water.id)]
        )
        self.assertEqual(len(bills), 2)
        self.assertEqual(
            sorted(bills.mapped("amount")), [60.0, 180.0], "January 20 m³, February 60 m³"
        )

        # February's dial was 1090: March (confirmed, not billed) is counted again from it.
        feb_fixed.with_user(self.accountant)._correct({"value": 1090.0, "note": "看错"})
        self.assertEqual((mar.state, mar.previous_value, mar.consumption), ("confirmed", 1090, 10))
        self.assertIn("Counted again", mar.message_ids[:1].body)

        # A correction that would put a later dial below its previous one is refused whole.
        latest = feb_fixed.corrected_by_id
        credit_notes = self.env["account.move"].search_count([("move_type", "=", "out_refund")])
        # (The savepoint stands for the RPC call's transaction, rolled back with the error.)
        with self.assertRaisesRegex(UserError, r"below the previous one \(1105\)"):
            with self.env.cr.savepoint():
                latest.with_user(self.accountant)._correct({"value": 1105.0, "note": "错"})
        self.assertEqual(latest.state, "billed")
        self.assertEqual(mar.previous_value, 1090.0)
        self.assertEqual(
            self.env["account.move"].search_count([("move_type", "=", "out_refund")]),
            credit_notes,
        )


@tagged("post_install", "-at_install")
class TestMeterImport(MeterCase):
    def _import(self, content, filename="readings.csv", user=None, lang="en_US"):
        wizard = (
            self.env["hanling.fee.meter.import"]
            .with_user(user or self.reader)
            .with_context(lang=lang)
            .create(
                {
                    "period_start": JAN,
                    "file": base64.b64encode(content),
                    "filename": filename,
                }
            )
        )
        return wizard.action_import()

    def _count(self):
        return self.env["hanling.fee.meter.reading"].search_count([])

    def test_csv_import_records_and_checks_the_readings(self):
        """Issue 17 item 1: readings "imported from a spreadsheet" are checked like the
        phone's: the zero use is held."""
        content = "表号,读数,抄表日期\nW-301,1012,2026-01-28\nW-302,500,2026-01-28\n".encode()
        action = self._import(content)
        readings = self.env["hanling.fee.meter.reading"].search(action["domain"])
        self.assertEqual(len(readings), 2)
        first = readings.filtered(lambda r: r.meter_id == self.meter)
        self.assertEqual(
            (first.state, first.consumption, first.read_by_id), ("confirmed", 12, self.reader)
        )
        self.assertEqual(readings.filtered(lambda r: r.meter_id == self.meter2).state, "held")

    def test_xlsx_import(self):
        """Issue 17 item 1: the spreadsheet may be an XLSX workbook."""
        import openpyxl

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Meter No.", "Reading", "Read On"])
        sheet.append(["W-301", 1010.5, date(2026, 1, 27)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        action = self._import(buffer.getvalue(), "readings.xlsx", user=self.accountant)
        reading = self.env["hanling.fee.meter.reading"].search(action["domain"])
        self.assertEqual((reading.value, reading.date_reading), (1010.5, date(2026, 1, 27)))

    def test_hostile_files_are_refused_and_nothing_is_recorded(self):
        """Issue 17 Checks (hostile input): wrong encoding, missing columns, negative or
        non-numeric amounts, a duplicated line — a clear translated error, nothing recorded."""
        before = self._count()
        cases = [
            ("表号,读数\nW-301,1012\n".encode("gbk"), "readings.csv", "not in UTF-8"),
            (b"Meter No.,Amount\nW-301,1012\n", "readings.csv", "missing: reading"),
            (b"Meter No.,Reading\nW-301,-5\n", "readings.csv", "not a number of zero or more"),
            (b"Meter No.,Reading\nW-301,abc\n", "readings.csv", "row 2: the reading .abc."),
            (
                b"Meter No.,Reading\nW-301,1012\nW-301,1013\n",
                "r.csv",
                "row 3: meter W-301 appears twice",
            ),
            (b"Meter No.,Reading\nW-999,1012\n", "readings.csv", "row 2: no meter .W-999."),
            (b"Meter No.,Reading\nW-301,900\n", "readings.csv", "below its previous reading"),
            (b"PK\x03\x04not a workbook", "readings.xlsx", "not a readable XLSX workbook"),
            (b"Meter No.,Reading\n", "readings.csv", "The file has no readings"),
        ]
        for content, filename, message in cases:
            with self.subTest(message=message), self.assertRaisesRegex(UserError, message):
                self._import(content, filename)
        # One good row beside a bad one: nothing is recorded either.
        with self.assertRaisesRegex(UserError, "Nothing was imported"):
            self._import(b"Meter No.,Reading\nW-301,1012\nW-302,x\n")
        self.assertEqual(self._count(), before)

    def test_import_error_is_translated(self):
        """Issue 17 Checks: the refusal reads in the user's language (zh_CN)."""
        self.env["res.lang"]._activate_lang("zh_CN")
        with self.assertRaisesRegex(UserError, "(?s)什么也没有导入.*第 2 行：没有表号"):
            self._import(b"Meter No.,Reading\nW-999,1\n", lang="zh_CN")
