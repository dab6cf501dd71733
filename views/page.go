// Package views renders Palisade's pages with templ. Handlers in web/ build
// the view models defined here from domain results; views never touch the
// database.
package views

import (
	"fmt"
	"strings"
)

// Page is what every page shares: its title, who is signed in and where
// they are in the navigation.
type Page struct {
	Title  string
	User   *User
	Active string // key of the current navigation link
	Flash  Flash
}

// Flash is a one-time message shown at the top of the page.
type Flash struct {
	Kind    string // success, error, info, warning
	Message string
}

// User is the signed-in person as the layout shows them.
type User struct {
	Name  string
	Email string
	Roles string // e.g. "Coordinator"
	Nav   []NavLink
}

// NavLink is one entry of the site navigation or breadcrumbs.
type NavLink struct {
	Key   string
	Href  string
	Label string
}

// Crumb is one step of the breadcrumbs; the last one has no Href.
type Crumb struct {
	Href  string
	Label string
}

// fmtScore shows a score with one decimal, or a dash when there is none.
func fmtScore(v float64, ok bool) string {
	if !ok {
		return "–"
	}
	return fmt.Sprintf("%.1f", v)
}

// percent renders a 0..1 fraction as a whole percentage.
func percent(f float64) string { return fmt.Sprintf("%d%%", int(f*100+0.5)) }

// widthClass maps a 0..1 fraction to one of the .w-N classes of app.css
// (steps of 5), because a strict CSP forbids inline style attributes.
func widthClass(f float64) string {
	if f < 0 {
		f = 0
	}
	if f > 1 {
		f = 1
	}
	return fmt.Sprintf("w-%d", int(f*20+0.5)*5)
}

// joinAnd lists words in a sentence: "a", "a and b", "a, b and c".
func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
