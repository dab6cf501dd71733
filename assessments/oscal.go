package assessments

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"palisade/frameworks"
)

// A member's assessment in one cycle as an OSCAL Assessment Results
// document (model assessment-results, OSCAL 1.1.3), for GRC tools that read
// OSCAL. BuildOSCAL is pure: plain data in, a document out. What each part
// holds, and the choices made where OSCAL has no exact slot for a Palisade
// idea, are in docs/api.md ("OSCAL assessment results").

// OSCALVersion is the OSCAL release the document is written against; the
// tests check it against the required fields, datatypes and allowed values
// of that release's assessment-results JSON schema
// (testdata/oscal/assessment-results-1.1.3.json).
const OSCALVersion = "1.1.3"

// OSCALNamespace qualifies Palisade's own property names (NCSR score,
// target, ...), which are not OSCAL core names. It is an identifier, not a
// page: the .example domain is reserved and never resolves.
const OSCALNamespace = "https://palisade.example/ns/oscal"

// OSCALCatalogHref is NIST's CSF 2.0 catalog in OSCAL. Its controls carry
// the CSF ids as they are written in the framework ("GV.OC-01"), and each
// subcategory's statement part is "<id>_statement"; findings target those.
const OSCALCatalogHref = "https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/CSF/v2.0/json/NIST_CSF_v2.0_catalog.json"

// OSCALInput is what the export is made of.
type OSCALInput struct {
	Catalog *frameworks.Catalog
	Scale   *frameworks.Scale

	Consortium OSCALOrganisation
	Member     OSCALMember
	Cycle      OSCALCycle

	// Status of the assessment: draft, submitted or reviewed; "" when the
	// member has not started.
	Status      string
	SubmittedAt time.Time // zero unless submitted or reviewed

	// DefaultTarget is the consortium's target for answers without one.
	DefaultTarget int
	Answers       []OSCALAnswer

	// LastModified is the document's last-modified time; the same input
	// gives byte-identical output.
	LastModified time.Time
}

// OSCALOrganisation is the consortium.
type OSCALOrganisation struct {
	ID   int64
	Name string
}

// OSCALMember is the member organisation that assessed itself.
type OSCALMember struct {
	ID               int64
	Name, Slug, Kind string
}

// OSCALCycle is the assessment cycle; ClosedAt is zero while it is open.
type OSCALCycle struct {
	ID                 int64
	Name               string
	OpenedAt, ClosedAt time.Time
}

// OSCALAnswer is one stored answer.
type OSCALAnswer struct {
	SubcategoryID string
	Choice        string // key of the level on the scale; "" = no level
	Score         int    // score stored with the answer; 0 = take it from the scale
	Target        int    // 0 = the default target
	NotApplicable bool
	Justification string // why it does not apply
	AcceptedBy    string // who formally accepted the risk
	Acceptance    string // the written acceptance
	Notes         string
	Evidence      string // a web link or a description
	AnsweredAt    time.Time
	CarriedOver   bool // copied from the previous cycle, not yet confirmed
}

// OSCALDocument is the root of an OSCAL assessment-results document.
type OSCALDocument struct {
	AssessmentResults OSCALAssessmentResults `json:"assessment-results"`
}

type OSCALAssessmentResults struct {
	UUID       string           `json:"uuid"`
	Metadata   OSCALMetadata    `json:"metadata"`
	ImportAP   OSCALImportAP    `json:"import-ap"`
	Results    []OSCALResult    `json:"results"`
	BackMatter *OSCALBackMatter `json:"back-matter,omitempty"`
}

type OSCALMetadata struct {
	Title              string                  `json:"title"`
	LastModified       string                  `json:"last-modified"`
	Version            string                  `json:"version"`
	OSCALVersion       string                  `json:"oscal-version"`
	Props              []OSCALProperty         `json:"props,omitempty"`
	Roles              []OSCALRole             `json:"roles,omitempty"`
	Parties            []OSCALParty            `json:"parties,omitempty"`
	ResponsibleParties []OSCALResponsibleParty `json:"responsible-parties,omitempty"`
	Remarks            string                  `json:"remarks,omitempty"`
}

