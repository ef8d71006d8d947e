package nomination

import (
	"cmp"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Public notice and objections (SPEC §13). A criteria set may give notice_days (calendar
// days; the demo commune titles 15): endorse then opens a public notice until the
// endorsement date plus notice_days, the last day included (Vietnam dates). While it runs
// the nomination is on the public notice list and anyone may object, without signing in;
// approve waits until it has ended (409 notice_open) and until every objection has a
// reviewer's or the approver's answer (409 objections_unresolved), a guard of the workflow
// table (NeedsNoticeOver), so a decision of many dossiers refuses such an item too.
//
// What the public sees of a notice is what PublicNotice holds: no personal data beyond
// the title the public registry shows too. An objection keeps the objector's name and
// contact, shown only to those who may answer it (the policy's objection:resolve), and
// the keyed hash of the client address (never the address), on which the rate limit is
// kept: MaxObjectionsPerAddress per ObjectionWindow, per server process, as the sign-in
// throttle (identity.Throttle).

// The policy object and action of answering objections (policies/policy.csv).
const (
	ObjObjection = "objection"
	ActResolve   = "resolve"
)

// ActionResolveObjection names the history entry of an objection answered: the dossier's
// record, though not a step of the workflow (its status does not change).
const ActionResolveObjection = "resolve_objection"

// Limits of an objection and of its answer.
const (
	MaxObjectionText    = 2000 // characters of the objection and of the answer
	MaxObjectionName    = 200
	MaxObjectionContact = 200
	// MaxObjectionsPerAddress objections (or attempts) per client address within
	// ObjectionWindow: enough for a family or a village office behind one address,
	// not for a flood.
	MaxObjectionsPerAddress = 10
	ObjectionWindow         = 15 * time.Minute
)

// objectionRow is the objections table.
type objectionRow struct {
	ID           int64 `gorm:"primaryKey"`
	NominationID int64
	Name         string
	Contact      string
	Body         string
	AddrHash     string
	CreatedAt    time.Time
	Response     *string
	ResolvedAt   *time.Time
	ResolvedBy   *int64
	Resolver     *string
}

func (objectionRow) TableName() string { return "objections" }

// openNotice opens the public notice of r, just endorsed, when its set gives one: until
// today in Vietnam plus the set's notice days. A new endorsement (after a send-back) opens
// a new notice; the objections to the earlier one stay and still need their answers.
func (s *Service) openNotice(r *row, set *criteria.Set, fields map[string]any) {
	if r.Status != Endorsed || set.NoticeDays <= 0 {
		return
	}
	until := today(s.now()).AddDate(0, 0, set.NoticeDays)
	r.NoticeUntil, fields["notice_until"] = &until, until.Format(time.DateOnly)
}

// notice is what a reader sees of a stored notice: its last day (nil when none was
// opened) and whether it runs now, that is, the nomination is still endorsed and today in
// Vietnam is not after that day.
func notice(status Status, until *time.Time, now time.Time) (*string, bool) {
	if until == nil {
		return nil, false
	}
	last := until.UTC().Format(time.DateOnly)
	return &last, status == Endorsed && today(now).Format(time.DateOnly) <= last
}

// NoticeError is a refusal because of the public notice: ErrNoticeOpen (approve while it
// runs), ErrObjectionsUnresolved (approve with objections unanswered) or ErrNoticeClosed
// (an objection after it), with what the client needs to know.
type NoticeError struct {
	Until      string // the notice's last day
	Unresolved int    // objections without an answer (ErrObjectionsUnresolved)
	err        error
}

func (e *NoticeError) Error() string { return e.ClientMessage() }
func (e *NoticeError) Unwrap() error { return e.err }

// ClientMessage says until when, or how many objections wait.
func (e *NoticeError) ClientMessage() string {
	switch {
	case errors.Is(e.err, apperr.ErrNoticeOpen):
		return "the public notice runs until " + e.Until + " (included); approve after it ends"
	case errors.Is(e.err, apperr.ErrObjectionsUnresolved):
		return fmt.Sprintf("%d objection(s) to this nomination have no answer yet; answer them before approving", e.Unresolved)
	}
	return "the public notice ended on " + e.Until + "; objections are no longer taken"
}

// checkNoticeOver is the NeedsNoticeOver guard on r, loaded for update: its notice has
// ended and no objection to it waits for an answer. An objection is taken only while the
// notice runs, under the nomination's row lock, so none can arrive once this has passed.
func (s *Service) checkNoticeOver(ctx context.Context, r *row) error {
	if until, open := notice(r.Status, r.NoticeUntil, s.now()); open {
		return &NoticeError{Until: *until, err: apperr.ErrNoticeOpen}
	}
	var n int64
	if err := s.objectionRows(ctx, r).Where("resolved_at IS NULL").Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return &NoticeError{Unresolved: int(n), err: apperr.ErrObjectionsUnresolved}
	}
	return nil
}

// ObjectionInput is an objection as anyone sends it (POST …/public/nominations/{id}/objections).
type ObjectionInput struct {
	Name    string
	Contact string
	Text    string
}

// ObjectionReceipt is what the objector gets back: the objection's number and the
// notice, nothing of what they wrote.
type ObjectionReceipt struct {
	ID           int64     `json:"id"`
	NominationID int64     `json:"nomination_id"`
	ReceivedAt   time.Time `json:"received_at"`
	NoticeUntil  string    `json:"notice_until"`
}

// checkObjection cleans an objection and reports what is wrong with it: the text is
// required, each field has its length limit (in characters).
func checkObjection(in ObjectionInput) (ObjectionInput, error) {
	in.Name = cleanText(norm.NFC.String(in.Name))
	in.Contact = cleanText(norm.NFC.String(in.Contact))
	in.Text = strings.TrimSpace(norm.NFC.String(strings.ReplaceAll(in.Text, "\r\n", "\n")))
	val := apperr.NewValidation()
	switch n := utf8.RuneCountInString(in.Text); {
	case n == 0:
		val.Add("text", "is required: what is objected to, and why")
	case n > MaxObjectionText:
		val.Add("text", fmt.Sprintf("is too long (%d characters, at most %d)", n, MaxObjectionText))
	}
	if utf8.RuneCountInString(in.Name) > MaxObjectionName {
		val.Add("name", fmt.Sprintf("is too long (at most %d characters)", MaxObjectionName))
	}
	if utf8.RuneCountInString(in.Contact) > MaxObjectionContact {
		val.Add("contact", fmt.Sprintf("is too long (at most %d characters)", MaxObjectionContact))
	}
	return in, val.Err()
}

// Object stores anyone's objection to nomination id while its public notice runs. addrHash
// is the keyed hash of the client's address (identity.Service.ClientHash), the key of the
// rate limit: every attempt counts, so a burst gets *apperr.RateLimited whatever it sends.
// A nomination that never opened a notice (or does not exist) is ErrNotFound; one whose
// notice has ended, or that left the endorsed status, *NoticeError (ErrNoticeClosed).
func (s *Service) Object(ctx context.Context, id int64, in ObjectionInput, addrHash string) (ObjectionReceipt, error) {
	if wait, ok := s.objectionsBy.Reserve("o:"+addrHash, s.now()); !ok {
		return ObjectionReceipt{}, &apperr.RateLimited{RetryAfterSeconds: int(math.Ceil(wait.Seconds()))}
	}
	in, err := checkObjection(in)
	if err != nil {
		return ObjectionReceipt{}, err
	}
	var out ObjectionReceipt
	err = s.st.WithTx(ctx, func(ctx context.Context) error {
		// The row lock orders the objection with an approval of the same nomination: the
		// approval's guard sees it, or it sees the approval.
		var r row
		err := s.withNotice(ctx).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
			Where("id = ?", id).Take(&r).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return err
		}
		until, open := notice(r.Status, r.NoticeUntil, s.now())
		if !open {
			return &NoticeError{Until: *until, err: apperr.ErrNoticeClosed}
		}
		o := objectionRow{NominationID: r.ID, Name: in.Name, Contact: in.Contact, Body: in.Text, AddrHash: addrHash, CreatedAt: s.now()}
		if err := s.insert(ctx, &o); err != nil {
			return err
		}
		out = ObjectionReceipt{ID: o.ID, NominationID: r.ID, ReceivedAt: o.CreatedAt, NoticeUntil: *until}
		return nil
	})
	return out, err
}

