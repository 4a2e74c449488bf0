from django.contrib.admin.apps import AdminConfig


class IopAdminConfig(AdminConfig):
    """The Django admin app serving accounts.admin_site.IopAdminSite (see INSTALLED_APPS).

    Kept in its own module: app configs load before models, the site class needs them.
    """

    default_site = "accounts.admin_site.IopAdminSite"
