// Attachments uploaded and deleted from the detail page.

package server

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) uploadAttachmentPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	_, err = s.receiveAttachment(c)
	// The upload form is a file and its kind: every answer is a flash on the detail page.
	switch o := formOutcome(err); {
	case err == nil:
		setFlash(c, "ok", "flash.uploaded")
	case o.Flash != "":
		setFlash(c, "error", o.Flash)
	case o.Fields != nil:
		setFlash(c, "error", "flash.upload_missing")
	default:
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d#evidence", id))
}

func (s *Server) deleteAttachmentPage(c echo.Context) error {
	id, err := s.removeAttachment(c)
	if err != nil {
		return err
	}
	setFlash(c, "ok", "flash.deleted")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d#evidence", id))
}
