package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// poolFixture is a consortium with two members, a coordinator account and a
// second consortium with a member of its own.
type poolFixture struct {
	fixture
	second, elsewhere, stranger, user int64
}

func newPoolFixture(t *testing.T, s *Store) poolFixture {
	t.Helper()
	ctx := context.Background()
	f := poolFixture{fixture: newFixture(t, s)}
	var err error
	if f.second, err = s.CreateMember(ctx, f.act, Member{ConsortiumID: f.consortium, Name: "Ash County", Slug: "ash-county", Kind: "county", Endpoints: 40}); err != nil {
		t.Fatal(err)
	}
	if f.elsewhere, err = s.CreateConsortium(ctx, Consortium{Name: "Elsewhere"}); err != nil {
		t.Fatal(err)
	}
	if f.stranger, err = s.CreateMember(ctx, f.act, Member{ConsortiumID: f.elsewhere, Name: "Stranger", Slug: "stranger", Kind: "county"}); err != nil {
		t.Fatal(err)
	}
	if f.user, err = s.CreateUser(ctx, System, User{Email: "dana@valley.gov", Name: "Dana"}, nil); err != nil {
		t.Fatal(err)
	}
	f.act.UserID, f.act.Email = f.user, "dana@valley.gov"
	return f
}

func poolService(f poolFixture, key string) Service {
	return Service{ConsortiumID: f.consortium, Key: key, Name: "Managed " + key, Description: "24x7", Provider: "Valley COG",
		ProviderKind: "consortium", Status: "active", FixedCents: 1_000_000, PerMemberCents: 50_000, PerUserCents: 100,
		PerEndpointCents: 2_500, StandaloneCents: 4_000_000, ShareRule: "blend", Blend: map[string]int{"equal": 40, "endpoints": 60},
		Lifts: []ServiceLift{{"PR.AA-01", 5}, {"DE.CM-01", 6}}}
}

