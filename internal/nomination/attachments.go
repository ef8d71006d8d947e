package nomination

import (
	"context"
	"errors"
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

// AddAttachment stores evidence for an editable nomination. The file is streamed to disk
// outside the transaction; if the database write fails, a newly stored file is removed.
// Attachments change the dossier (and its hash) but not the version, so a client that
// uploads evidence between create and submit can keep the version it has.
func (s *Service) AddAttachment(ctx context.Context, p *authz.Principal, id int64, kind, filename string, body io.Reader) (Attachment, error) {
	if kind == "" {
		kind = "other"
	}
	if !slices.Contains(criteria.AttachmentKinds, kind) {
		return Attachment{}, apperr.Invalid("kind", "must be photo, minutes, survey or other")
	}
	r, err := s.loadForRead(ctx, p, id)
	if err != nil {
		return Attachment{}, err
	}
	if _, err := decide(s.authz, p, ActionUpdate, r.UnitPath, r.Status); err != nil {
		return Attachment{}, err
	}
	blob, err := s.blobs.Put(body, MaxAttachmentSize)
	if err != nil {
		return Attachment{}, err
	}
	a := Attachment{NominationID: id, SHA256: blob.SHA256, Size: blob.Size, ContentType: blob.ContentType,
		Kind: kind, Filename: SafeFilename(filename), CreatedBy: p.UserID, CreatedAt: s.now()}
	err = s.st.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.lockEditable(ctx, p, id)
		if err != nil {
			return err
		}
		if err := s.st.DB(ctx).Create(&a).Error; err != nil {
			return err
		}
		return s.rehash(ctx, r)
	})
	if err != nil && blob.Created {
		s.removeIfUnreferenced(ctx, blob.SHA256)
	}
	return a, err
}

// lockEditable re-reads the nomination inside the transaction and takes its row lock by
// touching it, so a concurrent submit cannot slip between the check and the write.
func (s *Service) lockEditable(ctx context.Context, p *authz.Principal, id int64) (*row, error) {
	r, err := s.loadForRead(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if _, err := decide(s.authz, p, ActionUpdate, r.UnitPath, r.Status); err != nil {
		return nil, err
	}
	res := s.st.DB(ctx).Model(&row{}).Where("id = ? AND status IN ?", id, []Status{Draft, Returned}).Update("updated_at", s.now())
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected != 1 {
		return nil, apperr.ErrInvalidTransition
	}
	return r, nil
}

func (s *Service) rehash(ctx context.Context, r *row) error {
	sum, err := s.dossierHash(ctx, r)
	if err != nil {
		return err
	}
	return s.st.DB(ctx).Model(&row{}).Where("id = ?", r.ID).Update("dossier_sha256", sum).Error
}

func (s *Service) removeIfUnreferenced(ctx context.Context, sum string) {
	var n int64
	if err := s.st.DB(context.WithoutCancel(ctx)).Model(&Attachment{}).Where("sha256 = ?", sum).Count(&n).Error; err == nil && n == 0 {
		_ = s.blobs.Remove(sum)
	}
}

// Attachments lists a nomination's evidence, oldest first.
func (s *Service) Attachments(ctx context.Context, p *authz.Principal, id int64) ([]Attachment, error) {
	if _, err := s.loadForRead(ctx, p, id); err != nil {
		return nil, err
	}
	return s.attachmentsOf(ctx, id)
}

func (s *Service) attachmentsOf(ctx context.Context, id int64) ([]Attachment, error) {
	var out []Attachment
	err := s.st.DB(ctx).Where("nomination_id = ?", id).Order("id").Find(&out).Error
	return out, err
}

// OpenAttachment returns the attachment and the path of its bytes.
func (s *Service) OpenAttachment(ctx context.Context, p *authz.Principal, id, aid int64) (Attachment, string, error) {
	if _, err := s.loadForRead(ctx, p, id); err != nil {
		return Attachment{}, "", err
	}
	var a Attachment
	err := s.st.DB(ctx).Where("id = ? AND nomination_id = ?", aid, id).Take(&a).Error
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
		err = s.st.DB(ctx).Where("id = ? AND nomination_id = ?", aid, id).Take(&a).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := s.st.DB(ctx).Delete(&Attachment{}, a.ID).Error; err != nil {
			return err
		}
		sum = a.SHA256
		return s.rehash(ctx, r)
	})
	if err == nil {
		s.removeIfUnreferenced(ctx, sum)
	}
	return err
}

func (s *Service) missingAttachments(ctx context.Context, id int64, required []string) ([]string, error) {
	var kinds []string
	if err := s.st.DB(ctx).Model(&Attachment{}).Where("nomination_id = ?", id).Distinct().Pluck("kind", &kinds).Error; err != nil {
		return nil, err
	}
	var missing []string
	for _, k := range required {
		if !slices.Contains(kinds, k) {
			missing = append(missing, k)
		}
	}
	return missing, nil
}
