/** @odoo-module **/
// The accountant opens a return file whose payments queue jobs are still posting (正在入账),
// then again once they are all posted.
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("hanling_fee_bank_return_collecting_tour", {
    steps: () => [
        {
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current[data-value="collecting"]',
        },
        {
            // The alert says why nothing is posted yet and what to do: reload to follow.
            trigger: ".o_form_view .alert-warning[role=alert]:visible",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=collected_count]:contains(2)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=posted_count]:contains(0)",
        },
    ],
});

registry.category("web_tour.tours").add("hanling_fee_bank_return_done_tour", {
    steps: () => [
        {
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current[data-value="done"]',
        },
        {
            trigger: ".o_form_view .o_field_widget[name=posted_count]:contains(2)",
        },
        {
            // No alert once every payment is posted.
            trigger: ".o_form_view:not(:has(.alert-warning))",
        },
    ],
});
