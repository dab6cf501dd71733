package assessments

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"palisade/frameworks"
)

// The spreadsheet round trip: a member's assessment as CSV, one row per
// subcategory, and back. The same columns go out and come in; question and
// level_name are for the reader and ignored on the way in.
var CSVColumns = []string{"subcategory_id", "question", "level", "level_name", "target", "not_applicable",
	"justification", "accepted_by", "acceptance", "notes", "evidence"}

// Limits of an uploaded CSV, stated in the errors.
const (
	MaxCSVBytes = 2 << 20 // 2 MiB: 106 rows with every text field full is about 1.2 MiB
	MaxCSVRows  = 500
)

// CSVError is one problem of an uploaded file, by line and column.
type CSVError struct {
	Line    int
	Column  string
	Message string
}

func (e CSVError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return fmt.Sprintf("line %d, column %s: %s", e.Line, e.Column, e.Message)
}

// CSVAnswer is an answer as written to the CSV.
type CSVAnswer struct {
	SubcategoryID string
	Choice        string
	Target        int
	NotApplicable bool
	Justification string
	AcceptedBy    string
	Acceptance    string
	Notes         string
	Evidence      string
}

// WriteAnswersCSV writes every subcategory of the catalog, answered or
// not, in catalog order. Texts that a spreadsheet would run as a formula
// are prefixed with an apostrophe.
func WriteAnswersCSV(w io.Writer, cat *frameworks.Catalog, scale *frameworks.Scale, answers map[string]CSVAnswer) error {
	out := csv.NewWriter(w)
	out.Write(CSVColumns)
	for _, sub := range cat.Subcategories() {
		a := answers[sub.ID]
		level, name, target, na := "", "", "", ""
		if c, ok := scale.Choice(a.Choice); ok {
			level, name = c.Key, c.Name
		}
		if a.Target != 0 {
			target = strconv.Itoa(a.Target)
		}
		if a.NotApplicable {
			na = "yes"
		}
		out.Write([]string{sub.ID, sub.Question, level, name, target, na, SafeCell(a.Justification), SafeCell(a.AcceptedBy),
			SafeCell(a.Acceptance), SafeCell(a.Notes), SafeCell(a.Evidence)})
	}
	out.Flush()
	return out.Error()
}