// poolCount counts the rows of a table matching a condition.
func poolCount(t *testing.T, s *Store, table, where string, args ...any) int {
	t.Helper()
	var n int
	if err := s.r.QueryRow(`SELECT COUNT(*) FROM `+table+` WHERE `+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func poolActions(t *testing.T, s *Store, consortiumID int64, prefix string) int {
	t.Helper()
	events, err := s.AuditEvents(context.Background(), AuditFilter{ConsortiumID: consortiumID, Action: prefix})
	if err != nil {
		t.Fatal(err)
	}
	return len(events)
}

func TestServicesRoundTripAndConflicts(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newPoolFixture(t, s)
	gen := s.Generation()
	want := poolService(f, "soc")
	id, err := s.CreateService(ctx, f.act, want)
	if err != nil {
		t.Fatal(err)
	}
	if s.Generation() == gen {
		t.Error("creating a service did not change the generation")
	}
	want.ID, want.Version = id, 1
	want.Lifts = []ServiceLift{{"DE.CM-01", 6}, {"PR.AA-01", 5}} // by subcategory
	got, err := s.ServiceByID(ctx, f.consortium, id)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ServiceByID:\n got %+v (%v)\nwant %+v", got, err, want)
	}
	if _, err := s.ServiceByID(ctx, f.elsewhere, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("service read through another consortium: %v; want ErrNotFound", err)
	}

	// Same key in the same consortium: refused, naming the key; fine elsewhere.
	if _, err := s.CreateService(ctx, f.act, poolService(f, "soc")); !errors.Is(err, ErrDuplicate) || !strings.Contains(err.Error(), `"soc"`) {
		t.Errorf("duplicate key: %v; want ErrDuplicate naming the key", err)
	}
	other := poolService(f, "soc")
	other.ConsortiumID, other.Blend, other.ShareRule, other.Lifts = f.elsewhere, nil, "equal", nil
	if _, err := s.CreateService(ctx, f.act, other); err != nil {
		t.Errorf("same key in another consortium: %v", err)
	}
	second := poolService(f, "backup")
	second.Name, second.Status, second.Blend, second.ShareRule, second.Lifts = "Backups", "proposed", nil, "population", nil
	secondID, err := s.CreateService(ctx, f.act, second)
	if err != nil {
		t.Fatal(err)
	}
	// The CHECK constraints are the last line.
	bad := poolService(f, "bad")
	bad.FixedCents = -1
	if _, err := s.CreateService(ctx, f.act, bad); err == nil {
		t.Error("a negative cost was stored")
	}
	bad = poolService(f, "bad")
	bad.ShareRule = "whim"
	if _, err := s.CreateService(ctx, f.act, bad); err == nil {
		t.Error("an unknown share rule was stored")
	}

	list, err := s.ServicesOfConsortium(ctx, f.consortium)
	if err != nil || len(list) != 2 || list[0].ID != secondID || list[0].Lifts != nil || !reflect.DeepEqual(list[1], want) {
		t.Fatalf("ServicesOfConsortium: %+v %v", list, err)
	}

	// Save from version 1, then again from version 1: the second is stale.
	edit := want
	edit.Name, edit.Status, edit.Blend, edit.ShareRule = "SOC", "proposed", nil, "endpoints"
	edit.Lifts = []ServiceLift{{"RS.MA-01", 4}}
	if err := s.SaveService(ctx, f.act, edit); err != nil {
		t.Fatal(err)
	}
	stale := want
	stale.Name = "lost update"
	if err := s.SaveService(ctx, f.act, stale); !errors.Is(err, ErrStale) {
		t.Errorf("stale save: %v; want ErrStale", err)
	}
	edit.Version = 2
	if got, _ := s.ServiceByID(ctx, f.consortium, id); !reflect.DeepEqual(got, edit) {
		t.Errorf("after save:\n got %+v\nwant %+v", got, edit)
	}
	renamed := edit
	renamed.Key = "backup"
	if err := s.SaveService(ctx, f.act, renamed); !errors.Is(err, ErrDuplicate) {
		t.Errorf("save taking another service's key: %v; want ErrDuplicate", err)
	}
	foreign := edit
	foreign.ConsortiumID = f.elsewhere
	if err := s.SaveService(ctx, f.act, foreign); !errors.Is(err, ErrNotFound) {
		t.Errorf("save through another consortium: %v; want ErrNotFound", err)
	}
	if n := poolActions(t, s, f.consortium, "service."); n != 3 {
		t.Errorf("%d service audit rows; want 3 (2 creates, 1 save)", n)
	}
	if n := poolActions(t, s, f.elsewhere, "service.create"); n != 1 {
		t.Errorf("%d service.create audit rows in the other consortium; want 1", n)
	}
	events, _ := s.AuditEvents(ctx, AuditFilter{ConsortiumID: f.consortium, Action: "service.save"})
	if len(events) != 1 || events[0].UserID != f.user || !strings.Contains(events[0].Detail, "share_rule=endpoints") {
		t.Errorf("service.save audit rows %+v", events)
	}
}

func TestEnrolmentsStayInsideTheConsortium(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newPoolFixture(t, s)
	soc, err := s.CreateService(ctx, f.act, poolService(f, "soc"))
	if err != nil {
		t.Fatal(err)
	}
	proposed := poolService(f, "edr")
	proposed.Status = "proposed"
	edr, err := s.CreateService(ctx, f.act, proposed)
	if err != nil {
		t.Fatal(err)
	}

	// An IT lead asks; asking again updates the note.
	if err := s.RequestEnrolment(ctx, f.act, f.consortium, soc, f.member, "please"); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestEnrolment(ctx, f.act, f.consortium, soc, f.member, "please, soon"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ActiveServicesOfMember(ctx, f.member); len(got) != 0 {
		t.Errorf("a request counts as enrolment: %+v", got)
	}
	// The coordinator approves; a later request does not downgrade it.
	if err := s.SetEnrolment(ctx, f.act, f.consortium, soc, f.member, EnrolmentEnrolled); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestEnrolment(ctx, f.act, f.consortium, soc, f.member, "again"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetEnrolment(ctx, f.act, f.consortium, edr, f.member, EnrolmentEnrolled); err != nil {
		t.Fatal(err)
	}
	got, err := s.EnrolmentsOfConsortium(ctx, f.consortium)
	if err != nil || len(got) != 2 {
		t.Fatalf("EnrolmentsOfConsortium: %+v %v", got, err)
	}
	e := got[0]
	if e.ServiceID != soc || e.MemberID != f.member || e.State != EnrolmentEnrolled || e.Note != "please, soon" || e.RequestedBy != f.user || e.CreatedAt == "" || e.DecidedAt == "" {
		t.Errorf("enrolment %+v", e)
	}
	active, err := s.ActiveServicesOfMember(ctx, f.member)
	if err != nil || len(active) != 1 || active[0].ID != soc || len(active[0].Lifts) != 2 {
		t.Errorf("ActiveServicesOfMember: %+v %v; want the active soc with its lifts only", active, err)
	}

	// Another consortium's member or service is refused and nothing is saved.
	for name, try := range map[string]func() error{
		"set stranger":         func() error { return s.SetEnrolment(ctx, f.act, f.consortium, soc, f.stranger, EnrolmentEnrolled) },
		"request stranger":     func() error { return s.RequestEnrolment(ctx, f.act, f.consortium, soc, f.stranger, "") },
		"set via elsewhere":    func() error { return s.SetEnrolment(ctx, f.act, f.elsewhere, soc, f.stranger, EnrolmentEnrolled) },
		"remove via elsewhere": func() error { return s.RemoveEnrolment(ctx, f.act, f.elsewhere, soc, f.member) },
	} {
		err := try()
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "consortium") {
			t.Errorf("%s: %v; want ErrNotFound saying so", name, err)
		}
	}
	if n := poolCount(t, s, "enrolments", "1"); n != 2 {
		t.Errorf("%d enrolments after refused ones; want 2", n)
	}

	// SetEnrolments is all or nothing.
	before, _ := s.EnrolmentsOfConsortium(ctx, f.consortium)
	if err := s.SetEnrolments(ctx, f.act, f.consortium, soc, []int64{f.second, f.stranger}); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetEnrolments with a stranger: %v; want ErrNotFound", err)
	}
	if after, _ := s.EnrolmentsOfConsortium(ctx, f.consortium); !reflect.DeepEqual(after, before) {
		t.Errorf("a refused SetEnrolments changed enrolments:\n%+v\n%+v", before, after)
	}
	// A pending request of a member left out stays pending.
	if err := s.RequestEnrolment(ctx, f.act, f.consortium, edr, f.second, "us too"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetEnrolments(ctx, f.act, f.consortium, soc, []int64{f.second, f.second}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetEnrolments(ctx, f.act, f.consortium, edr, nil); err != nil {
		t.Fatal(err)
	}
	states := map[[2]int64]string{}
	list, _ := s.EnrolmentsOfConsortium(ctx, f.consortium)
	for _, e := range list {
		states[[2]int64{e.ServiceID, e.MemberID}] = e.State
	}
	wantStates := map[[2]int64]string{{soc, f.second}: EnrolmentEnrolled, {edr, f.second}: EnrolmentRequested}
	if !reflect.DeepEqual(states, wantStates) {
		t.Errorf("after SetEnrolments: %v; want %v", states, wantStates)
	}

	if err := s.RemoveEnrolment(ctx, f.act, f.consortium, edr, f.second); err != nil {
		t.Error(err)
	}
	if err := s.RemoveEnrolment(ctx, f.act, f.consortium, edr, f.second); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing twice: %v", err)
	}
	for action, want := range map[string]int{"enrolment.set": 2, "enrolment.request": 4, "enrolment.remove": 1, "enrolments.set": 2} {
		events, _ := s.AuditEvents(ctx, AuditFilter{ConsortiumID: f.consortium, Action: action})
		n := 0
		for _, e := range events {
			if e.Action == action {
				n++
			}
		}
		if n != want {
			t.Errorf("%d %s audit rows; want %d", n, action, want)
		}
	}
}

func TestDeleteServiceCascades(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newPoolFixture(t, s)
	id, err := s.CreateService(ctx, f.act, poolService(f, "soc"))
	if err != nil {
		t.Fatal(err)
	}
	keep, err := s.CreateService(ctx, f.act, poolService(f, "keep"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sv := range []int64{id, keep} {
		if err := s.SetEnrolments(ctx, f.act, f.consortium, sv, []int64{f.member, f.second}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateAgreement(ctx, f.act, Agreement{ServiceID: sv, ConsortiumID: f.consortium, Title: "MOU", StartsOn: "2026-07-01"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteService(ctx, f.act, f.elsewhere, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete through another consortium: %v", err)
	}
	if err := s.DeleteService(ctx, f.act, f.consortium, id); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"service_lifts", "enrolments", "agreements"} {
		if n := poolCount(t, s, table, "service_id = ?", id); n != 0 {
			t.Errorf("%d %s rows of the deleted service remain", n, table)
		}
		if n := poolCount(t, s, table, "service_id = ?", keep); n == 0 {
			t.Errorf("the %s rows of the other service went too", table)
		}
	}
	if _, err := s.ServiceByID(ctx, f.consortium, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted service: %v", err)
	}
	if n := poolActions(t, s, f.consortium, "service.delete"); n != 1 {
		t.Errorf("%d service.delete audit rows", n)
	}
}

func TestAgreementsRoundTrip(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newPoolFixture(t, s)
	sv, err := s.CreateService(ctx, f.act, poolService(f, "soc"))
	if err != nil {
		t.Fatal(err)
	}
	want := Agreement{ServiceID: sv, ConsortiumID: f.consortium, Title: "SOC SLA", Parties: "Valley COG; Acme MSSP",
		StartsOn: "2026-07-01", EndsOn: "2027-06-30", Renewal: "annual auto-renew", DocumentURL: "https://docs.example/sla.pdf"}
	if want.ID, err = s.CreateAgreement(ctx, f.act, want); err != nil {
		t.Fatal(err)
	}
	for name, a := range map[string]Agreement{
		"another consortium's service": {ServiceID: sv, ConsortiumID: f.elsewhere, Title: "x", StartsOn: "2026-01-01"},
		"no start date":                {ServiceID: sv, ConsortiumID: f.consortium, Title: "x"},
		"not a date":                   {ServiceID: sv, ConsortiumID: f.consortium, Title: "x", StartsOn: "2026-02-30"},
		"ends before it starts":        {ServiceID: sv, ConsortiumID: f.consortium, Title: "x", StartsOn: "2026-02-01", EndsOn: "2026-01-01"},
		"end not a date":               {ServiceID: sv, ConsortiumID: f.consortium, Title: "x", StartsOn: "2026-02-01", EndsOn: "soon"},
	} {
		if _, err := s.CreateAgreement(ctx, f.act, a); err == nil {
			t.Errorf("%s: stored", name)
		}
	}
	got, err := s.AgreementsOfConsortium(ctx, f.consortium)
	if err != nil || len(got) != 1 || got[0].CreatedAt == "" {
		t.Fatalf("AgreementsOfConsortium: %+v %v", got, err)
	}
	want.CreatedAt = got[0].CreatedAt
	if got[0] != want {
		t.Errorf("agreement\n got %+v\nwant %+v", got[0], want)
	}
	if other, _ := s.AgreementsOfConsortium(ctx, f.elsewhere); len(other) != 0 {
		t.Errorf("another consortium sees %+v", other)
	}
	if err := s.DeleteAgreement(ctx, f.act, f.elsewhere, want.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete through another consortium: %v", err)
	}
	if err := s.DeleteAgreement(ctx, f.act, f.consortium, want.ID); err != nil {
		t.Fatal(err)
	}
	if n := poolActions(t, s, f.consortium, "agreement."); n != 2 {
		t.Errorf("%d agreement audit rows; want 2", n)
	}
}

func TestExercisesRoundTrip(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newPoolFixture(t, s)
	ex := Exercise{ConsortiumID: f.consortium, HeldOn: "2026-03-12", Title: "Ransomware at the water utility", Scenario: "Friday 5pm",
		MemberIDs: []int64{f.member, f.second},
		Findings: []Finding{
			{SubcategoryID: "RS.CO-02", Text: "No call tree", MemberID: f.member, DueOn: "2026-06-30"},
			{SubcategoryID: "RC.RP-01", Text: "Backups untested", MemberID: f.second},
			{Text: "Shared contact list", Status: FindingDone},
		}}
	id, err := s.CreateExercise(ctx, f.act, ex)
	if err != nil {
		t.Fatal(err)
	}
	older, err := s.CreateExercise(ctx, f.act, Exercise{ConsortiumID: f.consortium, HeldOn: "2025-10-01", Title: "Phishing", MemberIDs: []int64{f.second}})
	if err != nil {
		t.Fatal(err)
	}

	// A stranger among the members or finding owners: nothing saved.
	for _, bad := range []Exercise{
		{ConsortiumID: f.consortium, HeldOn: "2026-04-01", Title: "bad", MemberIDs: []int64{f.member, f.stranger}},
		{ConsortiumID: f.consortium, HeldOn: "2026-04-01", Title: "bad", Findings: []Finding{{Text: "x", MemberID: f.stranger}}},
	} {
		if _, err := s.CreateExercise(ctx, f.act, bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("exercise with a stranger: %v; want ErrNotFound", err)
		}
	}
	for _, bad := range []Exercise{
		{ConsortiumID: f.consortium, Title: "bad"},
		{ConsortiumID: f.consortium, HeldOn: "2026-04-01", Title: "bad", Findings: []Finding{{Text: "x", DueOn: "next week"}}},
	} {
		if _, err := s.CreateExercise(ctx, f.act, bad); err == nil {
			t.Errorf("exercise with a bad date stored: %+v", bad)
		}
	}
	// A refused finding refuses the whole exercise.
	if _, err := s.CreateExercise(ctx, f.act, Exercise{ConsortiumID: f.consortium, HeldOn: "2026-04-01", Title: "bad",
		MemberIDs: []int64{f.member}, Findings: []Finding{{Text: "x", Status: "maybe"}}}); err == nil {
		t.Error("a finding with an unknown status was stored")
	}
	if n := poolCount(t, s, "exercises", "title = 'bad'") + poolCount(t, s, "exercise_members", "exercise_id NOT IN (?, ?)", id, older); n != 0 {
		t.Errorf("%d rows of refused exercises stored", n)
	}

	all, err := s.ExercisesOfConsortium(ctx, f.consortium)
	if err != nil || len(all) != 2 || all[0].ID != id || all[1].ID != older {
		t.Fatalf("ExercisesOfConsortium: %+v %v; want newest first", all, err)
	}
	got := all[0]
	if got.Title != ex.Title || got.HeldOn != ex.HeldOn || got.Scenario != ex.Scenario || got.CreatedAt == "" ||
		!reflect.DeepEqual(got.MemberIDs, []int64{f.member, f.second}) || len(got.Findings) != 3 {
		t.Fatalf("exercise %+v", got)
	}
	for i, fd := range got.Findings {
		w := ex.Findings[i]
		if w.Status == "" {
			w.Status = FindingOpen
		}
		w.ID, w.ExerciseID = fd.ID, id
		if fd != w || fd.ID == 0 {
			t.Errorf("finding %d: %+v; want %+v", i, fd, w)
		}
	}
	if other, _ := s.ExercisesOfConsortium(ctx, f.elsewhere); len(other) != 0 {
		t.Errorf("another consortium sees %+v", other)
	}

	// A member sees the exercises it took part in, with its own and the
	// consortium's findings only.
	mine, err := s.ExercisesOfMember(ctx, f.member)
	if err != nil || len(mine) != 1 || mine[0].ID != id || len(mine[0].MemberIDs) != 2 || len(mine[0].Findings) != 2 {
		t.Fatalf("ExercisesOfMember: %+v %v", mine, err)
	}
	for _, fd := range mine[0].Findings {
		if fd.MemberID == f.second {
			t.Errorf("member sees another member's finding %+v", fd)
		}
	}
	if theirs, _ := s.ExercisesOfMember(ctx, f.second); len(theirs) != 2 {
		t.Errorf("second member's exercises: %+v", theirs)
	}

	fid := got.Findings[0].ID
	if err := s.SetFindingStatus(ctx, f.act, f.elsewhere, fid, FindingDone); !errors.Is(err, ErrNotFound) {
		t.Errorf("finding through another consortium: %v", err)
	}
	if err := s.SetFindingStatus(ctx, f.act, f.consortium, fid, FindingDone); err != nil {
		t.Fatal(err)
	}
	if err := s.SetFindingStatus(ctx, f.act, f.consortium, fid, "later"); err == nil {
		t.Error("an unknown status was stored")
	}
	mine, _ = s.ExercisesOfMember(ctx, f.member)
	if mine[0].Findings[0].Status != FindingDone {
		t.Errorf("finding after SetFindingStatus: %+v", mine[0].Findings[0])
	}
	events, _ := s.AuditEvents(ctx, AuditFilter{ConsortiumID: f.consortium, Action: "finding.status"})
	if len(events) != 1 || events[0].MemberID != f.member {
		t.Errorf("finding.status audit rows %+v", events)
	}

	if err := s.DeleteExercise(ctx, f.act, f.elsewhere, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete through another consortium: %v", err)
	}
	if err := s.DeleteExercise(ctx, f.act, f.consortium, id); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"exercise_members", "findings"} {
		if n := poolCount(t, s, table, "exercise_id = ?", id); n != 0 {
			t.Errorf("%d %s rows of the deleted exercise remain", n, table)
		}
	}
	if n := poolActions(t, s, f.consortium, "exercise."); n != 3 {
		t.Errorf("%d exercise audit rows; want 3", n)
	}
}

func TestInsuranceTiersAndCertifications(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newPoolFixture(t, s)
	if got, err := s.InsuranceTiers(ctx, f.consortium); err != nil || len(got) != 0 {
		t.Fatalf("tiers never set: %+v %v; want none", got, err)
	}
	tiers := []InsuranceTier{{1, "Basic", 0}, {2, "Managed", 150_000}, {3, "Advanced", 400_000}}
	if err := s.SaveInsuranceTiers(ctx, f.act, f.consortium, tiers); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveInsuranceTiers(ctx, f.act, f.consortium, []InsuranceTier{{1, "x", 1}, {10, "y", 1}}); err == nil {
		t.Error("tier 10 was stored")
	}
	if err := s.SaveInsuranceTiers(ctx, f.act, f.consortium, []InsuranceTier{{1, "x", -1}}); err == nil {
		t.Error("a negative incentive was stored")
	}
	if got, _ := s.InsuranceTiers(ctx, f.consortium); !reflect.DeepEqual(got, tiers) {
		t.Errorf("tiers after refused saves: %+v; want %+v", got, tiers)
	}
	if err := s.SaveInsuranceTiers(ctx, f.act, f.consortium, tiers[:1]); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.InsuranceTiers(ctx, f.consortium); len(got) != 1 {
		t.Errorf("tiers are not replaced whole: %+v", got)
	}
	if got, _ := s.InsuranceTiers(ctx, f.elsewhere); len(got) != 0 {
		t.Errorf("another consortium has tiers %+v", got)
	}

	c := Certification{RequirementKey: "mfa-remote", Answer: "yes", Reason: "Duo on VPN"}
	if err := s.SaveCertification(ctx, f.act, f.member, c); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCertification(ctx, f.act, f.member, c); !errors.Is(err, ErrStale) {
		t.Errorf("second new certification: %v; want ErrStale", err)
	}
	c.Version, c.Answer, c.Reason = 1, "no", "Duo lapsed"
	if err := s.SaveCertification(ctx, f.act, f.member, c); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCertification(ctx, f.act, f.member, c); !errors.Is(err, ErrStale) {
		t.Errorf("save from version 1 again: %v; want ErrStale", err)
	}
	if err := s.SaveCertification(ctx, f.act, 0, c); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown member: %v", err)
	}
	bad := Certification{RequirementKey: "backups", Answer: "maybe"}
	if err := s.SaveCertification(ctx, f.act, f.member, bad); err == nil {
		t.Error("an unknown answer was stored")
	}
	if err := s.SaveCertification(ctx, System, f.second, Certification{RequirementKey: "backups", Answer: "na", Reason: "cloud only"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCertification(ctx, f.act, f.stranger, Certification{RequirementKey: "backups", Answer: "yes"}); err != nil {
		t.Fatal(err)
	}

	mine, err := s.CertificationsOfMember(ctx, f.member)
	if err != nil || len(mine) != 1 {
		t.Fatalf("CertificationsOfMember: %+v %v", mine, err)
	}
	want := Certification{MemberID: f.member, RequirementKey: "mfa-remote", Answer: "no", Reason: "Duo lapsed", CertifiedBy: f.user,
		CertifiedByEmail: "dana@valley.gov", CertifiedAt: mine[0].CertifiedAt, Version: 2}
	if mine[0] != want || want.CertifiedAt == "" {
		t.Errorf("certification\n got %+v\nwant %+v", mine[0], want)
	}
	all, err := s.CertificationsOfConsortium(ctx, f.consortium)
	if err != nil || len(all) != 2 || all[f.member][0] != want || all[f.second][0].CertifiedBy != 0 || all[f.stranger] != nil {
		t.Errorf("CertificationsOfConsortium: %+v %v", all, err)
	}
	events, _ := s.AuditEvents(ctx, AuditFilter{ConsortiumID: f.consortium, Action: "certification.save"})
	if len(events) != 3 || events[0].MemberID != f.second || events[2].MemberID != f.member {
		t.Errorf("certification.save audit rows %+v", events)
	}
	if n := poolActions(t, s, f.consortium, "insurance.tiers"); n != 2 {
		t.Errorf("%d insurance.tiers audit rows; want 2", n)
	}
}

func TestMemberEndpoints(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newPoolFixture(t, s)
	m, err := s.MemberByID(ctx, f.second)
	if err != nil || m.Endpoints != 40 || m.Version != 1 {
		t.Fatalf("member created with 40 endpoints: %+v %v", m, err)
	}
	if err := s.SaveMemberEndpoints(ctx, f.act, f.consortium, f.second, 55); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveMemberEndpoints(ctx, f.act, f.consortium, f.second, -1); err == nil {
		t.Error("negative endpoints were stored")
	}
	if err := s.SaveMemberEndpoints(ctx, f.act, f.elsewhere, f.second, 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("save through another consortium: %v", err)
	}
	list, _ := s.MembersOfConsortium(ctx, f.consortium)
	for _, m := range list {
		if m.ID == f.second && (m.Endpoints != 55 || m.Version != 2) {
			t.Errorf("after saving endpoints: %+v", m)
		}
	}
	events, _ := s.AuditEvents(ctx, AuditFilter{ConsortiumID: f.consortium, Action: "member.endpoints"})
	if len(events) != 1 || events[0].MemberID != f.second || events[0].Detail != "endpoints=55" {
		t.Errorf("member.endpoints audit rows %+v", events)
	}
}

// A database written before the pooling migration gains its tables and the
// members' endpoints column, keeping its data.
func TestPoolingMigrationOnPreviousSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	steps := []string{`CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)`}
	for _, m := range ms {
		if m.version < 7 {
			steps = append(steps, m.sql, fmt.Sprintf(`INSERT INTO schema_version VALUES (%d, '2026-01-01T00:00:00Z')`, m.version))
		}
	}
	steps = append(steps,
		`INSERT INTO consortia (id, name, created_at) VALUES (1, 'Valley', '2026-01-01T00:00:00Z')`,
		`INSERT INTO members (id, consortium_id, name, slug, kind, population, created_at) VALUES (1, 1, 'Millbrook', 'millbrook', 'municipality', 9000, '2026-01-01T00:00:00Z')`)
	for _, q := range steps {
		if _, err := db.ExecContext(ctx, q); err != nil {
			db.Close()
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.schemaVersion(ctx, s.r); v != SchemaVersion() {
		t.Errorf("schema version %d after migrating; want %d", v, SchemaVersion())
	}
	m, err := s.MemberByID(ctx, 1)
	if err != nil || m.Name != "Millbrook" || m.Population != 9000 || m.Endpoints != 0 {
		t.Fatalf("old member after migrating: %+v %v", m, err)
	}
	id, err := s.CreateService(ctx, System, Service{ConsortiumID: 1, Key: "soc", Name: "SOC", ProviderKind: "vendor", Status: "active", ShareRule: "equal"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetEnrolment(ctx, System, 1, id, 1, EnrolmentEnrolled); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ActiveServicesOfMember(ctx, 1); err != nil || len(got) != 1 {
		t.Errorf("ActiveServicesOfMember after migrating: %+v %v", got, err)
	}
	var fkErrors int
	rows, _ := s.r.QueryContext(ctx, "PRAGMA foreign_key_check")
	for rows.Next() {
		fkErrors++
	}
	rows.Close()
	if fkErrors != 0 {
		t.Errorf("%d foreign key violations after migrating", fkErrors)
	}
}
