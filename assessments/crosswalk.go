package assessments

import (
	"palisade/frameworks"
)

// This file reads a member's CSF 2.0 answers by another framework (an
// imported catalog whose items carry maps_to), without asking anything
// again. The rule, written out for coordinators in docs/catalog-format.md
// ("Importing another framework"):
//
//   - An item's level is the LOWEST score among its mapped CSF 2.0
//     subcategories that are answered: an item is only as met as its weakest
//     mapped outcome. Its target is the highest target among them, so the
//     item is on target only when every answered mapped outcome is.
//   - N/A and unanswered mapped subcategories are left out of the level, as
//     in Score. Every mapped subcategory N/A makes the item N/A; none
//     answered leaves it unanswered. Coverage counts say how many of the
//     mapped subcategories the level rests on.
//   - An item without maps_to has "no CSF 2.0 equivalent": it has no level
//     and counts as unanswered in the roll-up.
//   - Categories, functions and the overall result are rolled up from the
//     item levels by Score itself, so the averaging is exactly the one of
//     docs/scoring.md.

// ItemState says how far a foreign item's level can be worked out.
type ItemState uint8

const (
	// NoEquivalent: the item maps to no CSF 2.0 subcategory.
	NoEquivalent ItemState = iota
	// NotAnswered: none of the mapped subcategories is answered yet (and
	// not all are N/A).
	NotAnswered
	// PartlyAnswered: some mapped subcategories are answered, others are
	// not yet; the level may still fall when they are.
	PartlyAnswered
	// Answered: every mapped subcategory is answered or N/A, at least one
	// answered.
	Answered
	// AllNotApplicable: every mapped subcategory is marked N/A.
	AllNotApplicable
)

// MappedOutcome is one CSF 2.0 subcategory an item maps to, as answered.
type MappedOutcome struct {
	ID, CategoryID string
	// Known is false for an id the base catalog does not have (a catalog
	// imported before the built-in one changed); it is left out entirely.
	Known         bool
	Score         int // 0 unless answered
	NotApplicable bool
}

// CrosswalkItem is the derived result of one item of the foreign catalog.
type CrosswalkItem struct {
	ID, CategoryID, FunctionID string
	MapsTo                     []MappedOutcome
	// Level is the lowest answered score among MapsTo (0: none), Target
	// the highest target among the same answers.
	Level, Target int
	// Weakest lists the mapped subcategories at Level, which hold it there.
	Weakest []string
	// Coverage: of Mapped known subcategories, Answered have a level and
	// NotApplicable are N/A.
	Mapped, Answered, NotApplicable int
	State                           ItemState
}

// Crosswalk is a member's result by a foreign catalog.
type Crosswalk struct {
	// Result is the foreign catalog scored by Score on the derived item
	// levels: the same shape, means and counts as a CSF 2.0 result.
	Result
	// Items are every item of the foreign catalog, in catalog order.
	Items []CrosswalkItem
	// NoEquivalent counts items without a CSF 2.0 equivalent, overall and
	// per category and function id.
	NoEquivalent     int
	noEquivalentByID map[string]int
}

// NoEquivalentIn is how many items under a category or function (by id)
// have no CSF 2.0 equivalent.
func (c Crosswalk) NoEquivalentIn(id string) int { return c.noEquivalentByID[id] }

// Item returns the derived result of one item.
func (c Crosswalk) Item(id string) (CrosswalkItem, bool) {
	for _, it := range c.Items {
		if it.ID == id {
			return it, true
		}
	}
	return CrosswalkItem{}, false
}

// CrosswalkOf derives a member's result by the foreign catalog from its
// answers on base (CSF 2.0). Answers to ids base does not have are
// ignored; when one id is answered more than once the last answer wins, as
// in Score.
func CrosswalkOf(foreign, base *frameworks.Catalog, answers []Answer, defaultTarget int) Crosswalk {
	items := crosswalkItems(foreign, base, answers, defaultTarget)
	cw := Crosswalk{Items: items, noEquivalentByID: map[string]int{}}
	for _, it := range items {
		if it.State == NoEquivalent {
			cw.NoEquivalent++
			cw.noEquivalentByID[it.CategoryID]++
			cw.noEquivalentByID[it.FunctionID]++
		}
	}
	cw.Result = Score(foreign, derived(items), defaultTarget)
	return cw
}

// DerivedAnswers are the item levels of CrosswalkOf as answers to the
// foreign catalog, for the functions that take answers (Score, Compare).
func DerivedAnswers(foreign, base *frameworks.Catalog, answers []Answer, defaultTarget int) []Answer {
	return derived(crosswalkItems(foreign, base, answers, defaultTarget))
}

// CompareCrosswalk compares a consortium's members by the foreign catalog:
// each member's answers are read through CrosswalkOf's rule, then compared
// by Compare, so the floor (Min) and Median of each item are over the
// members with a level for it.
func CompareCrosswalk(foreign, base *frameworks.Catalog, members []MemberAnswers, defaultTarget int) *Comparison {
	derivedMembers := make([]MemberAnswers, len(members))
	for i, m := range members {
		m.Answers = DerivedAnswers(foreign, base, m.Answers, defaultTarget)
		derivedMembers[i] = m
	}
	return Compare(foreign, derivedMembers, defaultTarget)
}

func derived(items []CrosswalkItem) []Answer {
	out := make([]Answer, 0, len(items))
	for _, it := range items {
		switch {
		case it.State == AllNotApplicable:
			out = append(out, Answer{SubcategoryID: it.ID, NotApplicable: true})
		case it.Level > 0:
			out = append(out, Answer{SubcategoryID: it.ID, Score: it.Level, Target: it.Target})
		}
	}
	return out
}

func crosswalkItems(foreign, base *frameworks.Catalog, answers []Answer, defaultTarget int) []CrosswalkItem {
	if foreign == nil {
		return nil
	}
	byID := make(map[string]Answer, len(answers))
	for _, a := range answers {
		if base != nil {
			if _, ok := base.Subcategory(a.SubcategoryID); !ok {
				continue
			}
		}
		byID[a.SubcategoryID] = a // last one wins
	}
	var items []CrosswalkItem
	for _, s := range foreign.Subcategories() {
		it := CrosswalkItem{ID: s.ID, CategoryID: s.CategoryID, FunctionID: s.FunctionID}
		for _, id := range s.MapsTo {
			m := MappedOutcome{ID: id}
			if base != nil {
				if sub, ok := base.Subcategory(id); ok {
					m.Known, m.CategoryID = true, sub.CategoryID
				}
			}
			if m.Known {
				it.Mapped++
				a := byID[id]
				switch {
				case a.NotApplicable:
					m.NotApplicable = true
					it.NotApplicable++
				case a.Score > 0:
					m.Score = a.Score
					it.Answered++
					target := defaultTarget
					if a.Target > 0 {
						target = a.Target
					}
					if it.Level == 0 || a.Score < it.Level {
						it.Level = a.Score
					}
					it.Target = max(it.Target, target)
				}
			}
			it.MapsTo = append(it.MapsTo, m)
		}
		for _, m := range it.MapsTo {
			if m.Score > 0 && m.Score == it.Level {
				it.Weakest = append(it.Weakest, m.ID)
			}
		}
		switch {
		case it.Mapped == 0:
			it.State = NoEquivalent
		case it.Answered == 0 && it.NotApplicable == it.Mapped:
			it.State = AllNotApplicable
		case it.Answered == 0:
			it.State = NotAnswered
		case it.Answered+it.NotApplicable < it.Mapped:
			it.State = PartlyAnswered
		default:
			it.State = Answered
		}
		items = append(items, it)
	}
	return items
}
