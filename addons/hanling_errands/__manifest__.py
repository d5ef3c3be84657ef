{
    "name": "Hanling Errands",
    "summary": "Errands done for residents (a birthday cake is the model) with prepayment, "
    "receipt and settlement through accounting",
    "version": "18.0.1.1.0",
    "category": "Services/Property",
    "author": "Hanling",
    "website": "https://example.com/hanling",
    "license": "LGPL-3",
    "depends": ["hanling_property", "account"],
    "data": [
        "security/errands_security.xml",
        "security/ir.model.access.csv",
        "data/errand_data.xml",
        "report/errand_reports.xml",
        "report/errand_templates.xml",
        "wizard/errand_payment_views.xml",
        "views/errand_views.xml",
        "views/duty_log_views.xml",
    ],
    "demo": [
        "demo/errand_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "installable": True,
}
