/** @odoo-module **/
// The duty officer records a call from the owner of 1栋 1-101 on the duty log.
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("hanling_duty_log_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: '.o_app[data-menu-xmlid="hanling_property.menu_root"]',
            run: "click",
        },
        {
            trigger: 'button[data-menu-xmlid="hanling_property.menu_front_desk"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="hanling_property.hanling_duty_log_menu"]',
            run: "click",
        },
        {
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=unit_id] input",
            run: "edit B1-101",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(1-101)",
            run: "click",
        },
        {
            // The owner and their mobile come from the unit.
            trigger: ".o_field_widget[name=contact_phone] input:value(1)",
        },
        {
            trigger: ".o_field_widget[name=request] textarea",
            run: "edit 卫生间下水道堵塞，请尽快派人",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved .oe_title h1:contains(DL)",
        },
    ],
});
