// Package delegation lets a reviewer or approver hand the role they hold at a unit to
// another user of the same unit for a period (SPEC §13): a vice-chairman signs while the
// chairman is away, a colleague reviews while the district's reviewer is on leave.
//
// Which roles may be delegated is the policy's to say (policies/policy.csv, object
// "delegation", action "create" at the grant's own unit). A delegation gives its delegate
// the role at the unit while today (in Vietnam) lies in its period, it is not revoked, the
// delegator still holds the role there and the delegate still holds some role there;
// identity reads those grants (Received) into the delegate's principal, marked with the
// delegator, so the nomination history can record on whose behalf an action was taken.
// A role held through a delegation is never delegated again. Every change empties the
// sessions' cache of principals, so a revocation takes effect at the next request.
//
// The package knows nothing of HTTP; every query starts in scope.go.
package delegation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Status is where a delegation stands today.
type Status string

const (
	Scheduled Status = "scheduled" // its period has not begun
	Active    Status = "active"    // today lies in its period: the delegate holds the role
	Ended     Status = "ended"     // its period is over
	Revoked   Status = "revoked"   // revoked before or during its period
)

// maxYears bounds a delegation: its period begins within a year from today and lasts at
// most a year. A longer absence is a change of grants, for an admin.
const maxYears = 1

// Service keeps delegations.
type Service struct {
	st       *store.Store
	authz    *authz.Authorizer
	units    *units.Service
	identity *identity.Service
	now      func() time.Time
}

// NewService builds the service and makes identity's principals carry the roles it
// delegates.
func NewService(st *store.Store, az *authz.Authorizer, u *units.Service, id *identity.Service) *Service {
	s := &Service{st: st, authz: az, units: u, identity: id, now: time.Now}
	id.UseDelegations(s)
	return s
}

// Input is the body of POST /delegations.
type Input struct {
	ToUserID int64
	Role     string
	UnitCode string
	From     string // YYYY-MM-DD; empty is today
	Until    string // YYYY-MM-DD, the last day included
}

// View is a delegation as the API shows it.
type View struct {
	ID           int64      `json:"id"`
	FromUserID   int64      `json:"from_user_id"`
	FromUsername string     `json:"from_username"`
	FromFullName string     `json:"from_full_name"`
	ToUserID     int64      `json:"to_user_id"`
	ToUsername   string     `json:"to_username"`
	ToFullName   string     `json:"to_full_name"`
	Role         string     `json:"role"`
	UnitCode     string     `json:"unit_code"`
	UnitName     string     `json:"unit_name"`
	From         string     `json:"from"`  // YYYY-MM-DD, the first day
	Until        string     `json:"until"` // YYYY-MM-DD, the last day
	Status       Status     `json:"status"`
	CreatedAt    time.Time  `json:"created_at"`
	RevokedAt    *time.Time `json:"revoked_at"`
	RevokedBy    *string    `json:"revoked_by"` // username of who revoked it
	unitPath     string
}

// refusal is a domain error with a message meant for the client; it unwraps to the
// sentinel the HTTP layer maps to a status and code.
type refusal struct {
	sentinel error
	message  string
}

func (e *refusal) Error() string         { return e.sentinel.Error() + ": " + e.message }
func (e *refusal) Unwrap() error         { return e.sentinel }
func (e *refusal) ClientMessage() string { return e.message }

