{
    "name": "Hanling Errands",
    "summary": "Errands done for residents (a birthday cake is the model) with prepayment, "
    "receipt and settlement through accounting",
    "version": "18.0.1.0.0",
    "category": "Services/Property",
    "author": "Hanling",
    "website": "https://example.com/hanling",
    "license": "LGPL-3",
    "depends": ["hanling_property"],
    "data": [],
    "installable": True,
}
