// Attachments uploaded and deleted from the detail page.

package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

func (s *Server) uploadAttachmentPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	_, err = s.receiveAttachment(c)
	// The upload form is a file and its kind: every answer is a flash on the detail page,
	// an error also shown beside the upload controls (UploadError).
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

// deleteAttachmentPage deletes a file once the form's confirmation box is ticked: the page
// asks in two steps (open "Xóa", tick, confirm), and a post without the tick deletes
// nothing. The API's DELETE needs no such field.
func (s *Server) deleteAttachmentPage(c echo.Context) error {
	if c.FormValue("confirm") != "yes" {
		id, _, err := attachmentIDs(c)
		if err != nil {
			return err
		}
		setFlash(c, "error", "ev.flash.delete_unconfirmed")
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d#evidence", id))
	}
	id, err := s.removeAttachment(c)
	if err != nil {
		return err
	}
	setFlash(c, "ok", "flash.deleted")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d#evidence", id))
}

// UploadError is the message key of a failed upload, for the evidence section to show
// beside the upload controls (the layout shows it at the top as well): the flash of an
// error whose key is one of the upload's.
func (p *Page) UploadError() string {
	if f := p.Flash; f != nil && f.Kind == "error" && strings.HasPrefix(f.Key, "flash.upload_") {
		return f.Key
	}
	return ""
}
