// Notifications (SPEC §13): the caller's own list and its unread count, in the API, on
// the /notifications page and in the header of every page.

package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/notify"
)

// notifyPageRoutes are the notification pages: any signed-in user, about their own.
func (s *Server) notifyPageRoutes() []route {
	return []route{
		{Method: get, Path: "/notifications", Handler: s.notificationsPage, Access: signedIn},
		{Method: post, Path: "/notifications/read", Handler: s.markReadSubmit, Access: signedIn},
		// The users page's e-mail form: where an admin's users receive notifications.
		{Method: post, Path: "/users/:id/email", Handler: s.userEmailSubmit, Access: can(user, manage)},
	}
}

// notifyAPIRoutes are the notification endpoints: any signed-in caller, about their own.
func (s *Server) notifyAPIRoutes() []route {
	return []route{
		{Method: get, Path: "/notifications", Handler: s.listNotifications, Access: signedIn, Doc: apiDoc{
			Summary: "The caller's notifications, newest first, with the count of those unread (keyset pagination)",
			Query: []param{qi("limit", "page size, 1 to 100 (default 20)"), qs("cursor", "next_cursor of the previous page"),
				qs("unread", "true: only those not read yet")},
			Out: notify.Page{}}},
		{Method: post, Path: "/notifications/read", Handler: s.markNotificationsRead, Access: signedIn, Doc: apiDoc{
			Summary: "Mark the caller's notifications read: the ids given, or all of them; ids of other users' are ignored",
			In:      readRequest{}, Out: unreadJSON{}}},
	}
}

// readRequest is the body of POST /notifications/read.
type readRequest struct {
	IDs []int64 `json:"ids,omitempty"`
	All bool    `json:"all,omitempty"`
}

// unreadJSON answers a mark-read: how many are still unread.
type unreadJSON struct {
	UnreadCount int64 `json:"unread_count"`
}

func (s *Server) listNotifications(c echo.Context) error {
	q := c.QueryParams()
	in := notify.ListInput{Cursor: q.Get("cursor")}
	val := apperr.NewValidation()
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			val.Add("limit", "must be a number from 1 to 100")
		}
		in.Limit = n
	}
	switch q.Get("unread") {
	case "", "false":
	case "true":
		in.UnreadOnly = true
	default:
		val.Add("unread", "must be true or false")
	}
	if err := val.Err(); err != nil {
		return err
	}
	page, err := s.notify.List(c.Request().Context(), principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *Server) markNotificationsRead(c echo.Context) error {
	var in readRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	left, err := s.notify.MarkRead(c.Request().Context(), principal(c), notify.ReadInput{IDs: in.IDs, All: in.All})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, unreadJSON{UnreadCount: left})
}

// unreadFor is the header's unread count of p; a failed count shows none rather than
// failing the page (the list page says the truth).
func (s *Server) unreadFor(c echo.Context, p *authz.Principal) int64 {
	if s.notify == nil {
		return 0
	}
	n, err := s.notify.UnreadCount(c.Request().Context(), p)
	if err != nil {
		s.log.Warn("unread notification count", "err", err)
		return 0
	}
	return n
}

type notificationsData struct {
	notify.Page
	UnreadOnly bool
}

func (s *Server) notificationsPage(c echo.Context) error {
	d := notificationsData{UnreadOnly: c.QueryParam("unread") == "true"}
	var err error
	d.Page, err = s.notify.List(c.Request().Context(), principal(c), notify.ListInput{Limit: 50, Cursor: c.QueryParam("cursor"), UnreadOnly: d.UnreadOnly})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "notifications", s.page(c, "notifications", "notify.title", d))
}

// markReadSubmit marks one notification read (field id) or all of them, then goes back
// to the list, or to the nomination when the form names it (open=1).
func (s *Server) markReadSubmit(c echo.Context) error {
	in := notify.ReadInput{All: c.FormValue("all") == "1"}
	var nominationID int64
	if !in.All {
		id, err := strconv.ParseInt(c.FormValue("id"), 10, 64)
		if err != nil || id <= 0 {
			return apperr.Invalid("id", "must be a notification id")
		}
		in.IDs = []int64{id}
		nominationID, _ = strconv.ParseInt(c.FormValue("nomination_id"), 10, 64)
	}
	if _, err := s.notify.MarkRead(c.Request().Context(), principal(c), in); err != nil {
		return err
	}
	if nominationID > 0 {
		return c.Redirect(http.StatusSeeOther, "/nominations/"+strconv.FormatInt(nominationID, 10))
	}
	if in.All {
		setFlash(c, "ok", "notify.flash.all_read")
	}
	return c.Redirect(http.StatusSeeOther, "/notifications")
}

// userEmailSubmit sets a user's e-mail address from the users page, then goes back to it.
func (s *Server) userEmailSubmit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	email := c.FormValue("email")
	_, err = s.identity.AdminUpdateUser(c.Request().Context(), principal(c), id, identity.UserUpdate{Email: &email})
	var ve *apperr.ValidationError
	switch {
	case errors.As(err, &ve):
		setFlash(c, "error", "notify.flash.email_invalid")
	case err != nil:
		return err
	default:
		setFlash(c, "ok", "notify.flash.email_saved")
	}
	return c.Redirect(http.StatusSeeOther, "/users")
}