// SafeCell keeps a spreadsheet from running a cell as a formula (CSV
// injection): text starting with = + - @, a tab or a carriage return gets a
// leading apostrophe, which spreadsheets hide. Every CSV Palisade writes
// passes free text and names through it.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ParseAnswersCSV reads an uploaded CSV and checks every row with
// CheckAnswer. It returns the answers only when the whole file is good;
// otherwise every problem found, by line and column, and no answer, so an
// import is all or nothing. Rows without a level that are not marked not
// applicable are left out (unanswered). It accepts UTF-8 with or without a
// byte-order mark, comma or semicolon separators (as Excel writes them in
// many locales) and quoted fields with line breaks.
func ParseAnswersCSV(cat *frameworks.Catalog, scale *frameworks.Scale, data []byte, defaultTarget int) ([]CheckedAnswer, []CSVError) {
	fail := func(line int, col, format string, args ...any) ([]CheckedAnswer, []CSVError) {
		return nil, []CSVError{{Line: line, Column: col, Message: fmt.Sprintf(format, args...)}}
	}
	if len(data) > MaxCSVBytes {
		return fail(0, "", "the file is %d KB; the limit is %d KB", len(data)>>10, MaxCSVBytes>>10)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		return fail(line, "", "the file is not UTF-8 text (save it as \"CSV UTF-8\")")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = separator(data)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return fail(1, "", "the file has no header line (%s)", csvProblem(err))
	}
	cols := map[string]int{}
	var errs []CSVError
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !knownColumn(h) {
			errs = append(errs, CSVError{Line: 1, Column: h, Message: "unknown column; the columns are " + strings.Join(CSVColumns, ", ")})
			continue
		}
		if _, dup := cols[h]; dup {
			errs = append(errs, CSVError{Line: 1, Column: h, Message: "the column appears twice"})
		}
		cols[h] = i
	}
	for _, need := range []string{"subcategory_id", "level"} {
		if _, ok := cols[need]; !ok {
			errs = append(errs, CSVError{Line: 1, Column: need, Message: "this column is missing"})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	field := func(rec []string, name string) string {
		if i, ok := cols[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	seen := map[string]int{}
	var out []CheckedAnswer
	rows := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// FieldPos is only valid after a good record.
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			errs = append(errs, CSVError{Line: line, Message: csvProblem(err)})
			break
		}
		line, _ := r.FieldPos(0)
		if rows++; rows > MaxCSVRows {
			return fail(line, "", "the file has more than %d rows", MaxCSVRows)
		}
		id := strings.TrimSpace(field(rec, "subcategory_id"))
		if id == "" && strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue // an empty line
		}
		if _, ok := cat.Subcategory(id); !ok {
			errs = append(errs, CSVError{Line: line, Column: "subcategory_id", Message: fmt.Sprintf("%q is not a subcategory of %s %s", clip(id), cat.Name, cat.Version)})
			continue
		}
		if first, dup := seen[id]; dup {
			errs = append(errs, CSVError{Line: line, Column: "subcategory_id", Message: fmt.Sprintf("%s already appears on line %d", id, first)})
			continue
		}
		seen[id] = line
		na, ok := yesNo(field(rec, "not_applicable"))
		if !ok {
			errs = append(errs, CSVError{Line: line, Column: "not_applicable", Message: "write yes or no (or leave it empty)"})
			continue
		}
		level := strings.TrimSpace(field(rec, "level"))
		if level == "" && !na {
			continue // unanswered: nothing to import
		}
		choice, msg := "", ""
		if level != "" {
			choice, msg = levelChoice(scale, level)
		}
		if msg != "" {
			errs = append(errs, CSVError{Line: line, Column: "level", Message: msg})
			continue
		}
		in := AnswerInput{SubcategoryID: id, Choice: choice, Target: field(rec, "target"), NotApplicable: na,
			Justification: unsafeCell(field(rec, "justification")), AcceptedBy: unsafeCell(field(rec, "accepted_by")),
			Acceptance: unsafeCell(field(rec, "acceptance")), Notes: unsafeCell(field(rec, "notes")), Evidence: unsafeCell(field(rec, "evidence"))}
		checked, ferrs := CheckAnswer(cat, scale, in, defaultTarget)
		for _, name := range []string{"subcategory", "choice", "target", "justification", "accepted_by", "acceptance", "notes", "evidence"} {
			if m := ferrs[name]; m != "" {
				col := name
				switch name {
				case "subcategory":
					col = "subcategory_id"
				case "choice":
					col = "level"
				}
				errs = append(errs, CSVError{Line: line, Column: col, Message: m})
			}
		}
		if len(ferrs) == 0 {
			out = append(out, checked)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

func knownColumn(h string) bool {
	for _, c := range CSVColumns {
		if c == h {
			return true
		}
	}
	return false
}

// separator guesses ';' when the header line has more semicolons than
// commas (Excel in locales with a decimal comma).
func separator(data []byte) rune {
	line := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		line = data[:i]
	}
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		return ';'
	}
	return ','
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	if errors.Is(err, io.EOF) {
		return "the file is empty"
	}
	return err.Error()
}

func yesNo(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "no", "n", "false", "0":
		return false, true
	case "yes", "y", "true", "1", "x", "n/a", "na":
		return true, true
	}
	return false, false
}

// levelChoice accepts a choice key ("tested") or a score ("6"). A score
// shared by two choices means the one that is not a risk acceptance, which
// must be written as its key.
func levelChoice(scale *frameworks.Scale, s string) (string, string) {
	if c, ok := scale.Choice(strings.ToLower(s)); ok {
		return c.Key, ""
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return "", fmt.Sprintf("%q is not a level: write a number from %d to %d or a level key such as %s", clip(s), scale.Min, scale.Max, scale.Choices[0].Key)
	}
	if n < scale.Min || n > scale.Max {
		return "", fmt.Sprintf("level %d is outside %d-%d", n, scale.Min, scale.Max)
	}
	for _, c := range scale.Choices {
		if c.Score == n && !c.RequiresAcceptance {
			return c.Key, ""
		}
	}
	return "", fmt.Sprintf("level %d needs its key", n)
}

// unsafeCell undoes SafeCell: the apostrophe added on export before a
// leading = + - @ is not part of the text.
func unsafeCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}
