package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/nomination"
)

// The public notice pages (SPEC §13): the running notices, and one notice with the form
// anyone may object with, signed in or not. The form has no session to derive a CSRF
// token from, so a cookie protects it as it does the sign-in form: a random token in an
// HttpOnly, SameSite=Strict cookie for /public/notices, repeated in the form.

const noticeCSRFCookie = "ntmflow_notice_csrf"

type publicNoticesData struct {
	Items   []publicNotice
	NextURL string
}

func (s *Server) publicNoticesPage(c echo.Context) error {
	f, err := noticeFilter(c)
	if err != nil {
		return err
	}
	page, err := s.publicNotices(c, f)
	if err != nil {
		return err
	}
	d := publicNoticesData{Items: page.Items}
	if page.NextCursor != "" {
		q := c.QueryParams()
		q.Set("cursor", page.NextCursor)
		d.NextURL = "/public/notices?" + q.Encode()
	}
	return s.render(c, http.StatusOK, "public_notices", s.page(c, "public", "notices.title", d))
}

// objectionForm is the public objection form with what the visitor typed and what is
// wrong with it.
type objectionForm struct {
	Notice  publicNotice
	Name    string
	Contact string
	Text    string
	Errors  map[string]string
	Error   string // a message key for the whole form
	Token   string
	MaxText int
}

func (s *Server) publicNoticePage(c echo.Context) error {
	n, err := s.onePublicNotice(c)
	if err != nil {
		return err
	}
	return s.renderObjectionForm(c, http.StatusOK, objectionForm{Notice: n})
}

func (s *Server) onePublicNotice(c echo.Context) (publicNotice, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return publicNotice{}, err
	}
	n, err := s.nominations.PublicNotice(c.Request().Context(), id)
	if err != nil {
		return publicNotice{}, err
	}
	return s.withObjectionURLs(c, n), nil
}

// renderObjectionForm shows one notice and its form, keeping the visitor's form token
// (another tab's form stays valid) or handing out a new one.
func (s *Server) renderObjectionForm(c echo.Context, status int, f objectionForm) error {
	f.Token, f.MaxText = "", nomination.MaxObjectionText
	if ck, err := c.Cookie(noticeCSRFCookie); err == nil && len(ck.Value) == len(randomToken()) {
		f.Token = ck.Value
	} else {
		f.Token = randomToken()
	}
	c.SetCookie(&http.Cookie{Name: noticeCSRFCookie, Value: f.Token, Path: "/public/notices", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: isHTTPS(c), MaxAge: 4 * 3600})
	c.Response().Header().Set("Cache-Control", "private, no-store")
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	return s.render(c, status, "public_notice", s.page(c, "public", "notices.one_title", f))
}

// publicObjectionSubmit takes the form's objection: back to the notice with a thank-you,
// or the form again with the visitor's words and what to fix.
func (s *Server) publicObjectionSubmit(c echo.Context) error {
	n, err := s.onePublicNotice(c)
	if errors.Is(err, apperr.ErrNotFound) {
		// Closed since the form was shown (or never running): say so on the list.
		setFlash(c, "error", "notices.flash.closed")
		return c.Redirect(http.StatusSeeOther, "/public/notices")
	}
	if err != nil {
		return err
	}
	f := objectionForm{Notice: n, Name: c.FormValue("name"), Contact: c.FormValue("contact"), Text: c.FormValue("text")}
	ck, err := c.Cookie(noticeCSRFCookie)
	if err != nil || !sameToken(ck.Value, c.FormValue("csrf_token")) {
		f.Error = "notices.error.expired_form"
		return s.renderObjectionForm(c, http.StatusForbidden, f)
	}
	_, err = s.nominations.Object(c.Request().Context(), n.NominationID,
		nomination.ObjectionInput{Name: f.Name, Contact: f.Contact, Text: f.Text}, s.identity.ClientHash(c.RealIP()))
	if err == nil {
		setFlash(c, "ok", "notices.flash.received")
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/public/notices/%d", n.NominationID))
	}
	o := formOutcome(err)
	switch {
	case errors.Is(err, apperr.ErrRateLimited):
		f.Error = "notices.error.rate_limited"
	case errors.Is(err, apperr.ErrNoticeClosed), errors.Is(err, apperr.ErrNotFound):
		setFlash(c, "error", "notices.flash.closed")
		return c.Redirect(http.StatusSeeOther, "/public/notices")
	case o.Fields != nil:
		f.Errors, f.Error = o.Fields, "flash.fix_fields"
	default:
		return err
	}
	return s.renderObjectionForm(c, o.Status, f)
}

// resolveObjectionSubmit records a reviewer's or the approver's answer from the
// nomination page, then shows the page again at the objection.
func (s *Server) resolveObjectionSubmit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	oid, err := pathID(c, "oid")
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/nominations/%d#objection-%d", id, oid)
	_, err = s.nominations.ResolveObjection(c.Request().Context(), principal(c), id, oid, c.FormValue("response"))
	o := formOutcome(err)
	switch {
	case err == nil:
		setFlash(c, "ok", "notices.flash.answered")
	case o.Fields != nil:
		setFlash(c, "error", "notices.error.response")
	case errors.Is(err, apperr.ErrConflict):
		setFlash(c, "error", "notices.flash.already_answered")
	default:
		return err
	}
	return c.Redirect(http.StatusSeeOther, back)
}
