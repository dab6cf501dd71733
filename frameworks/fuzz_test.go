package frameworks

import (
	"os"
	"testing"
)

// FuzzParseCatalog: any bytes give a catalog or an error, never a panic,
// and a catalog that parses is consistent (every subcategory found by id).
func FuzzParseCatalog(f *testing.F) {
	if b, err := os.ReadFile("data/csf-2.0.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"id":"x","name":"X","version":"1","functions":[{"id":"F","name":"F","categories":[{"id":"F.A","name":"A","subcategories":[{"id":"F.A-01","question":"Q?","hint":"h","maps_to":["GV.OC-01"]}]}]}]}`))
	f.Add([]byte(`{"id":"x","functions":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCatalog(data)
		if err != nil {
			if c != nil {
				t.Fatal("a catalog and an error")
			}
			return
		}
		for _, s := range c.Subcategories() {
			if got, ok := c.Subcategory(s.ID); !ok || got.ID != s.ID {
				t.Fatalf("subcategory %q not found by id", s.ID)
			}
		}
	})
}
