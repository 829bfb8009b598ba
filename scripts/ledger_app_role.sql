-- The application role's rights (docs/security.md, "The ledger's database role"). Run by the owner role, in the
-- application's database, after every `manage.py migrate`:
--   psql "postgres://juece_owner@db.example.gov.cn/juece" -v app_role=juece_app -f scripts/ledger_app_role.sql
-- tests/accountability/test_database_role.py runs these statements and checks what the role can do afterwards.
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON accountability_ledgerevent FROM :"app_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";
