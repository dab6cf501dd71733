package assessments

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"palisade/frameworks"
)

// valid is a complete, correct answer on CSF 2.0 and the NCSR scale; each
// bad case changes one thing (or a few, on purpose) in a copy of it.
func valid() AnswerInput {
	return AnswerInput{SubcategoryID: "GV.OC-01", Choice: "tested"}
}

func with(change func(*AnswerInput)) AnswerInput {
	in := valid()
	change(&in)
	return in
}

func TestCheckAnswerRejects(t *testing.T) {
	cat, scale := frameworks.CSF20(), frameworks.NCSR()
	tests := []struct {
		name string
		in   AnswerInput
		want []string // the field keys that must carry a message, no others
	}{
		// Subcategory
		{"unknown subcategory", with(func(in *AnswerInput) { in.SubcategoryID = "GV.OC-99" }), []string{"subcategory"}},
		{"empty subcategory", with(func(in *AnswerInput) { in.SubcategoryID = "" }), []string{"subcategory"}},
		{"category id is not a subcategory", with(func(in *AnswerInput) { in.SubcategoryID = "GV.OC" }), []string{"subcategory"}},
		{"subcategory ids are case-sensitive", with(func(in *AnswerInput) { in.SubcategoryID = "gv.oc-01" }), []string{"subcategory"}},

		// Choice
		{"unknown choice", with(func(in *AnswerInput) { in.Choice = "excellent" }), []string{"choice"}},
		{"choice by score is not a key", with(func(in *AnswerInput) { in.Choice = "6" }), []string{"choice"}},
		{"choice by display name is not a key", with(func(in *AnswerInput) { in.Choice = "Tested and Verified" }), []string{"choice"}},
		{"invalid UTF-8 choice", with(func(in *AnswerInput) { in.Choice = "tested\xff" }), []string{"choice"}},
		{"no choice and not N/A", with(func(in *AnswerInput) { in.Choice = "" }), []string{"choice"}},

		// Target
		{"target above the scale", with(func(in *AnswerInput) { in.Target = "8" }), []string{"target"}},
		{"target below the scale", with(func(in *AnswerInput) { in.Target = "0" }), []string{"target"}},
		{"negative target", with(func(in *AnswerInput) { in.Target = "-1" }), []string{"target"}},
		{"target not a number", with(func(in *AnswerInput) { in.Target = "five" }), []string{"target"}},
		{"target not whole", with(func(in *AnswerInput) { in.Target = "5.5" }), []string{"target"}},
		{"target overflowing int", with(func(in *AnswerInput) { in.Target = "99999999999999999999" }), []string{"target"}},

		// Not applicable
		{"N/A without justification", with(func(in *AnswerInput) { in.NotApplicable = true }), []string{"justification"}},
		{"N/A with blank justification", with(func(in *AnswerInput) {
			in.NotApplicable, in.Justification = true, " \r\n\t "
		}), []string{"justification"}},
		{"justification over the limit", with(func(in *AnswerInput) {
			in.NotApplicable, in.Justification = true, strings.Repeat("j", MaxJustification+1)
		}), []string{"justification"}},
		{"justification not valid UTF-8", with(func(in *AnswerInput) {
			in.NotApplicable, in.Justification = true, "we have no \xc3 water plant"
		}), []string{"justification"}},

		// Risk formally accepted
		{"risk accepted without accepted_by or acceptance", with(func(in *AnswerInput) { in.Choice = "risk-accepted" }),
			[]string{"accepted_by", "acceptance"}},
		{"risk accepted without accepted_by", with(func(in *AnswerInput) {
			in.Choice, in.Acceptance = "risk-accepted", "Replacing the SCADA vendor in 2026; compensating controls in place."
		}), []string{"accepted_by"}},
		{"risk accepted without acceptance", with(func(in *AnswerInput) {
			in.Choice, in.AcceptedBy = "risk-accepted", "J. Smith, Town Manager"
		}), []string{"acceptance"}},
		{"risk accepted with blank text", with(func(in *AnswerInput) {
			in.Choice, in.AcceptedBy, in.Acceptance = "risk-accepted", "   ", "\n"
		}), []string{"accepted_by", "acceptance"}},
		{"accepted_by over the limit", with(func(in *AnswerInput) {
			in.Choice, in.AcceptedBy, in.Acceptance = "risk-accepted", strings.Repeat("x", MaxAcceptedBy+1), "ok"
		}), []string{"accepted_by"}},
		{"acceptance over the limit", with(func(in *AnswerInput) {
			in.Choice, in.AcceptedBy, in.Acceptance = "risk-accepted", "Clerk", strings.Repeat("x", MaxAcceptance+1)
		}), []string{"acceptance"}},
		{"acceptance not valid UTF-8", with(func(in *AnswerInput) {
			in.Choice, in.AcceptedBy, in.Acceptance = "risk-accepted", "Clerk", "\xfe\xff"
		}), []string{"acceptance"}},

		// Notes
		{"notes over MaxNotes", with(func(in *AnswerInput) { in.Notes = strings.Repeat("n", MaxNotes+1) }), []string{"notes"}},
		{"notes over MaxNotes in runes", with(func(in *AnswerInput) { in.Notes = strings.Repeat("é", MaxNotes+1) }), []string{"notes"}},
		{"invalid UTF-8 in notes", with(func(in *AnswerInput) { in.Notes = "backup \xff\xfe ok" }), []string{"notes"}},
		{"truncated UTF-8 in notes", with(func(in *AnswerInput) { in.Notes = "caf\xc3" }), []string{"notes"}},

		// Evidence
		{"evidence over the limit", with(func(in *AnswerInput) { in.Evidence = strings.Repeat("e", MaxEvidence+1) }), []string{"evidence"}},
		{"evidence not valid UTF-8", with(func(in *AnswerInput) { in.Evidence = "\x80" }), []string{"evidence"}},
		{"javascript: link", with(func(in *AnswerInput) { in.Evidence = "javascript:alert(1)" }), []string{"evidence"}},
		{"javascript: link, mixed case and padded", with(func(in *AnswerInput) { in.Evidence = "  JavaScript:alert(1)" }), []string{"evidence"}},
		{"data: link", with(func(in *AnswerInput) { in.Evidence = "data:text/html,<script>alert(1)</script>" }), []string{"evidence"}},
		{"vbscript: link", with(func(in *AnswerInput) { in.Evidence = "vbscript:msgbox(1)" }), []string{"evidence"}},
		{"ftp link", with(func(in *AnswerInput) { in.Evidence = "ftp://files.example.org/policy.pdf" }), []string{"evidence"}},
		{"file link", with(func(in *AnswerInput) { in.Evidence = "file:///etc/passwd" }), []string{"evidence"}},
		{"web link without a host", with(func(in *AnswerInput) { in.Evidence = "https://" }), []string{"evidence"}},

		// Several problems are all reported at once.
		{"every field wrong", AnswerInput{
			SubcategoryID: "XX-01", Choice: "risk-accepted", Target: "9",
			Notes: "\xff", Evidence: "javascript:void(0)",
		}, []string{"subcategory", "target", "notes", "evidence", "accepted_by", "acceptance"}},
		{"N/A, unknown choice, bad target", AnswerInput{
			SubcategoryID: "PR.AA-01", Choice: "nope", NotApplicable: true, Target: "x",
		}, []string{"choice", "target", "justification"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, errs := CheckAnswer(cat, scale, tc.in, scale.RecommendedMinimum)
			keys := slices.Sorted(maps.Keys(errs))
			want := slices.Sorted(slices.Values(tc.want))
			if !slices.Equal(keys, want) {
				t.Errorf("error fields = %v, want %v (%v)", keys, want, errs)
			}
			for k, msg := range errs {
				if strings.TrimSpace(msg) == "" {
					t.Errorf("field %s has an empty message", k)
				}
				if !utf8.ValidString(msg) {
					t.Errorf("field %s message is not valid UTF-8: %q", k, msg)
				}
			}
			if got != (CheckedAnswer{}) {
				t.Errorf("a rejected answer came back as %+v, want the zero value", got)
			}
		})
	}
}