type OSCALRole struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

type OSCALParty struct {
	UUID                  string          `json:"uuid"`
	Type                  string          `json:"type"`
	Name                  string          `json:"name,omitempty"`
	ShortName             string          `json:"short-name,omitempty"`
	Props                 []OSCALProperty `json:"props,omitempty"`
	MemberOfOrganizations []string        `json:"member-of-organizations,omitempty"`
}

type OSCALResponsibleParty struct {
	RoleID     string   `json:"role-id"`
	PartyUUIDs []string `json:"party-uuids"`
}

type OSCALProperty struct {
	Name    string `json:"name"`
	NS      string `json:"ns,omitempty"`
	Value   string `json:"value"`
	Remarks string `json:"remarks,omitempty"`
}

type OSCALLink struct {
	Href string `json:"href"`
	Rel  string `json:"rel,omitempty"`
	Text string `json:"text,omitempty"`
}

type OSCALImportAP struct {
	Href    string `json:"href"`
	Remarks string `json:"remarks,omitempty"`
}

type OSCALResult struct {
	UUID             string                `json:"uuid"`
	Title            string                `json:"title"`
	Description      string                `json:"description"`
	Start            string                `json:"start"`
	End              string                `json:"end,omitempty"`
	Props            []OSCALProperty       `json:"props,omitempty"`
	ReviewedControls OSCALReviewedControls `json:"reviewed-controls"`
	Observations     []OSCALObservation    `json:"observations,omitempty"`
	Findings         []OSCALFinding        `json:"findings,omitempty"`
	Remarks          string                `json:"remarks,omitempty"`
}

type OSCALReviewedControls struct {
	Description       string                  `json:"description,omitempty"`
	ControlSelections []OSCALControlSelection `json:"control-selections"`
}

type OSCALControlSelection struct {
	Description     string               `json:"description,omitempty"`
	Links           []OSCALLink          `json:"links,omitempty"`
	IncludeControls []OSCALSelectControl `json:"include-controls,omitempty"`
}

type OSCALSelectControl struct {
	ControlID string `json:"control-id"`
}

type OSCALObservation struct {
	UUID             string          `json:"uuid"`
	Title            string          `json:"title,omitempty"`
	Description      string          `json:"description"`
	Props            []OSCALProperty `json:"props,omitempty"`
	Methods          []string        `json:"methods"`
	Types            []string        `json:"types,omitempty"`
	Origins          []OSCALOrigin   `json:"origins,omitempty"`
	Subjects         []OSCALSubject  `json:"subjects,omitempty"`
	RelevantEvidence []OSCALEvidence `json:"relevant-evidence,omitempty"`
	Collected        string          `json:"collected"`
	Remarks          string          `json:"remarks,omitempty"`
}

type OSCALOrigin struct {
	Actors []OSCALActor `json:"actors"`
}

type OSCALActor struct {
	Type      string `json:"type"`
	ActorUUID string `json:"actor-uuid"`
	RoleID    string `json:"role-id,omitempty"`
}

type OSCALSubject struct {
	SubjectUUID string `json:"subject-uuid"`
	Type        string `json:"type"`
	Title       string `json:"title,omitempty"`
}

type OSCALEvidence struct {
	Href        string `json:"href,omitempty"`
	Description string `json:"description"`
}

type OSCALFinding struct {
	UUID                string                    `json:"uuid"`
	Title               string                    `json:"title"`
	Description         string                    `json:"description"`
	Props               []OSCALProperty           `json:"props,omitempty"`
	Origins             []OSCALOrigin             `json:"origins,omitempty"`
	Target              OSCALTarget               `json:"target"`
	RelatedObservations []OSCALRelatedObservation `json:"related-observations,omitempty"`
	Remarks             string                    `json:"remarks,omitempty"`
}

type OSCALTarget struct {
	Type        string      `json:"type"`
	TargetID    string      `json:"target-id"`
	Description string      `json:"description,omitempty"`
	Status      OSCALStatus `json:"status"`
}

