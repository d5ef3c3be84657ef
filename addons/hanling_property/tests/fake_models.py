"""Test-only models (loaded with odoo-test-helper's FakeModelLoader) to test the mixins alone."""

from odoo import fields, models


class HanlingFakeRequest(models.Model):
    _name = "hanling.fake.request"
    _description = "Fake resident request"
    _inherit = [
        "hanling.request.mixin",
        "hanling.callback.mixin",
        "hanling.signature.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]

    name = fields.Char()
    what = fields.Text()
    callbacks_seen = fields.Integer()

    def _on_callback_done(self, callbacks):
        for record in self:
            record.callbacks_seen += callbacks.mapped("res_id").count(record.id)
