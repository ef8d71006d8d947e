package notify_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/notify"
)

// A real SMTP server, in the test's process (emersion/go-smtp): it keeps what it
// receives, can offer STARTTLS with its own certificate, asks for a password, and can be
// told to refuse every message for a while.

type received struct {
	From, To, Data string
	TLS            bool
	User           string
}

type smtpServer struct {
	srv    *smtp.Server
	addr   string
	pool   *x509.CertPool // trusts the server's certificate (STARTTLS)
	refuse atomic.Bool
	mu     sync.Mutex
	got    []received
	onData func(received) // called with each message received, when set before any arrives
}

const smtpUser, smtpPass = "ntm", "mật-khẩu thư"

// startSMTP starts a server on a loopback port; withTLS offers STARTTLS.
func startSMTP(t *testing.T, withTLS bool) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, c: c}, nil
	}))
	s.srv.Domain = "mail.ntm.test"
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	if withTLS {
		cert, pool := selfSigned(t)
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		s.pool = pool
	} else {
		s.srv.AllowInsecureAuth = true // a plain server on the loopback
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go func() { _ = s.srv.Serve(ln) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	return s
}

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

// mailer is a Mailer for the server, with the password in the URL.
func (s *smtpServer) mailer(t *testing.T) *notify.Mailer {
	t.Helper()
	u := url.URL{Scheme: "smtp", User: url.UserPassword(smtpUser, smtpPass), Host: s.addr}
	cfg := notify.MailConfig{URL: u.String(), From: "ntmflow@ntm.langson.example"}
	if s.pool != nil {
		cfg.TLS = &tls.Config{RootCAs: s.pool, MinVersion: tls.VersionTLS12}
	}
	m, err := notify.NewMailer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

type session struct {
	s    *smtpServer
	c    *smtp.Conn
	user string
	msg  received
}

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != smtpUser || pass != smtpPass {
			return smtp.ErrAuthFailed
		}
		x.user = user
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.user == "" {
		return smtp.ErrAuthRequired
	}
	x.msg = received{From: from, User: x.user}
	_, x.msg.TLS = x.c.TLSConnectionState()
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if x.s.refuse.Load() {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Thử lại sau"}
	}
	x.msg.To = to
	return nil
}

func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.msg.Data = string(b)
	x.s.mu.Lock()
	x.s.got = append(x.s.got, x.msg)
	x.s.mu.Unlock()
	if x.s.onData != nil {
		x.s.onData(x.msg)
	}
	return nil
}

func (x *session) Reset()        { x.msg = received{} }
func (x *session) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail.ntm.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// TestMailIsQueuedAndDelivered: with mail on, a submission queues an e-mail to Cao Lộc's
// reviewer in its transaction; the sender delivers it to a real SMTP server, over
// STARTTLS when the server offers it and in the clear when it does not, signing in with
// the URL's user and password either way.
func TestMailIsQueuedAndDelivered(t *testing.T) {
	t.Parallel()
	for _, withTLS := range []bool{true, false} {
		t.Run("starttls="+strconv.FormatBool(withTLS), func(t *testing.T) {
			t.Parallel()
			f := newFx(t)
			ctx := context.Background()
			srv := startSMTP(t, withTLS)
			f.a.Notify.QueueMail("https://ntm.langson.example/")
			v := f.act(t, "2024-03-04", "xa.haiyen", f.draft(t, "2024-03-01", "Vườn cam Pắc Cáp"), "submit")
			counts, err := f.a.Notify.OutboxCounts(ctx)
			if err != nil || counts["pending"] != 1 || len(srv.messages()) != 0 {
				t.Fatalf("after the submission: outbox %v %v, server got %d", counts, err, len(srv.messages()))
			}
			res, err := f.a.Notify.SendDue(ctx, srv.mailer(t), at("2024-03-04"))
			if err != nil || res != (notify.SendResult{Sent: 1}) {
				t.Fatalf("SendDue: %+v %v", res, err)
			}
			got := srv.messages()
			if len(got) != 1 {
				t.Fatalf("the server got %d messages", len(got))
			}
			m := got[0]
			if m.To != "caoloc@ntm.langson.example" || m.From != "ntmflow@ntm.langson.example" || m.TLS != withTLS || m.User != smtpUser {
				t.Errorf("envelope: %+v", m)
			}
			body := decodeBody(t, m.Data)
			for _, want := range []string{"Subject: [ntmflow] Lộc Văn Hải (xã Hải Yến) đã gửi hồ sơ “Vườn cam Pắc Cáp”",
				"Lộc Văn Hải (xã Hải Yến) đã gửi hồ sơ “Vườn cam Pắc Cáp” để thẩm định, hạn thẩm định 25/03/2024.",
				"Xem hồ sơ: https://ntm.langson.example/nominations/" + strconv.FormatInt(v.ID, 10),
				"Mọi thông báo của bạn: https://ntm.langson.example/notifications"} {
				if !strings.Contains(body, want) {
					t.Errorf("the message lacks %q:\n%s", want, body)
				}
			}
			if !strings.Contains(m.Data, "\nSubject:") || !strings.Contains(m.Data, "\nMessage-ID: ") {
				t.Errorf("headers:\n%s", m.Data)
			}
			counts, _ = f.a.Notify.OutboxCounts(ctx)
			if counts["sent"] != 1 || counts["pending"] != 0 {
				t.Errorf("outbox after sending: %v", counts)
			}
			// Nothing is sent twice.
			if res, err := f.a.Notify.SendDue(ctx, srv.mailer(t), at("2024-03-05")); err != nil || res != (notify.SendResult{}) {
				t.Errorf("second SendDue: %+v %v", res, err)
			}
		})
	}
}

