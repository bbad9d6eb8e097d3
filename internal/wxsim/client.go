package wxsim

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Mode is the account's message encryption mode (消息加解密方式).
type Mode int

const (
	// ModePlain sends plaintext XML (明文模式).
	ModePlain Mode = iota
	// ModeCompat sends the plaintext fields and <Encrypt> side by side
	// (兼容模式); replies may be plain or encrypted.
	ModeCompat
	// ModeSafe sends only ToUserName and <Encrypt> (安全模式); replies must
	// be encrypted unless they are "success" or empty.
	ModeSafe
)

// String names the mode for test names and logs.
func (m Mode) String() string {
	switch m {
	case ModePlain:
		return "plain"
	case ModeCompat:
		return "compat"
	case ModeSafe:
		return "safe"
	}
	return "Mode(" + strconv.Itoa(int(m)) + ")"
}

// callbackTimeout is how long WeChat waits for a callback reply before it
// gives up (and retries), so the default client does the same.
const callbackTimeout = 5 * time.Second

// ClientConfig describes the account as configured in WeChat's console.
type ClientConfig struct {
	// URL is the full callback URL, e.g. http://127.0.0.1:1234/wechat.
	URL            string
	Token          string
	EncodingAESKey string // required unless Mode is ModePlain
	AppID          string
	// OriginalID is the account's gh_ id, sent as ToUserName.
	OriginalID string
	Mode       Mode
	// HTTPClient is optional; the default keeps many idle connections per
	// host and times out after 5 s, like WeChat.
	HTTPClient *http.Client
	// Clock is optional (default time.Now); it supplies timestamps and
	// CreateTime.
	Clock func() time.Time
	// Rand is optional (default crypto/rand). Each request reads 4 bytes
	// for the nonce, then, when encrypting, 16 bytes of AES prefix; pinning
	// it reproduces published vectors. It must be safe for concurrent use
	// if the Client is.
	Rand io.Reader
	// Platform is optional. When set, Send tells it what the follower did
	// (Server.Interact for user messages, follows, scans and menu clicks;
	// Server.Unfollow for unfollows), so pushed callbacks open
	// customer-service windows as on WeChat.
	Platform *Server
}

// Client plays WeChat pushing callbacks to a developer's server. It is safe
// for concurrent use.
type Client struct {
	url     string
	sep     string // "?" or "&", depending on whether URL has a query
	token   string
	origID  string
	mode    Mode
	cipher  *Cipher // nil in ModePlain without a usable key
	http    *http.Client
	now     func() time.Time
	rand    io.Reader
	layouts *xmlLayouts

	platform *Server
	appID    string
}

// NewClient validates cfg and decodes the AES key once.
func NewClient(cfg ClientConfig) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("wxsim: callback URL %q must be an absolute http(s) URL", cfg.URL)
	}
	if cfg.Token == "" {
		return nil, errors.New("wxsim: Token is required")
	}
	if cfg.Mode < ModePlain || cfg.Mode > ModeSafe {
		return nil, fmt.Errorf("wxsim: unknown mode %v", cfg.Mode)
	}
	c := &Client{
		url: strings.TrimSuffix(cfg.URL, "?"), sep: "?",
		token: cfg.Token, origID: cfg.OriginalID, mode: cfg.Mode,
		http: cfg.HTTPClient, now: cfg.Clock, rand: cfg.Rand,
		layouts: newXMLLayouts(), platform: cfg.Platform, appID: cfg.AppID,
	}
	if u.RawQuery != "" {
		c.sep = "&"
	}
	if cfg.EncodingAESKey != "" || cfg.Mode != ModePlain {
		ci, err := NewCipher(cfg.EncodingAESKey, cfg.AppID)
		// A plain-mode account may keep a stale key around; only the
		// encrypting modes need it to be valid.
		if err != nil && cfg.Mode != ModePlain {
			return nil, err
		}
		c.cipher = ci
	}
	if c.http == nil {
		c.http = defaultHTTPClient()
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.rand == nil {
		c.rand = rand.Reader
	}
	return c, nil
}