type OSCALStatus struct {
	State   string `json:"state"`
	Reason  string `json:"reason,omitempty"`
	Remarks string `json:"remarks,omitempty"`
}

type OSCALRelatedObservation struct {
	ObservationUUID string `json:"observation-uuid"`
}

type OSCALBackMatter struct {
	Resources []OSCALResource `json:"resources,omitempty"`
}

type OSCALResource struct {
	UUID        string          `json:"uuid"`
	Title       string          `json:"title,omitempty"`
	Description string          `json:"description,omitempty"`
	Props       []OSCALProperty `json:"props,omitempty"`
	RLinks      []OSCALRLink    `json:"rlinks,omitempty"`
}

type OSCALRLink struct {
	Href      string `json:"href"`
	MediaType string `json:"media-type,omitempty"`
}

// Finding states and reasons (OSCAL objective-status).
const (
	OSCALSatisfied    = "satisfied"
	OSCALNotSatisfied = "not-satisfied"
)

// Role ids used in the metadata.
const (
	oscalRolePreparedBy  = "prepared-by"
	oscalRolePreparedFor = "prepared-for"
	oscalRoleAssessor    = "assessor"
)

// BuildOSCAL makes the assessment-results document. Subcategories are in
// catalog order; answers to ids outside the catalog are ignored and the
// last answer to an id wins, as in Score.
//
//   - An answered subcategory (a level, not N/A) has one observation (what
//     the member said, with its evidence) and one finding targeting the
//     subcategory's statement in NIST's CSF 2.0 OSCAL catalog: satisfied
//     when its score meets its target, else not-satisfied.
//   - A not-applicable subcategory has an observation (the justification)
//     and is among the reviewed controls, but has no finding: OSCAL's
//     objective status is satisfied or not-satisfied, and an outcome that
//     does not apply to the member is neither (Palisade's scoring leaves it
//     out in the same way).
//   - An unanswered subcategory has neither; it is listed as not assessed
//     in the result's description and props.
func BuildOSCAL(in OSCALInput) (OSCALDocument, error) {
	if in.Catalog == nil || in.Scale == nil {
		return OSCALDocument{}, errors.New("oscal: a catalog and a scale are required")
	}
	for what, t := range map[string]time.Time{"cycle start": in.Cycle.OpenedAt, "last-modified": in.LastModified} {
		if !oscalTimeOK(t) {
			return OSCALDocument{}, fmt.Errorf("oscal: %s %v is missing or outside the years OSCAL allows", what, t)
		}
	}
	ids := oscalIDs{scope: fmt.Sprintf("consortium/%d/cycle/%d@%s/member/%d", in.Consortium.ID, in.Cycle.ID,
		in.Cycle.OpenedAt.UTC().Format(time.RFC3339), in.Member.ID)}
	memberParty := ids.of(fmt.Sprintf("party/consortium/%d/member/%d", in.Consortium.ID, in.Member.ID))
	consortiumParty := ids.of(fmt.Sprintf("party/consortium/%d", in.Consortium.ID))
	methodRes := ids.of(fmt.Sprintf("resource/method/%s/%s/v%d", in.Catalog.ID, in.Scale.ID, in.Scale.Version))
	catalogRes := ids.of("resource/catalog/" + in.Catalog.ID)

	memberName := oscalLine(in.Member.Name, "Member "+strconv.FormatInt(in.Member.ID, 10))
	consortiumName := oscalLine(in.Consortium.Name, "Consortium "+strconv.FormatInt(in.Consortium.ID, 10))
	cycleName := oscalLine(in.Cycle.Name, "Cycle "+strconv.FormatInt(in.Cycle.ID, 10))
	defaultTarget := in.DefaultTarget
	if !in.Scale.ValidTarget(defaultTarget) {
		defaultTarget = in.Scale.RecommendedMinimum
	}
	status := in.Status
	if status == "" {
		status = "not-started"
	}

	// The effective answer per subcategory, in catalog order.
	byID := map[string]OSCALAnswer{}
	for _, a := range in.Answers {
		if _, ok := in.Catalog.Subcategory(a.SubcategoryID); ok {
			byID[a.SubcategoryID] = a
		}
	}
	origin := []OSCALOrigin{{Actors: []OSCALActor{{Type: "party", ActorUUID: memberParty, RoleID: oscalRoleAssessor}}}}
	subject := []OSCALSubject{{SubjectUUID: memberParty, Type: "party", Title: markdownLine(memberName)}}
	var (
		observations []OSCALObservation
		findings     []OSCALFinding
		reviewed     []OSCALSelectControl
		notAssessed  []string
		domain       []Answer
		nAnswered    int
		nNA          int
	)
	for _, sub := range in.Catalog.Subcategories() {
		a, ok := byID[sub.ID]
		choice, known := in.Scale.Choice(a.Choice)
		switch {
		case ok && a.NotApplicable:
			nNA++
		case ok && known:
			nAnswered++
		default:
			notAssessed = append(notAssessed, sub.ID)
			continue
		}
		reviewed = append(reviewed, OSCALSelectControl{ControlID: sub.ID})
		obs := OSCALObservation{
			UUID:      ids.of("observation/" + sub.ID),
			Title:     sub.ID,
			Methods:   []string{"INTERVIEW"},
			Types:     []string{"control-objective"},
			Origins:   origin,
			Subjects:  subject,
			Collected: oscalTime(a.AnsweredAt, in.Cycle.OpenedAt),
		}
		if strings.TrimSpace(a.Evidence) != "" {
			// The member points at documents that can be examined; a bare
			// answer is the member's own statement.
			obs.Methods = []string{"EXAMINE"}
			obs.RelevantEvidence = []OSCALEvidence{evidenceOf(a.Evidence)}
		}
		if a.CarriedOver {
			obs.Types = append(obs.Types, "historic")
			obs.Props = append(obs.Props, nsProp("carried-over", "true"))
		}
		if a.NotApplicable {
			obs.Description = "Marked not applicable to the member. Justification: " + markdownText(orNone(a.Justification))
			obs.Props = append(obs.Props, nsProp("not-applicable", "true"))
			obs.Remarks = markdownText(a.Notes)
			observations = append(observations, obs)
			domain = append(domain, Answer{SubcategoryID: sub.ID, NotApplicable: true})
			continue
		}

		score := a.Score
		if score <= 0 {
			score = choice.Score
		}
		target := a.Target
		if target <= 0 {
			target = defaultTarget
		}
		accepted := choice.RequiresAcceptance
		domain = append(domain, Answer{SubcategoryID: sub.ID, Score: score, Target: target, RiskAccepted: accepted})
		level := fmt.Sprintf("level %d of %d on the %s (%s)", score, in.Scale.Max, markdownLine(in.Scale.Name), markdownLine(choice.Name))
		obs.Description = fmt.Sprintf("Self-assessed at %s. Score %d, target %d.", level, score, target)
		if a.CarriedOver {
			obs.Description += " Carried over from the previous cycle and not yet confirmed."
		}
		scoreProps := []OSCALProperty{nsProp("level", choice.Key), nsProp("ncsr-score", strconv.Itoa(score)),
			nsProp("target", strconv.Itoa(target)), nsProp("risk-accepted", strconv.FormatBool(accepted))}
		obs.Props = append(scoreProps, obs.Props...)
		var remarks []string
		if accepted {
			remarks = append(remarks, "Risk formally accepted by "+markdownText(orNone(a.AcceptedBy))+": "+markdownText(orNone(a.Acceptance)))
		}
		if strings.TrimSpace(a.Notes) != "" {
			remarks = append(remarks, "Notes: "+markdownText(a.Notes))
		}
		obs.Remarks = strings.Join(remarks, "\n\n")
		observations = append(observations, obs)

		st := OSCALStatus{State: OSCALSatisfied, Reason: "pass"}
		verdict := "meets its target"
		if score < target {
			st = OSCALStatus{State: OSCALNotSatisfied, Reason: "fail"}
			verdict = "is below its target"
		} else if accepted {
			// Palisade scores a formally accepted risk like a control in
			// progress (docs/scoring.md), so it can meet the target; the
			// reason says that nothing was implemented.
			st = OSCALStatus{State: OSCALSatisfied, Reason: "other",
				Remarks: "The target is met through a formally accepted risk, not an implemented outcome."}
			verdict = "meets its target through a formally accepted risk"
		}
		findings = append(findings, OSCALFinding{
			UUID:        ids.of("finding/" + sub.ID),
			Title:       sub.ID,
			Description: fmt.Sprintf("%s %s: %s, target %d.", sub.ID, verdict, level, target),
			Props:       scoreProps,
			Origins:     origin,
			Target: OSCALTarget{Type: "statement-id", TargetID: sub.ID + "_statement",
				Description: fmt.Sprintf("Score %d against target %d.", score, target), Status: st},
			RelatedObservations: []OSCALRelatedObservation{{ObservationUUID: obs.UUID}},
		})
	}

	total := nAnswered + nNA + len(notAssessed)
	res := Score(in.Catalog, domain, defaultTarget)
	props := []OSCALProperty{
		nsProp("assessment-status", status),
		nsProp("scale", fmt.Sprintf("%s v%d", in.Scale.ID, in.Scale.Version)),
		nsProp("default-target", strconv.Itoa(defaultTarget)),
		nsProp("answered-count", strconv.Itoa(nAnswered)),
		nsProp("not-applicable-count", strconv.Itoa(nNA)),
		nsProp("not-assessed-count", strconv.Itoa(len(notAssessed))),
		nsProp("completion", strconv.FormatFloat(res.Overall.Completion(), 'f', -1, 64)),
	}
	if res.Overall.Score.OK {
		props = append(props, nsProp("overall-score", strconv.FormatFloat(res.Overall.Score.V, 'f', -1, 64)),
			nsProp("overall-target", strconv.FormatFloat(res.Overall.Target.V, 'f', -1, 64)))
	}
	for _, id := range notAssessed {
		props = append(props, nsProp("not-assessed", id))
	}
	desc := fmt.Sprintf("%s rated %d of the %d %s %s subcategories on the %s in cycle %s and marked %d not applicable.",
		markdownLine(memberName), nAnswered, total, markdownLine(in.Catalog.Name), markdownLine(in.Catalog.Version),
		markdownLine(in.Scale.Name), markdownLine(cycleName), nNA)
	if len(notAssessed) > 0 {
		desc += fmt.Sprintf("\n\nNot assessed (%d): %s.", len(notAssessed), strings.Join(notAssessed, ", "))
	}
	selection := OSCALControlSelection{
		Description: "The subcategories the member rated or marked not applicable.",
		Links:       []OSCALLink{{Href: "#" + catalogRes, Rel: "reference", Text: "NIST CSF 2.0 catalog in OSCAL"}},
	}
	if len(reviewed) > 0 {
		selection.IncludeControls = reviewed
	} else {
		selection.Description = "No subcategory has been rated yet."
	}
	result := OSCALResult{
		UUID:        ids.of("result"),
		Title:       fmt.Sprintf("%s self-assessment, cycle %s", markdownLine(memberName), markdownLine(cycleName)),
		Description: desc,
		Start:       oscalTime(in.Cycle.OpenedAt, in.Cycle.OpenedAt),
		Props:       props,
		ReviewedControls: OSCALReviewedControls{
			Description:       fmt.Sprintf("%s %s subcategories (controls of NIST's OSCAL catalog).", markdownLine(in.Catalog.Name), markdownLine(in.Catalog.Version)),
			ControlSelections: []OSCALControlSelection{selection},
		},
		Observations: observations,
		Findings:     findings,
		Remarks: "A self-assessment: the ratings are the member's own and were not independently verified. " +
			"Subcategories marked not applicable have an observation and no finding, because an outcome that does not apply is neither satisfied nor not satisfied.",
	}
	if end := endOf(in, status); !end.IsZero() {
		result.End = oscalTime(end, in.Cycle.OpenedAt)
	}

	doc := OSCALDocument{AssessmentResults: OSCALAssessmentResults{
		UUID: ids.of("assessment-results"),
		Metadata: OSCALMetadata{
			Title:        fmt.Sprintf("NIST CSF 2.0 self-assessment: %s, cycle %s", markdownLine(memberName), markdownLine(cycleName)),
			LastModified: oscalTime(in.LastModified, in.LastModified),
			OSCALVersion: OSCALVersion,
			Props:        []OSCALProperty{nsProp("generator", "Palisade")},
			Roles: []OSCALRole{
				{ID: oscalRolePreparedBy, Title: "Prepared by", Description: "The member organisation that assessed itself."},
				{ID: oscalRolePreparedFor, Title: "Prepared for", Description: "The consortium the member belongs to."},
				{ID: oscalRoleAssessor, Title: "Assessor", Description: "Who rated the outcomes: the member itself (a self-assessment)."},
			},
			Parties: []OSCALParty{
				{UUID: memberParty, Type: "organization", Name: memberName, ShortName: oscalLine(in.Member.Slug, ""),
					Props: kindProps(in.Member.Kind), MemberOfOrganizations: []string{consortiumParty}},
				{UUID: consortiumParty, Type: "organization", Name: consortiumName},
			},
			ResponsibleParties: []OSCALResponsibleParty{
				{RoleID: oscalRolePreparedBy, PartyUUIDs: []string{memberParty}},
				{RoleID: oscalRolePreparedFor, PartyUUIDs: []string{consortiumParty}},
				{RoleID: oscalRoleAssessor, PartyUUIDs: []string{memberParty}},
			},
		},
		ImportAP: OSCALImportAP{Href: "#" + methodRes,
			Remarks: "There is no OSCAL assessment plan: the member assessed itself by the method described in this back-matter resource."},
		Results: []OSCALResult{result},
		BackMatter: &OSCALBackMatter{Resources: []OSCALResource{
			{UUID: methodRes, Title: "Palisade self-assessment method", Description: methodOf(in, defaultTarget),
				Props: []OSCALProperty{nsProp("scale", fmt.Sprintf("%s v%d", in.Scale.ID, in.Scale.Version))}},
			{UUID: catalogRes, Title: "NIST Cybersecurity Framework 2.0 in OSCAL",
				Description: "NIST's OSCAL catalog of CSF 2.0; control ids and statement ids in this document refer to it.",
				RLinks:      []OSCALRLink{{Href: OSCALCatalogHref, MediaType: "application/oscal.catalog+json"}}},
		}},
	}}

	// The version names the content: it changes when anything but
	// last-modified does.
	canon, err := json.Marshal(doc)
	if err != nil {
		return OSCALDocument{}, err
	}
	canon = bytes.Replace(canon, []byte(`"last-modified":"`+doc.AssessmentResults.Metadata.LastModified+`"`), nil, 1)
	sum := sha256.Sum256(canon)
	doc.AssessmentResults.Metadata.Version = status + "-" + hex.EncodeToString(sum[:6])
	return doc, nil
}

