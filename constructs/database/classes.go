package database

import (
	"fmt"
	"sort"
)

// InstanceClass is what this project knows about an RDS instance class.
type InstanceClass struct {
	MemoryGiB int
	// PerformanceInsights is false for the smallest burstable classes, where RDS refuses it.
	PerformanceInsights bool
}

// InstanceClasses lists the RDS for PostgreSQL 16 classes this project accepts, with their memory.
var InstanceClasses = buildInstanceClasses()

func buildInstanceClasses() map[string]InstanceClass {
	out := map[string]InstanceClass{}
	add := func(families []string, sizes map[string]int) {
		for _, f := range families {
			for size, mem := range sizes {
				out["db."+f+"."+size] = InstanceClass{MemoryGiB: mem, PerformanceInsights: true}
			}
		}
	}
	add([]string{"t3", "t4g"}, map[string]int{"micro": 1, "small": 2, "medium": 4, "large": 8, "xlarge": 16, "2xlarge": 32})
	add([]string{"m5", "m6g", "m6i", "m7g"}, map[string]int{"large": 8, "xlarge": 16, "2xlarge": 32, "4xlarge": 64, "8xlarge": 128, "12xlarge": 192, "16xlarge": 256})
	add([]string{"r5", "r6g", "r6i", "r7g"}, map[string]int{"large": 16, "xlarge": 32, "2xlarge": 64, "4xlarge": 128, "8xlarge": 256, "12xlarge": 384, "16xlarge": 512})
	for _, c := range []string{"db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small"} {
		ic := out[c]
		ic.PerformanceInsights = false
		out[c] = ic
	}
	return out
}

// InstanceClassNames lists the accepted classes, sorted.
func InstanceClassNames() []string {
	names := make([]string, 0, len(InstanceClasses))
	for k := range InstanceClasses {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Connection limits. RDS for PostgreSQL sets max_connections to LEAST({DBInstanceClassMemory/9531392}, 5000).
// DBInstanceClassMemory is a little below the nominal memory (RDS keeps some for the OS), and
// superuser, replication and monitoring connections come out of the same limit, so LiteLLM is given
// ConnectionBudgetPercent of it and the rest is headroom.
const (
	bytesPerConnection      = 9531392
	maxConnectionsCap       = 5000
	ConnectionBudgetPercent = 80
)

// MaxConnections is the max_connections RDS sets for a class's nominal memory.
func MaxConnections(class string) (int, error) {
	ic, ok := InstanceClasses[class]
	if !ok {
		return 0, fmt.Errorf("instance class %q is not one this project knows: allowed %v", class, InstanceClassNames())
	}
	return min(ic.MemoryGiB<<30/bytesPerConnection, maxConnectionsCap), nil
}

// ConnectionBudget is how many connections LiteLLM's pools may hold in total on a class.
func ConnectionBudget(class string) (int, error) {
	maxConn, err := MaxConnections(class)
	return maxConn * ConnectionBudgetPercent / 100, err
}
