package assessments

import (
	"bytes"
	"strings"
	"testing"

	"palisade/frameworks"
)

func TestCSVRoundTripKeepsEveryAnswer(t *testing.T) {
	cat, scale := frameworks.CSF20(), frameworks.NCSR()
	in := map[string]CSVAnswer{
		"GV.OC-01": {SubcategoryID: "GV.OC-01", Choice: "tested", Target: 6, Notes: "Line one\nline two, with \"quotes\"; and a semicolon"},
		"GV.OC-02": {SubcategoryID: "GV.OC-02", Choice: "informal", Target: 5, NotApplicable: true, Justification: "We have no outside parties."},
		"PR.AA-01": {SubcategoryID: "PR.AA-01", Choice: "risk-accepted", Target: 5, AcceptedBy: "Town manager", Acceptance: "Budget; revisit in July", Evidence: "https://intranet.example/acceptance"},
		"PR.AA-02": {SubcategoryID: "PR.AA-02", Choice: "not-performed", Target: 5, Notes: "=SUM(A1:A9) is not a formula here"},
		"RC.RP-01": {SubcategoryID: "RC.RP-01", Choice: "optimized", Target: 7, Evidence: "Restore test report, Peña Valley, März 2026"},
	}
	var buf bytes.Buffer
	if err := WriteAnswersCSV(&buf, cat, scale, in); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n < 107 {
		t.Errorf("CSV has %d lines; want a header and 106 rows", n)
	}
	if strings.Contains(buf.String(), "\n=SUM") || strings.Contains(buf.String(), ",=SUM") {
		t.Error("a formula was written unprotected")
	}
	got, errs := ParseAnswersCSV(cat, scale, buf.Bytes(), 5)
	if errs != nil {
		t.Fatalf("round trip errors: %v", errs)
	}
	if len(got) != len(in) {
		t.Fatalf("%d answers back; want %d", len(got), len(in))
	}
	for _, g := range got {
		w := in[g.SubcategoryID]
		if g.Choice != w.Choice || g.Target != w.Target || g.NotApplicable != w.NotApplicable || g.Notes != w.Notes ||
			g.Evidence != w.Evidence || g.Justification != w.Justification || g.AcceptedBy != w.AcceptedBy || g.Acceptance != w.Acceptance {
			t.Errorf("%s: got %+v, want %+v", g.SubcategoryID, g, w)
		}
	}
}

func TestCSVFromSpreadsheetsInOtherLocales(t *testing.T) {
	cat, scale := frameworks.CSF20(), frameworks.NCSR()
	file := "\xef\xbb\xbfsubcategory_id;level;target;notes\r\nGV.OC-01;6;;\"Zwei\r\nZeilen\"\r\nGV.OC-02;documented-policy;4;\r\n\r\nGV.OC-03;;;\r\n"
	got, errs := ParseAnswersCSV(cat, scale, []byte(file), 5)
	if errs != nil {
		t.Fatalf("errors: %v", errs)
	}
	if len(got) != 2 || got[0].Score != 6 || got[0].Target != 5 || got[0].Notes != "Zwei\nZeilen" || got[1].Target != 4 {
		t.Errorf("got %+v", got)
	}
}

