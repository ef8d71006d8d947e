package recognition

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/units"
)

// History under new names (SPEC §12). A recognition keeps the units it was made in (codes
// and path of that day's tree); since codes are reused under new names, a unit's name is
// always read with a date, and a unit of today is searched together with the units that
// went into it.

// Place names a recognition's units as they stood when it was made, and what its commune
// is today when that changed.
type Place struct {
	CommuneName  string
	DistrictName string // "" in the two-tier tree (no district)
	ProvinceName string
	// Now lists today's units the commune went into, named today, when it is no longer
	// current or was renamed; Share is partial when only part of it went there.
	Now []units.Link
}

// Partial reports whether the commune went only partly into today's unit(s).
func (p *Place) Partial() bool {
	for _, l := range p.Now {
		if l.Share == units.SharePartial {
			return true
		}
	}
	return false
}

// NowNames is today's name(s) of the unit(s) the commune went into, "" when unchanged.
func (p *Place) NowNames() string {
	names := make([]string, len(p.Now))
	for i, l := range p.Now {
		names[i] = l.Name
	}
	return strings.Join(names, ", ")
}

// maxSteps bounds the walks along successions and versions (the data is checked for
// cycles on import; this only keeps a bad row from looping).
const maxSteps = 8

// unitPaths is the unit of today with code and, when withPredecessors, every unit version
// that went into it, recursively: their paths, each standing for its subtree. Records keep
// the paths of their own day's tree, so these select the recognitions made in them.
//
// A version's predecessors are read on its last day (today for a current one): a row a
// reform left unchanged (Tỉnh Phú Thọ keeps its row and took in two provinces) gets them at
// a reform after its own valid_from. The history is read at once (units.LoadHistory), a
// few queries however many units went into the unit.
func unitPaths(ctx context.Context, us *units.Service, code string, withPredecessors bool, now time.Time) ([]string, error) {
	notCurrent := apperr.Invalid("unit", "is not a current unit")
	if !withPredecessors {
		u, err := us.Get(ctx, code)
		if errors.Is(err, apperr.ErrNotFound) {
			return nil, notCurrent
		} else if err != nil {
			return nil, err
		}
		return []string{u.Path}, nil
	}
	h, err := us.LoadHistory(ctx, []string{code}, units.Backward)
	if err != nil {
		return nil, err
	}
	u, ok := h.Current(code)
	if !ok {
		return nil, notCurrent
	}
	paths := []string{u.Path}
	seen := map[int64]bool{u.ID: true}
	queue := []units.Unit{u}
	for steps := 0; len(queue) > 0 && steps < 1000; steps++ {
		v := queue[0]
		queue = queue[1:]
		on := units.Today(now)
		if v.ValidTo != nil {
			on = dateOnly(*v.ValidTo)
		}
		w, ok := h.On(v.Code, on)
		if !ok {
			return nil, apperr.ErrNotFound
		}
		for _, l := range h.Predecessors(w, on) {
			p, ok := predecessorVersion(h, l.Code, v)
			if !ok || seen[p.ID] {
				continue
			}
			seen[p.ID] = true
			paths = append(paths, p.Path)
			queue = append(queue, p)
		}
	}
	return paths, nil
}

// predecessorVersion is the version of code that went into v: the one standing the day
// before v took effect, or, when v is a row the reform left unchanged (a province keeping
// its name that absorbed others), the one standing the day before the two-tier reform
// (units.Link does not carry its reform's date).
func predecessorVersion(h *units.History, code string, v units.Unit) (units.Unit, bool) {
	for _, d := range []time.Time{v.ValidFrom.AddDate(0, 0, -1), units.TwoTierValidFrom.AddDate(0, 0, -1)} {
		if p, ok := h.On(code, dateOnly(d)); ok && p.ID != v.ID && p.ValidTo != nil {
			return p, true
		}
	}
	return units.Unit{}, false
}

// describer names units of recognitions from their history, read at once for the list
// (units.LoadHistory): a list of a thousand recognitions costs a few queries.
type describer struct {
	h        *units.History
	earliest time.Time
	nowOf    map[int64][]units.Link
	within   string // a path of today: successors outside it are not named
}

func newDescriber(ctx context.Context, us *units.Service, list []Recognition, within string) (*describer, error) {
	// The earliest list imported stands for every day before it (units.DayOfYear): a
	// garden recognised in 2023 is named from the 2025-03-01 list.
	earliest, err := us.DayOfYear(ctx, 1)
	if err != nil {
		return nil, err
	}
	var codes []string
	for _, r := range list {
		codes = append(codes, r.CommuneCode, r.DistrictCode, r.ProvinceCode)
	}
	h, err := us.LoadHistory(ctx, codes, units.Forward)
	if err != nil {
		return nil, err
	}
	return &describer{h: h, earliest: earliest, nowOf: map[int64][]units.Link{}, within: within}, nil
}

