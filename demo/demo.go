// Package demo loads the demo consortium used by `palisade --demo`: a dozen
// local governments of mixed kinds and sizes with two assessment cycles of
// realistic answers, and an account for every role. The data is generated
// from fixed rules (no randomness), so every run produces the same
// consortium, and loading it twice changes nothing.
package demo

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"palisade/accounts"
	"palisade/assessments"
	"palisade/frameworks"
	"palisade/store"
)

// Password of every demo account. It exists only in demo mode.
const Password = "palisade-demo"

// ConsortiumName is the name of the demo consortium.
const ConsortiumName = "Cascade Valley Cyber Consortium"

// Account is a demo login, printed at start.
type Account struct {
	Email, Role string
}

type member struct {
	name       string
	kind       string
	population int
	staff      int
	budget     int
	level      float64 // typical maturity in the current cycle
	// weak lists subcategory prefixes held at a low level: the weakest
	// links of the consortium.
	weak []string
	// status in the current cycle: submitted, draft, partial (about 40%
	// answered) or none.
	status string
}

var members = []member{
	{"Cascade County", "county", 212000, 1450, 6_800_000, 5.6, nil, "submitted"},
	{"City of Riverton", "municipality", 68400, 520, 2_300_000, 5.0, nil, "submitted"},
	{"City of Alder Falls", "municipality", 24100, 190, 640_000, 4.4, []string{"DE.CM"}, "submitted"},
	{"Town of Millbrook", "municipality", 3200, 28, 45_000, 3.0, []string{"PR.AA", "PR.PS-02", "PR.PS-03", "PR.DS-11", "RC.RP"}, "submitted"},
	{"Village of Pine Hollow", "municipality", 870, 9, 12_000, 2.6, []string{"PR.AA-03", "PR.DS-11"}, "partial"},
	{"Town of Eastgate", "municipality", 5100, 41, 80_000, 3.6, []string{"PR.PS-02"}, "draft"},
	{"Cascade Valley School District", "school-district", 48000, 610, 1_900_000, 4.6, nil, "submitted"},
	{"Riverton Unified School District", "school-district", 71000, 930, 2_700_000, 4.9, nil, "submitted"},
	{"Cascade Water Authority", "utility", 95000, 140, 900_000, 4.8, []string{"ID.AM-02"}, "submitted"},
	{"North Valley Fire District", "special-district", 15500, 60, 150_000, 3.8, []string{"RS.MA"}, "submitted"},
	{"Harbor Port District", "special-district", 2300, 35, 210_000, 4.1, nil, "draft"},
	{"Kettle River Tribal Nation", "tribal", 4100, 75, 300_000, 3.9, nil, "none"},
}

var levelKeys = map[int]string{1: "not-performed", 2: "informal", 3: "documented-policy", 4: "partial-procedures", 5: "in-progress", 6: "tested", 7: "optimized"}

// Accounts lists the demo logins.
func Accounts() []Account {
	out := []Account{{"coordinator@demo.palisade.test", "Coordinator"}, {"board@demo.palisade.test", "Board official (whole consortium)"}}
	for _, m := range members {
		out = append(out, Account{"it@" + store.Slug(m.name) + ".demo.palisade.test", "IT lead, " + m.name})
	}
	return out
}

