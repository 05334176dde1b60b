"""Editors and publishers cite sources: a score's sources are its children,
and sources are shared like salary sources (migration 0004 gave the roles
the rest)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CHILDREN = ["scorecitation"]
SHARED = ["source"]
CODENAMES = [f"{a}_{m}" for m in CHILDREN for a in ("view", "add", "change", "delete")]
CODENAMES += [f"{a}_{m}" for m in SHARED for a in ("view", "add", "change")]
ROLES = ["Editor", "Publisher"]


def grant(apps, schema_editor):
    careers = apps.get_app_config("careers")
    careers.models_module = True
    create_permissions(careers, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.filter(
            content_type__app_label="careers", codename__in=CODENAMES
        )
    )
    assert len(permissions) == len(CODENAMES)
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="careers", codename__in=CODENAMES
    )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("careers", "0013_share_image")]

    operations = [migrations.RunPython(grant, revoke)]
