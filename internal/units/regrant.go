package units

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
)

// Re-granting after a reform. A role held at a unit that ended gives no rights (SPEC §12);
// an admin grants it again at the units standing in the ended unit's place. This file
// says which units those are, for many grants at once in a constant number of queries.

// Version names one unit version: its code and the day it took effect (YYYY-MM-DD).
type Version struct {
	Code      string
	ValidFrom string
}

// VersionOf is the version u is.
func VersionOf(u Unit) Version { return Version{Code: u.Code, ValidFrom: day(u.ValidFrom)} }

// Regrant is a unit to grant again at, named as it stands now, with the share of the
// ended unit that went into it.
type Regrant struct {
	Code  string
	Name  string
	Level Level
	Share Share
}

// inChunks runs fn on codes in slices small enough for any database's parameter limit.
func inChunks(codes []string, fn func([]string) error) error {
	for chunk := range slices.Chunk(codes, 1000) {
		if err := fn(chunk); err != nil {
			return err
		}
	}
	return nil
}

// keys returns a set's members, sorted.
func keys(set map[string]bool) []string { return slices.Sorted(maps.Keys(set)) }

// LastEnded returns, keyed by unit path, the last version that ended of the unit at each
// path ("/20/183" → Huyện Cao Lộc, valid until 2025-06-30). A path whose unit never ended
// is absent. One query per thousand paths.
func (s *Service) LastEnded(ctx context.Context, paths []string) (map[string]Unit, error) {
	set := map[string]bool{}
	for _, p := range paths {
		set[p] = true
	}
	out := map[string]Unit{}
	err := inChunks(keys(set), func(chunk []string) error {
		var list []Unit
		if err := s.st.DB(ctx).Where("path IN ? AND valid_to IS NOT NULL", chunk).Find(&list).Error; err != nil {
			return err
		}
		for _, u := range list {
			if last, ok := out[u.Path]; !ok || day(*u.ValidTo) > day(*last.ValidTo) {
				out[u.Path] = u
			}
		}
		return nil
	})
	return out, err
}

