package demo

import (
	"context"
	"fmt"
	"hash/fnv"

	"palisade/accounts"
	"palisade/frameworks"
	"palisade/store"
)

// Big is a generated consortium for load tests and benchmarks: many members,
// each with a draft assessment answered in full in one open cycle.
type Big struct {
	Consortium store.Consortium
	Cycle      store.Cycle
	Members    []store.Member
	// Assessments holds the id of each member's assessment, in the order
	// of Members.
	Assessments []int64
}

// bigLevels are the levels generated answers use: every level of the scale
// but "risk formally accepted", which needs an acceptance text.
var bigLevels = []string{"not-performed", "informal", "documented-policy", "partial-procedures", "in-progress", "tested", "optimized"}

// LoadBig creates a consortium of n members ("Member 001" ...) whose answers
// are derived from fixed rules, so two runs give the same data and timings
// can be compared. It creates no accounts: callers decide who signs in (see
// AddUser). Each member's answers are written in one transaction, as an
// import would: 500 members take a few seconds.
func LoadBig(ctx context.Context, st *store.Store, cat *frameworks.Catalog, scale *frameworks.Scale, name string, n int) (Big, error) {
	var b Big
	c := store.Consortium{Name: name, FrameworkID: cat.ID, ScaleID: scale.ID, DefaultTarget: scale.RecommendedMinimum}
	cid, err := st.CreateConsortium(ctx, c)
	if err != nil {
		return b, err
	}
	c.ID = cid
	b.Consortium = c
	cycleID, err := st.CreateCycle(ctx, store.Cycle{ConsortiumID: cid, Name: "FY2026"})
	if err != nil {
		return b, err
	}
	if b.Cycle, err = st.CycleByID(ctx, cycleID); err != nil {
		return b, err
	}
	act := store.Actor{Email: "generator", ConsortiumID: cid}
	subs := cat.Subcategories()
	for i := range n {
		name := fmt.Sprintf("Member %03d", i+1)
		slug := store.Slug(name)
		m := store.Member{ConsortiumID: cid, Name: name, Slug: slug, Kind: store.MemberKinds[i%len(store.MemberKinds)],
			Population: 1000 + i*37, Staff: 10 + i%200, ContactEmail: BigITLead(i)}
		if m.ID, err = st.CreateMember(ctx, act, m); err != nil {
			return b, err
		}
		a, err := st.AssessmentFor(ctx, m.ID, cycleID)
		if err != nil {
			return b, err
		}
		answers := make([]store.Answer, 0, len(subs))
		for _, sub := range subs {
			h := fnv.New32a()
			fmt.Fprintf(h, "%d/%s", i, sub.ID)
			choice, ok := scale.Choice(bigLevels[h.Sum32()%uint32(len(bigLevels))])
			if !ok {
				return b, fmt.Errorf("scale %s has no level %q", scale.ID, bigLevels[h.Sum32()%uint32(len(bigLevels))])
			}
			answers = append(answers, store.Answer{SubcategoryID: sub.ID, Choice: choice.Key, Score: choice.Score,
				Target: scale.RecommendedMinimum, ScaleID: scale.ID, ScaleVersion: scale.Version, AnsweredBy: BigITLead(i)})
		}
		if _, err := st.ImportAnswers(ctx, store.Actor{Email: BigITLead(i), ConsortiumID: cid}, a.ID, answers); err != nil {
			return b, err
		}
		b.Members = append(b.Members, m)
		b.Assessments = append(b.Assessments, a.ID)
	}
	return b, nil
}

// BigITLead is the email of the IT lead of the i-th generated member
// (counting from 0).
func BigITLead(i int) string { return fmt.Sprintf("it@member-%03d.big.palisade.test", i+1) }

// AddUser creates an account in the big consortium with the given role
// (memberIndex is used for IT leads only). passwordHash comes from
// accounts.HashPassword: computing one hash for many accounts saves the
// 64 MiB, quarter-second argon2id work per account.
func (b Big) AddUser(ctx context.Context, st *store.Store, email, name, passwordHash string, role accounts.Role, memberIndex int) (int64, error) {
	g := accounts.Grant{ConsortiumID: b.Consortium.ID, Role: role}
	if role == accounts.ITLead {
		g.MemberID = b.Members[memberIndex].ID
	}
	return st.CreateUser(ctx, store.Actor{Email: "generator", ConsortiumID: b.Consortium.ID},
		store.User{Email: email, Name: name, PasswordHash: passwordHash}, []accounts.Grant{g})
}
