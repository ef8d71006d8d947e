package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// MailConfig is how to reach the SMTP server (NTMFLOW_SMTP_URL, NTMFLOW_SMTP_FROM).
type MailConfig struct {
	// URL is smtp://user:pass@host:port (STARTTLS when the server offers it; credentials
	// are sent only over TLS, or to a server on the loopback) or smtps://… (TLS from the
	// first byte). The user and password are optional and percent-encoded as in any URL;
	// the port defaults to 587 (465 for smtps).
	URL string
	// From is the sender address; default ntmflow@<the SMTP host> (ntmflow@localhost for
	// an IP address).
	From string
	// TLS, when set, is the TLS configuration (its ServerName defaults to the host):
	// tests trust their own certificate with it. Nil: the system's roots.
	TLS *tls.Config
}

// Mailer sends plain-text e-mail through one SMTP server, one connection per message.
type Mailer struct {
	host, user, pass, from string
	port                   int
	implicitTLS            bool
	tls                    *tls.Config
}

// ParseSMTPURL checks an SMTP URL as NTMFLOW_SMTP_URL takes it.
func ParseSMTPURL(raw string) (host string, port int, user, pass string, implicitTLS bool, err error) {
	u, perr := url.Parse(strings.TrimSpace(raw))
	if perr != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" || u.Opaque != "" ||
		(u.Path != "" && u.Path != "/") {
		return "", 0, "", "", false, errors.New("must look like smtp://user:pass@host:port (or smtps://…)")
	}
	implicitTLS = u.Scheme == "smtps"
	port = 587
	if implicitTLS {
		port = 465
	}
	if p := u.Port(); p != "" {
		n, perr := strconv.Atoi(p)
		if perr != nil || n < 1 || n > 65535 {
			return "", 0, "", "", false, fmt.Errorf("port %q is not a port number", p)
		}
		port = n
	}
	if u.User != nil {
		user = u.User.Username()
		pass, _ = u.User.Password()
	}
	return u.Hostname(), port, user, pass, implicitTLS, nil
}

// NewMailer checks cfg and returns a Mailer; nothing is dialled yet.
func NewMailer(cfg MailConfig) (*Mailer, error) {
	host, port, user, pass, implicitTLS, err := ParseSMTPURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("NTMFLOW_SMTP_URL %w", err)
	}
	m := &Mailer{host: host, port: port, user: user, pass: pass, implicitTLS: implicitTLS, from: strings.TrimSpace(cfg.From)}
	if m.from == "" {
		m.from = "ntmflow@" + host
		if net.ParseIP(host) != nil {
			m.from = "ntmflow@localhost" // an address literal is no mail domain
		}
	}
	if err := mail.NewMsg().From(m.from); err != nil {
		return nil, fmt.Errorf("NTMFLOW_SMTP_FROM %q is not an e-mail address: %w", m.from, err)
	}
	if cfg.TLS != nil {
		m.tls = cfg.TLS.Clone()
	} else {
		m.tls = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if m.tls.ServerName == "" {
		m.tls.ServerName = host
	}
	return m, nil
}

// String describes the server without its password (for logs).
func (m *Mailer) String() string {
	scheme := "smtp"
	if m.implicitTLS {
		scheme = "smtps"
	}
	return scheme + "://" + net.JoinHostPort(m.host, strconv.Itoa(m.port))
}

// Send delivers one message. Over smtp:// it upgrades with STARTTLS when the server
// offers it and goes on in the clear when it does not; credentials, when given, go only
// over TLS or to a loopback server (PLAIN authentication refuses otherwise).
func (m *Mailer) Send(ctx context.Context, to, subject, body string) error {
	msg := mail.NewMsg()
	if err := msg.From(m.from); err != nil {
		return err
	}
	if err := msg.To(to); err != nil {
		return err
	}
	msg.Subject(subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(mail.TypeTextPlain, body)

	timeout := sendTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = max(time.Until(dl), time.Second)
	}
	opts := []mail.Option{mail.WithPort(m.port), mail.WithTimeout(timeout), mail.WithTLSConfig(m.tls)}
	if m.implicitTLS {
		opts = append(opts, mail.WithSSL())
	} else {
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	}
	if m.user != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(m.user), mail.WithPassword(m.pass))
	}
	c, err := mail.NewClient(m.host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}
