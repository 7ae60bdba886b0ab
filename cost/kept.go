package cost

import (
	"fmt"
	"io"
)

// KeptFlags names what a teardown kept.
type KeptFlags struct {
	Snapshot, SaltSecret, KeyAlias string
	AllocatedGB                    float64
}

// WriteKept prints what a teardown keeps and what it costs a month: the final snapshot (billed on the data it
// holds, at most the database's allocated storage), the salt key's secret and, when the stack made its own, the
// KMS key that encrypts it.
func WriteKept(w io.Writer, k KeptFlags) float64 {
	snapshot, saltSecret, keyAlias, allocatedGB := k.Snapshot, k.SaltSecret, k.KeyAlias, k.AllocatedGB
	t := USEast1
	snapshotUSD := allocatedGB * t.RDSSnapshotGBMonth.USD
	total := snapshotUSD + t.SecretMonth.USD
	fmt.Fprintf(w, "  database snapshot  %-44s at most %s a month (%g GB x %s per GB-month; billed on the data it holds)\n",
		snapshot, usd(snapshotUSD), allocatedGB, usd(t.RDSSnapshotGBMonth.USD))
	fmt.Fprintf(w, "  salt key secret    %-44s %s a month\n", saltSecret, usd(t.SecretMonth.USD))
	if keyAlias != "" {
		total += t.KMSKeyMonth.USD
		fmt.Fprintf(w, "  KMS key            %-44s %s a month\n", keyAlias, usd(t.KMSKeyMonth.USD))
	}
	fmt.Fprintf(w, "  in all: at most %s a month (%s prices)\n", usd(total), t.Region)
	return total
}
