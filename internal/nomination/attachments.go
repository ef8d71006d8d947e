package nomination

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
)

// Attachment is one piece of evidence.
type Attachment struct {
	ID           int64     `gorm:"primaryKey" json:"id"`
	NominationID int64     `json:"-"`
	SHA256       string    `gorm:"column:sha256" json:"sha256"`
	Size         int64     `json:"size"`
	ContentType  string    `json:"content_type"`
	Kind         string    `json:"kind"`
	Filename     string    `json:"filename"`
	CreatedBy    int64     `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

func (Attachment) TableName() string { return "attachments" }

// SafeFilename keeps the last element of a client's file name, without control or
// separator characters, at most 200 characters. It is only ever shown, never a path.
func SafeFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." {
		name = "tep-dinh-kem"
	}
	for utf8.RuneCountInString(name) > 200 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}

// Evidence limits per nomination, besides MaxAttachmentSize per file: room for a full
// dossier (photos of each criterion, minutes, surveys) while one dossier's storage, the
// reviewer's reading and the hash over its files stay bounded.
const (
	MaxAttachmentsPerNomination = 30
	MaxAttachmentsTotalSize     = 100 << 20 // 100 MiB
)

// LimitError refuses evidence beyond a nomination's limits. Too many files is a
// validation error of the field "file" (422: nothing is too large, the dossier is full);
// too many bytes in all unwraps to ErrTooLarge (413, as for one file too large).
type LimitError struct {
	TooMany bool // the number of files, not their size, is at the limit
	msg     string
	err     error
}

func (e *LimitError) Error() string         { return e.msg }
func (e *LimitError) ClientMessage() string { return e.msg }
func (e *LimitError) Unwrap() error         { return e.err }

// checkRoom refuses one more file of size bytes when the nomination already holds n files
// of total bytes.
func checkRoom(n, total, size int64) error {
	if n >= MaxAttachmentsPerNomination {
		msg := fmt.Sprintf("a nomination holds at most %d files; delete one before adding another", MaxAttachmentsPerNomination)
		return &LimitError{TooMany: true, msg: msg, err: apperr.Invalid("file", msg)}
	}
	if total+size > MaxAttachmentsTotalSize {
		return &LimitError{msg: fmt.Sprintf("the files of a nomination may total at most %d MiB (%.1f MiB used)",
			MaxAttachmentsTotalSize>>20, float64(total)/(1<<20)), err: apperr.ErrTooLarge}
	}
	return nil
}

// evidenceUsage counts a nomination's files and their bytes.
func (s *Service) evidenceUsage(ctx context.Context, r *row) (n, total int64, err error) {
	var u struct{ N, Total int64 }
	err = s.attachmentRows(ctx, r).Select("COUNT(*) AS n, COALESCE(SUM(size), 0) AS total").Scan(&u).Error
	return u.N, u.Total, err
}

// CheckKind validates an attachment kind; empty means "other".
func CheckKind(kind string) error {
	if kind != "" && !slices.Contains(criteria.AttachmentKinds, kind) {
		return apperr.Invalid("kind", "must be photo, minutes, survey or other")
	}
	return nil
}

// AddAttachment stores evidence for an editable nomination: ReceiveFile, then Attach.
// Attachments change the dossier (and its hash) but not the version, so a client that
// uploads evidence between create and submit can keep the version it has.
func (s *Service) AddAttachment(ctx context.Context, p *authz.Principal, id int64, kind, filename string, body io.Reader) (Attachment, error) {
	if err := CheckKind(kind); err != nil {
		return Attachment{}, err
	}
	up, err := s.ReceiveFile(ctx, p, id, filename, body)
	if err != nil {
		return Attachment{}, err
	}
	return up.Attach(ctx, kind)
}

// Upload is a file whose bytes are stored but whose row is not written yet: a multipart
// form may name the kind after the file, and the file is streamed, never held in memory.
// Call Attach or Discard.
type Upload struct {
	s        *Service
	p        *authz.Principal
	id       int64
	filename string
	blob     Blob
	done     bool
}

// ReceiveFile checks that p may add evidence to nomination id now and that it has room,
// then streams body to the blob store outside any transaction.
func (s *Service) ReceiveFile(ctx context.Context, p *authz.Principal, id int64, filename string, body io.Reader) (*Upload, error) {
	r, err := s.loadForRead(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if _, err := decide(s.authz, p, ActionUpdate, r.UnitPath, r.Status); err != nil {
		return nil, err
	}
	// Refuse a full dossier before reading the file; Attach checks again under the lock.
	n, total, err := s.evidenceUsage(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := checkRoom(n, total, 0); err != nil {
		return nil, err
	}
	blob, err := s.blobs.Put(body, MaxAttachmentSize)
	if err != nil {
		return nil, err
	}
	return &Upload{s: s, p: p, id: id, filename: filename, blob: blob}, nil
}

// Attach writes the attachment row of kind (empty: "other") and rehashes the dossier, under
// the nomination's row lock. On failure the stored bytes are removed unless referenced.
func (u *Upload) Attach(ctx context.Context, kind string) (Attachment, error) {
	if u.done {
		return Attachment{}, errors.New("upload already attached or discarded")
	}
	if err := CheckKind(kind); err != nil {
		u.Discard(ctx)
		return Attachment{}, err
	}
	if kind == "" {
		kind = "other"
	}
	s := u.s
	a := Attachment{NominationID: u.id, SHA256: u.blob.SHA256, Size: u.blob.Size, ContentType: u.blob.ContentType,
		Kind: kind, Filename: SafeFilename(u.filename), CreatedBy: u.p.UserID, CreatedAt: s.now()}
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.lockEditable(ctx, u.p, u.id)
		if err != nil {
			return err
		}
		n, total, err := s.evidenceUsage(ctx, r)
		if err != nil {
			return err
		}
		if err := checkRoom(n, total, a.Size); err != nil {
			return err
		}
		if err := s.insert(ctx, &a); err != nil {
			return err
		}
		if err := s.rehash(ctx, r); err != nil {
			return err
		}
		if err := s.writeEvidenceHistory(ctx, u.p, r, ActionAddAttachment, a); err != nil {
			return err
		}
		// The bytes reach their address under their lock, in the transaction that makes
		// them referenced: a removal of the last other reference runs wholly before (and
		// this puts the file back) or after (and sees this row).
		if err := s.lockBytes(ctx, u.blob.SHA256); err != nil {
			return err
		}
		return s.blobs.Commit(&u.blob)
	})
	if err != nil {
		u.Discard(ctx)
		return Attachment{}, err
	}
	u.done = true
	return a, nil
}

// Discard removes the staged bytes of an upload that will not be attached. Safe to call
// more than once.
func (u *Upload) Discard(context.Context) {
	if u.done {
		return
	}
	u.done = true
	u.s.blobs.Drop(&u.blob)
}

// lockEditable re-reads the nomination inside the transaction with its row lock (see
// loadForUpdate) and checks that p may still edit it, so a concurrent submit either sees
// this change in the dossier it hashes or makes this change fail. Editing evidence
// touches updated_at: the dossier changed.
func (s *Service) lockEditable(ctx context.Context, p *authz.Principal, id int64) (*row, error) {
	r, err := s.loadForUpdate(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if _, err := decide(s.authz, p, ActionUpdate, r.UnitPath, r.Status); err != nil {
		return nil, err
	}
	if err := s.rowOf(ctx, r).Update("updated_at", s.now()).Error; err != nil {
		return nil, err
	}
	return r, nil
}

func (s *Service) rehash(ctx context.Context, r *row) error {
	sum, err := s.dossierHash(ctx, r)
	if err != nil {
		return err
	}
	if err := s.rowOf(ctx, r).Update("dossier_sha256", sum).Error; err != nil {
		return err
	}
	r.DossierSHA256 = sum
	return nil
}

// History actions of the dossier's edits outside the workflow table's transitions: the
// commune's save of a draft or returned dossier (ActionUpdate) and its evidence.
const (
	ActionAddAttachment    = "add_attachment"
	ActionDeleteAttachment = "delete_attachment"
)

// writeEvidenceHistory records an upload or deletion of evidence in the nomination's
// history, in the caller's transaction, with the dossier hash after the change: the file
// name is the comment, its kind, size and hash the details.
func (s *Service) writeEvidenceHistory(ctx context.Context, p *authz.Principal, r *row, action string, a Attachment) error {
	details := map[string]any{"attachment_id": a.ID, "filename": a.Filename, "kind": a.Kind, "size": a.Size, "sha256": a.SHA256}
	return s.writeHistory(ctx, p, r, action, &r.Status, a.Filename, details)
}

// removeIfUnreferenced deletes the stored bytes sum once no attachment refers to them. It
// counts and removes under the bytes' lock, in a transaction of its own after the deletion
// committed, so an upload of the same bytes either commits its row first (and is counted)
// or puts the file back afterwards (Attach).
func (s *Service) removeIfUnreferenced(ctx context.Context, sum string) {
	ctx = context.WithoutCancel(ctx)
	_ = s.st.WithTx(ctx, func(ctx context.Context) error {
		if err := s.lockBytes(ctx, sum); err != nil {
			return err
		}
		var n int64
		if err := s.evidenceWithBytes(ctx, sum).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		return s.blobs.Remove(sum)
	})
}

// Attachments lists a nomination's evidence, oldest first.
func (s *Service) Attachments(ctx context.Context, p *authz.Principal, id int64) ([]Attachment, error) {
	r, err := s.loadForRead(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.attachmentsOf(ctx, r)
}

// attachmentsOf lists the evidence of r, a nomination read through scoped.
func (s *Service) attachmentsOf(ctx context.Context, r *row) ([]Attachment, error) {
	var out []Attachment
	err := s.attachmentRows(ctx, r).Order("id").Find(&out).Error
	return out, err
}

// OpenAttachment returns the attachment and the path of its bytes.
func (s *Service) OpenAttachment(ctx context.Context, p *authz.Principal, id, aid int64) (Attachment, string, error) {
	r, err := s.loadForRead(ctx, p, id)
	if err != nil {
		return Attachment{}, "", err
	}
	var a Attachment
	err = s.attachmentRows(ctx, r).Where("id = ?", aid).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Attachment{}, "", apperr.ErrNotFound
	}
	if err != nil {
		return Attachment{}, "", err
	}
	return a, s.blobs.Path(a.SHA256), nil
}

// DeleteAttachment removes evidence while the nomination is editable.
func (s *Service) DeleteAttachment(ctx context.Context, p *authz.Principal, id, aid int64) error {
	var sum string
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.lockEditable(ctx, p, id)
		if err != nil {
			return err
		}
		var a Attachment
		err = s.attachmentRows(ctx, r).Where("id = ?", aid).Take(&a).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := s.attachmentRows(ctx, r).Where("id = ?", a.ID).Delete(&Attachment{}).Error; err != nil {
			return err
		}
		sum = a.SHA256
		if err := s.rehash(ctx, r); err != nil {
			return err
		}
		return s.writeEvidenceHistory(ctx, p, r, ActionDeleteAttachment, a)
	})
	if err == nil {
		s.removeIfUnreferenced(ctx, sum)
	}
	return err
}

func (s *Service) missingAttachments(ctx context.Context, r *row, required []string) ([]string, error) {
	var kinds []string
	if err := s.attachmentRows(ctx, r).Distinct().Pluck("kind", &kinds).Error; err != nil {
		return nil, err
	}
	return missingKinds(required, kinds), nil
}
