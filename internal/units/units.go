// Package units keeps Vietnam's administrative units (province → district → commune):
// importing the official list, looking units up, and walking the tree by path.
package units

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/store"
)

// Level is a unit's tier.
type Level string

const (
	Province Level = "province"
	District Level = "district"
	Commune  Level = "commune"
)

// KindRuralCommune is the kind (loại hình) of a rural commune, "Xã". The NTM criteria and
// the commune titles apply to Xã only, never to a ward (Phường) or a town (Thị trấn):
// averages and title counts are over Xã alone (DOMAIN.md).
const KindRuralCommune = "Xã"

// codeLength is the length of official statistics codes at each level.
var codeLength = map[Level]int{Province: 2, District: 3, Commune: 5}

// LevelOfCode is the level an official statistics code is issued at, read from the code's
// format (2 digits a province, 3 a district, 5 a commune — in both trees: a commune under
// a province since 1 July 2025 keeps its 5 digits). It is for places that hold a code and
// no unit row, such as a scope root or a counter row; never a path's depth, which no
// longer tells a district (/20/183) from a commune under a province (/20/05977).
func LevelOfCode(code string) (Level, bool) {
	for l, n := range codeLength {
		if len(code) == n {
			return l, true
		}
	}
	return "", false
}

// Unit is one administrative unit during its validity period.
type Unit struct {
	ID         int64      `gorm:"primaryKey"`
	Code       string     `gorm:"size:10"`
	Level      Level      `gorm:"size:10"`
	Name       string     `gorm:"size:200"`
	Kind       string     `gorm:"size:100"`
	ParentCode *string    `gorm:"size:10"`
	Path       string     `gorm:"size:40"` // "/20/183/06220": codes from the province down
	ValidFrom  time.Time  `gorm:"type:date"`
	ValidTo    *time.Time `gorm:"type:date"` // nil while the unit is current
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// TableName binds Unit to the units table.
func (Unit) TableName() string { return "units" }

// PathCodes returns the path as a list of codes, province first.
func (u Unit) PathCodes() []string { return SplitPath(u.Path) }

// Parent returns the parent code or "" for a province.
func (u Unit) Parent() string {
	if u.ParentCode == nil {
		return ""
	}
	return *u.ParentCode
}

// SplitPath turns "/20/183/06220" into ["20","183","06220"].
func SplitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return []string{}
	}
	return strings.Split(p, "/")
}

// Within reports whether path lies in the subtree rooted at scope, comparing whole
// segments: "/20/178" covers "/20/178/06100" but never "/20/1780".
func Within(path, scope string) bool {
	if scope == "" || scope == "/" {
		return true
	}
	if !strings.HasPrefix(path, scope) {
		return false
	}
	return len(path) == len(scope) || path[len(scope)] == '/'
}

// Service answers questions about units.
type Service struct {
	st *store.Store
}

// NewService returns a units service on st.
func NewService(st *store.Store) *Service { return &Service{st: st} }

func current(db *gorm.DB) *gorm.DB { return db.Where("valid_to IS NULL") }

// Get returns the current unit with code, or apperr.ErrNotFound.
func (s *Service) Get(ctx context.Context, code string) (Unit, error) {
	var u Unit
	err := current(s.st.DB(ctx)).Where("code = ?", code).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Unit{}, apperr.ErrNotFound
	}
	return u, err
}

// GetMany returns the current units with the given codes, keyed by code.
func (s *Service) GetMany(ctx context.Context, codes []string) (map[string]Unit, error) {
	out := make(map[string]Unit, len(codes))
	if len(codes) == 0 {
		return out, nil
	}
	var list []Unit
	if err := current(s.st.DB(ctx)).Where("code IN ?", codes).Find(&list).Error; err != nil {
		return nil, err
	}
	for _, u := range list {
		out[u.Code] = u
	}
	return out, nil
}

// Children lists the current units directly below parent, ordered by code. An empty
// parent lists the provinces. An unknown parent is ErrNotFound, not an empty list.
func (s *Service) Children(ctx context.Context, parent string) ([]Unit, error) {
	q := current(s.st.DB(ctx)).Order("code")
	if parent == "" {
		q = q.Where("parent_code IS NULL")
	} else {
		if _, err := s.Get(ctx, parent); err != nil {
			return nil, err
		}
		q = q.Where("parent_code = ?", parent)
	}
	var list []Unit
	if err := q.Find(&list).Error; err != nil {
		return nil, err
	}
	return list, nil
}

// Counts returns how many current units exist at each level.
func (s *Service) Counts(ctx context.Context) (map[Level]int, error) {
	var rows []struct {
		Level Level
		N     int
	}
	err := current(s.st.DB(ctx)).Model(&Unit{}).Select("level, COUNT(*) AS n").Group("level").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := map[Level]int{Province: 0, District: 0, Commune: 0}
	for _, r := range rows {
		out[r.Level] = r.N
	}
	return out, nil
}

// Retire ends a unit's validity on the given day (a merger or dissolution). Its history
// stays: records made before keep pointing at it.
func (s *Service) Retire(ctx context.Context, code string, on time.Time) error {
	return s.st.WithTx(ctx, func(ctx context.Context) error {
		u, err := s.Get(ctx, code)
		if err != nil {
			return err
		}
		if !on.After(u.ValidFrom) {
			return apperr.Invalid("valid_to", "must be after the unit's valid_from")
		}
		return s.st.DB(ctx).Model(&Unit{}).Where("id = ?", u.ID).
			Updates(map[string]any{"valid_to": on, "updated_at": time.Now().UTC()}).Error
	})
}
