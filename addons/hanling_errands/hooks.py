def post_init_hook(env):
    """Translate what hanling_property's mixins brought to the errand model.

    Selection values of fields inherited from a hanling_property mixin (the intake channel) are
    registered under hanling_property's name when this addon installs, after hanling_property's
    translations were loaded: load them again for the installed languages.
    """
    env["ir.module.module"].search([("name", "=", "hanling_property")])._update_translations()
