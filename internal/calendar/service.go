package calendar

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/store"
)

// ObjHoliday is the policy object of the holidays (policies/policy.csv): an admin
// manages them.
const ObjHoliday = "holiday"

// The years a holiday may fall in (SPEC §4: a date outside them is a typing error).
const (
	FirstYear = 2000
	LastYear  = 2100
)

// MaxNameLength bounds a holiday's name.
const MaxNameLength = 200

// holidayRow is the holidays table. Days are written as YYYY-MM-DD text (SQLite keeps
// that text, PostgreSQL a date), so the unique index sees one spelling of each day.
type holidayRow struct {
	ID        int64 `gorm:"primaryKey"`
	Day       time.Time
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (holidayRow) TableName() string { return "holidays" }

// Holiday is one day off, as the API shows it.
type Holiday struct {
	Date      string    `json:"date"` // YYYY-MM-DD
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (r holidayRow) holiday() Holiday {
	return Holiday{Date: r.Day.UTC().Format(time.DateOnly), Name: r.Name, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// Input is a holiday to add, or what an edit makes of one.
type Input struct {
	Date string // YYYY-MM-DD
	Name string
}

// Service keeps the holidays table and the calendar built from it.
//
// The calendar is cached in memory and rebuilt when the table has changed, on this
// replica or another: each use reads the table's fingerprint (row count and highest id)
// and compares. Rows are never updated in place: an edit deletes the row and inserts a
// new one, and ids are never reused, so any change of the table changes the fingerprint
// (a set of rows with the same count and the same highest id is the same set).
type Service struct {
	st *store.Store
	az *authz.Authorizer

	mu     sync.Mutex
	cached *Calendar
	stamp  fingerprint
}

type fingerprint struct {
	N     int64
	MaxID int64
}

// NewService returns the holiday service.
func NewService(st *store.Store, az *authz.Authorizer) *Service {
	return &Service{st: st, az: az}
}

func (s *Service) table(ctx context.Context) *gorm.DB {
	return s.st.DB(ctx).Model(&holidayRow{})
}

// Calendar returns the calendar of the holidays stored now, read in ctx's transaction
// when there is one.
func (s *Service) Calendar(ctx context.Context) (*Calendar, error) {
	var fp fingerprint
	if err := s.table(ctx).Select("COUNT(*) AS n, COALESCE(MAX(id), 0) AS max_id").Scan(&fp).Error; err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.cached != nil && s.stamp == fp {
		c := s.cached
		s.mu.Unlock()
		return c, nil
	}
	s.mu.Unlock()
	var rows []holidayRow
	if err := s.table(ctx).Select("id, day, name").Find(&rows).Error; err != nil {
		return nil, err
	}
	days := make(map[time.Time]string, len(rows))
	var read fingerprint
	for _, r := range rows {
		days[r.Day] = r.Name
		read.N++
		read.MaxID = max(read.MaxID, r.ID)
	}
	c := New(days)
	s.mu.Lock()
	s.cached, s.stamp = c, read // what was read, which a later change will differ from
	s.mu.Unlock()
	return c, nil
}

// List returns the holidays of year (every year when year is 0), by date.
func (s *Service) List(ctx context.Context, year int) ([]Holiday, error) {
	q := s.table(ctx).Order("day")
	if year != 0 {
		if year < FirstYear || year > LastYear {
			return nil, apperr.Invalid("year", fmt.Sprintf("must be from %d to %d", FirstYear, LastYear))
		}
		// Compared as YYYY-MM-DD text, which both databases order as dates.
		q = q.Where("day >= ? AND day < ?", fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1))
	}
	var rows []holidayRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Holiday, len(rows))
	for i, r := range rows {
		out[i] = r.holiday()
	}
	return out, nil
}

// Get returns the holiday on date (YYYY-MM-DD), or ErrNotFound.
func (s *Service) Get(ctx context.Context, date string) (Holiday, error) {
	r, err := s.load(ctx, date)
	if err != nil {
		return Holiday{}, err
	}
	return r.holiday(), nil
}

func (s *Service) load(ctx context.Context, date string) (holidayRow, error) {
	d, err := ParseDate(date)
	if err != nil {
		return holidayRow{}, apperr.ErrNotFound // no holiday is on a day that is not a date
	}
	var r holidayRow
	err = s.table(ctx).Where("day = ?", d.Format(time.DateOnly)).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return holidayRow{}, apperr.ErrNotFound
	}
	return r, err
}

// ParseDate reads a YYYY-MM-DD date.
func ParseDate(s string) (time.Time, error) {
	return time.Parse(time.DateOnly, strings.TrimSpace(s))
}

// check validates in and returns its date and cleaned name.
func check(in Input) (time.Time, string, error) {
	v := apperr.NewValidation()
	d, err := ParseDate(in.Date)
	switch {
	case strings.TrimSpace(in.Date) == "":
		v.Add("date", "is required (YYYY-MM-DD)")
	case err != nil:
		v.Add("date", "must be a date YYYY-MM-DD")
	case d.Year() < FirstYear || d.Year() > LastYear:
		v.Add("date", fmt.Sprintf("must be from %d-01-01 to %d-12-31", FirstYear, LastYear))
	}
	name := strings.Join(strings.Fields(in.Name), " ")
	if name == "" || utf8.RuneCountInString(name) > MaxNameLength {
		v.Add("name", "is required (at most "+strconv.Itoa(MaxNameLength)+" characters)")
	}
	return d, name, v.Err()
}

// mayManage answers ErrForbidden unless p may manage holidays: they are the country's,
// so a role allowed it at any unit may.
func (s *Service) mayManage(p *authz.Principal) error {
	if err := authz.Require(p); err != nil {
		return err
	}
	if s.az.Scopes(p, ObjHoliday, authz.ActManage).Empty() {
		return apperr.ErrForbidden
	}
	return nil
}

// Add stores a new holiday: 422 for a bad date or name, 409 when the day already has one.
func (s *Service) Add(ctx context.Context, p *authz.Principal, in Input) (Holiday, error) {
	if err := s.mayManage(p); err != nil {
		return Holiday{}, err
	}
	d, name, err := check(in)
	if err != nil {
		return Holiday{}, err
	}
	var out Holiday
	err = s.st.WithTx(ctx, func(ctx context.Context) error {
		now := time.Now().UTC()
		var err error
		out, err = s.insert(ctx, d, name, now, now)
		return err
	})
	return out, err
}

// insert writes one row; a day that already has a holiday is ErrConflict.
func (s *Service) insert(ctx context.Context, d time.Time, name string, created, updated time.Time) (Holiday, error) {
	day := d.Format(time.DateOnly)
	var n int64
	if err := s.table(ctx).Where("day = ?", day).Count(&n).Error; err != nil {
		return Holiday{}, err
	}
	if n > 0 {
		return Holiday{}, fmt.Errorf("%w: %s is already a holiday", apperr.ErrConflict, day)
	}
	err := s.table(ctx).Create(map[string]any{"day": day, "name": name, "created_at": created, "updated_at": updated}).Error
	if store.IsUniqueViolation(err) { // added by someone else at the same moment
		return Holiday{}, fmt.Errorf("%w: %s is already a holiday", apperr.ErrConflict, day)
	}
	if err != nil {
		return Holiday{}, err
	}
	return Holiday{Date: day, Name: name, CreatedAt: created, UpdatedAt: updated}, nil
}

// Update changes the holiday on date: its name, or its day (409 when the new day has one
// already; an empty in.Date keeps the day). The row is replaced, never updated in place
// (see Service).
func (s *Service) Update(ctx context.Context, p *authz.Principal, date string, in Input) (Holiday, error) {
	if err := s.mayManage(p); err != nil {
		return Holiday{}, err
	}
	if strings.TrimSpace(in.Date) == "" {
		in.Date = date
	}
	var out Holiday
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		old, err := s.load(ctx, date)
		if err != nil {
			return err
		}
		d, name, err := check(in)
		if err != nil {
			return err
		}
		if err := s.table(ctx).Where("id = ?", old.ID).Delete(&holidayRow{}).Error; err != nil {
			return err
		}
		out, err = s.insert(ctx, d, name, old.CreatedAt, time.Now().UTC())
		return err
	})
	return out, err
}

// Delete removes the holiday on date (ErrNotFound when there is none).
func (s *Service) Delete(ctx context.Context, p *authz.Principal, date string) error {
	if err := s.mayManage(p); err != nil {
		return err
	}
	return s.st.WithTx(ctx, func(ctx context.Context) error {
		old, err := s.load(ctx, date)
		if err != nil {
			return err
		}
		return s.table(ctx).Where("id = ?", old.ID).Delete(&holidayRow{}).Error
	})
}
