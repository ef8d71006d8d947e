package notify

import (
	"strconv"
	"strings"

	"github.com/ntmflow/ntmflow/internal/i18n"
)

// The texts are in web/locales/<lang>.notify.json; the status, action and type names are
// the interface's own.

// message is one sentence saying what happened, in lang.
func (s *Service) message(lang string, r *row) string {
	data := map[string]any{"Title": r.Title, "Actor": r.Actor}
	if due := r.DueOn.time(); due != nil {
		data["Date"] = i18n.Date(lang, *due)
	}
	if r.Stage != "" {
		data["Stage"] = s.catalog.T(lang, "notify.stage."+r.Stage, nil)
	}
	switch r.Kind {
	case KindReminder, KindEscalation:
		return s.catalog.T(lang, "notify.msg."+r.Kind, data)
	}
	key := "notify.msg." + r.Action
	if !s.catalog.Has(lang, key) {
		data["Status"] = s.catalog.T(lang, "status."+r.Status, nil)
		key = "notify.msg.other"
	}
	return s.catalog.T(lang, key, data)
}

// mail is the subject and plain-text body of the e-mail of r to a reader of lang.
func (s *Service) mail(lang string, r *row) (subject, body string) {
	msg := s.message(lang, r)
	subject = clip(s.catalog.T(lang, "notify.mail.subject", map[string]any{"Message": msg}), 250)
	var b strings.Builder
	b.WriteString(msg)
	b.WriteString("\n\n")
	if r.Comment != "" {
		b.WriteString(s.catalog.T(lang, "notify.mail.comment", map[string]any{"Comment": r.Comment}))
		b.WriteString("\n")
	}
	if due := r.DueOn.time(); due != nil && r.Kind == KindTransition {
		b.WriteString(s.catalog.T(lang, "notify.mail.due", map[string]any{"Date": i18n.Date(lang, *due)}))
		b.WriteString("\n")
	}
	b.WriteString(s.catalog.T(lang, "notify.mail.open", map[string]any{"URL": s.mailTo + "/nominations/" + strconv.FormatInt(r.NominationID, 10)}))
	b.WriteString("\n\n-- \n")
	b.WriteString(s.catalog.T(lang, "notify.mail.footer", map[string]any{"URL": s.mailTo + "/notifications"}))
	b.WriteString("\n")
	return subject, b.String()
}
