package assessments

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Interconnections between members. Members of a consortium share
// networks, tunnels, applications, mail tenants, providers and data, and a
// weakness at one member travels over those links to the others. This file
// checks the links a coordinator records and works out, from the
// weakest-link report, what reaches each member (exposure), how far an
// intrusion at a member could spread (blast radius), and which members put
// the most others at risk (ranking). docs/weakest-link.md explains the
// model.

// Link is one interconnection between two members of a consortium. An
// undirected link carries weakness both ways. A directed link carries it
// from From to To only: To depends on From (To receives From's data
// feed, say), so a weakness at From reaches To, not the other way round.
type Link struct {
	From, To int64
	Kind     string
	// Criticality is how much rides on the link: 1 low, 2 medium, 3 high
	// (a 911 dispatch system, the network everything runs over).
	Criticality int
	Directed    bool
}

// Link kinds.
const (
	LinkSharedNetwork     = "shared-network"
	LinkVPN               = "vpn"
	LinkSharedApplication = "shared-application"
	LinkERP               = "erp"
	LinkEmailTenant       = "email-tenant"
	LinkMSP               = "managed-service-provider"
	LinkDataExchange      = "data-exchange"
)

// Criticality bounds.
const (
	MinCriticality = 1
	MaxCriticality = 3
)

// LinkKind describes one kind of interconnection and what travels over it.
type LinkKind struct {
	ID, Name string
	// Carries lists the CSF 2.0 categories whose weakness at one end
	// reaches the other end (a full subcategory id is accepted too). A
	// subcategory of another framework is carried when one of the CSF 2.0
	// ids it maps to is.
	Carries []string
	// Why says in one sentence why those categories travel.
	Why string
}

// linkKinds is the table of docs/weakest-link.md; keep the two in step.
// The order is the order kinds are offered in and breaks ties.
var linkKinds = []LinkKind{
	{LinkSharedNetwork, "Shared network or fibre", []string{"PR.AA", "PR.IR", "DE.CM", "PR.PS"},
		"On one network, a stolen account, an unpatched device, a missing firewall rule or an unwatched segment at one member is a foothold on the others."},
	{LinkVPN, "VPN tunnel", []string{"PR.AA", "PR.IR", "DE.CM", "PR.PS"},
		"A tunnel joins two networks as if they were one, so the same weaknesses travel as on a shared network."},
	{LinkSharedApplication, "Shared application (dispatch/911, permits, GIS, ...)", []string{"PR.AA", "PR.PS", "PR.DS"},
		"Everyone signs in to the same system: a weak login or unpatched client at one member opens the shared system and the data in it."},
	{LinkERP, "Shared ERP (finance, payroll, HR)", []string{"PR.AA", "PR.PS", "PR.DS"},
		"A shared ERP is a shared application holding the money and the payroll: weak accounts, patching or data protection at one member reach the common ledger."},
	{LinkEmailTenant, "Shared email tenant", []string{"PR.AA", "PR.AT"},
		"In one mail tenant, a phished or single-factor account at one member is already inside everyone's mail and address book."},
	{LinkMSP, "Shared managed service provider", []string{"GV.SC", "PR.AA"},
		"A provider with administrator access to several members carries an intrusion from one client to all of them; what limits it is vendor oversight and access control."},
	{LinkDataExchange, "Data exchange", []string{"PR.DS"},
		"Files and feeds sent between members are only as protected as the weaker end that stores or sends them."},
}

// LinkKinds returns the link kinds, in the order a form offers them.
func LinkKinds() []LinkKind {
	out := slices.Clone(linkKinds)
	for i := range out {
		out[i].Carries = slices.Clone(out[i].Carries)
	}
	return out
}

func kindIndex(kind string) int {
	return slices.IndexFunc(linkKinds, func(k LinkKind) bool { return k.ID == kind })
}

// CheckLink validates a link a coordinator records. members are the ids of
// the members of the link's consortium: a link to a member of another
// consortium is refused like a link to nobody. The error names every
// problem, so the form can say what to fix.
func CheckLink(l Link, members []int64) error {
	var bad []string
	if l.From == l.To {
		bad = append(bad, fmt.Sprintf("a member cannot be linked to itself (member %d)", l.From))
	}
	ends := []int64{l.From, l.To}
	if l.From == l.To {
		ends = ends[:1] // one message is enough
	}
	for _, id := range ends {
		if !slices.Contains(members, id) {
			bad = append(bad, fmt.Sprintf("member %d is not a member of this consortium", id))
		}
	}
	if kindIndex(l.Kind) < 0 {
		ids := make([]string, len(linkKinds))
		for i, k := range linkKinds {
			ids[i] = k.ID
		}
		bad = append(bad, fmt.Sprintf("kind %q is not one of %s", l.Kind, strings.Join(ids, ", ")))
	}
	if l.Criticality < MinCriticality || l.Criticality > MaxCriticality {
		bad = append(bad, fmt.Sprintf("criticality %d is outside %d..%d", l.Criticality, MinCriticality, MaxCriticality))
	}
	if len(bad) > 0 {
		return errors.New("link: " + strings.Join(bad, "; "))
	}
	return nil
}