// Load creates the demo consortium unless it already exists.
func Load(ctx context.Context, st *store.Store, cat *frameworks.Catalog, scale *frameworks.Scale) error {
	all, err := st.Consortia(ctx)
	if err != nil {
		return err
	}
	for _, c := range all {
		if c.Name == ConsortiumName {
			return nil
		}
	}
	act := store.System
	cid, err := st.CreateConsortium(ctx, store.Consortium{Name: ConsortiumName, FrameworkID: cat.ID, ScaleID: scale.ID, DefaultTarget: scale.RecommendedMinimum})
	if err != nil {
		return err
	}
	act.ConsortiumID = cid
	hash, err := accounts.HashPassword(Password)
	if err != nil {
		return err
	}
	if _, err := st.CreateUser(ctx, act, store.User{Email: "coordinator@demo.palisade.test", Name: "Dana Whitfield", PasswordHash: hash},
		[]accounts.Grant{{ConsortiumID: cid, Role: accounts.Coordinator}}); err != nil {
		return err
	}
	if _, err := st.CreateUser(ctx, act, store.User{Email: "board@demo.palisade.test", Name: "Mayor Luis Ortega", PasswordHash: hash},
		[]accounts.Grant{{ConsortiumID: cid, Role: accounts.Board}}); err != nil {
		return err
	}
	prev, err := st.CreateCycle(ctx, store.Cycle{ConsortiumID: cid, Name: "FY2025"})
	if err != nil {
		return err
	}
	ids := make([]int64, len(members))
	for i, m := range members {
		slug := store.Slug(m.name)
		id, err := st.CreateMember(ctx, act, store.Member{ConsortiumID: cid, Name: m.name, Slug: slug, Kind: m.kind, Population: m.population,
			Staff: m.staff, ITBudget: m.budget, ContactName: "IT lead of " + m.name, ContactEmail: "it@" + slug + ".demo.palisade.test"})
		if err != nil {
			return err
		}
		ids[i] = id
		if _, err := st.CreateUser(ctx, act, store.User{Email: "it@" + slug + ".demo.palisade.test", Name: "IT lead, " + m.name, PasswordHash: hash},
			[]accounts.Grant{{ConsortiumID: cid, Role: accounts.ITLead, MemberID: id}}); err != nil {
			return err
		}
	}
	if err := createLinks(ctx, st, act, cid, ids); err != nil {
		return err
	}
	if err := createPooling(ctx, st, act, cid, ids); err != nil {
		return err
	}
	// Last year: everyone but the newest member took part, a little lower
	// than today; all reviewed, then the cycle was closed.
	lastYear := time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)
	for i, m := range members {
		if m.status == "none" {
			continue
		}
		if err := fill(ctx, st, act, cat, scale, ids[i], prev, m, m.level-0.6, 1.0, lastYear); err != nil {
			return err
		}
		if err := finish(ctx, st, act, ids[i], prev, true); err != nil {
			return err
		}
	}
	if err := st.CloseCycle(ctx, act, prev); err != nil {
		return err
	}
	cur, err := st.CreateCycle(ctx, store.Cycle{ConsortiumID: cid, Name: "FY2026"})
	if err != nil {
		return err
	}
	thisYear := time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)
	for i, m := range members {
		share := 1.0
		switch m.status {
		case "none":
			continue
		case "partial":
			share = 0.4
		}
		if err := fill(ctx, st, act, cat, scale, ids[i], cur, m, m.level, share, thisYear); err != nil {
			return err
		}
		if m.status == "submitted" {
			if err := finish(ctx, st, act, ids[i], cur, false); err != nil {
				return err
			}
		}
	}
	return certify(ctx, st, act, cur, ids)
}

// demoLink is an interconnection between two demo members, by their
// index in members.
type demoLink struct {
	from, to    int
	kind        string
	criticality int
	directed    bool
	note        string
}

// links are the systems the demo members share. Millbrook's weak accounts
// and patching reach the county over its VPN and the other two towns
// through their shared provider.
var links = []demoLink{
	{0, 1, assessments.LinkSharedNetwork, 3, false, "County fibre ring: Riverton's city hall and police"},
	{0, 2, assessments.LinkSharedNetwork, 2, false, "County fibre ring: Alder Falls city hall"},
	{0, 1, assessments.LinkSharedApplication, 3, false, "Consolidated 911 dispatch (CAD), hosted by the county"},
	{0, 9, assessments.LinkSharedApplication, 3, false, "Consolidated 911 dispatch (CAD): fire district consoles"},
	{3, 0, assessments.LinkVPN, 2, false, "Site-to-site VPN to the county for records and payroll"},
	{3, 4, assessments.LinkMSP, 2, false, "Valley IT Services manages all three towns' servers"},
	{3, 5, assessments.LinkMSP, 2, false, "Valley IT Services manages all three towns' servers"},
	{4, 5, assessments.LinkMSP, 2, false, "Valley IT Services manages all three towns' servers"},
	{6, 7, assessments.LinkEmailTenant, 2, false, "One Microsoft 365 tenant for both school districts"},
	{8, 0, assessments.LinkDataExchange, 1, true, "Nightly billing and GIS feed from the water authority to the county"},
}

