package pooling

import (
	"slices"
	"strings"
	"testing"

	"palisade/assessments"
	"palisade/frameworks"
)

// miniChecklist has one requirement per tier on the small catalog:
//
//	tier 1 backups  PR.DS-11 ≥ 5            ($2,500)
//	tier 2 mfa      PR.AA-03 ≥ 5            ($5,000)
//	tier 3 edr      DE.CM-09 ≥ 5, GV.PO-01 ≥ 5 ($10,000)
func miniChecklist() Checklist {
	return Checklist{
		Name:  "Mini",
		Tiers: []Tier{{1, "Tier 1", "", 250000}, {2, "Tier 2", "", 500000}, {3, "Tier 3", "", 1000000}},
		Requirements: []Requirement{
			{Key: "backups", Title: "Backups", Tier: 1, Evidence: []Lift{{"PR.DS-11", 5}}},
			{Key: "mfa", Title: "MFA", Tier: 2, Evidence: []Lift{{"PR.AA-03", 5}}},
			{Key: "edr", Title: "EDR", Tier: 3, Evidence: []Lift{{"DE.CM-09", 5}, {"GV.PO-01", 5}}},
		},
	}
}

func cert(key, answer, reason string) Certification {
	return Certification{RequirementKey: key, Answer: answer, Reason: reason}
}

// TestReadinessStatuses: one requirement (mfa: PR.AA-03 ≥ 5), every
// combination of assessment and certification.
func TestReadinessStatuses(t *testing.T) {
	tests := []struct {
		name    string
		answer  []assessments.Answer
		certs   []Certification
		want    ItemStatus
		meets   bool
		certAns string
	}{
		{"meets and certified yes", []assessments.Answer{sc("PR.AA-03", 5)}, []Certification{cert("mfa", "yes", "")}, ItemMet, true, "yes"},
		{"meets, not certified", []assessments.Answer{sc("PR.AA-03", 6)}, nil, ItemNeedsCertification, true, ""},
		{"meets but certified no", []assessments.Answer{sc("PR.AA-03", 6)}, []Certification{cert("mfa", "no", "not everywhere")}, ItemDisagrees, true, "no"},
		{"certified yes but below", []assessments.Answer{sc("PR.AA-03", 4)}, []Certification{cert("mfa", "yes", "")}, ItemDisagrees, false, "yes"},
		{"certified yes but unanswered", nil, []Certification{cert("mfa", "yes", "")}, ItemDisagrees, false, "yes"},
		{"below, certified no", []assessments.Answer{sc("PR.AA-03", 2)}, []Certification{cert("mfa", "no", "next year")}, ItemMissing, false, "no"},
		{"below, not certified", []assessments.Answer{sc("PR.AA-03", 2)}, nil, ItemMissing, false, ""},
		{"not applicable with a reason", []assessments.Answer{sc("PR.AA-03", 1)}, []Certification{cert("mfa", "na", "no remote access, no email")}, ItemNotApplicable, false, "na"},
		{"N/A without a reason is no certification", []assessments.Answer{sc("PR.AA-03", 1)}, []Certification{cert("mfa", "na", " ")}, ItemMissing, false, ""},
		{"an accepted risk does not meet it", []assessments.Answer{ra("PR.AA-03")}, []Certification{cert("mfa", "yes", "")}, ItemDisagrees, false, "yes"},
		{"an N/A answer does not meet it", []assessments.Answer{na("PR.AA-03")}, nil, ItemMissing, false, ""},
		{"the last certification wins", []assessments.Answer{sc("PR.AA-03", 5)},
			[]Certification{cert("mfa", "no", "x"), cert("mfa", "yes", "")}, ItemMet, true, "yes"},
	}
	for _, tt := range tests {
		r := Readiness(miniChecklist(), tt.answer, tt.certs, nil, nil)
		it, ok := r.Item("mfa")
		if !ok || it.Status != tt.want || it.AssessmentMeets != tt.meets || it.Certified != tt.certAns {
			t.Errorf("%s: %s (meets %v, certified %q), want %s (meets %v, certified %q)",
				tt.name, it.Status, it.AssessmentMeets, it.Certified, tt.want, tt.meets, tt.certAns)
		}
	}
}

