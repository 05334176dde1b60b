import django.contrib.postgres.operations
import django.contrib.postgres.search
from django.db import migrations


class PostgreSQL(migrations.RunSQL):
    """SQL for PostgreSQL only: the search document and its indexes exist there
    alone (careers.search falls back to plain containment elsewhere)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class TrigramExtension(django.contrib.postgres.operations.TrigramExtension):
    """Django's skips other databases going forwards, but not backwards."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


# The document as careers.search.document() computes it today; later changes to
# what is searched refresh documents in their own migration.
FILL_DOCUMENTS = """
UPDATE careers_careerpath AS career SET search_document =
    setweight(to_tsvector('english', career.title), 'A')
    || setweight(to_tsvector('english', concat_ws(' ',
        career.summary,
        (SELECT string_agg(concat_ws(' ', skill.name, entry.title), ' '
                           ORDER BY entry.position)
           FROM careers_careerskill AS entry
           JOIN careers_skill AS skill ON skill.id = entry.skill_id
          WHERE entry.career_id = career.id)
    )), 'B')
    || setweight(to_tsvector('english', concat_ws(' ',
        career.intro, career.why_choose,
        career.good_career_intro, career.good_career_summary,
        career.steps_intro, career.steps_outro,
        career.progression_intro, career.progression_outro,
        career.skills_intro, career.education_intro, career.education_outro,
        career.outlook,
        (SELECT string_agg(concat_ws(' ', title, text), ' ' ORDER BY position)
           FROM careers_step WHERE career_id = career.id),
        (SELECT string_agg(concat_ws(' ', title, description), ' ' ORDER BY position)
           FROM careers_stage WHERE career_id = career.id),
        (SELECT string_agg(description, ' ' ORDER BY position)
           FROM careers_careerskill WHERE career_id = career.id),
        (SELECT string_agg(concat_ws(' ', title, text), ' ' ORDER BY position)
           FROM careers_educationrequirement WHERE career_id = career.id)
    )), 'C')
"""


class Migration(migrations.Migration):

    dependencies = [
        ('careers', '0005_prose_fields'),
    ]

    operations = [
        migrations.AddField(
            model_name='careerpath',
            name='search_document',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, help_text="The career's texts and its children's, weighted for full-text search; kept current by careers.search. PostgreSQL only.", null=True, verbose_name='search document'),
        ),
        TrigramExtension(),
        PostgreSQL(FILL_DOCUMENTS, migrations.RunSQL.noop),
        PostgreSQL(
            'CREATE INDEX careers_careerpath_search_gin ON careers_careerpath '
            'USING gin (search_document)',
            'DROP INDEX careers_careerpath_search_gin',
        ),
        PostgreSQL(
            'CREATE INDEX careers_careerpath_title_trgm ON careers_careerpath '
            'USING gin (title gin_trgm_ops)',
            'DROP INDEX careers_careerpath_title_trgm',
        ),
    ]
