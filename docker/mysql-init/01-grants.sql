-- Runs once, when the mysql container initialises an empty data directory, after the image's
-- entrypoint has created the MYSQL_USER account (ehr).
--
-- Each subgraph creates and owns its own database, named MYSQL_DATABASE_PREFIX + subgraph
-- (ehr_patient, ehr_medication, ehr_notes, ehr_audit), so `ehr` may create databases matching
-- `ehr_%` and nothing else. `_` is a wildcard in grant patterns, hence the escape.
-- If you change MYSQL_DATABASE_PREFIX, change this pattern too (and recreate the mysql volume).
GRANT ALL PRIVILEGES ON `ehr\_%`.* TO 'ehr'@'%';
