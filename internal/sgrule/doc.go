// Package sgrule writes security group rules: "let X reach Y on port P" as the egress rule on X's group and
// the ingress rule on Y's, each in its own construct's scope, and the few rules to or from a CIDR block.
// Constructs pass each other (Peer), not security group ids; the rules' construct ids follow from the
// peers' labels, so they stay what they were when the rules were written out by hand.
package sgrule
