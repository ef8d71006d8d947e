package units

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Units' history in bulk. A page of records names its units as they stood on the records'
// days and follows them through the reforms to today's units (SPEC §12). Asking the
// database per record and per day costs a query each; History reads every version of the
// codes involved and the succession rows from (or into) them at once — two queries per
// reform step and per thousand codes — and answers in memory by the rules of the queries:
// Unit.StandsOn (ValidOnSQL) for the version standing on a day, and Succession.leaves and
// enters (Links) for the rows a version went by.

// Follow says which way LoadHistory follows the succession from the codes it is given.
type Follow int

const (
	// Forward follows the units the codes' versions went into, and on through the reforms.
	Forward Follow = iota
	// Backward follows the units that went into the codes' versions, and back.
	Backward
)

// maxRounds bounds LoadHistory's rounds, one per reform step (the data is checked for
// cycles on import; this only keeps a bad row from looping).
const maxRounds = 8

// History is every version of some codes and the succession rows from or into them. On
// answers for every code read; Successors and WentInto for the versions LoadHistory
// followed forward, Predecessors for those it followed backward.
type History struct {
	versions map[string][]Unit       // by code, oldest first; a code read has a key
	from     map[string][]Succession // by old code, for the codes whose rows were read
	into     map[string][]Succession // by new code, likewise
}

// Step is a unit version on the other side of a succession, with the share that went.
type Step struct {
	Unit  Unit
	Share Share
}

func newHistory() *History {
	return &History{versions: map[string][]Unit{}, from: map[string][]Succession{}, into: map[string][]Succession{}}
}

// LoadHistory reads every version of codes and follows the succession from them, forward
// (what they went into) or backward (what went into them), until no version reached has
// rows left to follow: forward from the ended versions through the versions WentInto
// names, backward from all versions through the ended versions of the codes that went
// into them. It reads the codes' rows, then in one query the versions of every code these
// rows name, and two queries more for each further step (backward, the step to the ended
// versions reached always costs its rows' query, found empty when there was one reform).
// Queries run per thousand codes: their number does not grow with the number of codes.
func (s *Service) LoadHistory(ctx context.Context, codes []string, follow Follow) (*History, error) {
	codes = slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(codes))), func(c string) bool { return c == "" })
	h := newHistory()
	rows, err := s.readRows(ctx, h, codes, follow)
	if err != nil {
		return nil, err
	}
	first := slices.Clone(codes)
	for _, r := range rows {
		first = append(first, r.OldCode, r.NewCode)
	}
	if err := s.readVersions(ctx, h, first); err != nil {
		return nil, err
	}
	var frontier []Unit
	for _, c := range codes {
		frontier = append(frontier, h.versions[c]...)
	}
	seen := map[int64]bool{}
	for round := 0; len(frontier) > 0 && round < maxRounds; round++ {
		var todo []Unit
		for _, u := range frontier {
			if !seen[u.ID] && (follow == Backward || u.ValidTo != nil) {
				seen[u.ID] = true
				todo = append(todo, u)
			}
		}
		// The rows of those versions' codes, on the side followed (read already for the
		// codes given).
		rowCodes := map[string]bool{}
		for _, u := range todo {
			rowCodes[u.Code] = true
		}
		if _, err := s.readRows(ctx, h, keys(rowCodes), follow); err != nil {
			return nil, err
		}
		// The versions of the units on the other side.
		other := map[string]bool{}
		for _, u := range todo {
			for _, r := range h.rowsOf(u.Code, follow) {
				if r.names(u, follow) {
					other[r.other(follow)] = true
				}
			}
		}
		if err := s.readVersions(ctx, h, keys(other)); err != nil {
			return nil, err
		}
		frontier = nil
		for _, u := range todo {
			if follow == Forward {
				for _, st := range h.WentInto(u) {
					frontier = append(frontier, st.Unit)
				}
				continue
			}
			for _, r := range h.rowsOf(u.Code, follow) {
				if r.names(u, follow) {
					for _, v := range h.versions[r.OldCode] {
						if v.ValidTo != nil {
							frontier = append(frontier, v)
						}
					}
				}
			}
		}
	}
	return h, nil
}

// rowsOf is the rows read from (Forward) or into (Backward) code.
func (h *History) rowsOf(code string, follow Follow) []Succession {
	if follow == Backward {
		return h.into[code]
	}
	return h.from[code]
}

// other is the code on r's far side when following it.
func (r Succession) other(follow Follow) string {
	if follow == Backward {
		return r.OldCode
	}
	return r.NewCode
}

// names reports whether r names u on its near side when following it.
func (r Succession) names(u Unit, follow Follow) bool {
	if follow == Backward {
		return r.isInto(u)
	}
	return r.isFrom(u)
}

// readVersions reads every version of the codes not read yet.
func (s *Service) readVersions(ctx context.Context, h *History, codes []string) error {
	var need []string
	for _, c := range codes {
		if _, ok := h.versions[c]; !ok && c != "" {
			need = append(need, c)
		}
	}
	slices.Sort(need)
	return inChunks(slices.Compact(need), func(chunk []string) error {
		var list []Unit
		if err := s.st.DB(ctx).Where("code IN ?", chunk).Find(&list).Error; err != nil {
			return err
		}
		h.addVersions(chunk, list)
		return nil
	})
}

