"""Create the Editor and Publisher groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CHILDREN = ["factorscore", "step", "stage", "careerskill", "educationrequirement"]
SHARED = ["category", "factor", "skill", "salarysource"]

EDITOR = (
    [f"{action}_careerpath" for action in ("view", "add", "change")]
    + [f"{a}_{m}" for m in CHILDREN for a in ("view", "add", "change", "delete")]
    + [f"{a}_{m}" for m in SHARED for a in ("view", "add", "change")]
)
PUBLISHER = EDITOR + ["publish_careerpath", "delete_careerpath"]
ROLES = {"Editor": EDITOR, "Publisher": PUBLISHER}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist.
    careers = apps.get_app_config("careers")
    careers.models_module = True
    create_permissions(careers, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="careers", codename__in=codenames
        )
        assert permissions.count() == len(codenames), name
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("careers", "0003_publishing_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