// Objection is one objection as those who read the nomination see it. Name and Contact
// are null for a reader who may not answer objections (a commune officer, an observer):
// the objector's identity goes only to those who deal with the objection.
type Objection struct {
	ID           int64      `json:"id"`
	NominationID int64      `json:"nomination_id"`
	Name         *string    `json:"name"`
	Contact      *string    `json:"contact"`
	Text         string     `json:"text"`
	CreatedAt    time.Time  `json:"created_at"`
	Response     *string    `json:"response"` // null while unanswered
	ResolvedAt   *time.Time `json:"resolved_at"`
	ResolvedBy   *string    `json:"resolved_by"` // the username of who answered
}

// ObjectionList is a nomination's objections, oldest first, and whether the reader may
// answer them (the page's resolve forms).
type ObjectionList struct {
	Items      []Objection
	CanResolve bool
	Unresolved int
}

func (o objectionRow) view(identified bool) Objection {
	v := Objection{ID: o.ID, NominationID: o.NominationID, Text: o.Body, CreatedAt: o.CreatedAt, Response: o.Response,
		ResolvedAt: o.ResolvedAt, ResolvedBy: o.Resolver}
	if identified {
		name, contact := o.Name, o.Contact
		v.Name, v.Contact = &name, &contact
	}
	return v
}