// RegrantAt returns, for each ended unit version, the units to grant again at, in four
// queries (per thousand codes) whatever the number of versions:
//
//   - the version's own succession rows, when it has any;
//   - for a district without rows of its own (the shipped succession names only five
//     districts), the units its communes went into, once each;
//   - for every district, its province as it stands now, or the province(s) it went into:
//     the review stage is the province's since districts ended.
//
// Provinces come first, then the other units by code. A unit is named as it stands now
// (its current version; the version that took effect at the reform when none is
// current). A district's share in a unit its communes went into is full only when all its
// communes went whole into that one unit. Versions not found, or still standing, get
// nothing.
func (s *Service) RegrantAt(ctx context.Context, ended []Version) (map[Version][]Regrant, error) {
	db := s.st.DB(ctx)
	out := map[Version][]Regrant{}
	want := map[Version]bool{}
	codes := map[string]bool{}
	for _, v := range ended {
		want[v] = true
		codes[v.Code] = true
	}
	// 1. The ended versions themselves: level, path, last day.
	var gone []Unit
	err := inChunks(keys(codes), func(chunk []string) error {
		var list []Unit
		if err := db.Where("code IN ? AND valid_to IS NOT NULL", chunk).Find(&list).Error; err != nil {
			return err
		}
		for _, u := range list {
			if want[VersionOf(u)] {
				gone = append(gone, u)
			}
		}
		return nil
	})
	if err != nil || len(gone) == 0 {
		return out, err
	}
	// 2. The communes standing in each ended district on its last day, and the versions of
	// the ended districts' provinces.
	districts, provinces := map[string]bool{}, map[string]bool{}
	for _, u := range gone {
		if u.Level == District {
			districts[u.Code] = true
			if p := u.PathCodes(); len(p) > 0 {
				provinces[p[0]] = true
			}
		}
	}
	var around []Unit
	if len(districts) > 0 {
		err := inChunks(append(keys(districts), keys(provinces)...), func(chunk []string) error {
			var list []Unit
			err := db.Where("(parent_code IN ? AND level = ?) OR (code IN ? AND level = ?)", chunk, Commune, chunk, Province).
				Find(&list).Error
			around = append(around, list...)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	communesOf := map[Version][]Unit{} // an ended district's communes on its last day
	provinceOf := map[Version]Unit{}   // an ended district's province on its last day
	oldCodes := maps.Clone(codes)
	for _, d := range gone {
		if d.Level != District {
			continue
		}
		for _, u := range around {
			switch {
			case !u.StandsOn(*d.ValidTo):
			case u.Level == Commune && u.Parent() == d.Code:
				communesOf[VersionOf(d)] = append(communesOf[VersionOf(d)], u)
				oldCodes[u.Code] = true
			case u.Level == Province && len(d.PathCodes()) > 0 && u.Code == d.PathCodes()[0]:
				provinceOf[VersionOf(d)] = u
				oldCodes[u.Code] = true
			}
		}
	}
	// 3. The succession rows of all those versions.
	rowsOf := map[Version][]Succession{}
	err = inChunks(keys(oldCodes), func(chunk []string) error {
		var list []Succession
		if err := db.Where("old_code IN ?", chunk).Order("new_code").Find(&list).Error; err != nil {
			return err
		}
		for _, r := range list {
			k := Version{Code: r.OldCode, ValidFrom: day(r.OldValidFrom)}
			rowsOf[k] = append(rowsOf[k], r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Which units each ended version stands for, by code and version taking effect.
	type target struct {
		code, from string // from: the version's valid_from, "" for the code's current version
		share      Share
	}
	targets := map[Version][]target{}
	named := map[string]bool{}
	add := func(k Version, t target) {
		for _, have := range targets[k] {
			if have.code == t.code {
				return
			}
		}
		targets[k] = append(targets[k], t)
		named[t.code] = true
	}
	fromRows := func(k Version, rows []Succession) {
		for _, r := range rows {
			add(k, target{code: r.NewCode, from: day(r.NewValidFrom), share: r.Share})
		}
	}
	for _, u := range gone {
		k := VersionOf(u)
		if u.Level != District {
			fromRows(k, rowsOf[k])
			continue
		}
		if p, ok := provinceOf[k]; ok && len(rowsOf[VersionOf(p)]) > 0 {
			fromRows(k, rowsOf[VersionOf(p)])
		} else if p := u.PathCodes(); len(p) > 0 {
			add(k, target{code: p[0], share: ShareFull})
		}
		if own := rowsOf[k]; len(own) > 0 {
			fromRows(k, own)
			continue
		}
		// The district's communes: where each went, and whether the district went whole.
		into := map[string]string{} // new code → its valid_from
		whole := true
		for _, c := range communesOf[k] {
			for _, r := range rowsOf[VersionOf(c)] {
				into[r.NewCode] = day(r.NewValidFrom)
				whole = whole && r.Share == ShareFull
			}
		}
		share := SharePartial
		if whole && len(into) == 1 {
			share = ShareFull
		}
		for _, code := range slices.Sorted(maps.Keys(into)) {
			add(k, target{code: code, from: into[code], share: share})
		}
	}
	// 4. The units named, as they stand now.
	nowOf := map[string]Unit{}      // code → current version
	versionOf := map[Version]Unit{} // (code, valid_from) → version
	err = inChunks(keys(named), func(chunk []string) error {
		var list []Unit
		if err := db.Where("code IN ?", chunk).Find(&list).Error; err != nil {
			return err
		}
		for _, u := range list {
			versionOf[VersionOf(u)] = u
			if u.ValidTo == nil {
				nowOf[u.Code] = u
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rank := map[Level]int{Province: 0, District: 1, Commune: 2}
	for k, ts := range targets {
		for _, t := range ts {
			u, ok := nowOf[t.code]
			if !ok {
				if u, ok = versionOf[Version{Code: t.code, ValidFrom: t.from}]; !ok {
					continue
				}
			}
			out[k] = append(out[k], Regrant{Code: u.Code, Name: u.Name, Level: u.Level, Share: t.share})
		}
		slices.SortFunc(out[k], func(a, b Regrant) int {
			return cmp.Or(cmp.Compare(rank[a.Level], rank[b.Level]), strings.Compare(a.Code, b.Code))
		})
	}
	return out, nil
}
