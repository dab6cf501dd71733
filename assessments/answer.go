package assessments

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"palisade/frameworks"
)

// Limits on the free-text parts of an answer, in characters. They keep a
// pasted document out of the database and are stated in the form's hints.
const (
	MaxNotes         = 4000
	MaxEvidence      = 1000
	MaxJustification = 2000
	MaxAcceptance    = 2000
	MaxAcceptedBy    = 200
)

// AnswerInput is an answer as a person typed it, before any checking.
type AnswerInput struct {
	SubcategoryID string
	Choice        string // key of a scale choice
	Target        string // "" for the consortium's default
	NotApplicable bool
	Justification string
	AcceptedBy    string
	Acceptance    string
	Notes         string
	Evidence      string
}

// CheckedAnswer is an answer that passed CheckAnswer.
type CheckedAnswer struct {
	SubcategoryID string
	Choice        string
	Score         int
	Target        int
	NotApplicable bool
	Justification string
	AcceptedBy    string
	Acceptance    string
	Notes         string
	Evidence      string
}

// FieldErrors maps a form field name to a message for the person who filled
// it in. Empty means no error.
type FieldErrors map[string]string

// CheckAnswer validates one answer against the catalog and scale. A choice
// is kept even when the answer is marked not applicable, so unmarking it
// restores what was chosen; scoring ignores it while N/A holds.
func CheckAnswer(cat *frameworks.Catalog, scale *frameworks.Scale, in AnswerInput, defaultTarget int) (CheckedAnswer, FieldErrors) {
	errs := FieldErrors{}
	out := CheckedAnswer{SubcategoryID: in.SubcategoryID, NotApplicable: in.NotApplicable}
	if _, ok := cat.Subcategory(in.SubcategoryID); !ok {
		errs["subcategory"] = fmt.Sprintf("%q is not a subcategory of %s %s.", clip(in.SubcategoryID), cat.Name, cat.Version)
	}

	text := func(field, label, v string, max int) string {
		if !utf8.ValidString(v) {
			errs[field] = label + " contains characters that are not valid text (invalid UTF-8). Please retype it."
			return ""
		}
		v = strings.TrimSpace(strings.ReplaceAll(v, "\r\n", "\n"))
		if n := utf8.RuneCountInString(v); n > max {
			errs[field] = fmt.Sprintf("%s is %d characters long; the limit is %d.", label, n, max)
		}
		return v
	}
	out.Notes = text("notes", "Notes", in.Notes, MaxNotes)
	out.Evidence = text("evidence", "Evidence", in.Evidence, MaxEvidence)
	out.Justification = text("justification", "The justification", in.Justification, MaxJustification)
	out.AcceptedBy = text("accepted_by", "Who accepted the risk", in.AcceptedBy, MaxAcceptedBy)
	out.Acceptance = text("acceptance", "The risk acceptance", in.Acceptance, MaxAcceptance)
	if !utf8.ValidString(in.Choice) {
		in.Choice = "\ufffd"
	}

	if errs["evidence"] == "" && looksLikeLink(out.Evidence) && !isWebLink(out.Evidence) {
		errs["evidence"] = "A link must start with http:// or https:// (or describe the evidence in words)."
	}

	if in.Choice != "" {
		c, ok := scale.Choice(in.Choice)
		if !ok {
			errs["choice"] = fmt.Sprintf("%q is not a level of the %s.", clip(in.Choice), scale.Name)
		} else {
			out.Choice, out.Score = c.Key, c.Score
			if c.RequiresAcceptance && !in.NotApplicable {
				if out.AcceptedBy == "" && errs["accepted_by"] == "" {
					errs["accepted_by"] = "Say who formally accepted the risk (name and role)."
				}
				if out.Acceptance == "" && errs["acceptance"] == "" {
					errs["acceptance"] = "Write down the risk acceptance: what was accepted and why."
				}
			}
		}
	}
	if in.NotApplicable {
		if out.Justification == "" && errs["justification"] == "" {
			errs["justification"] = "Explain why this does not apply to your organisation."
		}
	} else if in.Choice == "" {
		errs["choice"] = "Choose a level, or mark the question as not applicable."
	}

	out.Target = defaultTarget
	if t := strings.TrimSpace(in.Target); t != "" {
		n, err := strconv.Atoi(t)
		switch {
		case err != nil:
			errs["target"] = fmt.Sprintf("The target must be a whole number from %d to %d.", scale.Min, scale.Max)
		case !scale.ValidTarget(n):
			errs["target"] = fmt.Sprintf("The target %d is outside the scale (%d to %d).", n, scale.Min, scale.Max)
		default:
			out.Target = n
		}
	}
	if len(errs) > 0 {
		return CheckedAnswer{}, errs
	}
	return out, nil
}

// looksLikeLink spots text meant as a link: a scheme with "//", or one of
// the schemes browsers would run. Plain words with a colon stay plain text.
func looksLikeLink(s string) bool {
	l := strings.ToLower(strings.TrimSpace(s))
	return strings.Contains(l, "://") || strings.HasPrefix(l, "javascript:") || strings.HasPrefix(l, "data:") || strings.HasPrefix(l, "vbscript:")
}

// isWebLink accepts only http and https links, so evidence can be shown as
// a link without ever becoming a javascript: or data: URL.
func isWebLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// EvidenceLink returns the evidence as a link target when it is a web link.
func EvidenceLink(s string) (string, bool) {
	if isWebLink(s) {
		return s, true
	}
	return "", false
}

// clip shortens a hostile or mistyped value before it is echoed in a message.
func clip(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\ufffd")
	}
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}