// Weakness is one weak answer of a neighbour that reaches a member over a
// link.
type Weakness struct {
	// From is the neighbour whose answer it is.
	From          int64
	SubcategoryID string
	Level         int
	// Accepted is set when the answer is a formally accepted risk.
	Accepted bool
	// Severity is how weak the answer is, in levels (see severity):
	// baseline − level, and at least baseline − 1 for an accepted risk.
	Severity int
	Weight   int
	// Kind and Criticality are the link it travels over. When several
	// links between the same two members carry it, the most critical one
	// counts (ties: the first kind of LinkKinds); it is counted once.
	Kind        string
	Criticality int
	// Score = Weight × Severity × Criticality.
	Score int
}

// Exposure is what reaches one member through its links.
type Exposure struct {
	MemberID int64
	// Score is the sum of the Weaknesses' scores.
	Score int
	// Weaknesses are ordered by Score, highest first, then catalog
	// order, then neighbour id.
	Weaknesses []Weakness
}

// Exposures works out, for every member of the comparison (in its order),
// the weaknesses of its direct neighbours that reach it: a neighbour below
// the baseline, or with an accepted risk, on a subcategory the link
// carries. Only direct neighbours count (exposure is what is one hop away;
// BlastRadius covers the rest). Subcategories weighted 0 are left out.
// Links that CheckLink would refuse, or whose ends are not in the
// comparison, are ignored.
func (w *WeakestLink) Exposures(links []Link) []Exposure {
	c := w.c
	ns := len(c.ix.ids)
	index := c.memberIndex()
	carries := w.carried()

	type edge struct{ from, kind, crit int }
	inbound := make([][]edge, len(c.Members))
	for _, l := range links {
		from, okF := index[l.From]
		to, okT := index[l.To]
		k := kindIndex(l.Kind)
		if !okF || !okT || from == to || k < 0 || l.Criticality < MinCriticality || l.Criticality > MaxCriticality {
			continue
		}
		inbound[to] = append(inbound[to], edge{from, k, l.Criticality})
		if !l.Directed {
			inbound[from] = append(inbound[from], edge{to, k, l.Criticality})
		}
	}

	type keyed struct {
		Weakness
		si   int
		kind int
	}
	out := make([]Exposure, len(c.Members))
	for mi := range c.Members {
		out[mi].MemberID = c.Members[mi].MemberID
		var ws []keyed
		seen := map[int]int{} // from*ns+si -> index in ws
		for _, e := range inbound[mi] {
			for si := range ns {
				if !carries[e.kind][si] || w.weight[si] == 0 {
					continue
				}
				x := c.cells[e.from*ns+si]
				sev := severity(x, w.Baseline)
				if sev == 0 {
					continue
				}
				if i, ok := seen[e.from*ns+si]; ok {
					k := &ws[i]
					if e.crit > k.Criticality || (e.crit == k.Criticality && e.kind < k.kind) {
						k.kind, k.Kind, k.Criticality = e.kind, linkKinds[e.kind].ID, e.crit
						k.Score = k.Weight * k.Severity * e.crit
					}
					continue
				}
				seen[e.from*ns+si] = len(ws)
				ws = append(ws, keyed{Weakness{
					From: c.Members[e.from].MemberID, SubcategoryID: c.ix.ids[si],
					Level: int(x.level), Accepted: x.accepted, Severity: sev, Weight: w.weight[si],
					Kind: linkKinds[e.kind].ID, Criticality: e.crit, Score: w.weight[si] * sev * e.crit,
				}, si, e.kind})
			}
		}
		slices.SortFunc(ws, func(a, b keyed) int {
			if r := cmp.Compare(b.Score, a.Score); r != 0 {
				return r
			}
			if r := cmp.Compare(a.si, b.si); r != 0 {
				return r
			}
			return cmp.Compare(a.From, b.From)
		})
		if len(ws) > 0 {
			out[mi].Weaknesses = make([]Weakness, len(ws))
		}
		for i, k := range ws {
			out[mi].Weaknesses[i] = k.Weakness
			out[mi].Score += k.Score
		}
	}
	return out
}

