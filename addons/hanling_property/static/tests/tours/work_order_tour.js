/** @odoo-module **/
// A call from the owner of 1栋 1-101 becomes a work order in one step from the duty log.
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("hanling_work_order_tour", {
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
            trigger: ".o_field_widget[name=contact_phone] input:value(1)",
        },
        {
            trigger: ".o_field_widget[name=request] textarea",
            run: "edit 厨房水龙头漏水，请马上来修",
        },
        {
            // Saves the entry, then opens the new work order.
            trigger: "button[name=action_create_work_order]",
            run: "click",
        },
        {
            trigger: ".o_form_view .oe_title h1:contains(WX)",
        },
        {
            // Immediate: the technician must be there within 15 minutes.
            trigger: ".o_field_widget[name=date_arrival_deadline]:not(:empty)",
        },
    ],
});
