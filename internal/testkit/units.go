package testkit

import (
	"context"
	"sync"
	"testing"

	"github.com/ntmflow/ntmflow/internal/units"
)

// ImportUnits loads the shipped units of the given provinces (all of them when none are
// given), which keeps tests fast while using the real codes and names.
func ImportUnits(t testing.TB, svc *units.Service, provinces ...string) {
	t.Helper()
	rows, err := embeddedRows()
	if err != nil {
		t.Fatal(err)
	}
	if len(provinces) > 0 {
		rows = filterProvinces(rows, provinces)
	}
	if _, err := svc.Import(context.Background(), rows, units.EmbeddedValidFrom); err != nil {
		t.Fatalf("import units: %v", err)
	}
}

func filterProvinces(rows []units.Row, provinces []string) []units.Row {
	keep := map[string]bool{}
	for _, p := range provinces {
		keep[p] = true
	}
	var out []units.Row
	for _, r := range rows { // parents precede children in the file
		if keep[r.Code] || keep[r.ParentCode] {
			keep[r.Code] = true
			out = append(out, r)
		}
	}
	return out
}

// embeddedRows parses the shipped list once per test binary.
var embeddedRows = sync.OnceValues(func() ([]units.Row, error) {
	f, err := units.OpenEmbedded()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return units.ParseCSV(f)
})
