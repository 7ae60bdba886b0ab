package database_test

import data.database
import rego.v1

db(cfg) := {"resource": {"aws_db_instance": {"db": cfg}}}

test_private_encrypted_passes if {
	count(database.deny) == 0 with input as db({"publicly_accessible": false, "storage_encrypted": true})
}

test_publicly_accessible_left_out_passes if {
	count(database.deny) == 0 with input as db({"storage_encrypted": true})
}

test_public_fails if {
	some r in database.deny with input as db({"publicly_accessible": true, "storage_encrypted": true})
	r.rule == "DB_001"
	r.resource == "aws_db_instance.db"
}

test_public_from_expression_fails if {
	some r in database.deny with input as db({"publicly_accessible": "${var.public}", "storage_encrypted": true})
	r.rule == "DB_001"
}

test_unencrypted_fails if {
	some r in database.deny with input as db({"publicly_accessible": false, "storage_encrypted": false})
	r.rule == "DB_002"
}

test_encryption_left_out_fails if {
	some r in database.deny with input as db({"publicly_accessible": false})
	r.rule == "DB_002"
}

test_public_and_unencrypted_reports_both if {
	rules := {r.rule | some r in database.deny} with input as db({"publicly_accessible": true})
	rules == {"DB_001", "DB_002"}
}
