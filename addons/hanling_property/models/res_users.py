from odoo import api, models


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _hanling_role_users(self, group_xmlid, company, exclude_group_xmlid=None):
        """The active internal users of a role (a group and those implying it) in ``company``.

        Ordered so that the role proper comes before higher roles that imply it (a
        customer-service supervisor before the office manager): ``exclude_group_xmlid`` names
        the higher role sorted last.
        """
        # sudo: reading group members is an administrative read; only ids and companies are used.
        users = (
            self.env.ref(group_xmlid)
            .sudo()
            .users.filtered(lambda u: u.active and not u.share and company in u.company_ids)
        )
        if exclude_group_xmlid:
            higher = self.env.ref(exclude_group_xmlid).sudo()
            users = users.sorted(lambda u: (higher in u.groups_id, u.id))
        else:
            users = users.sorted("id")
        return users.sudo(False)
