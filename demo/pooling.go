package demo

import (
	"context"
	"fmt"

	"palisade/pooling"
	"palisade/store"
)

// The demo's risk pooling: Palisade's common services, three of them
// running, an IT lead's request waiting, device counts for the cost
// shares, and last autumn's tabletop exercise.

// endpoints are the device counts the demo members reported, by index in
// members; members left out have not counted theirs (cost rules then
// estimate one device per staff member).
var endpoints = map[int]int{0: 1700, 1: 610, 2: 220, 3: 31, 6: 2400, 7: 3100, 8: 160, 9: 70}

// activeServices are the services the demo consortium runs, with the
// members (by index) taking each. The identity service has just started:
// nobody is enrolled and one town has asked to join.
var activeServices = map[string][]int{
	"threat-intel":       {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
	"awareness-training": {0, 1, 2, 6, 7},
	"mfa-idp":            {},
}

func createPooling(ctx context.Context, st *store.Store, act store.Actor, cid int64, ids []int64) error {
	for i, n := range endpoints {
		if err := st.SaveMemberEndpoints(ctx, act, cid, ids[i], n); err != nil {
			return err
		}
	}
	for _, ps := range pooling.DefaultServices() {
		enrol, active := activeServices[ps.Key]
		if active {
			ps.Status = pooling.StatusActive
		}
		svc := store.ServiceOf(cid, ps)
		sid, err := st.CreateService(ctx, act, svc)
		if err != nil {
			return fmt.Errorf("demo service %s: %w", ps.Key, err)
		}
		var who []int64
		for _, i := range enrol {
			who = append(who, ids[i])
		}
		if len(who) > 0 {
			if err := st.SetEnrolments(ctx, act, cid, sid, who); err != nil {
				return err
			}
		}
		if ps.Key == "mfa-idp" {
			// The Village of Pine Hollow asked to join.
			if err := st.RequestEnrolment(ctx, act, cid, sid, ids[4], "We have no MFA on email yet."); err != nil {
				return err
			}
		}
	}
	_, err := st.CreateExercise(ctx, act, store.Exercise{ConsortiumID: cid, HeldOn: "2025-10-08", Title: "Ransomware at the county data centre",
		Scenario:  "Ransomware encrypts the county's servers on a Friday night; dispatch, payroll and the towns' VPN links are down.",
		MemberIDs: []int64{ids[0], ids[1], ids[3], ids[5], ids[8], ids[9]},
		Findings: []store.Finding{
			{SubcategoryID: "RC.RP-03", Text: "Backups of the payroll server had never been restored in a test.", MemberID: ids[0], DueOn: "2026-03-31"},
			{SubcategoryID: "RS.CO-02", Text: "Nobody knew who calls the state's fusion centre.", DueOn: "2026-01-31", Status: store.FindingDone},
			{SubcategoryID: "PR.AA-03", Text: "The town's VPN accepts a password alone.", MemberID: ids[3], DueOn: "2026-06-30"},
		}})
	return err
}

// certifiers are the members (by index in members) whose IT leads have
// certified the insurance checklist: every item their assessment shows is
// certified "yes"; the water authority also answered "no", with its plan,
// for the items it lacks.
var certifiers = []int{6, 7, 8}

// certify records the demo certifications from the members' answers in the
// cycle, so they agree with the assessment (no "disagrees" in the demo).
func certify(ctx context.Context, st *store.Store, act store.Actor, cycleID int64, ids []int64) error {
	answers, err := st.ScoresForCycle(ctx, cycleID)
	if err != nil {
		return err
	}
	cl := pooling.DefaultChecklist()
	for _, i := range certifiers {
		rd := pooling.Readiness(cl, answers[ids[i]], nil, nil, nil)
		for _, it := range rd.Items {
			c := store.Certification{RequirementKey: it.Requirement.Key, Answer: pooling.CertYes}
			switch {
			case it.AssessmentMeets:
			case i == 8:
				c.Answer, c.Reason = pooling.CertNo, "Not yet: it is in our budget request for FY2027."
			default:
				continue
			}
			if err := st.SaveCertification(ctx, act, ids[i], c); err != nil {
				return fmt.Errorf("demo certification %s: %w", it.Requirement.Key, err)
			}
		}
	}
	return nil
}
