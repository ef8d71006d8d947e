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
// a reform after its own valid_from.
func unitPaths(ctx context.Context, us *units.Service, code string, withPredecessors bool, now time.Time) ([]string, error) {
	u, err := us.Get(ctx, code)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, apperr.Invalid("unit", "is not a current unit")
	} else if err != nil {
		return nil, err
	}
	paths := []string{u.Path}
	if !withPredecessors {
		return paths, nil
	}
	seen := map[int64]bool{u.ID: true}
	queue := []units.Unit{u}
	for steps := 0; len(queue) > 0 && steps < 1000; steps++ {
		v := queue[0]
		queue = queue[1:]
		on := units.Today(now)
		if v.ValidTo != nil {
			on = dateOnly(*v.ValidTo)
		}
		links, err := us.Predecessors(ctx, v.Code, on)
		if err != nil {
			return nil, err
		}
		for _, l := range links {
			p, err := predecessorVersion(ctx, us, l.Code, v)
			if errors.Is(err, apperr.ErrNotFound) {
				continue
			} else if err != nil {
				return nil, err
			}
			if seen[p.ID] {
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
func predecessorVersion(ctx context.Context, us *units.Service, code string, v units.Unit) (units.Unit, error) {
	for _, d := range []time.Time{v.ValidFrom.AddDate(0, 0, -1), units.TwoTierValidFrom.AddDate(0, 0, -1)} {
		p, err := us.GetOn(ctx, code, dateOnly(d))
		if errors.Is(err, apperr.ErrNotFound) {
			continue
		} else if err != nil {
			return units.Unit{}, err
		}
		if p.ID != v.ID && p.ValidTo != nil {
			return p, nil
		}
	}
	return units.Unit{}, apperr.ErrNotFound
}

// describer names units of recognitions, caching what it read: a list of a thousand
// recognitions reads each unit version once.
type describer struct {
	us       *units.Service
	earliest time.Time
	current  map[string]units.Unit
	on       map[string]units.Unit // code + " " + day → version, Unit{} when none
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
	current, err := us.GetMany(ctx, codes)
	if err != nil {
		return nil, err
	}
	return &describer{us: us, earliest: earliest, current: current, on: map[string]units.Unit{},
		nowOf: map[int64][]units.Link{}, within: within}, nil
}

// getOn is the version of code standing on day, or ok false.
func (d *describer) getOn(ctx context.Context, code string, day time.Time) (units.Unit, bool, error) {
	if day.Before(d.earliest) {
		day = d.earliest
	}
	if c, ok := d.current[code]; ok && !dateOnly(c.ValidFrom).After(day) {
		return c, true, nil
	}
	key := code + " " + day.Format(time.DateOnly)
	if u, ok := d.on[key]; ok {
		return u, u.ID != 0, nil
	}
	u, err := d.us.GetOn(ctx, code, day)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return units.Unit{}, false, err
	}
	d.on[key] = u
	return u, u.ID != 0, nil
}

// version is the version of code a recognition was made in: the one standing on its
// decision date, unless the record's path says it was an older one (a nomination of a
// pre-reform commune approved after the reform).
func (d *describer) version(ctx context.Context, code, path string, r Recognition) (units.Unit, bool, error) {
	if code == "" {
		return units.Unit{}, false, nil
	}
	u, ok, err := d.getOn(ctx, code, dateOnly(r.DecisionDate))
	if err != nil || !ok || path == "" || u.Path == path {
		return u, ok, err
	}
	for cur, steps := u, 0; steps < maxSteps; steps++ {
		older, ok, err := d.getOn(ctx, code, dateOnly(cur.ValidFrom).AddDate(0, 0, -1))
		if err != nil {
			return units.Unit{}, false, err
		}
		if !ok || older.ID == cur.ID {
			break
		}
		if older.Path == path {
			return older, true, nil
		}
		cur = older
	}
	return u, true, nil
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
func (d *describer) now(ctx context.Context, c units.Unit) ([]units.Link, error) {
	if l, ok := d.nowOf[c.ID]; ok {
		return l, nil
	}
	type step struct {
		u     units.Unit
		share units.Share
	}
	var out []units.Link
	seen := map[int64]bool{}
	queue := []step{{c, units.ShareFull}}
	for n := 0; len(queue) > 0 && n < 1000; n++ {
		s := queue[0]
		queue = queue[1:]
		if seen[s.u.ID] {
			continue
		}
		seen[s.u.ID] = true
		if s.u.ValidTo == nil {
			if s.u.ID != c.ID && (d.within == "" || units.Within(s.u.Path, d.within)) {
				out = append(out, units.Link{Code: s.u.Code, Name: s.u.Name, Share: s.share})
			}
			continue
		}
		links, err := d.us.Successors(ctx, s.u.Code, dateOnly(s.u.ValidFrom))
		if err != nil && !errors.Is(err, apperr.ErrNotFound) {
			return nil, err
		}
		reform := dateOnly(*s.u.ValidTo).AddDate(0, 0, 1)
		for _, l := range links {
			next, ok, err := d.getOn(ctx, l.Code, reform)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			share := s.share
			if l.Share == units.SharePartial {
				share = units.SharePartial
			}
			queue = append(queue, step{next, share})
		}
	}
	// The same unit renamed in place, or carried over whole under its own name, has not
	// changed for the reader: "Xã A, nay là Xã A" says nothing.
	if len(out) == 1 && out[0].Name == c.Name && out[0].Share == units.ShareFull {
		out = nil
	}
	d.nowOf[c.ID] = out
	return out, nil
}

// place names r's units.
func (d *describer) place(ctx context.Context, r Recognition) (*Place, error) {
	p := &Place{}
	c, ok, err := d.version(ctx, r.CommuneCode, r.UnitPath, r)
	if err != nil {
		return nil, err
	}
	if ok {
		p.CommuneName = c.Name
		if p.Now, err = d.now(ctx, c); err != nil {
			return nil, err
		}
	}
	if dist, ok, err := d.version(ctx, r.DistrictCode, pathTo(r.UnitPath, r.DistrictCode), r); err != nil {
		return nil, err
	} else if ok {
		p.DistrictName = dist.Name
	}
	if prov, ok, err := d.version(ctx, r.ProvinceCode, pathTo(r.UnitPath, r.ProvinceCode), r); err != nil {
		return nil, err
	} else if ok {
		p.ProvinceName = prov.Name
	}
	return p, nil
}

// Describe fills each recognition's Place: its units named as on its decision date and
// what its commune is today. within, a path of today's tree, keeps Now to the units under
// it (a list asked for one unit and its predecessors names that unit, not the other
// parts of a split commune).
func Describe(ctx context.Context, us *units.Service, list []Recognition, within string) error {
	if len(list) == 0 {
		return nil
	}
	d, err := newDescriber(ctx, us, list, within)
	if err != nil {
		return err
	}
	for i := range list {
		if list[i].Place, err = d.place(ctx, list[i]); err != nil {
			return err
		}
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
