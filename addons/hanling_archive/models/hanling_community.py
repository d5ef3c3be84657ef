from odoo import _, api, fields, models

from .archive_inspection import FULL_CHECK_AFTER, FULL_CHECK_OCCUPANCY, SPOT_CHECK_EVERY


class HanlingCommunity(models.Model):
    _inherit = "hanling.community"

    archive_inspection_ids = fields.One2many(
        "hanling.archive.inspection",
        "community_id",
        string="Archive Inspections",
        groups="hanling_property.group_cs_staff",
    )
    archive_next_inspection_date = fields.Date(
        string="Next Archive Inspection",
        compute="_compute_archive_next_inspection",
        groups="hanling_property.group_cs_staff",
    )
    archive_next_inspection_kind = fields.Selection(
        [("full", "Full inspection"), ("spot", "Spot check")],
        string="Next Inspection Kind",
        compute="_compute_archive_next_inspection",
        groups="hanling_property.group_cs_staff",
    )

    def _compute_archive_next_inspection(self):
        due = self._archive_inspection_due()
        for community in self:
            kind, date = due.get(community.id, (False, False))
            community.archive_next_inspection_kind = kind
            community.archive_next_inspection_date = date

    def _archive_inspection_due(self, today=None):
        """Return {community id: (kind, due date)} of the next archive inspection (篇5 4.1.1 2)).

        The full inspection is due when the community reaches 80% occupancy (80% included) or one year after
        its first move-in, whichever comes first; then a spot check every six months after the
        last completed inspection. Communities nobody has moved into yet have nothing due.
        """
        today = today or fields.Date.context_today(self)
        Inspection = self.env["hanling.archive.inspection"]
        done = Inspection._read_group(
            [("community_id", "in", self.ids), ("state", "=", "done")],
            ["community_id", "kind"],
            ["date_done:max"],
        )
        last_done, full_done = {}, set()
        for community, kind, date_done in done:
            last_done[community.id] = max(date_done, last_done.get(community.id, date_done))
            if kind == "full":
                full_done.add(community.id)
        first_move_in = {
            community.id: date_start
            for community, date_start in self.env["hanling.occupancy"]._read_group(
                [("community_id", "in", self.ids)], ["community_id"], ["date_start:min"]
            )
        }
        result = {}
        for community in self:
            if community.id in full_done:
                result[community.id] = ("spot", last_done[community.id] + SPOT_CHECK_EVERY)
                continue
            candidates = []
            if community.id in first_move_in:
                candidates.append(first_move_in[community.id] + FULL_CHECK_AFTER)
            # "入伙率达到80%以上" includes 80% itself; counted in whole units, not a rounded rate.
            if community.unit_count and (
                community.occupied_count * 100 >= FULL_CHECK_OCCUPANCY * community.unit_count
            ):
                candidates.append(today)
            if candidates:
                result[community.id] = ("full", min(candidates))
        return result

    @api.model
    def _cron_plan_archive_inspections(self):
        """Plan the inspections that are due and not yet planned or under way."""
        communities = self.search([])
        today = fields.Date.context_today(self)
        due = communities._archive_inspection_due(today)
        open_communities = (
            self.env["hanling.archive.inspection"]
            .search([("community_id", "in", communities.ids), ("state", "!=", "done")])
            .community_id
        )
        vals_list = [
            {"community_id": community_id, "kind": kind, "date_due": date}
            for community_id, (kind, date) in due.items()
            if date <= today and community_id not in open_communities.ids
        ]
        inspections = self.env["hanling.archive.inspection"].create(vals_list)
        for inspection in inspections.filtered("community_id.manager_id"):
            inspection.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=inspection.date_due,
                user_id=inspection.community_id.manager_id.id,
                summary=_("Archive inspection due: assign the customer-service supervisor"),
            )
        return inspections