func TestCheckAnswerAccepts(t *testing.T) {
	cat, scale := frameworks.CSF20(), frameworks.NCSR()
	longNotes := strings.Repeat("é", MaxNotes) // the limit counts characters, not bytes
	tests := []struct {
		name          string
		in            AnswerInput
		defaultTarget int
		want          CheckedAnswer
	}{
		{
			"choice scores its level; empty target takes the default",
			AnswerInput{SubcategoryID: "GV.OC-01", Choice: "tested"}, 5,
			CheckedAnswer{SubcategoryID: "GV.OC-01", Choice: "tested", Score: 6, Target: 5},
		},
		{
			"the lowest level scores 1",
			AnswerInput{SubcategoryID: "PR.AA-01", Choice: "not-performed"}, 5,
			CheckedAnswer{SubcategoryID: "PR.AA-01", Choice: "not-performed", Score: 1, Target: 5},
		},
		{
			"default target comes from the caller",
			AnswerInput{SubcategoryID: "PR.AA-01", Choice: "optimized"}, 6,
			CheckedAnswer{SubcategoryID: "PR.AA-01", Choice: "optimized", Score: 7, Target: 6},
		},
		{
			"target given, with spaces",
			AnswerInput{SubcategoryID: "DE.CM-01", Choice: "informal", Target: " 7 "}, 5,
			CheckedAnswer{SubcategoryID: "DE.CM-01", Choice: "informal", Score: 2, Target: 7},
		},
		{
			"target at the bottom of the scale",
			AnswerInput{SubcategoryID: "DE.CM-01", Choice: "informal", Target: "1"}, 5,
			CheckedAnswer{SubcategoryID: "DE.CM-01", Choice: "informal", Score: 2, Target: 1},
		},
		{
			"in progress scores 5 and needs no acceptance",
			AnswerInput{SubcategoryID: "RC.RP-01", Choice: "in-progress"}, 5,
			CheckedAnswer{SubcategoryID: "RC.RP-01", Choice: "in-progress", Score: 5, Target: 5},
		},
		{
			"risk formally accepted scores 5 and keeps the acceptance, trimmed",
			AnswerInput{
				SubcategoryID: "RC.RP-01", Choice: "risk-accepted",
				AcceptedBy: "  J. Smith, Town Manager ", Acceptance: "No offsite tapes;\r\ncloud copy instead.\n",
			}, 5,
			CheckedAnswer{
				SubcategoryID: "RC.RP-01", Choice: "risk-accepted", Score: 5, Target: 5,
				AcceptedBy: "J. Smith, Town Manager", Acceptance: "No offsite tapes;\ncloud copy instead.",
			},
		},
		{
			"N/A with a justification and no choice",
			AnswerInput{SubcategoryID: "GV.SC-01", NotApplicable: true, Justification: " No suppliers handle our data. "}, 5,
			CheckedAnswer{SubcategoryID: "GV.SC-01", NotApplicable: true, Target: 5, Justification: "No suppliers handle our data."},
		},
		{
			"N/A keeps the earlier choice so unmarking restores it",
			AnswerInput{SubcategoryID: "GV.SC-01", Choice: "documented-policy", NotApplicable: true, Justification: "Outsourced."}, 5,
			CheckedAnswer{SubcategoryID: "GV.SC-01", Choice: "documented-policy", Score: 3, Target: 5, NotApplicable: true, Justification: "Outsourced."},
		},
		{
			"N/A over risk accepted needs no acceptance",
			AnswerInput{SubcategoryID: "GV.SC-01", Choice: "risk-accepted", NotApplicable: true, Justification: "No vendors."}, 5,
			CheckedAnswer{SubcategoryID: "GV.SC-01", Choice: "risk-accepted", Score: 5, Target: 5, NotApplicable: true, Justification: "No vendors."},
		},
		{
			"notes trimmed, CRLF made LF",
			AnswerInput{SubcategoryID: "ID.AM-01", Choice: "partial-procedures", Notes: "\r\n  laptops done\r\nservers next  \r\n"}, 5,
			CheckedAnswer{SubcategoryID: "ID.AM-01", Choice: "partial-procedures", Score: 4, Target: 5, Notes: "laptops done\nservers next"},
		},
		{
			"notes exactly at the limit in multibyte characters, padding trimmed first",
			AnswerInput{SubcategoryID: "ID.AM-01", Choice: "tested", Notes: "  " + longNotes + "\n"}, 5,
			CheckedAnswer{SubcategoryID: "ID.AM-01", Choice: "tested", Score: 6, Target: 5, Notes: longNotes},
		},
		{
			"evidence as a web link",
			AnswerInput{SubcategoryID: "ID.AM-01", Choice: "tested", Evidence: " https://intranet.example.org/it/asset-list.xlsx "}, 5,
			CheckedAnswer{SubcategoryID: "ID.AM-01", Choice: "tested", Score: 6, Target: 5, Evidence: "https://intranet.example.org/it/asset-list.xlsx"},
		},
		{
			"evidence as plain words with a colon",
			AnswerInput{SubcategoryID: "ID.AM-01", Choice: "tested", Evidence: "Binder: IT policies, tab 3"}, 5,
			CheckedAnswer{SubcategoryID: "ID.AM-01", Choice: "tested", Score: 6, Target: 5, Evidence: "Binder: IT policies, tab 3"},
		},
		{
			"evidence as a plain http link",
			AnswerInput{SubcategoryID: "ID.AM-01", Choice: "tested", Evidence: "HTTP://files.example.org/a"}, 5,
			CheckedAnswer{SubcategoryID: "ID.AM-01", Choice: "tested", Score: 6, Target: 5, Evidence: "HTTP://files.example.org/a"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, errs := CheckAnswer(cat, scale, tc.in, tc.defaultTarget)
			if errs != nil {
				t.Fatalf("rejected: %v", errs)
			}
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestCheckAnswerClipsEchoedValues(t *testing.T) {
	cat, scale := frameworks.CSF20(), frameworks.NCSR()
	long := strings.Repeat("Z", 500)
	_, errs := CheckAnswer(cat, scale, AnswerInput{SubcategoryID: long, Choice: long}, 5)
	for _, field := range []string{"subcategory", "choice"} {
		msg := errs[field]
		if msg == "" || strings.Contains(msg, strings.Repeat("Z", 41)) || !strings.Contains(msg, "…") {
			t.Errorf("%s message does not clip the value: %q", field, msg)
		}
		if !utf8.ValidString(msg) {
			t.Errorf("%s message is not valid UTF-8: %q", field, msg)
		}
	}
	// A choice that is not valid text is not echoed at all.
	_, errs = CheckAnswer(cat, scale, AnswerInput{SubcategoryID: "GV.OC-01", Choice: "tested\xff<b>"}, 5)
	if msg := errs["choice"]; msg == "" || strings.Contains(msg, "tested") || !utf8.ValidString(msg) {
		t.Errorf("invalid UTF-8 choice echoed: %q", msg)
	}
}

func TestEvidenceLink(t *testing.T) {
	tests := []struct {
		in   string
		link bool
	}{
		{"https://example.org/policy.pdf", true},
		{"http://10.0.0.5/share", true},
		{"javascript:alert(1)", false},
		{"data:text/html,hi", false},
		{"//example.org/x", false},
		{"https://", false},
		{"Binder on the shelf", false},
		{"", false},
	}
	for _, tc := range tests {
		got, ok := EvidenceLink(tc.in)
		if ok != tc.link || (ok && got != tc.in) || (!ok && got != "") {
			t.Errorf("EvidenceLink(%q) = %q, %v; want link=%v", tc.in, got, ok, tc.link)
		}
	}
}