func TestCSVErrorsNameLineColumnAndProblem(t *testing.T) {
	cat, scale := frameworks.CSF20(), frameworks.NCSR()
	head := "subcategory_id,level,target,not_applicable,justification,notes\n"
	tests := []struct {
		name, file string
		want       []string
	}{
		{"level outside the scale", head + "GV.OC-01,6,,,,\nGV.OC-02,9,,,,\n", []string{"line 3, column level: level 9 is outside 1-7"}},
		{"unknown subcategory", head + "ID.XX-99,3,,,,\n", []string{"line 2, column subcategory_id:", "is not a subcategory"}},
		{"another framework's id", head + "ID.AM-1,3,,,,\n", []string{"line 2, column subcategory_id:"}},
		{"duplicated row", head + "GV.OC-01,3,,,,\nGV.OC-01,4,,,,\n", []string{"line 3, column subcategory_id: GV.OC-01 already appears on line 2"}},
		{"N/A without justification", head + "GV.OC-01,,,yes,,\n", []string{"line 2, column justification:"}},
		{"bad yes/no", head + "GV.OC-01,3,,perhaps,,\n", []string{"line 2, column not_applicable:"}},
		{"target outside", head + "GV.OC-01,3,12,,,\n", []string{"line 2, column target:"}},
		{"risk accepted by number", head + "GV.OC-01,5R,,,,\n", []string{"line 2, column level:"}},
		{"risk accepted without acceptance", head + "GV.OC-01,risk-accepted,,,,\n", []string{"column accepted_by", "column acceptance"}},
		{"notes too long", head + "GV.OC-01,3,,,," + strings.Repeat("x", MaxNotes+1) + "\n", []string{"line 2, column notes:"}},
		{"missing column", "subcategory_id,target\nGV.OC-01,3\n", []string{"line 1, column level: this column is missing"}},
		{"unknown column", "subcategory_id,level,colour\n", []string{"line 1, column colour: unknown column"}},
		{"not UTF-8", head + "GV.OC-01,3,,,,caf\xe9\n", []string{"line 2:", "not UTF-8"}},
		{"binary garbage", "\x00\x01\x02PK\x03\x04", []string{"line 1"}},
		{"empty file", "", []string{"line 1:", "empty"}},
		{"bare quote", head + "GV.OC-01,3,,,,a \"quoted\" word\n", []string{"line 2:"}},
		{"too big", head + strings.Repeat("x", MaxCSVBytes), []string{"the limit is 2048 KB"}},
		{"too many rows", head + strings.Repeat("\n", 0) + strings.Repeat(",,,,,\n", MaxCSVRows+1), []string{"more than 500 rows"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := ParseAnswersCSV(cat, scale, []byte(tt.file), 5)
			if got != nil || len(errs) == 0 {
				t.Fatalf("got %d answers and %d errors; want no answers and errors", len(got), len(errs))
			}
			var all []string
			for _, e := range errs {
				all = append(all, e.Error())
			}
			text := strings.Join(all, "\n")
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("errors %q do not contain %q", text, w)
				}
			}
		})
	}
}

// FuzzParseAnswersCSV: any bytes give either answers or errors, never a
// panic and never both (the import is all or nothing).
func FuzzParseAnswersCSV(f *testing.F) {
	cat, scale := frameworks.CSF20(), frameworks.NCSR()
	var buf bytes.Buffer
	WriteAnswersCSV(&buf, cat, scale, map[string]CSVAnswer{"GV.OC-01": {Choice: "tested", Target: 5, Notes: "a\nb"}})
	f.Add(buf.Bytes())
	f.Add([]byte("subcategory_id;level\nGV.OC-01;3\n"))
	f.Add([]byte("\xef\xbb\xbfsubcategory_id,level,not_applicable,justification\nGV.OC-02,,yes,\"x\ny\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, errs := ParseAnswersCSV(cat, scale, data, 5)
		if got != nil && errs != nil {
			t.Fatalf("both answers and errors")
		}
		for _, a := range got {
			if _, ok := cat.Subcategory(a.SubcategoryID); !ok {
				t.Fatalf("answer for unknown subcategory %q", a.SubcategoryID)
			}
		}
	})
}

// BenchmarkImportCSV parses and checks a full 106-row file.
func BenchmarkImportCSV(b *testing.B) {
	cat, scale := frameworks.CSF20(), frameworks.NCSR()
	rows := map[string]CSVAnswer{}
	for i, sub := range cat.Subcategories() {
		rows[sub.ID] = CSVAnswer{Choice: scale.Choices[i%7].Key, Target: 5, Notes: "Reviewed with the county, see the binder on the shelf.",
			AcceptedBy: "Manager", Acceptance: "Accepted until July"}
	}
	var buf bytes.Buffer
	WriteAnswersCSV(&buf, cat, scale, rows)
	data := buf.Bytes()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, errs := ParseAnswersCSV(cat, scale, data, 5); errs != nil {
			b.Fatal(errs)
		}
	}
}