// carried says, per link kind and subcategory (catalog order), whether a
// weakness on the subcategory travels over that kind of link.
func (w *WeakestLink) carried() [][]bool {
	c := w.c
	out := make([][]bool, len(linkKinds))
	for k, kind := range linkKinds {
		row := make([]bool, len(c.ix.ids))
		for si, id := range c.ix.ids {
			sub, ok := c.cat.Subcategory(id)
			if !ok {
				continue
			}
			ids := append([]string{sub.ID, sub.CategoryID}, sub.MapsTo...)
			for _, m := range sub.MapsTo {
				ids = append(ids, categoryOf(m))
			}
			row[si] = slices.ContainsFunc(ids, func(id string) bool { return slices.Contains(kind.Carries, id) })
		}
		out[k] = row
	}
	return out
}

// memberIndex maps member ids to their index in Members.
func (c *Comparison) memberIndex() map[int64]int {
	m := make(map[int64]int, len(c.Members))
	for i := range c.Members {
		m[c.Members[i].MemberID] = i
	}
	return m
}

// BlastRadius counts, for each member, how many other members can be
// reached from it by following links transitively, in the direction
// weakness travels (both ways on an undirected link, From → To on a
// directed one), whatever the kind: an intrusion that got in over one link
// can leave over another. Cycles are fine (each member is visited once per
// search) and a member with no links has 0. Links with an end outside
// memberIDs, or from a member to itself, are ignored. It runs one
// breadth-first search per member: O(members × (members + links)), which is
// nothing for a consortium of tens or hundreds of members.
func BlastRadius(memberIDs []int64, links []Link) map[int64]int {
	index := make(map[int64]int, len(memberIDs))
	for _, id := range memberIDs {
		if _, ok := index[id]; !ok {
			index[id] = len(index)
		}
	}
	adj := make([][]int, len(index))
	for _, l := range links {
		from, okF := index[l.From]
		to, okT := index[l.To]
		if !okF || !okT || from == to {
			continue
		}
		adj[from] = append(adj[from], to)
		if !l.Directed {
			adj[to] = append(adj[to], from)
		}
	}
	out := make(map[int64]int, len(index))
	seen := make([]int, len(index)) // search number that last visited a member
	queue := make([]int, 0, len(index))
	for id, start := range index {
		mark := start + 1
		seen[start] = mark
		queue = append(queue[:0], start)
		for head := 0; head < len(queue); head++ {
			for _, next := range adj[queue[head]] {
				if seen[next] != mark {
					seen[next] = mark
					queue = append(queue, next)
				}
			}
		}
		out[id] = len(queue) - 1 // everyone visited but itself
	}
	return out
}

// MemberRisk is one line of the ranking of members by the harm their
// weakness can spread.
type MemberRisk struct {
	MemberID int64
	// BlastRadius is how many members can be reached from it.
	BlastRadius int
	// Weakness is the sum, over its answers, of weight × severity: the
	// weighted levels it is below the baseline, with a formally accepted
	// risk counted as baseline − 1 levels (see severity).
	Weakness int
	// Score = BlastRadius × Weakness: a weak member nobody is connected to
	// harms only itself (0 here; it shows in the floor table), and a
	// well-connected member harms many only as far as it is weak.
	Score int
}

// Ranking orders every member of the comparison by Score, then Weakness,
// then BlastRadius (highest first), then member id.
func (w *WeakestLink) Ranking(links []Link) []MemberRisk {
	c := w.c
	ids := make([]int64, len(c.Members))
	for i := range c.Members {
		ids[i] = c.Members[i].MemberID
	}
	radius := BlastRadius(ids, links)
	out := make([]MemberRisk, len(c.Members))
	for i, id := range ids {
		r := radius[id]
		out[i] = MemberRisk{MemberID: id, BlastRadius: r, Weakness: w.weakness[i], Score: r * w.weakness[i]}
	}
	slices.SortFunc(out, func(a, b MemberRisk) int {
		if r := cmp.Compare(b.Score, a.Score); r != 0 {
			return r
		}
		if r := cmp.Compare(b.Weakness, a.Weakness); r != 0 {
			return r
		}
		if r := cmp.Compare(b.BlastRadius, a.BlastRadius); r != 0 {
			return r
		}
		return cmp.Compare(a.MemberID, b.MemberID)
	})
	return out
}