func createLinks(ctx context.Context, st *store.Store, act store.Actor, cid int64, ids []int64) error {
	for _, l := range links {
		link := store.Link{ConsortiumID: cid, Note: l.note,
			Link: assessments.Link{From: ids[l.from], To: ids[l.to], Kind: l.kind, Criticality: l.criticality, Directed: l.directed}}
		if err := assessments.CheckLink(link.Link, ids); err != nil {
			return err
		}
		if _, err := st.CreateLink(ctx, act, link); err != nil {
			return err
		}
	}
	return nil
}

// vary is a fixed pseudo-random number in [0,1) for a member and question.
func vary(parts ...string) float64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return float64(h.Sum64()%10000) / 10000
}

func hasPrefix(id string, prefixes []string) bool {
	for _, p := range prefixes {
		if len(id) >= len(p) && id[:len(p)] == p {
			return true
		}
	}
	return false
}

// fill answers the share of questions of one member's assessment.
func fill(ctx context.Context, st *store.Store, act store.Actor, cat *frameworks.Catalog, scale *frameworks.Scale,
	memberID, cycleID int64, m member, level, share float64, at time.Time) error {
	a, err := st.AssessmentFor(ctx, memberID, cycleID)
	if err != nil {
		return err
	}
	slug := store.Slug(m.name)
	by := "it@" + slug + ".demo.palisade.test"
	var answers []store.Answer
	for i, sub := range cat.Subcategories() {
		if float64(i) >= share*float64(len(cat.Subcategories())) {
			break
		}
		ans := store.Answer{SubcategoryID: sub.ID, Target: scale.RecommendedMinimum, ScaleID: scale.ID, ScaleVersion: scale.Version,
			AnsweredBy: by, AnsweredAt: at.Add(time.Duration(i) * time.Minute)}
		// Small organisations with no suppliers of their own mark the
		// supplier questions not applicable.
		if m.population < 5000 && (sub.ID == "GV.SC-10" || sub.ID == "ID.AM-04") {
			ans.NotApplicable = true
			ans.Justification = "We have no suppliers of our own for this; the county provides the service under the consortium agreement."
			answers = append(answers, ans)
			continue
		}
		l := level + (vary(slug, sub.ID)-0.5)*2.4
		if hasPrefix(sub.ID, m.weak) {
			l = 1 + vary(slug, sub.ID, "weak")*1.5
		}
		n := int(l + 0.5)
		n = max(scale.Min, min(scale.Max, n))
		ans.Choice, ans.Score = levelKeys[n], n
		if n == 5 && vary(slug, sub.ID, "accept") < 0.08 {
			ans.Choice = "risk-accepted"
			ans.AcceptedBy = "Town manager, on behalf of the council"
			ans.Acceptance = "The cost of a full control is not in this year's budget; accepted until the next budget cycle, with a compensating manual check each month."
		}
		if sub.Weight >= 3 && n >= 5 {
			ans.Evidence = "Reviewed by the consortium coordinator during the site visit, " + at.Format("January 2006")
		}
		if n <= 2 {
			ans.Notes = "We know this is a gap; it is on our list for the next budget."
		}
		answers = append(answers, ans)
	}
	_, err = st.ImportAnswers(ctx, store.Actor{Email: by, ConsortiumID: act.ConsortiumID}, a.ID, answers)
	return err
}

func finish(ctx context.Context, st *store.Store, act store.Actor, memberID, cycleID int64, review bool) error {
	a, err := st.AssessmentFor(ctx, memberID, cycleID)
	if err != nil {
		return err
	}
	if err := st.SubmitAssessment(ctx, act, a.ID); err != nil && !errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("submit demo assessment of member %d: %w", memberID, err)
	}
	if review {
		return st.ReviewAssessment(ctx, act, a.ID)
	}
	return nil
}
