{
    "name": "Hanling Fees",
    "summary": "Property fees billed every period (物业管理费, parking, fixed charges) through "
    "accounting, in chunks run as queue jobs",
    "version": "18.0.1.0.0",
    "category": "Services/Property",
    "author": "Hanling",
    "website": "https://example.com/hanling",
    "license": "LGPL-3",
    "depends": ["hanling_property", "account", "account_payment", "queue_job"],
    "data": [
        "security/ir.model.access.csv",
        "security/fees_security.xml",
        "data/fees_data.xml",
        "views/fee_type_views.xml",
        "views/fee_run_views.xml",
        "security/fee_report_security.xml",
        "views/fee_report_views.xml",
        "views/fee_portal_templates.xml",
        "report/unit_statement_report.xml",
    ],
    "demo": ["demo/fees_demo.xml"],
    "installable": True,
}