// decodeBody reads the text of a message whatever the transfer encoding go-mail chose.
func decodeBody(t *testing.T, data string) string {
	t.Helper()
	msg, err := readMessage(data)
	if err != nil {
		t.Fatalf("parse the message: %v\n%s", err, data)
	}
	return msg
}

// TestRefusingServerIsRetriedLater: while the server refuses (451), the transition goes
// through all the same and the message stays queued, retried with growing waits; once
// the server accepts, the next attempt delivers it. A message refused every time is
// failed after the last attempt.
func TestRefusingServerIsRetriedLater(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	srv := startSMTP(t, false)
	srv.refuse.Store(true)
	f.a.Notify.QueueMail("http://localhost:8080")
	v := f.act(t, "2024-03-04", "xa.haiyen", f.draft(t, "2024-03-01", "Vườn vải"), "submit")
	if v.Status != "submitted" {
		t.Fatalf("the transition: %+v", v)
	}
	m := srv.mailer(t)
	now := at("2024-03-04")
	if res, err := f.a.Notify.SendDue(ctx, m, now); err != nil || res != (notify.SendResult{Retried: 1}) {
		t.Fatalf("first attempt: %+v %v", res, err)
	}
	// Not due again before its backoff (one minute after the first failure).
	if res, err := f.a.Notify.SendDue(ctx, m, now.Add(30*time.Second)); err != nil || res != (notify.SendResult{}) {
		t.Fatalf("before the backoff: %+v %v", res, err)
	}
	if res, err := f.a.Notify.SendDue(ctx, m, now.Add(61*time.Second)); err != nil || res != (notify.SendResult{Retried: 1}) {
		t.Fatalf("second attempt: %+v %v", res, err)
	}
	// The second wait is two minutes.
	if res, _ := f.a.Notify.SendDue(ctx, m, now.Add(61*time.Second+119*time.Second)); res != (notify.SendResult{}) {
		t.Fatalf("before the second backoff: %+v", res)
	}
	srv.refuse.Store(false)
	if res, err := f.a.Notify.SendDue(ctx, m, now.Add(4*time.Minute)); err != nil || res != (notify.SendResult{Sent: 1}) {
		t.Fatalf("once the server accepts: %+v %v", res, err)
	}
	if got := srv.messages(); len(got) != 1 || got[0].To != "caoloc@ntm.langson.example" {
		t.Fatalf("delivered: %+v", got)
	}

	// Refused every time: failed after the last attempt, never sent.
	srv.refuse.Store(true)
	f.act(t, "2024-03-05", "xa.haiyen", f.draft(t, "2024-03-05", "Vườn nhãn"), "submit")
	when := at("2024-03-05")
	var total notify.SendResult
	for range 20 {
		res, err := f.a.Notify.SendDue(ctx, m, when)
		if err != nil {
			t.Fatal(err)
		}
		total.Retried += res.Retried
		total.Failed += res.Failed
		total.Sent += res.Sent
		when = when.Add(7 * time.Hour) // past the longest backoff
	}
	if total.Failed != 1 || total.Retried != 9 || total.Sent != 0 {
		t.Fatalf("refused every time: %+v", total)
	}
	counts, _ := f.a.Notify.OutboxCounts(ctx)
	if counts["failed"] != 1 || counts["sent"] != 1 || counts["pending"] != 0 {
		t.Fatalf("outbox: %v", counts)
	}
}