// getOn is the version of code standing on day, or ok false.
func (d *describer) getOn(code string, day time.Time) (units.Unit, bool) {
	if day.Before(d.earliest) {
		day = d.earliest
	}
	return d.h.On(code, day)
}

// version is the version of code a recognition was made in: the one standing on its
// decision date, unless the record's path says it was an older one (a nomination of a
// pre-reform commune approved after the reform).
func (d *describer) version(code, path string, r Recognition) (units.Unit, bool) {
	if code == "" {
		return units.Unit{}, false
	}
	u, ok := d.getOn(code, dateOnly(r.DecisionDate))
	if !ok || path == "" || u.Path == path {
		return u, ok
	}
	for cur, steps := u, 0; steps < maxSteps; steps++ {
		older, ok := d.getOn(code, dateOnly(cur.ValidFrom).AddDate(0, 0, -1))
		if !ok || older.ID == cur.ID {
			break
		}
		if older.Path == path {
			return older, true
		}
		cur = older
	}
	return u, true
}

// pathTo is the part of path down to code: "/20/183" for 183 in "/20/183/06220".
func pathTo(path, code string) string {
	segs := units.SplitPath(path)
	for i, c := range segs {
		if c == code {
			return "/" + strings.Join(segs[:i+1], "/")
		}
	}
	return ""
}

// now follows the commune version c forward through the reforms to today's units.
func (d *describer) now(c units.Unit) []units.Link {
	if l, ok := d.nowOf[c.ID]; ok {
		return l
	}
	var out []units.Link
	seen := map[int64]bool{}
	queue := []units.Step{{Unit: c, Share: units.ShareFull}}
	for n := 0; len(queue) > 0 && n < 1000; n++ {
		s := queue[0]
		queue = queue[1:]
		if seen[s.Unit.ID] {
			continue
		}
		seen[s.Unit.ID] = true
		if s.Unit.ValidTo == nil {
			if s.Unit.ID != c.ID && (d.within == "" || units.Within(s.Unit.Path, d.within)) {
				out = append(out, units.Link{Code: s.Unit.Code, Name: s.Unit.Name, Share: s.Share})
			}
			continue
		}
		for _, next := range d.h.WentInto(s.Unit) {
			if s.Share == units.SharePartial {
				next.Share = units.SharePartial
			}
			queue = append(queue, next)
		}
	}
	// The same unit renamed in place, or carried over whole under its own name, has not
	// changed for the reader: "Xã A, nay là Xã A" says nothing.
	if len(out) == 1 && out[0].Name == c.Name && out[0].Share == units.ShareFull {
		out = nil
	}
	d.nowOf[c.ID] = out
	return out
}

// place names r's units.
func (d *describer) place(r Recognition) *Place {
	p := &Place{}
	if c, ok := d.version(r.CommuneCode, r.UnitPath, r); ok {
		p.CommuneName = c.Name
		p.Now = d.now(c)
	}
	if dist, ok := d.version(r.DistrictCode, pathTo(r.UnitPath, r.DistrictCode), r); ok {
		p.DistrictName = dist.Name
	}
	if prov, ok := d.version(r.ProvinceCode, pathTo(r.UnitPath, r.ProvinceCode), r); ok {
		p.ProvinceName = prov.Name
	}
	return p
}

// Describe fills each recognition's Place: its units named as on its decision date and
// what its commune is today. within, a path of today's tree, keeps Now to the units under
// it (a list asked for one unit and its predecessors names that unit, not the other
// parts of a split commune). The units' history is read once for the list.
func Describe(ctx context.Context, us *units.Service, list []Recognition, within string) error {
	if len(list) == 0 {
		return nil
	}
	d, err := newDescriber(ctx, us, list, within)
	if err != nil {
		return err
	}
	for i := range list {
		list[i].Place = d.place(list[i])
	}
	return nil
}

// UnitWithin is the path of today's unit with code, for Describe's within ("" for none).
func UnitWithin(ctx context.Context, us *units.Service, code string) (string, error) {
	if code == "" {
		return "", nil
	}
	u, err := us.Get(ctx, code)
	if errors.Is(err, apperr.ErrNotFound) {
		return "", nil
	}
	return u.Path, err
}

// pathScope turns unit paths into the subtree roots the scope helpers take.
func pathScope(paths []string) authz.Scope { return authz.Scope(paths) }
