package briefings

import (
	"fmt"
	"math"
	"strings"
	"time"

	"palisade/assessments"
	"palisade/frameworks"
	"palisade/pooling"
)

// Numbers are rounded only here, when shown, exactly as the web pages do
// (docs/scoring.md, "Rounding"): scores, targets and gaps to one decimal,
// completion to a whole percentage, and a dash, never 0, for no value.

// dash stands for "no value".
const dash = "–"

// score shows a value with one decimal, or a dash when there is none.
func score(v assessments.Value) string {
	if !v.OK {
		return dash
	}
	return num(v.V)
}

// num shows a number with one decimal.
func num(x float64) string { return fmt.Sprintf("%.1f", x) }

// percent shows a 0..1 share as a whole percentage, rounded like the web
// pages.
func percent(f float64) string { return fmt.Sprintf("%d %%", int(f*100+0.5)) }

// signed shows a change with its sign: "+0.4", "−0.3", "0.0".
func signed(x float64) string {
	s := num(math.Abs(x))
	switch {
	case s == "0.0":
		return "0.0"
	case x > 0:
		return "+" + s
	}
	return "−" + s
}

// money shows cents as dollars: "$12,345.67", "−$5.00".
func money(cents int64) string { return pooling.Money(cents) }

// longDate is the date printed on the briefings: "14 March 2026".
func longDate(t time.Time) string { return t.Format("2 January 2006") }

// plural is "1 member" or "3 members".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// ordinal is "1st", "2nd", "3rd", "11th", ...
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// list joins "a", "b" and "c" as "a, b and c".
func list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// levelName is the scale's name of a whole level, e.g. "Documented
// Policy", or "" when the scale has no such level.
func levelName(s *frameworks.Scale, level int) string {
	if s == nil {
		return ""
	}
	return s.Level(level)
}

// levelText is "3 (Documented Policy)", or just "3".
func levelText(s *frameworks.Scale, level int) string {
	if n := levelName(s, level); n != "" {
		return fmt.Sprintf("%d (%s)", level, n)
	}
	return fmt.Sprint(level)
}

// compareWords says how a is placed against b in words, on rounded
// figures so the sentence agrees with the numbers printed next to it.
func compareWords(a, b float64) string {
	ra, rb := num(a), num(b)
	switch {
	case ra == rb:
		return "level with"
	case num(math.Abs(a-b)) == "0.0" && a > b:
		return "just above"
	case num(math.Abs(a-b)) == "0.0":
		return "just below"
	case a > b:
		return num(a-b) + " above"
	}
	return num(b-a) + " below"
}

// question is the plain-language question of a subcategory, or its id
// when the catalog does not know it.
func question(cat *frameworks.Catalog, id string) string {
	if cat != nil {
		if s, ok := cat.Subcategory(id); ok {
			return s.Question
		}
	}
	return id
}

// categoryName is the catalog name of a category, or its id.
func categoryName(cat *frameworks.Catalog, id string) string {
	if cat != nil {
		if c, ok := cat.Category(id); ok {
			return c.Name
		}
	}
	return id
}
