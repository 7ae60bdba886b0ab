package synthtest

import (
	"fmt"
	"slices"

	"litellm-aws/internal/bucketchain"
)

// BucketChain returns, in bucketchain.Order, the addresses of the settings whose bucket is one of the
// expressions given (such as "${aws_s3_bucket.x.id}" and "${aws_s3_bucket.x.bucket}"), and the problems with them as a chain: each must list the one
// before it in depends_on, and the first none of the others.
func (d *Doc) BucketChain(bucket ...string) (chain []string, problems []string) {
	var deps [][]any
	for _, tfType := range bucketchain.Order {
		for _, name := range Names(d.Resources(tfType)) {
			r := d.Resources(tfType)[name]
			if b, _ := r["bucket"].(string); !slices.Contains(bucket, b) {
				continue
			}
			chain = append(chain, tfType+"."+name)
			list, _ := r["depends_on"].([]any)
			deps = append(deps, list)
		}
	}
	for i, addr := range chain {
		for j, other := range chain {
			lists := slices.Contains(deps[i], any(other))
			switch {
			case j == i-1 && !lists:
				problems = append(problems, fmt.Sprintf("%s does not depend on %s, the setting before it", addr, other))
			case j > i && lists:
				problems = append(problems, fmt.Sprintf("%s depends on %s, which comes after it", addr, other))
			}
		}
	}
	return chain, problems
}
