"""PostgreSQL: settlements partitioned by month of `settled_on` (`core.partitions`); SQLite
unchanged.

A partitioned table's unique keys must contain the partition key, so the partial unique index
`one_live_settlement_per_claim` (hospital, claim_id WHERE status = 'settled') cannot stay. It is
kept by a plain table, `medical_settlement_claim`, with one row per live claim under a primary key
(hospital_id, claim_id), written by triggers in the same statement as the settlement: a second live
settlement of a claim fails with a unique violation (IntegrityError) exactly as before, and a
reversal frees the claim number.
"""

from django.db import migrations

from minzheng.core.partitions import backwards_for, forwards_for

TABLE = "medical_settlement"

KEY_SQL = """
CREATE TABLE medical_settlement_claim (
    hospital_id bigint NOT NULL,
    claim_id varchar(64) NOT NULL,
    settlement_id bigint NOT NULL,
    CONSTRAINT medical_settlement_claim_pkey PRIMARY KEY (hospital_id, claim_id)
);
CREATE INDEX medical_settlement_claim_settlement ON medical_settlement_claim (settlement_id);
INSERT INTO medical_settlement_claim (hospital_id, claim_id, settlement_id)
    SELECT hospital_id, claim_id, id FROM medical_settlement WHERE status = 'settled';

CREATE FUNCTION medical_settlement_claim_keep() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'settled' THEN
        DELETE FROM medical_settlement_claim WHERE settlement_id = OLD.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'settled' THEN
        INSERT INTO medical_settlement_claim (hospital_id, claim_id, settlement_id)
            VALUES (NEW.hospital_id, NEW.claim_id, NEW.id);
    END IF;
    RETURN NULL;
END; $$ LANGUAGE plpgsql;

CREATE FUNCTION medical_settlement_claim_clear() RETURNS trigger AS $$
BEGIN
    TRUNCATE medical_settlement_claim;
    RETURN NULL;
END; $$ LANGUAGE plpgsql;

CREATE TRIGGER medical_settlement_claim_keep
    AFTER INSERT OR DELETE OR UPDATE OF status, hospital_id, claim_id ON medical_settlement
    FOR EACH ROW EXECUTE FUNCTION medical_settlement_claim_keep();
CREATE TRIGGER medical_settlement_claim_clear
    AFTER TRUNCATE ON medical_settlement
    FOR EACH STATEMENT EXECUTE FUNCTION medical_settlement_claim_clear();
"""

KEY_REVERSE = """
DROP TRIGGER IF EXISTS medical_settlement_claim_keep ON medical_settlement;
DROP TRIGGER IF EXISTS medical_settlement_claim_clear ON medical_settlement;
DROP FUNCTION IF EXISTS medical_settlement_claim_keep();
DROP FUNCTION IF EXISTS medical_settlement_claim_clear();
DROP TABLE IF EXISTS medical_settlement_claim;
"""

UNIQUE_SQL = (
    "CREATE UNIQUE INDEX one_live_settlement_per_claim ON medical_settlement"
    " (hospital_id, claim_id) WHERE status = 'settled'"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    forwards_for(TABLE)(apps, schema_editor)
    schema_editor.execute(KEY_SQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(KEY_REVERSE)
    backwards_for(TABLE)(apps, schema_editor)
    schema_editor.execute(UNIQUE_SQL)


class Migration(migrations.Migration):
    dependencies = [("medical", "0002_stored_reconciliation")]
    operations = [migrations.RunPython(forwards, backwards)]
