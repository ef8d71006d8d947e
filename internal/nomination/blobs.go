package nomination

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"

	"github.com/ntmflow/ntmflow/internal/apperr"
)

// MaxAttachmentSize is the largest file accepted (20 MiB).
const MaxAttachmentSize = 20 << 20

// AllowedTypes are the content types accepted, decided from the bytes, not the name.
var AllowedTypes = []string{"image/jpeg", "image/png", "image/webp", "application/pdf"}

// BlobStore keeps files content-addressed by SHA-256 under a directory: the same bytes
// are stored once, and a client's file name never becomes a path.
type BlobStore struct{ dir string }

// NewBlobStore stores files under dir.
func NewBlobStore(dir string) *BlobStore { return &BlobStore{dir: dir} }

// Blob is a received file: its bytes wait in a staging file until Commit moves them to
// their content address (or Drop throws them away).
type Blob struct {
	SHA256      string
	Size        int64
	ContentType string
	staged      string // the staging file; "" once committed or dropped
}

// Path is where the blob with this hash lives.
func (b *BlobStore) Path(sum string) string {
	return filepath.Join(b.dir, sum[:2], sum)
}

// Put streams r to a staging file while hashing it and refuses more than max bytes or a
// type outside AllowedTypes. Nothing is left behind on error. The bytes reach their content
// address only with Commit, inside the transaction that writes the row referring to them,
// so a concurrent removal of the last other reference cannot delete them under that row.
func (b *BlobStore) Put(r io.Reader, max int64) (blob Blob, err error) {
	tmpDir := filepath.Join(b.dir, "tmp")
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return Blob{}, err
	}
	tmp, err := os.CreateTemp(tmpDir, "upload-*")
	if err != nil {
		return Blob{}, err
	}
	defer func() {
		tmp.Close()
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Blob{}, readError(err)
	}
	head = head[:n]
	if n == 0 {
		return Blob{}, apperr.Invalid("file", "is empty")
	}
	ctype := http.DetectContentType(head)
	if !slices.Contains(AllowedTypes, ctype) {
		return Blob{}, apperr.ErrUnsupportedMedia
	}
	h := sha256.New()
	w := io.MultiWriter(tmp, h)
	if _, err := w.Write(head); err != nil {
		return Blob{}, err
	}
	rest, err := io.Copy(w, io.LimitReader(r, max-int64(n)+1))
	if err != nil {
		return Blob{}, readError(err)
	}
	size := int64(n) + rest
	if size > max {
		return Blob{}, apperr.ErrTooLarge
	}
	if err := tmp.Sync(); err != nil {
		return Blob{}, err
	}
	if err := tmp.Close(); err != nil {
		return Blob{}, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	return Blob{SHA256: sum, Size: size, ContentType: ctype, staged: tmp.Name()}, nil
}

// Commit moves the staged bytes to their content address, or drops them when identical
// bytes are already there. Callers hold the bytes' lock (Service.lockBytes).
func (b *BlobStore) Commit(blob *Blob) error {
	if blob.staged == "" {
		return errors.New("blob already committed or dropped")
	}
	final := b.Path(blob.SHA256)
	if _, err := os.Stat(final); err == nil {
		b.Drop(blob)
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return err
	}
	if err := os.Rename(blob.staged, final); err != nil {
		return err
	}
	blob.staged = ""
	return nil
}

// Drop removes staged bytes that will not be committed. Safe to call more than once.
func (b *BlobStore) Drop(blob *Blob) {
	if blob.staged != "" {
		_ = os.Remove(blob.staged)
		blob.staged = ""
	}
}

// Remove deletes a blob (callers make sure nothing references it).
func (b *BlobStore) Remove(sum string) error {
	err := os.Remove(b.Path(sum))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// readError maps a body that exceeded the HTTP limit to ErrTooLarge.
func readError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return apperr.ErrTooLarge
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		// The client's body ended inside the file (a truncated multipart body): its error.
		return fmt.Errorf("%w: the upload ended before the file was complete", apperr.ErrBadRequest)
	}
	return fmt.Errorf("reading upload: %w", err)
}