// JSON is the document as indented JSON with a final newline.
func (d OSCALDocument) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// endOf is when evidence collection ended: at submission for a submitted
// or reviewed assessment, else when the cycle closed; zero while it goes on.
func endOf(in OSCALInput, status string) time.Time {
	end := time.Time{}
	switch {
	case (status == "submitted" || status == "reviewed") && oscalTimeOK(in.SubmittedAt):
		end = in.SubmittedAt
	case oscalTimeOK(in.Cycle.ClosedAt):
		end = in.Cycle.ClosedAt
	}
	if !end.IsZero() && end.Before(in.Cycle.OpenedAt) {
		end = in.Cycle.OpenedAt
	}
	return end
}

func methodOf(in OSCALInput, defaultTarget int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "The member's IT lead rates each %s %s subcategory on the %s (%d to %d), or marks it not applicable with a written justification. ",
		markdownLine(in.Catalog.Name), markdownLine(in.Catalog.Version), markdownLine(in.Scale.Name), in.Scale.Min, in.Scale.Max)
	fmt.Fprintf(&b, "Each answer has a target level (default %d). A finding is satisfied when the score meets the target. ", defaultTarget)
	b.WriteString("Answers are the member's own statements; a consortium coordinator may review them. The levels:\n")
	for _, c := range in.Scale.Choices {
		fmt.Fprintf(&b, "\n- %d %s (`%s`)", c.Score, markdownLine(c.Name), c.Key)
	}
	return b.String()
}

