package notify

import (
	"context"
	"encoding/base64"
	"strconv"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
)

// View is one notification as its recipient sees it (GET /api/v1/notifications).
type View struct {
	ID           int64  `json:"id"`
	Kind         string `json:"kind"` // transition, reminder or escalation
	NominationID int64  `json:"nomination_id"`
	// Action is the transition that was made ("" for a reminder or an escalation).
	Action string `json:"action"`
	// Status is the nomination's status when the notification was written.
	Status string `json:"status"`
	// Stage (review or approval) and DueOn (YYYY-MM-DD) name the deadline that runs.
	Stage     string     `json:"stage"`
	DueOn     *string    `json:"due_on"`
	Title     string     `json:"title"` // the nomination's title then
	Actor     string     `json:"actor"` // who acted ("" for a reminder or an escalation)
	Comment   string     `json:"comment"`
	Message   string     `json:"message"` // one sentence in the reader's language
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

// Page is a page of the caller's notifications, newest first, with the count of those
// not read yet.
type Page struct {
	Items       []View `json:"items"`
	UnreadCount int64  `json:"unread_count"`
	NextCursor  string `json:"next_cursor"`
}

// ListInput narrows the list.
type ListInput struct {
	Limit      int    // 1..100, default 20
	Cursor     string // next_cursor of the previous page
	UnreadOnly bool
}

// List is the caller's notifications, newest first, in their language.
func (s *Service) List(ctx context.Context, p *authz.Principal, in ListInput) (Page, error) {
	if err := authz.Require(p); err != nil {
		return Page{}, err
	}
	val := apperr.NewValidation()
	switch {
	case in.Limit == 0:
		in.Limit = 20
	case in.Limit < 1 || in.Limit > 100:
		val.Add("limit", "must be from 1 to 100")
	}
	var before int64
	if in.Cursor != "" {
		var err error
		if before, err = decodeCursor(in.Cursor); err != nil {
			val.Add("cursor", "is not a cursor of this list")
		}
	}
	if err := val.Err(); err != nil {
		return Page{}, err
	}
	rows, err := s.page(ctx, p.UserID, before, in.UnreadOnly, in.Limit+1)
	if err != nil {
		return Page{}, err
	}
	out := Page{Items: make([]View, 0, min(len(rows), in.Limit))}
	if len(rows) > in.Limit {
		rows = rows[:in.Limit]
		out.NextCursor = encodeCursor(rows[len(rows)-1].ID)
	}
	for i := range rows {
		out.Items = append(out.Items, s.view(p.Locale, &rows[i]))
	}
	if out.UnreadCount, err = s.unread(ctx, p.UserID); err != nil {
		return Page{}, err
	}
	return out, nil
}

// UnreadCount is how many of the caller's notifications are not read yet: one indexed
// count, cheap enough for every page's header. Zero for nobody signed in.
func (s *Service) UnreadCount(ctx context.Context, p *authz.Principal) (int64, error) {
	if p == nil {
		return 0, nil
	}
	return s.unread(ctx, p.UserID)
}

// ReadInput is the body of POST /api/v1/notifications/read: the ids to mark read, or all.
type ReadInput struct {
	IDs []int64
	All bool
}

// maxReadIDs bounds one request's list of ids.
const maxReadIDs = 500

// MarkRead marks the caller's notifications read (ids of others' are ignored: nothing
// tells whether they exist) and returns how many are still unread.
func (s *Service) MarkRead(ctx context.Context, p *authz.Principal, in ReadInput) (int64, error) {
	if err := authz.Require(p); err != nil {
		return 0, err
	}
	val := apperr.NewValidation()
	switch {
	case in.All && len(in.IDs) > 0:
		val.Add("ids", "give either ids or all, not both")
	case !in.All && len(in.IDs) == 0:
		val.Add("ids", "give the ids to mark read, or all: true")
	case len(in.IDs) > maxReadIDs:
		val.Add("ids", "at most "+strconv.Itoa(maxReadIDs)+" ids at once")
	}
	for i, id := range in.IDs {
		if id <= 0 {
			val.Add("ids["+strconv.Itoa(i)+"]", "must be a notification id")
		}
	}
	if err := val.Err(); err != nil {
		return 0, err
	}
	var left int64
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		if err := s.markRead(ctx, p.UserID, in.IDs, s.now()); err != nil {
			return err
		}
		var err error
		left, err = s.unread(ctx, p.UserID)
		return err
	})
	return left, err
}

func (s *Service) view(lang string, r *row) View {
	v := View{ID: r.ID, Kind: r.Kind, NominationID: r.NominationID, Action: r.Action, Status: r.Status, Stage: r.Stage,
		Title: r.Title, Actor: r.Actor, Comment: r.Comment, Message: s.message(lang, r), CreatedAt: r.CreatedAt, ReadAt: r.ReadAt}
	if due := r.DueOn.time(); due != nil {
		d := due.Format(time.DateOnly)
		v.DueOn = &d
	}
	return v
}

// The cursor is the last id shown, opaque to clients.
func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("n" + strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 2 || b[0] != 'n' {
		return 0, apperr.ErrNotFound
	}
	id, err := strconv.ParseInt(string(b[1:]), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.ErrNotFound
	}
	return id, nil
}
