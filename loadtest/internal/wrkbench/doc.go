// Package wrkbench measures the load tester's top request rate against wrk's on the same zero-latency
// stub and the same number of connections, to show the tester is not the bottleneck: at ~2,300 RPS for
// the eight-instance stack it must have room to spare.
package wrkbench