// readRows reads the succession rows from (Forward) or into (Backward) the codes not read
// yet on that side.
func (s *Service) readRows(ctx context.Context, h *History, codes []string, follow Follow) ([]Succession, error) {
	side, col := h.from, "old_code"
	if follow == Backward {
		side, col = h.into, "new_code"
	}
	var need []string
	for _, c := range codes {
		if _, ok := side[c]; !ok {
			need = append(need, c)
		}
	}
	var all []Succession
	err := inChunks(need, func(chunk []string) error {
		var rows []Succession
		if err := s.st.DB(ctx).Where(col+" IN ?", chunk).Find(&rows).Error; err != nil {
			return err
		}
		h.addRows(chunk, rows, follow == Forward, follow == Backward)
		all = append(all, rows...)
		return nil
	})
	return all, err
}

// addVersions files the versions read for codes; every code gets a key, found or not.
func (h *History) addVersions(codes []string, list []Unit) {
	for _, c := range codes {
		if _, ok := h.versions[c]; !ok {
			h.versions[c] = nil
		}
	}
	touched := map[string]bool{}
	for _, u := range list {
		h.versions[u.Code] = append(h.versions[u.Code], u)
		touched[u.Code] = true
	}
	for c := range touched {
		slices.SortStableFunc(h.versions[c], func(a, b Unit) int { return strings.Compare(day(a.ValidFrom), day(b.ValidFrom)) })
	}
}

// addRows files the rows read for codes: by old code when from, by new code when into.
// Each code read on a side gets a key there, with rows or not; a code read before keeps
// the rows it has.
func (h *History) addRows(codes []string, rows []Succession, from, into bool) {
	fresh := func(side map[string][]Succession) map[string]bool {
		out := map[string]bool{}
		for _, c := range codes {
			if _, ok := side[c]; !ok {
				side[c], out[c] = nil, true
			}
		}
		return out
	}
	var newFrom, newInto map[string]bool
	if from {
		newFrom = fresh(h.from)
	}
	if into {
		newInto = fresh(h.into)
	}
	for _, r := range rows {
		if newFrom[r.OldCode] {
			h.from[r.OldCode] = append(h.from[r.OldCode], r)
		}
		if newInto[r.NewCode] {
			h.into[r.NewCode] = append(h.into[r.NewCode], r)
		}
	}
}

// On is the version of code standing on d (Unit.StandsOn), or ok false.
func (h *History) On(code string, d time.Time) (Unit, bool) {
	for _, v := range h.versions[code] {
		if v.StandsOn(d) {
			return v, true
		}
	}
	return Unit{}, false
}

// Current is the current version of code (valid_to null, as Service.Get), or ok false.
func (h *History) Current(code string) (Unit, bool) {
	for _, v := range h.versions[code] {
		if v.ValidTo == nil {
			return v, true
		}
	}
	return Unit{}, false
}

// name is the name of the version of code that took effect on from, "" when not read.
func (h *History) name(code string, from time.Time) string {
	name := ""
	for _, v := range h.versions[code] {
		if day(v.ValidFrom) == day(from) {
			name = v.Name
		}
	}
	return name
}

// Successors lists the units that u, standing on day on, went into at a later reform,
// named as they were when they took effect: what Service.Successors answers.
func (h *History) Successors(u Unit, on time.Time) []Link {
	var out []Link
	for _, r := range h.from[u.Code] {
		if r.leaves(u, on) {
			out = append(out, Link{Code: r.NewCode, Name: h.name(r.NewCode, r.NewValidFrom), Share: r.Share})
		}
	}
	return sortLinks(out)
}

// Predecessors lists the units that went into u, standing on day on, at a reform on or
// before on, named as they were on the day before that reform: what
// Service.Predecessors answers.
func (h *History) Predecessors(u Unit, on time.Time) []Link {
	var out []Link
	for _, r := range h.into[u.Code] {
		if r.enters(u, on) {
			out = append(out, Link{Code: r.OldCode, Name: h.name(r.OldCode, r.OldValidFrom), Share: r.Share})
		}
	}
	return sortLinks(out)
}

func sortLinks(l []Link) []Link {
	slices.SortFunc(l, func(a, b Link) int { return strings.Compare(a.Code, b.Code) })
	return l
}

// wentInto is the successors of the ended version u, as the version of its code standing
// on its first day has them, and the day of the reform that ended it.
func (h *History) wentInto(u Unit) ([]Link, time.Time) {
	if u.ValidTo == nil {
		return nil, time.Time{}
	}
	from := dateOnly(u.ValidFrom)
	v, ok := h.On(u.Code, from)
	if !ok {
		return nil, time.Time{}
	}
	return h.Successors(v, from), dateOnly(*u.ValidTo).AddDate(0, 0, 1)
}

// WentInto lists the versions the ended version u went into at the reform that ended it,
// each the version of a successor's code standing on the reform's day, with the share; none
// for a current version. Following them on to versions still current leads to today's
// units.
func (h *History) WentInto(u Unit) []Step {
	links, reform := h.wentInto(u)
	var out []Step
	for _, l := range links {
		if next, ok := h.On(l.Code, reform); ok {
			out = append(out, Step{Unit: next, Share: l.Share})
		}
	}
	return out
}
