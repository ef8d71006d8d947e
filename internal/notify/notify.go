// Package notify keeps the notifications of SPEC §13 and their e-mail outbox. A workflow
// transition tells whoever must act next, and the commune of the outcome of its dossier,
// in the transaction of the transition (Transitioned, the nomination service's Notifier);
// a sweep (Remind) reminds the responsible users two working days before a stage is due
// and, once it is overdue, tells the level above too. With SMTP configured every
// notification to a user with an e-mail address also queues a message in the outbox,
// which the sender (SendDue, Run) delivers later, retrying with backoff: mail never
// delays or fails a transition.
//
// Who must act next is never listed here: the workflow table names the rules the
// procedure waits for (nomination.WaitingOn), identity the people holding their roles on
// the nomination's path, and authz which of their grants reach the nomination for that
// action. Of those, the most local level is responsible (a district's reviewer before
// the province's, the province's where the district has ended or there is none).
//
// A user reads only their own notifications (scope.go). The package knows nothing of HTTP.
package notify

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/i18n"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Kinds of notification.
const (
	KindTransition = "transition" // someone acted on the nomination
	KindReminder   = "reminder"   // the running stage is due within two working days
	KindEscalation = "escalation" // the running stage is overdue
)

// Service writes and reads notifications and queues their e-mail.
type Service struct {
	st      *store.Store
	authz   *authz.Authorizer
	people  *identity.Service
	noms    *nomination.Service
	catalog *i18n.Catalog
	// mailTo is the base URL of the links in e-mails; empty: no e-mail is queued (SMTP
	// is not configured).
	mailTo string
	wake   chan struct{}
	now    func() time.Time
}

// NewService builds the notification service; catalog gives the texts (web/locales).
func NewService(st *store.Store, az *authz.Authorizer, people *identity.Service, noms *nomination.Service, catalog *i18n.Catalog) *Service {
	return &Service{st: st, authz: az, people: people, noms: noms, catalog: catalog,
		wake: make(chan struct{}, 1), now: func() time.Time { return time.Now().UTC() }}
}

// QueueMail makes every notification to a user with an e-mail address queue a message,
// whose links start at baseURL (the server's public address). Call it when SMTP is
// configured, before serving.
func (s *Service) QueueMail(baseURL string) {
	s.mailTo = strings.TrimRight(baseURL, "/")
	if s.mailTo == "" {
		s.mailTo = "http://localhost"
	}
}

// row is one notification as stored.
type row struct {
	ID           int64 `gorm:"primaryKey"`
	UserID       int64
	Kind         string
	NominationID int64
	Action       string
	Status       string
	Stage        string
	Title        string
	Actor        string
	Comment      string
	DueOn        *day
	CreatedAt    time.Time
	ReadAt       *time.Time
}

func (row) TableName() string { return "notifications" }

// Transitioned writes the notifications of one workflow transition, inside its
// transaction: to whoever must act next (the most local holders of the roles the
// procedure now waits for) and to those told of the outcome, never to the actor.
func (s *Service) Transitioned(ctx context.Context, e nomination.Event) error {
	n := e.Nomination
	who, _, err := s.responsible(ctx, n.UnitPath, e.Next)
	if err != nil {
		return err
	}
	if len(e.Informed) > 0 {
		told, err := s.readers(ctx, n.UnitPath, e.Informed)
		if err != nil {
			return err
		}
		who = merge(who, told)
	}
	base := row{Kind: KindTransition, NominationID: n.ID, Action: e.Action, Status: string(n.Status),
		Stage: nomination.Stage(n.Status), Title: clip(n.Title, 300), Actor: clip(e.Actor, 200), Comment: e.Comment,
		CreatedAt: e.At.UTC()}
	if base.Stage != "" {
		base.DueOn = dayOf(n.DueOn)
	}
	for _, h := range who {
		if h.UserID == e.ActorID {
			continue
		}
		r := base
		r.UserID = h.UserID
		if err := s.insert(ctx, &r); err != nil {
			return err
		}
		if err := s.queue(ctx, h, &r); err != nil {
			return err
		}
	}
	return nil
}

// holder is one candidate recipient: a holder and how deep their grant's unit lies.
type holder struct {
	identity.Holder
	depth int
}

// responsible are the people who must act on rules at a nomination at unitPath: the
// holders of the rules' roles whose grant lets them take one of the rules there, at the
// most local level any is found (the deepest grant unit), one entry per user; and that
// depth (0 when nobody holds the roles).
func (s *Service) responsible(ctx context.Context, unitPath string, rules []nomination.Rule) ([]identity.Holder, int, error) {
	cands, err := s.candidates(ctx, unitPath, rules, func(g authz.Grant) bool {
		for _, r := range rules {
			if slices.Contains(r.By, g.Role) && s.authz.GrantAllows(g, authz.ObjNomination, r.Action, unitPath) {
				return true
			}
		}
		return false
	})
	if err != nil || len(cands) == 0 {
		return nil, 0, err
	}
	deepest := 0
	for _, c := range cands {
		deepest = max(deepest, c.depth)
	}
	var out []identity.Holder
	for _, c := range cands {
		if c.depth == deepest {
			out = merge(out, []identity.Holder{c.Holder})
		}
	}
	return out, deepest, nil
}

// above are the people the procedure will wait for later (rules, the downstream of a
// stage) who read the nomination at unitPath through a grant at a unit above depth (the
// responsible's level): the province's reviewers and approvers for a district's review.
func (s *Service) above(ctx context.Context, unitPath string, rules []nomination.Rule, depth int) ([]identity.Holder, error) {
	cands, err := s.candidates(ctx, unitPath, rules, func(g authz.Grant) bool {
		return s.authz.GrantAllows(g, authz.ObjNomination, authz.ActRead, unitPath)
	})
	if err != nil {
		return nil, err
	}
	var out []identity.Holder
	for _, c := range cands {
		if c.depth < depth {
			out = merge(out, []identity.Holder{c.Holder})
		}
	}
	return out, nil
}

// readers are the holders of roles who read the nomination at unitPath, at the most
// local level: the commune's officers told of the outcome of their dossier.
func (s *Service) readers(ctx context.Context, unitPath string, roles []authz.Role) ([]identity.Holder, error) {
	rules := []nomination.Rule{{Action: authz.ActRead, By: roles}}
	who, _, err := s.responsible(ctx, unitPath, rules)
	return who, err
}

// candidates are the holders of the rules' roles on unitPath's units whose grant passes ok.
func (s *Service) candidates(ctx context.Context, unitPath string, rules []nomination.Rule, ok func(authz.Grant) bool) ([]holder, error) {
	var roles []authz.Role
	for _, r := range rules {
		for _, role := range r.By {
			if !slices.Contains(roles, role) {
				roles = append(roles, role)
			}
		}
	}
	hs, err := s.people.Holders(ctx, roles, unitPath)
	if err != nil {
		return nil, err
	}
	var out []holder
	for _, h := range hs {
		if ok(h.Grant) {
			out = append(out, holder{Holder: h, depth: len(units.SplitPath(h.Grant.UnitPath))})
		}
	}
	return out, nil
}

// merge appends the holders of more not yet in list (by user).
func merge(list, more []identity.Holder) []identity.Holder {
	for _, h := range more {
		if !slices.ContainsFunc(list, func(x identity.Holder) bool { return x.UserID == h.UserID }) {
			list = append(list, h)
		}
	}
	return list
}

// clip cuts s to at most n characters (the column's width).
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
