from django.db import migrations

# The access log is evidence: nobody, not even a platform admin with SQL
# access through the application, may rewrite or remove an entry.
FORBID = """
CREATE FUNCTION audit_sensitiveaccesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '敏感信息访问记录不可修改或删除' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_sensitiveaccesslog_append_only
    BEFORE UPDATE OR DELETE ON audit_sensitiveaccesslog
    FOR EACH ROW EXECUTE FUNCTION audit_sensitiveaccesslog_append_only();
"""

ALLOW = """
DROP TRIGGER audit_sensitiveaccesslog_append_only ON audit_sensitiveaccesslog;
DROP FUNCTION audit_sensitiveaccesslog_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunSQL(FORBID, ALLOW)]