// defaultHTTPClient is built per Client; a load generator pushes thousands
// of requests to one host, so idle connections must not be capped at 2.
func defaultHTTPClient() *http.Client {
	return &http.Client{
		Timeout: callbackTimeout,
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: callbackTimeout, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        1024,
			MaxIdleConnsPerHost: 1024,
			IdleConnTimeout:     90 * time.Second,
		},
	}
}

// XML returns m as the plaintext XML WeChat would push, with ToUserName
// defaulting to the account's gh_ id and CreateTime 0 meaning now.
func (c *Client) XML(m Message) []byte {
	c.fill(&m)
	return c.layouts.appendXML(make([]byte, 0, 512), &m)
}

func (c *Client) fill(m *Message) {
	if m.ToUserName == "" {
		m.ToUserName = c.origID
	}
	if m.CreateTime == 0 {
		m.CreateTime = c.now().Unix()
	}
}

// BuildRequest builds the POST WeChat would send for m, without sending it,
// so tests can tamper with the query or body before calling Do.
func (c *Client) BuildRequest(ctx context.Context, m Message) (*http.Request, error) {
	c.fill(&m)
	var rnd [4 + RandomLen]byte
	n := 4
	if c.mode != ModePlain {
		n += RandomLen
	}
	if _, err := io.ReadFull(c.rand, rnd[:n]); err != nil {
		return nil, fmt.Errorf("wxsim: read random: %w", err)
	}
	ts := strconv.FormatInt(c.now().Unix(), 10)
	nonce := strconv.FormatUint(uint64(binary.BigEndian.Uint32(rnd[:4])), 10)
	plain := c.layouts.appendXML(make([]byte, 0, 512), &m)

	// Parameter order follows WeChat's own push URLs.
	var q strings.Builder
	q.Grow(256)
	q.WriteString(c.url)
	q.WriteString(c.sep)
	q.WriteString("signature=" + Sign(c.token, ts, nonce))
	q.WriteString("&timestamp=" + ts + "&nonce=" + nonce)
	q.WriteString("&openid=" + url.QueryEscape(m.FromUserName))

	body := plain
	if c.mode != ModePlain {
		enc, err := c.cipher.Encrypt(rnd[4:n], plain)
		if err != nil {
			return nil, err
		}
		q.WriteString("&encrypt_type=aes&msg_signature=" + Sign(c.token, ts, nonce, enc))
		body = c.envelope(plain, m.ToUserName, enc)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, q.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("wxsim: build callback request: %w", err)
	}
	req.Header.Set("Content-Type", "text/xml")
	return req, nil
}

// envelope wraps the Encrypt text in the request body of the current mode.
func (c *Client) envelope(plain []byte, to, enc string) []byte {
	if c.mode == ModeCompat {
		// Same <xml> as plaintext, with <Encrypt> appended before </xml>.
		head := plain[:len(plain)-len("</xml>")]
		out := make([]byte, 0, len(plain)+len(enc)+48)
		out = append(out, head...)
		out = append(out, "<Encrypt><![CDATA["+enc+"]]></Encrypt>\n</xml>"...)
		return out
	}
	return []byte("<xml><ToUserName><![CDATA[" + to + "]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
}

// Send builds the callback for m, posts it and reads the reply.
func (c *Client) Send(ctx context.Context, m Message) (*Response, error) {
	c.interact(m)
	req, err := c.BuildRequest(ctx, m)
	if err != nil {
		return nil, err
	}
	return c.Do(req)
}

// VerifyURL sends the GET WeChat uses to verify a callback URL when the
// account's server settings are saved; a correct server echoes echostr.
func (c *Client) VerifyURL(ctx context.Context, echostr string) (*Response, error) {
	var nonceBytes [4]byte
	if _, err := io.ReadFull(c.rand, nonceBytes[:]); err != nil {
		return nil, fmt.Errorf("wxsim: read random: %w", err)
	}
	ts := strconv.FormatInt(c.now().Unix(), 10)
	nonce := strconv.FormatUint(uint64(binary.BigEndian.Uint32(nonceBytes[:])), 10)
	target := c.url + c.sep + "signature=" + Sign(c.token, ts, nonce) +
		"&timestamp=" + ts + "&nonce=" + nonce + "&echostr=" + url.QueryEscape(echostr)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, fmt.Errorf("wxsim: build verify request: %w", err)
	}
	return c.Do(req)
}
