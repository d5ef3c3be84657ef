{
    "name": "Hanling Resident Archive",
    "summary": "The confidential per-unit resident archive: dossiers, electronic and VIP records, "
    "borrowing with approvals, inspections",
    "version": "18.0.1.0.0",
    "category": "Services/Property",
    "author": "Hanling",
    "website": "https://example.com/hanling",
    "license": "LGPL-3",
    "depends": ["hanling_property"],
    "data": [],
    "installable": True,
}