// mayResolve reports whether p may answer objections to nominations at unitPath.
func (s *Service) mayResolve(p *authz.Principal, unitPath string) bool {
	return s.authz.Can(p, ObjObjection, ActResolve, unitPath)
}

// Objections lists the objections to a nomination p may read (ErrNotFound otherwise).
func (s *Service) Objections(ctx context.Context, p *authz.Principal, id int64) (ObjectionList, error) {
	r, err := s.loadForRead(ctx, p, id)
	if err != nil {
		return ObjectionList{}, err
	}
	var rows []objectionRow
	if err := s.objectionRows(ctx, r).Order("id").Find(&rows).Error; err != nil {
		return ObjectionList{}, err
	}
	out := ObjectionList{Items: make([]Objection, len(rows)), CanResolve: s.mayResolve(p, r.UnitPath)}
	for i, o := range rows {
		out.Items[i] = o.view(out.CanResolve)
		if o.ResolvedAt == nil {
			out.Unresolved++
		}
	}
	return out, nil
}

// Objection is one objection to a nomination p may read, as Objections shows it
// (ErrNotFound when p may not read the nomination or it has no such objection).
func (s *Service) Objection(ctx context.Context, p *authz.Principal, id, oid int64) (Objection, error) {
	list, err := s.Objections(ctx, p, id)
	if err != nil {
		return Objection{}, err
	}
	for _, o := range list.Items {
		if o.ID == oid {
			return o, nil
		}
	}
	return Objection{}, apperr.ErrNotFound
}

