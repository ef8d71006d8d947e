package server

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/nomination"
)

// ifMatch reads the required If-Match version ("3", "\"3\"" or W/"3").
func ifMatch(c echo.Context) (int, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" {
		return 0, apperr.ErrPreconditionRequired
	}
	h = strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	v, err := strconv.Atoi(h)
	if err != nil || v < 1 {
		return 0, apperr.ErrVersionMismatch
	}
	return v, nil
}

// versioned reads what every state change on a nomination needs: the id from the path,
// the If-Match version and the JSON body into in.
func versioned(c echo.Context, in any) (id int64, version int, err error) {
	if id, err = pathID(c, "id"); err != nil {
		return 0, 0, err
	}
	if version, err = ifMatch(c); err != nil {
		return 0, 0, err
	}
	return id, version, bindJSON(c, in)
}

func writeNomination(c echo.Context, status int, v nomination.View) error {
	c.Response().Header().Set("ETag", `"`+strconv.Itoa(v.Version)+`"`)
	c.Response().Header().Set("Cache-Control", "private, no-cache")
	return c.JSON(status, v)
}

// nominationRequest is the body of POST and PATCH; pointers tell absent from empty.
type nominationRequest struct {
	Type        string                       `json:"type"`
	CommuneCode string                       `json:"commune_code"`
	CampaignID  *int64                       `json:"campaign_id"`
	Title       *string                      `json:"title"`
	Subject     json.RawMessage              `json:"subject"`
	Assessment  *[]nomination.AssessmentItem `json:"assessment"`
}

func (r nominationRequest) input() nomination.Input {
	return nomination.Input{Type: r.Type, CommuneCode: r.CommuneCode, CampaignID: r.CampaignID, Title: r.Title,
		Subject: r.Subject, Assessment: r.Assessment}
}

func (s *Server) createNomination(c echo.Context) error {
	var in nominationRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	v, created, err := s.nominations.Create(c.Request().Context(), principal(c), in.input(), c.Request().Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/nominations/"+strconv.FormatInt(v.ID, 10))
	if !created {
		c.Response().Header().Set("Idempotent-Replayed", "true")
	}
	return writeNomination(c, http.StatusCreated, v)
}

func (s *Server) getNomination(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.nominations.Get(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return writeNomination(c, http.StatusOK, v)
}

// patchRequest is nominationRequest without type and commune, which never change.
type patchRequest struct {
	CampaignID *int64                       `json:"campaign_id"`
	Title      *string                      `json:"title"`
	Subject    json.RawMessage              `json:"subject"`
	Assessment *[]nomination.AssessmentItem `json:"assessment"`
}

func (s *Server) patchNomination(c echo.Context) error {
	var in patchRequest
	id, version, err := versioned(c, &in)
	if err != nil {
		return err
	}
	v, err := s.nominations.Update(c.Request().Context(), principal(c), id, version, nomination.Input{
		CampaignID: in.CampaignID, Title: in.Title, Subject: in.Subject, Assessment: in.Assessment})
	if err != nil {
		return err
	}
	return writeNomination(c, http.StatusOK, v)
}

func (s *Server) listNominations(c echo.Context) error {
	f, err := nominationFilter(c)
	if err != nil {
		return err
	}
	page, err := s.nominations.List(c.Request().Context(), principal(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func nominationFilter(c echo.Context) (nomination.Filter, error) {
	q := c.QueryParams()
	f := nomination.Filter{Type: q.Get("type"), Unit: q.Get("unit"), Query: q.Get("q"), Cursor: q.Get("cursor")}
	for _, raw := range q["status"] {
		for _, st := range strings.Split(raw, ",") {
			if st = strings.TrimSpace(st); st != "" {
				f.Statuses = append(f.Statuses, nomination.Status(st))
			}
		}
	}
	val := apperr.NewValidation()
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			val.Add("limit", "must be a number from 1 to 100")
		}
		f.Limit = n
	}
	if cid := q.Get("campaign_id"); cid != "" {
		n, err := strconv.ParseInt(cid, 10, 64)
		if err != nil || n <= 0 {
			val.Add("campaign_id", "must be a campaign id")
		}
		f.CampaignID = n
	}
	switch q.Get("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		val.Add("overdue", "must be true or false")
	}
	f.Sort = q.Get("sort") // the service checks it
	return f, val.Err()
}

type reviewRequest struct {
	Scores    []nomination.ReviewScore `json:"scores"`
	Summary   string                   `json:"summary"`
	VisitedOn string                   `json:"visited_on"`
}

func (s *Server) putReview(c echo.Context) error {
	var in reviewRequest
	id, version, err := versioned(c, &in)
	if err != nil {
		return err
	}
	v, err := s.nominations.SaveReview(c.Request().Context(), principal(c), id, version,
		nomination.ReviewInput{Scores: in.Scores, Summary: in.Summary, VisitedOn: in.VisitedOn})
	if err != nil {
		return err
	}
	return writeNomination(c, http.StatusOK, v)
}

type transitionRequest struct {
	Action   string               `json:"action"`
	Comment  string               `json:"comment"`
	Decision *nomination.Decision `json:"decision"`
}

func (s *Server) postTransition(c echo.Context) error {
	var in transitionRequest
	id, version, err := versioned(c, &in)
	if err != nil {
		return err
	}
	v, err := s.nominations.Transition(c.Request().Context(), principal(c), id, version,
		nomination.TransitionInput{Action: in.Action, Comment: in.Comment, Decision: in.Decision})
	if err != nil {
		return err
	}
	return writeNomination(c, http.StatusOK, v)
}

func (s *Server) getHistory(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	items, err := s.nominations.History(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, itemsOf[nomination.HistoryEntry]{Items: items})
}

// uploadAttachment streams the multipart body part by part: the file goes straight to
// disk, never whole into memory.
func (s *Server) uploadAttachment(c echo.Context) error {
	a, err := s.receiveAttachment(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, c.Request().URL.Path+"/"+strconv.FormatInt(a.ID, 10))
	return c.JSON(http.StatusCreated, a)
}

// receiveAttachment reads one file and its optional kind, in either order: the file is
// stored when its part arrives and attached once the whole form is read, so a kind sent
// after the file is not lost (clients and form libraries do not all keep field order).
func (s *Server) receiveAttachment(c echo.Context) (nomination.Attachment, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nomination.Attachment{}, err
	}
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return nomination.Attachment{}, badRequest("send multipart/form-data with a file field", "file")
	}
	ctx := c.Request().Context()
	var (
		kind string
		up   *nomination.Upload
	)
	fail := func(err error) (nomination.Attachment, error) {
		if up != nil {
			up.Discard(ctx)
		}
		return nomination.Attachment{}, err
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail(multipartError(err))
		}
		switch part.FormName() {
		case "kind", "csrf_token":
			b, err := io.ReadAll(io.LimitReader(part, 100))
			if err != nil {
				return fail(multipartError(err))
			}
			if part.FormName() == "kind" {
				kind = strings.TrimSpace(string(b))
			}
		case "file":
			if up != nil {
				return fail(badRequest("send one file per request", "file"))
			}
			// A kind already known is checked before the file is read.
			if err := nomination.CheckKind(kind); err != nil {
				return fail(err)
			}
			if up, err = s.nominations.ReceiveFile(ctx, principal(c), id, part.FileName(), part); err != nil {
				return fail(err)
			}
		}
		part.Close()
	}
	if up == nil {
		return nomination.Attachment{}, apperr.Invalid("file", "is required")
	}
	return up.Attach(ctx, kind)
}

