/** @odoo-module **/
// Browser tours of the resident portal issue, on the demo data (翰岭院, 1栋 1-101, 魏娜).
import { registry } from "@web/core/registry";

// 老李 (tech2) finishes the leaking drain hose of 1-101 from his jobs.
registry.category("web_tour.tours").add("hanling_technician_finish_tour", {
    url: "/odoo/action-hanling_property.hanling_work_order_action_mine",
    steps: () => [
        {
            trigger: ".o_kanban_record:contains(1-101)",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_finish]",
            run: "click",
        },
        {
            trigger: ".o_form_statusbar:not(:has(button[name=action_finish]))",
        },
    ],
});

// 魏娜 accepts the finished repair online: opinion, then signature.
registry.category("web_tour.tours").add("hanling_resident_accept_tour", {
    url: "/my/units",
    steps: () => [
        {
            trigger: "a[href^='/my/units/']",
            run: "click",
        },
        {
            trigger: "tr[data-state=done] a.o_hanling_order_link",
            run: "click",
        },
        {
            trigger: "textarea#opinion",
            run: "edit 师傅很专业，已经不漏水了",
        },
        {
            trigger: ".o_hanling_opinion_form button[type=submit]",
            run: "click",
        },
        {
            trigger: "a.o_hanling_sign",
            run: "click",
        },
        {
            trigger: ".modal .o_web_sign_name_and_signature input:value(魏娜)",
        },
        {
            // The handwriting fonts have no Chinese glyphs: sign with the name in pinyin.
            trigger: ".modal .o_web_sign_name_and_signature input",
            run: "edit Wei Na",
        },
        {
            // Choose a handwriting style: the signature is drawn from the name.
            trigger: ".modal .o_web_sign_auto_select_style button",
            run: "click",
        },
        {
            trigger: ".o-dropdown-item:eq(1)",
            run: "click",
        },
        {
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
        },
        {
            trigger: ".o_hanling_accepted",
        },
    ],
});

// The office manager opens the complaints on their desk from the dashboard and takes one to
// the company.
registry.category("web_tour.tours").add("hanling_complaint_escalate_tour", {
    url: "/odoo/action-hanling_property.hanling_community_action_dashboard",
    steps: () => [
        {
            trigger: ".o_kanban_record button.o_hanling_figure_dash_complaint_manager",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row .o_data_cell",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_escalate]",
            run: "click",
        },
        {
            trigger: ".o_form_statusbar:not(:has(button[name=action_escalate]))",
        },
    ],
});
