# No public or unencrypted database: RDS instances stay off the internet and encrypt storage at rest.
package database

import data.cdktf
import rego.v1

# Anything but a literal false (or leaving it out, which means false) could make the instance public.
deny contains result if {
	some name, db in cdktf.resources("aws_db_instance")
	value := object.get(db, "publicly_accessible", false)
	not value == false
	not value == "false"
	result := cdktf.finding("DB_001", "aws_db_instance", name, db, sprintf(
		"publicly_accessible is %v; the database must only be reachable inside the VPC",
		[value],
	))
}

# storage_encrypted defaults to false for aws_db_instance, so it must be set to a literal true.
deny contains result if {
	some name, db in cdktf.resources("aws_db_instance")
	value := object.get(db, "storage_encrypted", "unset")
	not value == true
	not value == "true"
	result := cdktf.finding("DB_002", "aws_db_instance", name, db, sprintf(
		"storage_encrypted is %v; it must be true",
		[value],
	))
}
