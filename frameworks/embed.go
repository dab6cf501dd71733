package frameworks

import (
	"embed"
	"fmt"
	"sync"
)

//go:embed data/*.json
var data embed.FS

var (
	loadOnce sync.Once
	csf20    *Catalog
	ncsr     *Scale
	loadErr  error
)

func load() {
	b, err := data.ReadFile("data/csf-2.0.json")
	if err != nil {
		loadErr = fmt.Errorf("read embedded CSF 2.0 catalog: %w", err)
		return
	}
	if csf20, err = ParseCatalog(b); err != nil {
		loadErr = fmt.Errorf("embedded CSF 2.0 catalog: %w", err)
		return
	}
	b, err = data.ReadFile("data/ncsr-scale.json")
	if err != nil {
		loadErr = fmt.Errorf("read embedded NCSR scale: %w", err)
		return
	}
	if ncsr, err = ParseScale(b); err != nil {
		loadErr = fmt.Errorf("embedded NCSR scale: %w", err)
	}
}

// CSF20 returns the embedded NIST CSF 2.0 catalog. The embedded data is
// checked by tests, so a failure here is a build defect and panics.
func CSF20() *Catalog {
	loadOnce.Do(load)
	if loadErr != nil {
		panic(loadErr)
	}
	return csf20
}

// NCSR returns the embedded NCSR 7-point maturity scale (the default).
func NCSR() *Scale {
	loadOnce.Do(load)
	if loadErr != nil {
		panic(loadErr)
	}
	return ncsr
}