func forbidden(format string, args ...any) error {
	return &refusal{apperr.ErrForbidden, fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) error {
	return &refusal{apperr.ErrConflict, fmt.Sprintf(format, args...)}
}

// today is the date in Vietnam.
func (s *Service) today() time.Time { return units.Today(s.now()) }

// statusOn is where a delegation with these dates stands on day.
func statusOn(from, until string, revoked bool, day time.Time) Status {
	on := day.Format(time.DateOnly)
	switch {
	case revoked:
		return Revoked
	case on < from:
		return Scheduled
	case on > until:
		return Ended
	}
	return Active
}

// checkPeriod validates the period: from (today when empty) not before today and within
// a year of it, until not before from and at most a year after it.
func checkPeriod(val *apperr.ValidationError, fromText, untilText string, today time.Time) (time.Time, time.Time) {
	from := today
	if strings.TrimSpace(fromText) != "" {
		d, err := time.Parse(time.DateOnly, strings.TrimSpace(fromText))
		switch {
		case err != nil:
			val.Add("from", "must be a date YYYY-MM-DD")
		case d.Before(today):
			val.Add("from", "cannot be before today ("+today.Format(time.DateOnly)+")")
		case d.After(today.AddDate(maxYears, 0, 0)):
			val.Add("from", "must be within a year from today")
		}
		from = d
	}
	until, err := time.Parse(time.DateOnly, strings.TrimSpace(untilText))
	switch {
	case strings.TrimSpace(untilText) == "":
		val.Add("until", "is required (YYYY-MM-DD, the last day of the delegation)")
	case err != nil:
		val.Add("until", "must be a date YYYY-MM-DD")
	case until.Before(from):
		val.Add("until", "cannot be before from")
	case until.After(from.AddDate(maxYears, 0, 0)):
		val.Add("until", "must be at most a year after from")
	}
	return from, until
}

// Create delegates p's role at a unit to another user of that unit. Refused: a role p
// does not hold there in their own right (403, also for a role p holds only through a
// delegation), a role the policy does not let be delegated (403), a delegate who is p or
// holds no role at that unit (422), a bad period (422), a period overlapping a delegation
// of the same role to the same user not revoked (409). Nothing is saved when refused.
func (s *Service) Create(ctx context.Context, p *authz.Principal, in Input) (View, error) {
	if err := authz.Require(p); err != nil {
		return View{}, err
	}
	val := apperr.NewValidation()
	role, code := authz.Role(strings.TrimSpace(in.Role)), strings.TrimSpace(in.UnitCode)
	switch {
	case role == "":
		val.Add("role", "is required")
	case !role.Valid():
		val.Add("role", "is not a known role")
	}
	if code == "" {
		val.Add("unit_code", "is required")
	}
	switch {
	case in.ToUserID <= 0:
		val.Add("to_user_id", "is required")
	case in.ToUserID == p.UserID:
		val.Add("to_user_id", "cannot be yourself: delegate to another user of the unit")
	}
	from, until := checkPeriod(val, in.From, in.Until, s.today())
	if err := val.Err(); err != nil {
		return View{}, err
	}
	var id int64
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		g, err := s.delegable(ctx, p, role, code)
		if err != nil {
			return err
		}
		member, err := s.identity.IsMemberAt(ctx, in.ToUserID, g.UnitCode, g.UnitPath)
		if err != nil {
			return err
		}
		if !member {
			return apperr.Invalid("to_user_id", "is not a user of unit "+g.UnitCode+": the delegate must hold a role at the same unit")
		}
		r := &row{FromUserID: p.UserID, ToUserID: in.ToUserID, Role: string(g.Role), UnitCode: g.UnitCode, UnitPath: g.UnitPath,
			ValidFrom: from.Format(time.DateOnly), ValidUntil: until.Format(time.DateOnly), CreatedAt: s.now().UTC()}
		overlap, err := s.overlapping(ctx, r)
		if err != nil {
			return err
		}
		if overlap != 0 {
			return conflict("delegation %d already gives %s at %s to this user for part of that period", overlap, g.Role, g.UnitCode)
		}
		if err := s.insert(ctx, r); err != nil {
			return err
		}
		id = r.ID
		s.identity.GrantsChanged(ctx)
		return nil
	})
	if err != nil {
		return View{}, err
	}
	return s.Get(ctx, p, id)
}

// delegable is p's own grant of role at the unit with code, when the policy lets it be
// delegated; otherwise why not (403).
func (s *Service) delegable(ctx context.Context, p *authz.Principal, role authz.Role, code string) (authz.Grant, error) {
	own, err := s.identity.OwnGrants(ctx, p.UserID)
	if err != nil {
		return authz.Grant{}, err
	}
	for _, g := range own {
		if g.Role != role || g.UnitCode != code {
			continue
		}
		if !s.mayDelegate(g) {
			return authz.Grant{}, forbidden("the role %s cannot be delegated", role)
		}
		return g, nil
	}
	for _, g := range p.Grants {
		if g.Delegated() && g.Role == role && g.UnitCode == code {
			return authz.Grant{}, forbidden("you hold %s at %s through a delegation from %s: a delegated role cannot be delegated again",
				role, code, g.DelegatedBy)
		}
	}
	return authz.Grant{}, forbidden("you do not hold the role %s at unit %s", role, code)
}

// mayDelegate reports whether the policy lets the role of one's own grant g be delegated.
func (s *Service) mayDelegate(g authz.Grant) bool {
	return !g.Delegated() && s.authz.GrantAllows(g, authz.ObjDelegation, authz.ActCreate, g.UnitPath)
}

