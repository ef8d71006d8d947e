package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/nomination"
)

// Public notice and objections (SPEC §13): the running notices and the objection anyone
// may send are public; a nomination's objections are read with it and answered by the
// roles the policy's objection:resolve names (nomination/notice.go holds the rules).

// publicNotice is a running notice as the public list shows it, with how to object: the
// API address to POST an objection to, and the page with the form.
type publicNotice struct {
	nomination.PublicNotice
	ObjectionURL string `json:"objection_url"`
	PageURL      string `json:"page_url"`
}

// publicNoticePage is one page of the public notice list.
type publicNoticePage struct {
	Items      []publicNotice `json:"items"`
	NextCursor string         `json:"next_cursor"`
}

// objectionRequest is the body of POST /public/nominations/{id}/objections.
type objectionRequest struct {
	Name    string `json:"name"`    // optional, at most 200 characters
	Contact string `json:"contact"` // optional (phone, e-mail, address), at most 200 characters
	Text    string `json:"text"`    // required, at most 2,000 characters
}

// resolveRequest is the body of POST /nominations/{id}/objections/{oid}/resolve.
type resolveRequest struct {
	Response string `json:"response"` // required, at most 2,000 characters
}

func noticeFilter(c echo.Context) (nomination.NoticeFilter, error) {
	f := nomination.NoticeFilter{Province: c.QueryParam("province"), Cursor: c.QueryParam("cursor")}
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return f, apperr.Invalid("limit", "must be 1 to 200")
		}
		f.Limit = n
	}
	return f, nil
}

// publicNotices gives the running notices with the addresses to object at.
func (s *Server) publicNotices(c echo.Context, f nomination.NoticeFilter) (publicNoticePage, error) {
	page, err := s.nominations.PublicNotices(c.Request().Context(), f)
	if err != nil {
		return publicNoticePage{}, err
	}
	out := publicNoticePage{Items: make([]publicNotice, len(page.Items)), NextCursor: page.NextCursor}
	for i, n := range page.Items {
		out.Items[i] = s.withObjectionURLs(c, n)
	}
	return out, nil
}

func (s *Server) withObjectionURLs(c echo.Context, n nomination.PublicNotice) publicNotice {
	base := s.baseURL(c)
	return publicNotice{PublicNotice: n,
		ObjectionURL: base + fmt.Sprintf("%s/public/nominations/%d/objections", apiPrefix, n.NominationID),
		PageURL:      base + fmt.Sprintf("/public/notices/%d", n.NominationID)}
}

func (s *Server) publicNoticesAPI(c echo.Context) error {
	f, err := noticeFilter(c)
	if err != nil {
		return err
	}
	page, err := s.publicNotices(c, f)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=60")
	return c.JSON(http.StatusOK, page)
}

// objectAPI takes anyone's objection; the client's address reaches the domain only as
// its keyed hash.
func (s *Server) objectAPI(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in objectionRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	receipt, err := s.nominations.Object(c.Request().Context(), id,
		nomination.ObjectionInput{Name: in.Name, Contact: in.Contact, Text: in.Text}, s.identity.ClientHash(c.RealIP()))
	if err != nil {
		return err
	}
	// Where the objection is read: by those who read the nomination, not by its sender.
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("%s/nominations/%d/objections/%d", apiPrefix, id, receipt.ID))
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusCreated, receipt)
}

func (s *Server) listObjections(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	list, err := s.nominations.Objections(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, itemsOf[nomination.Objection]{Items: list.Items})
}

func (s *Server) getObjection(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	oid, err := pathID(c, "oid")
	if err != nil {
		return err
	}
	o, err := s.nominations.Objection(c.Request().Context(), principal(c), id, oid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, o)
}

func (s *Server) resolveObjection(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	oid, err := pathID(c, "oid")
	if err != nil {
		return err
	}
	var in resolveRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	o, err := s.nominations.ResolveObjection(c.Request().Context(), principal(c), id, oid, in.Response)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, o)
}
