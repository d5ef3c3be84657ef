from odoo import http
from odoo.http import request

from ..models.directory_provider import DIRECTORY_CATEGORIES


class HanlingDirectoryPortal(http.Controller):
    @http.route("/my/directory", type="http", auth="user", website=True)
    def portal_my_directory(self, category=None, **kw):
        """The information directory (信息咨询服务) as residents see it: vetted providers only."""
        Provider = request.env["hanling.directory.provider"]
        categories = dict(Provider._fields["category"]._description_selection(request.env))
        domain = [("vetted", "=", True)]
        if category in dict(DIRECTORY_CATEGORIES):
            domain.append(("category", "=", category))
        providers = Provider.search(domain)
        grouped = {}
        for provider in providers:
            grouped.setdefault(provider.category, []).append(provider)
        return request.render(
            "hanling_property.portal_my_directory",
            {
                "page_name": "hanling_directory",
                "grouped": [
                    (key, categories.get(key, key), grouped[key])
                    for key, _l in DIRECTORY_CATEGORIES
                    if key in grouped
                ],
                "categories": categories,
                "category": category,
            },
        )
