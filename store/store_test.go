package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"palisade/accounts"
	"palisade/assessments"
)

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "palisade.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fixture is a consortium with one member, an open cycle and a draft.
type fixture struct {
	consortium, member, cycle int64
	assessment                Assessment
	act                       Actor
}

func newFixture(t *testing.T, s *Store) fixture {
	t.Helper()
	ctx := context.Background()
	f := fixture{act: Actor{UserID: 0, Email: "it@millbrook.test", IP: "192.0.2.1"}}
	var err error
	if f.consortium, err = s.CreateConsortium(ctx, Consortium{Name: "Valley"}); err != nil {
		t.Fatal(err)
	}
	f.act.ConsortiumID = f.consortium
	if f.member, err = s.CreateMember(ctx, f.act, Member{ConsortiumID: f.consortium, Name: "Town of Millbrook", Slug: "town-of-millbrook", Kind: "municipality"}); err != nil {
		t.Fatal(err)
	}
	if f.cycle, err = s.CreateCycle(ctx, Cycle{ConsortiumID: f.consortium, Name: "FY2026"}); err != nil {
		t.Fatal(err)
	}
	if f.assessment, err = s.AssessmentFor(ctx, f.member, f.cycle); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestOpenAppliesMigrationsAndReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	var mode string
	s.w.QueryRow("PRAGMA journal_mode").Scan(&mode)
	var fk int
	s.w.QueryRow("PRAGMA foreign_keys").Scan(&fk)
	if mode != "wal" || fk != 1 {
		t.Errorf("journal_mode %q foreign_keys %d; want wal and 1", mode, fk)
	}
	v, err := s.schemaVersion(context.Background(), s.w)
	if err != nil || v != SchemaVersion() || v < 2 {
		t.Errorf("schema version %d (%v); want %d", v, err, SchemaVersion())
	}
	s.Close()
	// A second start applies nothing and keeps the data.
	s, err = Open(context.Background(), path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	var rows int
	s.r.QueryRow("SELECT COUNT(*) FROM schema_version").Scan(&rows)
	if rows != SchemaVersion() {
		t.Errorf("schema_version has %d rows after reopening; want %d", rows, SchemaVersion())
	}
}

func TestOpenRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte(strings.Repeat("this is not a database ", 200)), 0o600)

	newer := filepath.Join(dir, "newer.db")
	s, err := Open(context.Background(), newer)
	if err != nil {
		t.Fatal(err)
	}
	s.w.Exec("INSERT INTO schema_version (version, applied_at) VALUES (999, 'x')")
	s.Close()

	readOnlyDir := filepath.Join(dir, "ro")
	os.Mkdir(readOnlyDir, 0o500)

	tests := []struct {
		name, path, want string
	}{
		{"not a database", garbage, "garbage.db"},
		{"newer schema", newer, "newer than this Palisade supports"},
		{"a directory", dir, "is a directory"},
		{"missing folder", filepath.Join(dir, "nope", "p.db"), "nope"},
	}
	if os.Geteuid() != 0 { // root can write anywhere
		tests = append(tests, struct{ name, path, want string }{"unwritable folder", filepath.Join(readOnlyDir, "p.db"), "ro/p.db"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(context.Background(), tt.path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded; want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestSaveAnswerVersionsAndConflicts(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newFixture(t, s)
	a := Answer{AssessmentID: f.assessment.ID, SubcategoryID: "PR.AA-01", Choice: "informal", Score: 2, Target: 5, ScaleID: "ncsr", ScaleVersion: 1, AnsweredBy: "one@x"}

	first, err := s.SaveAnswer(ctx, f.act, a, 0)
	if err != nil || first.Version != 1 {
		t.Fatalf("first save: version %d, %v", first.Version, err)
	}
	// A second person who also started from "unanswered" is refused.
	b := a
	b.Choice, b.Score, b.AnsweredBy = "tested", 6, "two@x"
	_, err = s.SaveAnswer(ctx, f.act, b, 0)
	var conflict *ConflictError
	if !errors.As(err, &conflict) || conflict.Current.Choice != "informal" || conflict.Current.Version != 1 {
		t.Fatalf("stale save: %v; want a conflict carrying version 1", err)
	}
	// Keeping theirs deliberately: saving on top of version 1 works.
	second, err := s.SaveAnswer(ctx, f.act, b, 1)
	if err != nil || second.Version != 2 {
		t.Fatalf("save on version 1: %d, %v", second.Version, err)
	}
	cur, _ := s.AnswersForAssessment(ctx, f.assessment.ID)
	if got := cur["PR.AA-01"]; got.Choice != "tested" || got.Version != 2 || len(cur) != 1 {
		t.Errorf("current answer %+v", got)
	}
	hist, _ := s.AnswerHistory(ctx, f.assessment.ID, "PR.AA-01")
	if len(hist) != 2 || hist[1].AnsweredBy != "one@x" {
		t.Errorf("history keeps both versions: %+v", hist)
	}
	events, _ := s.AuditEvents(ctx, AuditFilter{ConsortiumID: f.consortium, Action: "answer.save"})
	if len(events) != 2 || events[0].IP != "192.0.2.1" || events[0].MemberID != f.member {
		t.Errorf("audit rows %+v; want two answer.save rows with ip and member", events)
	}
}

func TestSaveAnswerRefusedWhenLocked(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newFixture(t, s)
	a := Answer{AssessmentID: f.assessment.ID, SubcategoryID: "GV.OC-01", Choice: "tested", Score: 6, Target: 5, ScaleID: "ncsr", ScaleVersion: 1}
	if _, err := s.SaveAnswer(ctx, f.act, a, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.SubmitAssessment(ctx, f.act, f.assessment.ID); err != nil {
		t.Fatal(err)
	}
	a.Choice, a.Score = "informal", 2
	if _, err := s.SaveAnswer(ctx, f.act, a, 1); !errors.Is(err, ErrLocked) {
		t.Errorf("save to a submitted assessment: %v; want ErrLocked", err)
	}
	if err := s.ReopenAssessment(ctx, f.act, f.assessment.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.CloseCycle(ctx, f.act, f.cycle); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveAnswer(ctx, f.act, a, 1); !errors.Is(err, ErrLocked) {
		t.Errorf("save in a closed cycle: %v; want ErrLocked", err)
	}
	cur, _ := s.AnswersForAssessment(ctx, f.assessment.ID)
	if cur["GV.OC-01"].Choice != "tested" {
		t.Errorf("a refused save changed the answer: %+v", cur["GV.OC-01"])
	}
}

func TestImportAnswersIsIdempotent(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newFixture(t, s)
	list := []Answer{{SubcategoryID: "GV.OC-01", Choice: "tested", Score: 6, Target: 5}, {SubcategoryID: "GV.OC-02", NotApplicable: true, Justification: "n/a"}}
	for i, want := range []int{2, 0} {
		n, err := s.ImportAnswers(ctx, f.act, f.assessment.ID, list)
		if err != nil || n != want {
			t.Errorf("import %d wrote %d (%v); want %d", i+1, n, err, want)
		}
	}
	byMember, _ := s.AnswersForCycle(ctx, f.cycle)
	if len(byMember[f.member]) != 2 {
		t.Errorf("AnswersForCycle: %d answers; want 2", len(byMember[f.member]))
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if err := s.Record(ctx, Actor{Email: "a@x", ConsortiumID: 1}, 0, "login.ok", "a@x", ""); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"} {
		if _, err := s.w.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v; want refused as append-only", q, err)
		}
	}
}

func TestTokensWorkOnceAndExpire(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	mk := func(hash string, life time.Duration) {
		if err := s.CreateToken(ctx, System, Token{Hash: hash, Purpose: PurposeSetup, ExpiresAt: now.Add(life)}); err != nil {
			t.Fatal(err)
		}
	}
	mk("fresh", time.Hour)
	mk("old", -time.Minute)
	setup := Setup{ConsortiumName: "Valley", CycleName: "FY2026", Email: "Dana@Valley.gov", Name: "Dana", PasswordHash: "x"}

	if _, _, err := s.RedeemSetup(ctx, "", "old", setup); !errors.Is(err, ErrTokenExpired) {
		t.Errorf("expired link: %v", err)
	}
	if _, _, err := s.RedeemSetup(ctx, "", "unknown", setup); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown link: %v", err)
	}
	uid, cid, err := s.RedeemSetup(ctx, "", "fresh", setup)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.RedeemSetup(ctx, "", "fresh", setup); !errors.Is(err, ErrTokenUsed) {
		t.Errorf("second use: %v", err)
	}
	u, err := s.UserByEmail(ctx, "dana@valley.gov") // any case
	if err != nil || u.ID != uid {
		t.Fatalf("user by email: %+v %v", u, err)
	}
	grants, _ := s.GrantsOfUser(ctx, uid)
	if len(grants) != 1 || grants[0] != (accounts.Grant{ConsortiumID: cid, Role: accounts.Coordinator}) {
		t.Errorf("grants %+v", grants)
	}
	if c, err := s.CurrentCycle(ctx, cid); err != nil || c.Name != "FY2026" || !c.Open() {
		t.Errorf("first cycle %+v %v", c, err)
	}
}

func TestSessionsEndWithPasswordChangeAndDisable(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	id, err := s.CreateUser(ctx, System, User{Email: "a@x", Name: "A", PasswordHash: "h"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, System, User{Email: "A@X", Name: "A2"}, nil); !errors.Is(err, ErrEmailTaken) {
		t.Errorf("duplicate email in other case: %v", err)
	}
	for _, step := range []struct {
		name string
		end  func() error
	}{
		{"password change", func() error { return s.SetPassword(ctx, System, id, "h2") }},
		{"disable", func() error { return s.SetUserDisabled(ctx, System, id, true) }},
		{"sign out everywhere", func() error { return s.DeleteSessionsOfUser(ctx, System, id) }},
	} {
		for _, h := range []string{"s1", "s2"} {
			if err := s.CreateSession(ctx, Session{IDHash: h, UserID: id}); err != nil {
				t.Fatal(err)
			}
		}
		if err := step.end(); err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"s1", "s2"} {
			if _, err := s.SessionByHash(ctx, h); !errors.Is(err, ErrNotFound) {
				t.Errorf("%s: session %s still there (%v)", step.name, h, err)
			}
		}
	}
}

func TestReadsSeeCommittedWrites(t *testing.T) {
	// The read pool is separate from the writer; WAL must make a commit
	// visible to the very next read.
	s := openTest(t)
	ctx := context.Background()
	f := newFixture(t, s)
	if _, err := s.SaveAnswer(ctx, f.act, Answer{AssessmentID: f.assessment.ID, SubcategoryID: "DE.CM-01", Choice: "tested", Score: 6, Target: 5}, 0); err != nil {
		t.Fatal(err)
	}
	got, err := s.AnswersForAssessment(ctx, f.assessment.ID)
	if err != nil || got["DE.CM-01"].Score != 6 {
		t.Errorf("read after write: %+v %v", got, err)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM answers").Scan(&n); err != nil || n != 1 {
		t.Errorf("reader count %d %v", n, err)
	}
	if _, err := s.r.ExecContext(ctx, "DELETE FROM answers"); err == nil {
		t.Error("the read pool accepted a write")
	}
}

func TestTOTPStepWorksOnce(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	id, err := s.CreateUser(ctx, System, User{Email: "a@x", Name: "A"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		step int64
		want bool
	}{{100, true}, {100, false}, {99, false}, {101, true}} {
		if got, err := s.UseTOTPStep(ctx, id, c.step); err != nil || got != c.want {
			t.Errorf("use %d: step %d = %v (%v); want %v", i+1, c.step, got, err, c.want)
		}
	}
}

func TestLinksStayInsideTheConsortium(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newFixture(t, s)
	other, err := s.CreateMember(ctx, f.act, Member{ConsortiumID: f.consortium, Name: "County", Slug: "county", Kind: "county"})
	if err != nil {
		t.Fatal(err)
	}
	elsewhere, _ := s.CreateConsortium(ctx, Consortium{Name: "Elsewhere"})
	stranger, err := s.CreateMember(ctx, f.act, Member{ConsortiumID: elsewhere, Name: "Stranger", Slug: "stranger", Kind: "county"})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(from, to int64) error {
		_, err := s.CreateLink(ctx, f.act, Link{ConsortiumID: f.consortium, Link: assessments.Link{From: from, To: to, Kind: "vpn", Criticality: 2}})
		return err
	}
	if err := mk(f.member, other); err != nil {
		t.Fatal(err)
	}
	if err := mk(f.member, stranger); !errors.Is(err, ErrNotFound) {
		t.Errorf("link to another consortium's member: %v; want ErrNotFound", err)
	}
	if err := mk(f.member, f.member); err == nil {
		t.Error("a member linked to itself")
	}
	links, _ := s.LinksOfConsortium(ctx, f.consortium)
	if len(links) != 1 || links[0].From != f.member || links[0].Kind != "vpn" {
		t.Fatalf("links %+v", links)
	}
	if err := s.DeleteLink(ctx, f.act, elsewhere, links[0].ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete through another consortium: %v", err)
	}
	if err := s.DeleteLink(ctx, f.act, f.consortium, links[0].ID); err != nil {
		t.Error(err)
	}
}

func TestWeightsAreReplacedWhole(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newFixture(t, s)
	if err := s.SaveWeights(ctx, f.act, f.consortium, map[string]int{"PR.AA-01": 10, "GV.OC-01": 0}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveWeights(ctx, f.act, f.consortium, map[string]int{"PR.AA-01": 9, "GV.OC-01": 11}); err == nil {
		t.Fatal("a weight of 11 was accepted")
	}
	got, _ := s.WeightsOfConsortium(ctx, f.consortium)
	if len(got) != 2 || got["PR.AA-01"] != 10 || got["GV.OC-01"] != 0 {
		t.Errorf("after a refused save the weights are %v; want the earlier ones", got)
	}
	c, _ := s.CycleByID(ctx, f.cycle)
	if len(c.AnonSeed) != 32 {
		t.Errorf("cycle anon seed %q; want 32 hex digits", c.AnonSeed)
	}
}

// The compact copy of levels the comparison reads always agrees with the
// answers themselves, after saves, imports and N/A or accepted-risk answers.
func TestScoresForCycleAgreeWithAnswers(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := newFixture(t, s)
	if _, err := s.ImportAnswers(ctx, f.act, f.assessment.ID, []Answer{
		{SubcategoryID: "GV.OC-01", Choice: "tested", Score: 6, Target: 5},
		{SubcategoryID: "GV.OC-02", NotApplicable: true, Justification: "n/a", Target: 5},
		{SubcategoryID: "PR.AA-01", Choice: RiskAcceptedChoice, Score: 5, Target: 6, AcceptedBy: "Manager", Acceptance: "Budget"},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveAnswer(ctx, f.act, Answer{AssessmentID: f.assessment.ID, SubcategoryID: "GV.OC-01", Choice: "informal", Score: 2, Target: 4}, 1); err != nil {
		t.Fatal(err)
	}
	empty, _ := s.AssessmentFor(ctx, mustMember(t, s, f), f.cycle)
	got, err := s.ScoresForCycle(ctx, f.cycle)
	if err != nil {
		t.Fatal(err)
	}
	full, _ := s.AnswersForCycle(ctx, f.cycle)
	want := map[string]assessments.Answer{}
	for _, a := range full[f.member] {
		want[a.SubcategoryID] = a.Domain()
	}
	if len(got[f.member]) != len(want) || len(want) != 3 {
		t.Fatalf("ScoresForCycle has %d answers, AnswersForCycle %d; want 3 each", len(got[f.member]), len(want))
	}
	for _, a := range got[f.member] {
		if a != want[a.SubcategoryID] {
			t.Errorf("%s: compact %+v, full %+v", a.SubcategoryID, a, want[a.SubcategoryID])
		}
	}
	if _, ok := got[empty.MemberID]; ok {
		t.Error("a member without answers has scores")
	}
}

func mustMember(t *testing.T, s *Store, f fixture) int64 {
	t.Helper()
	id, err := s.CreateMember(context.Background(), f.act, Member{ConsortiumID: f.consortium, Name: "Empty", Slug: "empty", Kind: "utility"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestParseLevelsRefusesGarbage(t *testing.T) {
	for _, bad := range []string{"GV.OC-01", "GV.OC-01:x:5:0:0", "GV.OC-01:5:5:0", "a:1:2:0:0;;"} {
		if _, err := parseLevels(bad); err == nil {
			t.Errorf("parseLevels(%q) accepted it", bad)
		}
	}
}