func multipartError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return apperr.ErrTooLarge
	}
	return badRequest("malformed multipart body", "file")
}

func (s *Server) listAttachments(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	list, err := s.nominations.Attachments(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, itemsOf[nomination.Attachment]{Items: list})
}

// downloadAttachment serves the bytes under the original name. Images may be shown
// inline (?inline=1, thumbnails); everything else is a download.
func (s *Server) downloadAttachment(c echo.Context) error {
	id, aid, err := attachmentIDs(c)
	if err != nil {
		return err
	}
	a, path, err := s.nominations.OpenAttachment(c.Request().Context(), principal(c), id, aid)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	disposition := "attachment"
	if c.QueryParam("inline") == "1" && strings.HasPrefix(a.ContentType, "image/") {
		disposition = "inline"
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, a.ContentType)
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType(disposition, map[string]string{"filename": a.Filename}))
	h.Set("Cache-Control", "private, max-age=86400")
	h.Set("ETag", `"`+a.SHA256+`"`)
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	http.ServeContent(c.Response(), c.Request(), "", a.CreatedAt, f)
	return nil
}

func (s *Server) deleteAttachment(c echo.Context) error {
	if _, err := s.removeAttachment(c); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// attachmentIDs reads the nomination and attachment ids of …/attachments/:aid.
func attachmentIDs(c echo.Context) (id, aid int64, err error) {
	if id, err = pathID(c, "id"); err != nil {
		return 0, 0, err
	}
	aid, err = pathID(c, "aid")
	return id, aid, err
}

// removeAttachment deletes the attachment named in the path (API and page alike) and
// returns the nomination id.
func (s *Server) removeAttachment(c echo.Context) (int64, error) {
	id, aid, err := attachmentIDs(c)
	if err != nil {
		return 0, err
	}
	return id, s.nominations.DeleteAttachment(c.Request().Context(), principal(c), id, aid)
}