// TestMailConfig: the SMTP URLs NTMFLOW_SMTP_URL takes and refuses.
func TestMailConfig(t *testing.T) {
	t.Parallel()
	for _, good := range []string{"smtp://u:p@mail.example.org:587", "smtp://mail.example.org", "smtps://u:p@[::1]:465", "smtp://127.0.0.1:2525"} {
		if _, err := notify.NewMailer(notify.MailConfig{URL: good}); err != nil {
			t.Errorf("%s: %v", good, err)
		}
	}
	for _, bad := range []string{"", "mail.example.org:25", "http://mail.example.org", "smtp://", "smtp://h:99999", "smtp://h:x", "smtp://h/path"} {
		if _, err := notify.NewMailer(notify.MailConfig{URL: bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := notify.NewMailer(notify.MailConfig{URL: "smtp://h", From: "not an address"}); err == nil {
		t.Error("a bad From accepted")
	}
	// A server that is not there: an error from Send, never a hang (the context bounds it).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	m, err := notify.NewMailer(notify.MailConfig{URL: "smtp://" + addr})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := m.Send(ctx, "a@example.org", "s", "b"); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("send to a closed port: %v", err)
	}
}

// readMessage parses a plain-text message and returns its decoded subject and body.
func readMessage(data string) (string, error) {
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		return "", err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return "", err
	}
	var body io.Reader = msg.Body
	switch strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return "", err
	}
	return "Subject: " + subject + "\n\n" + string(b), nil
}

// TestSchedulerSendsOnCommit: the scheduler inside serve (Run) delivers a transition's
// e-mail as soon as the transition commits, woken by it rather than by its interval
// (an hour here), and stops with its context.
func TestSchedulerSendsOnCommit(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	srv := startSMTP(t, true)
	arrived := make(chan received, 4)
	srv.onData = func(m received) { arrived <- m }
	f.a.Notify.QueueMail("https://ntm.langson.example")
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		f.a.Notify.Run(ctx, notify.RunOptions{Mailer: srv.mailer(t), RemindEvery: time.Hour, SendEvery: time.Hour}, slog.New(slog.DiscardHandler))
	}()
	// Today's clock: the message is due at once.
	title := "Vườn ổi"
	draft := f.draft(t, "2024-03-01", title)
	if _, err := f.a.Nominations.Transition(context.Background(), f.who(t, "xa.haiyen"), draft.ID, draft.Version,
		nomination.TransitionInput{Action: "submit"}); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-arrived:
		if m.To != "caoloc@ntm.langson.example" || !m.TLS {
			t.Errorf("delivered: %+v", m)
		}
	case <-time.After(time.Minute):
		t.Fatal("the scheduler did not deliver the transition's e-mail")
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(time.Minute):
		t.Fatal("the scheduler did not stop with its context")
	}
}

// TestEscalationIsMailed: a dossier left past its review's due date reaches the district
// and the province by e-mail too (SPEC §13), in each reader's language.
func TestEscalationIsMailed(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	if err := f.a.Identity.SetLocale(ctx, f.who(t, "tinh").UserID, "en"); err != nil {
		t.Fatal(err)
	}
	srv := startSMTP(t, false)
	f.a.Notify.QueueMail("https://ntm.langson.example")
	f.act(t, "2024-03-04", "xa.haiyen", f.draft(t, "2024-03-01", "Vườn mơ"), "submit")
	if res, err := f.a.Notify.Remind(ctx, at("2024-03-26")); err != nil || res.Escalations != 3 {
		t.Fatalf("sweep: %+v %v", res, err)
	}
	if res, err := f.a.Notify.SendDue(ctx, srv.mailer(t), at("2024-03-26")); err != nil || res != (notify.SendResult{Sent: 4}) {
		t.Fatalf("SendDue: %+v %v", res, err)
	}
	subjects := map[string][]string{}
	for _, m := range srv.messages() {
		text := decodeBody(t, m.Data)
		subject, _, _ := strings.Cut(strings.TrimPrefix(text, "Subject: "), "\n")
		subjects[m.To] = append(subjects[m.To], subject)
	}
	want := map[string][]string{
		"caoloc@ntm.langson.example": {"[ntmflow] Lộc Văn Hải (xã Hải Yến) đã gửi hồ sơ “Vườn mơ” để thẩm định, hạn thẩm định 25/03/2024.",
			"[ntmflow] Quá hạn: hồ sơ “Vườn mơ” chưa xong bước thẩm định, hạn là ngày 25/03/2024."},
		"thamdinh@ntm.langson.example": {"[ntmflow] Quá hạn: hồ sơ “Vườn mơ” chưa xong bước thẩm định, hạn là ngày 25/03/2024."},
		"tinh@ntm.langson.example":     {"[ntmflow] Overdue: the review of “Vườn mơ” was due on 25 Mar 2024 and is not done."},
	}
	if len(subjects) != len(want) {
		t.Fatalf("messages: %v", subjects)
	}
	for to, w := range want {
		got := subjects[to]
		sort.Strings(got)
		sort.Strings(w)
		if strings.Join(got, "|") != strings.Join(w, "|") {
			t.Errorf("to %s: %q, want %q", to, got, w)
		}
	}
}
