package cost

import (
	"sort"
	"strings"
	"testing"

	"litellm-aws/constructs/cache"
	"litellm-aws/constructs/database"
)

// TestEveryResourceTypeIsBilled fails when a stack, with any of the options, holds a resource type that
// Billing neither prices nor gives a reason for leaving unpriced: add the type to cost/billing.go.
func TestEveryResourceTypeIsBilled(t *testing.T) {
	for _, o := range options {
		for _, s := range stacksFor(t, o) {
			for _, typ := range s.Types() {
				if _, ok := Billing[typ]; !ok {
					t.Errorf("%s (%s): resource type %s has neither a price function nor a free / not counted reason in cost/billing.go",
						s.Name, o.name, typ)
				}
			}
		}
	}
}

// TestEveryStackIsFullyPriced: with every option, every priced resource resolves to a price, every
// variable rule can be read, and the estimate is complete.
func TestEveryStackIsFullyPriced(t *testing.T) {
	for _, o := range options {
		for _, s := range stacksFor(t, o) {
			t.Run(o.name+"/"+s.Name, func(t *testing.T) {
				e, err := Monthly(s, Options{Vars: o.vars})
				if err != nil {
					t.Fatalf("estimate is incomplete: %v", err)
				}
				for _, l := range e.Lines {
					if l.Low <= 0 && !l.Usage || l.High <= 0 {
						t.Errorf("%s = %v-%v: a priced line must cost something", l.Item, l.Low, l.High)
					}
					if _, ok := Billing[l.Type]; !ok || Billing[l.Type].Price == nil {
						t.Errorf("%s comes from %s, which has no price rule", l.Item, l.Type)
					}
				}
				for _, x := range e.Excluded {
					if x.Count < 0 {
						t.Errorf("%s: count not resolved", x.Type)
					}
				}
			})
		}
	}
}

func TestRulesAreWellFormed(t *testing.T) {
	for typ, r := range Billing {
		set := 0
		for _, on := range []bool{r.Price != nil, r.Free != "", r.NotCounted != ""} {
			if on {
				set++
			}
		}
		if set != 1 {
			t.Errorf("%s: want exactly one of Price, Free and NotCounted, got %d", typ, set)
		}
		if r.Check != nil && r.Price != nil {
			t.Errorf("%s: Check is for unpriced types; a price rule reports its own problems", typ)
		}
		if !strings.HasPrefix(typ, "aws_") && typ != "terraform_data" {
			t.Errorf("%s: not a resource type", typ)
		}
	}
}

// TestEveryEntryIsUsed keeps Billing to the types the stacks hold: an entry for a type no stack has any more
// is a stale fact.
func TestEveryEntryIsUsed(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range options {
		for _, s := range stacksFor(t, o) {
			for _, typ := range s.Types() {
				seen[typ] = true
			}
		}
	}
	var stale []string
	for typ := range Billing {
		if !seen[typ] {
			stale = append(stale, typ)
		}
	}
	sort.Strings(stale)
	if len(stale) > 0 {
		t.Errorf("cost/billing.go has rules for types no stack holds with any option: %v", stale)
	}
}

func TestEveryInstanceClassHasAPrice(t *testing.T) {
	for _, class := range database.InstanceClassNames() {
		if p, ok := USEast1.RDSInstanceHour[class]; !ok || p.USD <= 0 {
			t.Errorf("%s: accepted by the database construct but not priced (%+v)", class, p)
		}
	}
	for class := range USEast1.RDSInstanceHour {
		if _, ok := database.InstanceClasses[class]; !ok {
			t.Errorf("%s: priced but not a class the database construct accepts", class)
		}
	}
}

func TestEveryNodeTypeHasAPrice(t *testing.T) {
	for _, node := range cache.NodeTypes {
		if p, ok := USEast1.ElastiCacheNodeHour[node]; !ok || p.USD <= 0 {
			t.Errorf("%s: accepted by the cache construct (redis_node_type) but not priced (%+v)", node, p)
		}
	}
}
