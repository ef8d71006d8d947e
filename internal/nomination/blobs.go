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

// Blob is a stored file.
type Blob struct {
	SHA256      string
	Size        int64
	ContentType string
	Created     bool // false when identical bytes were already stored
}

// Path is where the blob with this hash lives.
func (b *BlobStore) Path(sum string) string {
	return filepath.Join(b.dir, sum[:2], sum)
}

// Put streams r to a temporary file while hashing it, refuses more than max bytes or a
// type outside AllowedTypes, then moves it to its content address. Nothing is left behind
// on error.
func (b *BlobStore) Put(r io.Reader, max int64) (Blob, error) {
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
		os.Remove(tmp.Name()) // a no-op once renamed
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
	final := b.Path(sum)
	if _, err := os.Stat(final); err == nil {
		return Blob{SHA256: sum, Size: size, ContentType: ctype}, nil
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return Blob{}, err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Blob{}, err
	}
	return Blob{SHA256: sum, Size: size, ContentType: ctype, Created: true}, nil
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