// ResolveObjection records p's answer to objection oid of nomination id: not found when p
// may not read the nomination or it has no such objection, forbidden when p's role may
// not answer objections there, a conflict when it was answered already (once only), 422
// without an answer. The answer is kept with who gave it and when.
func (s *Service) ResolveObjection(ctx context.Context, p *authz.Principal, id, oid int64, response string) (Objection, error) {
	if err := authz.Require(p); err != nil {
		return Objection{}, err
	}
	response = strings.TrimSpace(norm.NFC.String(strings.ReplaceAll(response, "\r\n", "\n")))
	var out Objection
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.loadForRead(ctx, p, id)
		if err != nil {
			return err
		}
		if !s.mayResolve(p, r.UnitPath) {
			return apperr.ErrForbidden
		}
		var o objectionRow
		err = s.objectionRows(ctx, r).Where("id = ?", oid).Take(&o).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return err
		}
		if o.ResolvedAt != nil {
			return alreadyAnswered(o)
		}
		switch n := utf8.RuneCountInString(response); {
		case n == 0:
			return apperr.Invalid("response", "is required: the answer given to the objection")
		case n > MaxObjectionText:
			return apperr.Invalid("response", fmt.Sprintf("is too long (%d characters, at most %d)", n, MaxObjectionText))
		}
		now := s.now()
		res := s.objectionRows(ctx, r).Where("id = ? AND resolved_at IS NULL", oid).
			Updates(map[string]any{"response": response, "resolved_at": now, "resolved_by": p.UserID, "resolver": p.Username})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 { // answered meanwhile by someone else
			return alreadyAnswered(o)
		}
		o.Response, o.ResolvedAt, o.ResolvedBy, o.Resolver = &response, &now, &p.UserID, &p.Username
		out = o.view(true)
		// The answer is part of the dossier's record: the timeline shows it with the objection it closes.
		return s.writeHistory(ctx, p, r, ActionResolveObjection, &r.Status, response, map[string]any{"objection_id": o.ID})
	})
	return out, err
}

// alreadyAnswered is the conflict of answering o a second time.
func alreadyAnswered(o objectionRow) error {
	return fmt.Errorf("%w: objection %d already has an answer", apperr.ErrConflict, o.ID)
}

// PublicNotice is a running public notice as the public sees it: the nomination's type
// and title, its commune as named today, and the notice's last day. Nothing else of the
// dossier, and nothing of its objections.
type PublicNotice struct {
	NominationID int64  `json:"nomination_id"`
	Type         string `json:"type"`
	Title        string `json:"title"`
	CommuneCode  string `json:"commune_code"`
	CommuneName  string `json:"commune_name"`  // today's name
	DistrictName string `json:"district_name"` // the commune's district today; "" under a province directly
	ProvinceCode string `json:"province_code"`
	NoticeUntil  string `json:"notice_until"`
}

// NoticeFilter narrows the public notice list.
type NoticeFilter struct {
	Province string // a province code; "" for all
	Limit    int    // 1 to 200, default 50
	Cursor   string
}

// NoticePage is one page of the public notice list.
type NoticePage struct {
	Items      []PublicNotice
	NextCursor string
}

// PublicNotices lists the notices running today, the soonest to close first (then by
// nomination), for anyone.
func (s *Service) PublicNotices(ctx context.Context, f NoticeFilter) (NoticePage, error) {
	val := apperr.NewValidation()
	f.Limit = cmp.Or(f.Limit, 50)
	if f.Limit < 1 || f.Limit > 200 {
		val.Add("limit", "must be 1 to 200")
	}
	var after noticeCursor
	if f.Cursor != "" {
		var err error
		if after, err = decodeNoticeCursor(f.Cursor); err != nil {
			val.Add("cursor", "is not a cursor from a previous page")
		}
	}
	if f.Province != "" && !provinceCode.MatchString(f.Province) {
		val.Add("province", "must be a province code, e.g. 20")
	}
	if err := val.Err(); err != nil {
		return NoticePage{}, err
	}
	now := today(s.now())
	q := s.openNotices(ctx, now.Format(time.DateOnly))
	if f.Province != "" {
		q = q.Where("province_code = ?", f.Province)
	}
	if after.id > 0 {
		q = q.Where("(notice_until > ? OR (notice_until = ? AND id > ?))", after.until, after.until, after.id)
	}
	var rows []row
	if err := q.Select("id, type, title, commune_code, province_code, notice_until").
		Order("notice_until, id").Limit(f.Limit + 1).Find(&rows).Error; err != nil {
		return NoticePage{}, err
	}
	page := NoticePage{Items: []PublicNotice{}}
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		last := rows[len(rows)-1]
		page.NextCursor = noticeCursor{until: last.NoticeUntil.UTC().Format(time.DateOnly), id: last.ID}.encode()
	}
	codes := make([]string, len(rows))
	for i, r := range rows {
		codes[i] = r.CommuneCode
	}
	names, err := s.todaysNames(ctx, codes, now)
	if err != nil {
		return NoticePage{}, err
	}
	for _, r := range rows {
		n := names[r.CommuneCode]
		page.Items = append(page.Items, PublicNotice{NominationID: r.ID, Type: r.Type, Title: r.Title, CommuneCode: r.CommuneCode,
			CommuneName: cmp.Or(n.commune, r.CommuneCode), DistrictName: n.district, ProvinceCode: r.ProvinceCode,
			NoticeUntil: r.NoticeUntil.UTC().Format(time.DateOnly)})
	}
	return page, nil
}

