// Package static holds Palisade's browser assets: the stylesheet, the icon,
// the progressive-enhancement scripts and the vendored chart library.
package static

import "embed"

// Files holds the static assets. They are embedded in the binary so that the
// server runs offline and never loads fonts, scripts or images from
// elsewhere, which keeps the strict Content-Security-Policy simple.
//
//go:embed app.css favicon.svg charts.js autosave.js vendor
var Files embed.FS
