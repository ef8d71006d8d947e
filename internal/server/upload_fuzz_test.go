package server_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/testkit"
)

const fuzzBoundary = "ntmflowfuzzboundary"

// multipartBody builds an upload body with fuzzBoundary from name/filename/content parts.
func multipartBody(parts ...[3]string) []byte {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.SetBoundary(fuzzBoundary)
	for _, p := range parts {
		if p[1] == "" {
			_ = mw.WriteField(p[0], p[2])
			continue
		}
		w, _ := mw.CreateFormFile(p[0], p[1])
		_, _ = w.Write([]byte(p[2]))
	}
	_ = mw.Close()
	return buf.Bytes()
}

// FuzzUploadAttachment sends fuzzed multipart bodies to the evidence upload of the API on
// a real server and database: whatever arrives, the answer is a client error or 201,
// never a 500 (a panic is recovered into a 500 too, so this catches panics).
func FuzzUploadAttachment(f *testing.F) {
	png := string(pngBytes())
	valid := multipartBody([3]string{"kind", "", "photo"}, [3]string{"file", "ảnh vườn.png", png})
	f.Add(valid)
	f.Add(multipartBody([3]string{"file", "biên bản.pdf", string(pdfBytes())}, [3]string{"kind", "", "minutes"}))
	f.Add(multipartBody([3]string{"file", "a.png", png}, [3]string{"file", "b.png", png}))
	f.Add(multipartBody([3]string{"kind", "", "bogus"}, [3]string{"file", "x.exe", "MZ\x90\x00"}))
	f.Add(multipartBody([3]string{"kind", "", "photo\x00"}, [3]string{"file", "../../etc/passwd\x00.png", png}))
	f.Add(multipartBody([3]string{"csrf_token", "", "x"}))
	f.Add(valid[:len(valid)/2])
	f.Add([]byte("--" + fuzzBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n"))
	f.Add([]byte{})

	a := testkit.NewApp(f)
	testkit.SeedCriteria(f, a)
	token := a.Login(f, "xa.haiyen").Token
	res := a.Do(f, "POST", "/api/v1/nominations", token, gardenBody("06220"))
	if res.Status != http.StatusCreated {
		f.Fatalf("create: %d %s", res.Status, res.Body)
	}
	var n struct{ ID int64 }
	res.JSON(f, &n)
	url := fmt.Sprintf("%s/api/v1/nominations/%d/attachments", a.URL, n.ID)
	client := a.Server.Client()
	client.Timeout = 10 * time.Second // an upload that hangs is a failure too

	f.Fuzz(func(t *testing.T, body []byte) {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+fuzzBoundary)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Fatalf("upload answered %d: %s", res.StatusCode, raw)
		}
	})
}