func TestReadinessShortfallsAndServices(t *testing.T) {
	services := []Service{
		svc("backup", 1, "PR.DS-11", 6),
		svc("edr", 1, "DE.CM-09", 5),
		svc("edr-plus", 1, "DE.CM-09", 6, "GV.PO-01", 5),
		svc("mfa-5", 1, "PR.AA-03", 5),
		svc("mfa-6", 1, "PR.AA-03", 6),
		svc("weak-backup", 1, "PR.DS-11", 4),
	}
	answers := []assessments.Answer{sc("PR.DS-11", 3), ra("PR.AA-03"), na("DE.CM-09")}
	r := Readiness(miniChecklist(), answers, nil, services, map[string]bool{"backup": true})

	tests := []struct {
		key        string
		shortfalls []Shortfall
		closedBy   []Fix
	}{
		// PR.DS-11 at 3: backup (6) closes it; weak-backup (4) does not.
		{"backups", []Shortfall{{SubcategoryID: "PR.DS-11", Required: 5, Level: 3}},
			[]Fix{{"backup", "backup", true}}},
		// An accepted risk at 5: only a service above 5 replaces it.
		{"mfa", []Shortfall{{SubcategoryID: "PR.AA-03", Required: 5, Level: 5, Accepted: true}},
			[]Fix{{"mfa-6", "mfa-6", false}}},
		// N/A on DE.CM-09 stays N/A, so no service closes it; GV.PO-01
		// unanswered.
		{"edr", []Shortfall{{SubcategoryID: "DE.CM-09", Required: 5, NotApplicable: true}, {SubcategoryID: "GV.PO-01", Required: 5}},
			nil},
	}
	for _, tt := range tests {
		it, _ := r.Item(tt.key)
		if !slices.Equal(it.Shortfalls, tt.shortfalls) || !slices.Equal(it.ClosedBy, tt.closedBy) {
			t.Errorf("%s: shortfalls %+v closed by %+v, want %+v by %+v", tt.key, it.Shortfalls, it.ClosedBy, tt.shortfalls, tt.closedBy)
		}
	}

	// Once DE.CM-09 is answered (low), edr-plus alone closes both
	// shortfalls; edr only one of them, so it is not listed.
	r = Readiness(miniChecklist(), []assessments.Answer{sc("DE.CM-09", 2)}, nil, services, nil)
	if it, _ := r.Item("edr"); !slices.Equal(it.ClosedBy, []Fix{{"edr-plus", "edr-plus", false}}) {
		t.Errorf("edr closed by %+v", it.ClosedBy)
	}
	// Nothing to close when the assessment meets it.
	r = Readiness(miniChecklist(), []assessments.Answer{sc("PR.DS-11", 5)}, nil, services, nil)
	if it, _ := r.Item("backups"); it.ClosedBy != nil || it.Shortfalls != nil {
		t.Errorf("backups met: %+v", it)
	}
}

func TestReadinessTiers(t *testing.T) {
	allMet := []assessments.Answer{sc("PR.DS-11", 6), sc("PR.AA-03", 5), sc("DE.CM-09", 5), sc("GV.PO-01", 5)}
	yes := []Certification{cert("backups", "yes", ""), cert("mfa", "yes", ""), cert("edr", "yes", "")}
	tests := []struct {
		name     string
		answers  []assessments.Answer
		certs    []Certification
		tier     int
		next     int
		missing  []string
		atStake  int64
		tierName string
	}{
		{"nothing", nil, nil, 0, 1, []string{"backups"}, 250000, ""},
		{"tier 1 met but not certified", allMet, nil, 0, 1, []string{"backups"}, 250000, ""},
		{"everything", allMet, yes, 3, 0, nil, 0, "Tier 3"},
		{"tier 2 blocked by mfa", allMet, []Certification{cert("backups", "yes", ""), cert("edr", "yes", "")}, 1, 2, []string{"mfa"}, 500000, "Tier 1"},
		{"tiers are cumulative: tier 3 met, tier 1 not", allMet[1:], yes[1:], 0, 1, []string{"backups"}, 250000, ""},
		{"not applicable counts as met", allMet[1:], append(yes[1:], cert("backups", "na", "we hold no data")), 3, 0, nil, 0, "Tier 3"},
		{"a disagreement blocks the tier", allMet[1:], yes, 0, 1, []string{"backups"}, 250000, ""},
	}
	for _, tt := range tests {
		r := Readiness(miniChecklist(), tt.answers, tt.certs, nil, nil)
		var missing []string
		for _, it := range r.NextMissing {
			missing = append(missing, it.Requirement.Key)
		}
		if r.Tier != tt.tier || r.NextTier != tt.next || !slices.Equal(missing, tt.missing) || r.AtStake != tt.atStake || r.TierName != tt.tierName {
			t.Errorf("%s: tier %d (%q) next %d missing %v at stake %d; want %d (%q) next %d missing %v at stake %d",
				tt.name, r.Tier, r.TierName, r.NextTier, missing, r.AtStake, tt.tier, tt.tierName, tt.next, tt.missing, tt.atStake)
		}
	}
}

func TestCheckCertification(t *testing.T) {
	cl := miniChecklist()
	tests := []struct {
		name  string
		c     Certification
		field string
		want  string
	}{
		{"yes needs no reason", cert("mfa", "yes", ""), "", ""},
		{"no with a reason", cert("mfa", "no", "Rolling out in March"), "", ""},
		{"unknown requirement", cert("soc", "yes", ""), "requirement", `"soc" is not a requirement of the Mini checklist`},
		{"bad answer", cert("mfa", "maybe", ""), "answer", "yes, no or not applicable"},
		{"no without a reason", cert("mfa", "no", "  "), "reason", "what is missing"},
		{"na without a reason", cert("mfa", "na", ""), "reason", "does not apply"},
		{"reason too long", cert("mfa", "no", strings.Repeat("x", MaxReason+1)), "reason", "limit is 2000"},
		{"invalid UTF-8", cert("mfa", "no", "bad \xff"), "reason", "invalid UTF-8"},
	}
	for _, tt := range tests {
		errs := CheckCertification(cl, tt.c)
		if tt.field == "" {
			if errs != nil {
				t.Errorf("%s: errors %v", tt.name, errs)
			}
			continue
		}
		if !strings.Contains(errs[tt.field], tt.want) || len(errs) != 1 {
			t.Errorf("%s: %v, want %s: %q", tt.name, errs, tt.field, tt.want)
		}
	}
}

