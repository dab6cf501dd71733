package web

import (
	"fmt"
	"net/http"
	"time"

	"palisade/assessments"
)

// downloadOSCAL serves a member's assessment in one cycle as an OSCAL
// Assessment Results document (JSON), for GRC tools (docs/api.md). Who may
// see the member may download it; the cycle must belong to the member's
// consortium (loadAssessment answers 404 otherwise). Audited like the CSV.
func (s *Server) downloadOSCAL(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	doc, err := assessments.BuildOSCAL(s.oscalInput(a))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	data, err := doc.JSON()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.store.Record(r.Context(), v.actor(s, r), a.member.ID, "export.oscal", "cycle "+a.cycle.Name, "OSCAL assessment results"); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="palisade-%s-%s-oscal-ar.json"`, csvSafeName(a.member.Slug), csvSafeName(a.cycle.Name)))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(data)
}

// oscalInput is the assessment as the OSCAL builder takes it. The
// document's last-modified is the latest change it reflects (an answer,
// the submission, the review, the cycle opening or closing), so the same
// data always gives the same file.
func (s *Server) oscalInput(a assessmentContext) assessments.OSCALInput {
	in := assessments.OSCALInput{
		Catalog: s.catalog, Scale: s.scale,
		Consortium:    assessments.OSCALOrganisation{ID: a.consortium.ID, Name: a.consortium.Name},
		Member:        assessments.OSCALMember{ID: a.member.ID, Name: a.member.Name, Slug: a.member.Slug, Kind: a.member.Kind},
		Cycle:         assessments.OSCALCycle{ID: a.cycle.ID, Name: a.cycle.Name, OpenedAt: a.cycle.OpenedAt},
		Status:        a.assessment.Status,
		SubmittedAt:   a.assessment.SubmittedAt,
		DefaultTarget: a.consortium.DefaultTarget,
	}
	if !a.cycle.Open() {
		in.Cycle.ClosedAt = a.cycle.ClosedAt
	}
	last := oscalLatest(a.cycle.OpenedAt, in.Cycle.ClosedAt, a.assessment.SubmittedAt, a.assessment.ReviewedAt)
	for _, x := range a.answers {
		in.Answers = append(in.Answers, assessments.OSCALAnswer{SubcategoryID: x.SubcategoryID, Choice: x.Choice, Score: x.Score,
			Target: x.Target, NotApplicable: x.NotApplicable, Justification: x.Justification, AcceptedBy: x.AcceptedBy,
			Acceptance: x.Acceptance, Notes: x.Notes, Evidence: x.Evidence, AnsweredAt: x.AnsweredAt, CarriedOver: x.CarriedOver})
		last = oscalLatest(last, x.AnsweredAt)
	}
	in.LastModified = last
	if in.LastModified.IsZero() {
		in.LastModified = s.now()
	}
	return in
}

func oscalLatest(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if t.After(out) {
			out = t
		}
	}
	return out
}