// PublicNotice is one running notice (ErrNotFound when nomination id has none running):
// the public page of one notice, where its objection form is.
func (s *Service) PublicNotice(ctx context.Context, id int64) (PublicNotice, error) {
	now := today(s.now())
	var r row
	err := s.openNotices(ctx, now.Format(time.DateOnly)).Select("id, type, title, commune_code, province_code, notice_until").
		Where("id = ?", id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return PublicNotice{}, apperr.ErrNotFound
	}
	if err != nil {
		return PublicNotice{}, err
	}
	names, err := s.todaysNames(ctx, []string{r.CommuneCode}, now)
	if err != nil {
		return PublicNotice{}, err
	}
	n := names[r.CommuneCode]
	return PublicNotice{NominationID: r.ID, Type: r.Type, Title: r.Title, CommuneCode: r.CommuneCode,
		CommuneName: cmp.Or(n.commune, r.CommuneCode), DistrictName: n.district, ProvinceCode: r.ProvinceCode,
		NoticeUntil: r.NoticeUntil.UTC().Format(time.DateOnly)}, nil
}

// provinceCode is the form of a province's code (two digits).
var provinceCode = regexp.MustCompile(`^[0-9]{2}$`)

// placeNames are a commune's name and its district's on one day.
type placeNames struct{ commune, district string }

// todaysNames names the communes of codes as they stand on day, with their district (none
// for a commune directly under its province, the tree since 1 July 2025). A unit without
// a version on day (a date before the units list the database holds) is named by its
// current version; a commune that stands neither way keeps no name (the caller shows its
// code).
func (s *Service) todaysNames(ctx context.Context, codes []string, day time.Time) (map[string]placeNames, error) {
	out := map[string]placeNames{}
	if len(codes) == 0 {
		return out, nil
	}
	h, err := s.units.LoadHistory(ctx, codes, units.Forward)
	if err != nil {
		return nil, err
	}
	on := func(h *units.History, code string) (units.Unit, bool) {
		if u, ok := h.On(code, day); ok {
			return u, true
		}
		return h.Current(code)
	}
	communes := map[string]units.Unit{}
	var parents []string
	for _, c := range codes {
		if u, ok := on(h, c); ok {
			communes[c] = u
			parents = append(parents, u.Parent())
		}
	}
	ph, err := s.units.LoadHistory(ctx, parents, units.Forward)
	if err != nil {
		return nil, err
	}
	for c, u := range communes {
		n := placeNames{commune: u.Name}
		if p, ok := on(ph, u.Parent()); ok && p.Level == units.District {
			n.district = p.Name
		}
		out[c] = n
	}
	return out, nil
}

// noticeCursor is a page boundary of the public notice list: the last item's notice day
// and nomination id.
type noticeCursor struct {
	until string
	id    int64
}

// encode is the opaque next-page cursor ("n" marks it as this list's).
func (c noticeCursor) encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte("n" + c.until + ":" + strconv.FormatInt(c.id, 10)))
}

func decodeNoticeCursor(s string) (noticeCursor, error) {
	bad := errors.New("not a cursor of the notice list")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 3 || b[0] != 'n' {
		return noticeCursor{}, bad
	}
	until, idText, ok := strings.Cut(string(b[1:]), ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if _, derr := time.Parse(time.DateOnly, until); !ok || err != nil || id <= 0 || derr != nil {
		return noticeCursor{}, bad
	}
	return noticeCursor{until: until, id: id}, nil
}