func kindProps(kind string) []OSCALProperty {
	if k := oscalLine(kind, ""); k != "" {
		return []OSCALProperty{nsProp("member-kind", k)}
	}
	return nil
}

func nsProp(name, value string) OSCALProperty {
	return OSCALProperty{Name: name, NS: OSCALNamespace, Value: oscalLine(value, "none")}
}

// evidenceOf is a member's evidence: a web link becomes the href, any
// other text the description.
func evidenceOf(s string) OSCALEvidence {
	if link, ok := EvidenceLink(strings.TrimSpace(s)); ok {
		if u, err := url.Parse(link); err == nil {
			link = uriEscape(u.String())
		}
		return OSCALEvidence{Href: link, Description: "Evidence the member cites: " + markdownLine(link)}
	}
	return OSCALEvidence{Description: markdownText(s)}
}

// uriEscape percent-encodes every byte RFC 3986 does not allow in a URI
// (spaces, quotes, angle brackets, non-ASCII ...); url.URL.String leaves
// some of them in queries.
func uriEscape(s string) string {
	const allowed = "-._~:/?#[]@!$&'()*+,;=%"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(allowed, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(none given)"
	}
	return s
}

// oscalTimeOK reports whether t can be written as an OSCAL date-time: the
// schema's pattern accepts years 1900 to 2999 only.
func oscalTimeOK(t time.Time) bool {
	y := t.UTC().Year()
	return !t.IsZero() && y >= 1900 && y <= 2999
}

