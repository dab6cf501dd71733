package views

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// A member may be named anything; its name must never end the JSON data
// block and start a script.
func TestChartBlockEscapesHostileNames(t *testing.T) {
	hostile := `</script><script>alert(1)</script>`
	c := BarChart("scores", "Scores of "+hostile, []string{hostile, "Govern"}, 7,
		ScoreSeries{Name: hostile, Values: []float64{2.25, 3}, OK: []bool{true, false}})
	var buf bytes.Buffer
	if err := ChartBlock(c).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if strings.Contains(html, "<script>alert") || strings.Count(html, "</script>") != 1 {
		t.Fatalf("hostile name broke out of the data block:\n%s", html)
	}
	// The data block still holds the name, intact once parsed.
	start := strings.Index(html, `type="application/json">`) + len(`type="application/json">`)
	end := strings.Index(html, "</script>")
	var opts map[string]any
	if err := json.Unmarshal([]byte(html[start:end]), &opts); err != nil {
		t.Fatalf("data block is not JSON: %v", err)
	}
	if !strings.Contains(html[start:end], `\u003c/script\u003e`) {
		t.Errorf("name not escaped as expected: %s", html[start:end])
	}
	series := opts["series"].([]any)[0].(map[string]any)
	if series["name"] != hostile {
		t.Errorf("series name %q; want the original name", series["name"])
	}
	// Missing scores are drawn as gaps, never as zero; values are rounded
	// for display only here.
	data := series["data"].([]any)
	if data[0].(map[string]any)["value"] != 2.3 && data[0].(map[string]any)["value"] != 2.2 {
		t.Errorf("first value %v; want 2.2 or 2.3", data[0])
	}
	if data[1].(map[string]any)["value"] != "-" {
		t.Errorf("missing score drawn as %v; want a gap", data[1])
	}
}

func TestWidthClassSteps(t *testing.T) {
	for f, want := range map[float64]string{-1: "w-0", 0: "w-0", 0.03: "w-5", 0.5: "w-50", 0.98: "w-100", 2: "w-100"} {
		if got := widthClass(f); got != want {
			t.Errorf("widthClass(%v) = %s; want %s", f, got, want)
		}
	}
}

// The heatmap writes its cells without templ's helpers, for speed; it must
// escape exactly as carefully.
func TestHeatCellsEscape(t *testing.T) {
	var buf bytes.Buffer
	cells := []HeatCell{
		{Text: `<b>"x"</b>`, Level: 3, Href: `/members/1/cycles/2/categories/PR.AA?a="b"&c=<d>`},
		{Text: "–", Level: 0},
		{Text: "5.0", Level: 5, Href: "javascript:alert(1)"},
	}
	if err := heatCells(cells).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, bad := range []string{"<b>", `"b"`, "<d>", "javascript:"} {
		if strings.Contains(html, bad) {
			t.Errorf("unescaped %q in %s", bad, html)
		}
	}
	for _, want := range []string{`<td class="heat heat-3"><a href="/members/1/cycles/2/categories/PR.AA?a=&#34;b&#34;&amp;c=&lt;d&gt;">&lt;b&gt;&#34;x&#34;&lt;/b&gt;</a></td>`,
		`<td class="heat heat-none">–</td>`} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %s in %s", want, html)
		}
	}
}
