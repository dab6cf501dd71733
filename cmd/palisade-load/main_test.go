package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"palisade/demo"
	"palisade/frameworks"
	"palisade/store"
)

// The check at the end is what makes the run worth anything: it must call
// a missing, altered or overtaken save lost.
func TestVerifySavesFindsLostSaves(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cat, scale := frameworks.CSF20(), frameworks.NCSR()
	big, err := demo.LoadBig(ctx, st, cat, scale, "Small", 2)
	if err != nil {
		t.Fatal(err)
	}
	a := big.Assessments[0]
	saved, err := st.SaveAnswer(ctx, store.System, store.Answer{AssessmentID: a, SubcategoryID: "GV.OC-01", Choice: "tested", Score: 6, Target: 5,
		Notes: "second", ScaleID: scale.ID, ScaleVersion: scale.Version, AnsweredBy: "t"}, 1)
	if err != nil || saved.Version != 2 {
		t.Fatalf("save: %+v, %v", saved, err)
	}
	good := ack{assessment: a, sub: "GV.OC-01", version: 2, choice: "tested", target: 5, notes: "second"}
	if lost, extra, err := verifySaves(ctx, st, []ack{good}); err != nil || len(lost) != 0 || len(extra) != 0 {
		t.Fatalf("a stored save: lost %v, extra %v, %v", lost, extra, err)
	}
	for name, acks := range map[string][]ack{
		"never stored":     {good, {assessment: a, sub: "GV.OC-01", version: 3, choice: "informal", target: 5, notes: "third"}},
		"other values":     {{assessment: a, sub: "GV.OC-01", version: 2, choice: "tested", target: 5, notes: "not what was sent"}},
		"other answer":     {{assessment: big.Assessments[1], sub: "GV.OC-01", version: 2, choice: "tested", target: 5, notes: "second"}},
		"other target too": {{assessment: a, sub: "GV.OC-01", version: 2, choice: "tested", target: 7, notes: "second"}},
	} {
		if lost, _, err := verifySaves(ctx, st, acks); err != nil || len(lost) == 0 {
			t.Errorf("%s: no lost save reported (%v)", name, err)
		}
	}
	// The answer moved on after the last acknowledged save.
	old := ack{assessment: a, sub: "GV.OC-01", version: 1, choice: "x", target: 5}
	if _, extra, _ := verifySaves(ctx, st, []ack{old}); len(extra) != 1 {
		t.Errorf("a newer unacknowledged version: extra %v", extra)
	}
}

func TestShortRunPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and drives it for a second")
	}
	var out bytes.Buffer
	code, err := run([]string{"-duration", "1s", "-members", "12", "-itleads", "4", "-workers", "4", "-coordinators", "1", "-pdf-every", "300ms"}, &out, &out)
	if err != nil || code != 0 {
		t.Fatalf("run: code %d, %v\n%s", code, err, out.String())
	}
	for _, want := range []string{"POST answer (autosave)", "GET /consortium/compare", "lost saves:           0", "ok: no server error"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q\n%s", want, out.String())
		}
	}
}

func TestFlagsRefuseNonsense(t *testing.T) {
	for _, args := range [][]string{{"-duration", "0s"}, {"-itleads", "600"}, {"-workers", "2", "-readers", "2"}, {"stray"}} {
		if _, err := parseFlags(args, &bytes.Buffer{}); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
