from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    hanling_goods_list = fields.Boolean(
        string="Goods Delivery List",
        index=True,
        help="Products of this category form the priced list of everyday goods residents order "
        "for delivery (用品配送); customer-service supervisors maintain them.",
    )
