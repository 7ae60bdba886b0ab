package network

import (
	"fmt"
	"net/netip"
	"regexp"

	"litellm-aws/internal/check"
)

// Props configures the network.
type Props struct {
	// Name prefixes every resource's Name tag. Required.
	Name string
	// Region is the AWS region the zones belong to. Required.
	Region string
	// CIDR is the VPC's IPv4 block. Default: 10.0.0.0/16.
	CIDR string
	// AvailabilityZones holds one public and one private subnet each; at least two, as the load balancer and
	// the database subnet group require. Default: the region's "a" and "b" zones (no data source, so plans
	// work offline).
	AvailabilityZones []string
	// NatGatewayPerZone gives each zone its own NAT gateway, so losing a zone does not cut the others off
	// from the internet. Default: false, one NAT gateway shared by every zone (cheaper).
	NatGatewayPerZone bool
	// FlowLogRetentionDays keeps VPC flow logs (all traffic) in CloudWatch Logs this long. Default: 30.
	FlowLogRetentionDays int
	// KMSKeyArn encrypts the flow log group with this customer-managed key instead of the AWS-managed default; its key
	// policy must let CloudWatch Logs (logs.<region>.amazonaws.com) use it. Default: empty, AWS-managed encryption.
	KMSKeyArn string
}

// Defaults for optional fields.
const (
	DefaultCIDR                 = "10.0.0.0/16"
	DefaultFlowLogRetentionDays = 30
)

// WithDefaults returns a copy of p with every unset optional field set to its default.
func (p Props) WithDefaults() Props {
	if p.CIDR == "" {
		p.CIDR = DefaultCIDR
	}
	if len(p.AvailabilityZones) == 0 && p.Region != "" {
		p.AvailabilityZones = []string{p.Region + "a", p.Region + "b"}
	}
	if p.FlowLogRetentionDays == 0 {
		p.FlowLogRetentionDays = DefaultFlowLogRetentionDays
	}
	return p
}

// MaxZones is how many zones fit: each zone takes two /20-sized blocks of a /16 (scaled to the VPC size).
const MaxZones = 6

// Validate reports every problem with the props at once.
func (p Props) Validate() error {
	var errs check.Problems
	if p.Name == "" {
		errs.Addf("Name is required")
	}
	errs.Region("Region", p.Region)
	errs.CIDR("CIDR", p.CIDR, 16, 24)
	if n := len(p.AvailabilityZones); n < 2 || n > MaxZones {
		errs.Addf("AvailabilityZones %v has %d zones: allowed 2-%d (the load balancer and the database need two)", p.AvailabilityZones, n, MaxZones)
	}
	seen := map[string]bool{}
	for _, z := range p.AvailabilityZones {
		if !regexp.MustCompile("^" + regexp.QuoteMeta(p.Region) + "[a-z]$").MatchString(z) {
			errs.Addf("AvailabilityZones: zone %q is not in region %s: allowed %s followed by one letter, such as %sa", z, p.Region, p.Region, p.Region)
		}
		if seen[z] {
			errs.Addf("AvailabilityZones: zone %q is listed twice", z)
		}
		seen[z] = true
	}
	errs.RetentionDays("FlowLogRetentionDays", p.FlowLogRetentionDays)
	errs.KMSKeyArn("KMSKeyArn", p.KMSKeyArn)
	return errs.Err(fmt.Sprintf("network %q", p.Name))
}

// subnetCIDRs carves the VPC into 2*zones equal blocks, 4 bits smaller than the VPC (a /20 each in a
// /16): public subnets first, private after, so adding a zone never renumbers an existing subnet.
func subnetCIDRs(vpc string, zones int) (public, private []string) {
	pfx := netip.MustParsePrefix(vpc)
	bits := pfx.Bits() + 4
	size := uint32(1) << (32 - bits)
	base := pfx.Addr().As4()
	start := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	block := func(i int) string {
		a := start + uint32(i)*size
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)}), bits).String()
	}
	for i := 0; i < zones; i++ {
		public = append(public, block(i))
		private = append(private, block(8+i))
	}
	return public, private
}