// Get is one delegation p may see: one p gave or received, or (an admin) one at a unit of
// p's province. Others are not found.
func (s *Service) Get(ctx context.Context, p *authz.Principal, id int64) (View, error) {
	if err := authz.Require(p); err != nil {
		return View{}, err
	}
	list, err := s.list(ctx, p, Filter{ID: id, Limit: 1})
	if err != nil {
		return View{}, err
	}
	if len(list) == 0 {
		return View{}, apperr.ErrNotFound
	}
	return list[0], nil
}

// Filter narrows a list.
type Filter struct {
	// Direction is "given" (by the caller), "received" (by the caller) or "" (both, and
	// for an admin every delegation at the units of their province).
	Direction string
	Limit     int // 1 to 500, default 100
	ID        int64
}

// Directions of a list.
const (
	Given    = "given"
	Received = "received"
)

// List is the delegations p may see, newest first.
func (s *Service) List(ctx context.Context, p *authz.Principal, f Filter) ([]View, error) {
	if err := authz.Require(p); err != nil {
		return nil, err
	}
	val := apperr.NewValidation()
	if f.Direction != "" && f.Direction != Given && f.Direction != Received {
		val.Add("direction", "must be given, received or left out")
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	if f.Limit < 1 || f.Limit > 500 {
		val.Add("limit", "must be 1 to 500")
	}
	if err := val.Err(); err != nil {
		return nil, err
	}
	f.ID = 0
	return s.list(ctx, p, f)
}

// list reads the delegations of f that p may see and completes them.
func (s *Service) list(ctx context.Context, p *authz.Principal, f Filter) ([]View, error) {
	list, err := s.visible(ctx, p, f)
	if err != nil {
		return nil, err
	}
	codes := make([]string, 0, len(list))
	for _, v := range list {
		codes = append(codes, v.UnitCode)
	}
	names, err := s.units.GetMany(ctx, codes)
	if err != nil {
		return nil, err
	}
	today := s.today()
	for i := range list {
		v := &list[i]
		if u, ok := names[v.UnitCode]; ok && u.Path == v.unitPath {
			v.UnitName = u.Name
		}
		v.Status = statusOn(v.From, v.Until, v.RevokedAt != nil, today)
	}
	return list, nil
}

// Revoke ends a delegation at once: the delegate's next request no longer carries the
// role. The delegator or an admin of the unit's province may revoke; the delegate may see
// it but not revoke it (403). A delegation already revoked or over cannot be (409).
func (s *Service) Revoke(ctx context.Context, p *authz.Principal, id int64) (View, error) {
	if err := authz.Require(p); err != nil {
		return View{}, err
	}
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		v, err := s.Get(ctx, p, id)
		if err != nil {
			return err
		}
		if v.FromUserID != p.UserID && !s.authz.Scopes(p, authz.ObjUser, authz.ActManage).Contains(v.unitPath) {
			return forbidden("only the delegator or an admin of the unit may revoke a delegation")
		}
		switch v.Status {
		case Revoked:
			return conflict("the delegation is already revoked")
		case Ended:
			return conflict("the delegation has ended")
		}
		if err := s.markRevoked(ctx, id, p.UserID, s.now().UTC()); err != nil {
			return err
		}
		s.identity.GrantsChanged(ctx)
		return nil
	})
	if err != nil {
		return View{}, err
	}
	return s.Get(ctx, p, id)
}

// Offer is one role p may delegate, at its unit, with the users of the unit who may
// receive it (p aside): what the delegation form offers.
type Offer struct {
	Role     string
	UnitCode string
	UnitName string
	Members  []identity.Member
}

// Offers lists what p may delegate (their own grants the policy lets be delegated), with
// the users of each unit.
func (s *Service) Offers(ctx context.Context, p *authz.Principal) ([]Offer, error) {
	if err := authz.Require(p); err != nil {
		return nil, err
	}
	own, err := s.identity.OwnGrants(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	var out []Offer
	for _, g := range own {
		if !s.mayDelegate(g) {
			continue
		}
		members, err := s.identity.MembersAt(ctx, g.UnitCode, g.UnitPath)
		if err != nil {
			return nil, err
		}
		o := Offer{Role: string(g.Role), UnitCode: g.UnitCode}
		for _, m := range members {
			if m.ID != p.UserID {
				o.Members = append(o.Members, m)
			}
		}
		if u, err := s.units.Get(ctx, g.UnitCode); err == nil {
			o.UnitName = u.Name
		}
		out = append(out, o)
	}
	return out, nil
}