func TestDefaultChecklistIsValid(t *testing.T) {
	cl := DefaultChecklist()
	cat, scale := frameworks.CSF20(), frameworks.NCSR()
	if len(cl.Tiers) != 3 {
		t.Fatalf("%d tiers, want 3", len(cl.Tiers))
	}
	for i, tier := range cl.Tiers {
		if tier.Number != i+1 || tier.Incentive <= 0 || tier.Name == "" {
			t.Errorf("tier %d: %+v", i+1, tier)
		}
		if i > 0 && tier.Incentive <= cl.Tiers[i-1].Incentive {
			t.Errorf("tier %d pays no more than tier %d", i+1, i)
		}
	}
	keys := map[string]int{}
	for _, r := range cl.Requirements {
		keys[r.Key] = r.Tier
		if r.Tier < 1 || r.Tier > len(cl.Tiers) || len(r.Evidence) == 0 {
			t.Errorf("%s: tier %d, %d evidence", r.Key, r.Tier, len(r.Evidence))
		}
		for _, e := range r.Evidence {
			if _, ok := cat.Subcategory(e.SubcategoryID); !ok {
				t.Errorf("%s: %s is not a CSF 2.0 subcategory", r.Key, e.SubcategoryID)
			}
			if e.Level < scale.Min || e.Level > scale.Max {
				t.Errorf("%s: level %d", r.Key, e.Level)
			}
		}
	}
	// What insurers ask about, and tier-1 basics so tiers are cumulative.
	for key, tier := range map[string]int{"asset-inventory": 1, "backups": 1, "mfa": 2, "patching": 2, "end-of-life": 2,
		"incident-response-plan": 2, "awareness-training": 1, "edr": 3, "tested-offline-backups": 3} {
		if keys[key] != tier {
			t.Errorf("requirement %s at tier %d, want %d", key, keys[key], tier)
		}
	}
	// Every default requirement can be closed by a default service except
	// the inventory, the plan and end-of-life, which members do themselves.
	r := Readiness(cl, nil, nil, DefaultServices(), nil)
	for _, it := range r.Items {
		self := map[string]bool{"asset-inventory": true, "incident-response-plan": true, "end-of-life": true}
		if !self[it.Requirement.Key] && len(it.ClosedBy) == 0 {
			t.Errorf("%s: no default service closes it", it.Requirement.Key)
		}
	}
}

func TestParseChecklistRefusesBadData(t *testing.T) {
	cat, scale := frameworks.CSF20(), frameworks.NCSR()
	good := `{"name":"X","source":"","tiers":[{"tier":1,"name":"T1","description":"","incentive":1}],
		"requirements":[{"key":"a","title":"A","description":"d","tier":1,"evidence":[{"subcategory":"PR.AA-03","level":5}]}]}`
	if _, err := ParseChecklist(cat, scale, []byte(good)); err != nil {
		t.Fatalf("good checklist refused: %v", err)
	}
	tests := []struct{ name, from, to, want string }{
		{"unknown field", `"source":""`, `"source":"","url":""`, "unknown field"},
		{"tier out of order", `"tier":1,"name":"T1"`, `"tier":2,"name":"T1"`, "tiers[0].tier: 2, want 1"},
		{"requirement in no tier", `"tier":1,"evidence"`, `"tier":4,"evidence"`, "4 is not a tier"},
		{"unknown subcategory", `"PR.AA-03"`, `"PR.AA-99"`, `"PR.AA-99" is not a subcategory`},
		{"level off the scale", `"level":5`, `"level":0`, "0 is not a level"},
		{"bad key", `"key":"a"`, `"key":"A B"`, "is not a key"},
		{"negative incentive", `"incentive":1`, `"incentive":-1`, "negative"},
		{"empty evidence", `[{"subcategory":"PR.AA-03","level":5}]`, `[]`, "evidence: none"},
	}
	for _, tt := range tests {
		_, err := ParseChecklist(cat, scale, []byte(strings.Replace(good, tt.from, tt.to, 1)))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	// A tier with no requirement would be free.
	two := strings.Replace(good, `"incentive":1}]`, `"incentive":1},{"tier":2,"name":"T2","description":"","incentive":2}]`, 1)
	if _, err := ParseChecklist(cat, scale, []byte(two)); err == nil || !strings.Contains(err.Error(), "tier would be free") {
		t.Errorf("empty tier: %v", err)
	}
}