// oscalTime is t in UTC to the second (RFC 3339 with "Z"), or fallback when
// t cannot be written.
func oscalTime(t, fallback time.Time) string {
	if !oscalTimeOK(t) {
		t = fallback
	}
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// oscalLine makes text fit OSCAL's string datatype: valid UTF-8, no leading
// or trailing white space and no line breaks or control characters
// (pattern ^\S(.*\S)?$, where "." stops at line ends). Empty text gives
// fallback.
func oscalLine(s, fallback string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\uFEFF' || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	if s = strings.Join(strings.Fields(s), " "); s == "" {
		return fallback
	}
	return s
}

// markdownLine is text for a markup-line field (titles): one line, with
// the characters that Markdown would read as markup escaped, so a name
// like "<img onerror=...>" or "[x](javascript:...)" stays text in tools
// that render OSCAL's Markdown.
func markdownLine(s string) string { return markdownEscape(oscalLine(s, "")) }

// markdownText is free text for a markup-multiline field: line breaks
// kept, everything else as markdownLine.
func markdownText(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = markdownLine(l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

var markdownEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `&`, `\&`, `#`, `\#`, `|`, `\|`, `~`, `\~`)

func markdownEscape(s string) string { return markdownEscaper.Replace(s) }

// oscalIDs makes the document's UUIDs: version 5 (SHA-1, name-based, RFC
// 9562) in Palisade's namespace, from the consortium, cycle (with the time
// it opened, so two Palisade databases rarely share names) and member, and
// the object's own name. The same assessment always gets the same UUIDs,
// as OSCAL asks ("consistently used to identify the same subject across
// revisions of the document").
type oscalIDs struct{ scope string }

var oscalNamespaceUUID = uuidV5(uuidNamespaceURL, OSCALNamespace)

// uuidNamespaceURL is the RFC 9562 namespace for URLs.
var uuidNamespaceURL = [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

func (x oscalIDs) of(name string) string {
	// Parties and shared resources are the same subject in every cycle.
	if !strings.HasPrefix(name, "party/") && !strings.HasPrefix(name, "resource/") {
		name = x.scope + "/" + name
	}
	return formatUUID(uuidV5(oscalNamespaceUUID, name))
}

func uuidV5(ns [16]byte, name string) [16]byte {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // variant 10
	return u
}

func formatUUID(u [16]byte) string {
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
