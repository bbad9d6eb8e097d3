package wxsim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// maxReplyBody caps a passive reply; real ones are a few KB at most.
const maxReplyBody = 1 << 20

// ErrPlainReply means a safe-mode account answered a push with plaintext
// XML. WeChat would reject it and show the user "该公众号暂时无法提供服务".
var ErrPlainReply = errors.New("wxsim: plaintext reply in safe mode")

// Response is the developer server's answer to one push.
type Response struct {
	Status int
	// Raw is the body exactly as received.
	Raw []byte
	// Plain is the reply XML: decrypted when Raw was an encrypted envelope,
	// otherwise the same bytes as Raw.
	Plain []byte
	// Encrypted reports whether Raw was an encrypted envelope.
	Encrypted bool
}

// IsSuccess reports whether the server acknowledged without a reply
// ("success" or an empty body), which stops WeChat's retries. WeChat is
// taken literally here: "success\n" is not success.
func (r *Response) IsSuccess() bool {
	return r.Status == http.StatusOK && isNoReply(r.Raw)
}

func isNoReply(body []byte) bool {
	return len(body) == 0 || string(body) == "success"
}

// Do sends a request built by BuildRequest (possibly tampered with) or
// VerifyURL and reads the reply, decrypting an encrypted envelope. When the
// reply itself is bad (wrong MsgSignature, foreign AppID, plaintext in safe
// mode) the Response is returned together with the error, for inspection.
func (c *Client) Do(req *http.Request) (*Response, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("wxsim: send callback: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxReplyBody))
	if err != nil {
		return nil, fmt.Errorf("wxsim: read reply: %w", err)
	}
	// Drain what the limit left so the connection can be reused.
	_, _ = io.Copy(io.Discard, resp.Body)

	r := &Response{Status: resp.StatusCode, Raw: raw, Plain: raw}
	if req.Method != http.MethodPost {
		return r, nil // URL verification: the body is the echostr
	}
	return r, c.OpenReply(r)
}

// OpenReply checks and decrypts r in place when it is an encrypted
// envelope, as Do does; for callers that read answers themselves (a load
// generator on its own connections).
func (c *Client) OpenReply(r *Response) error {
	if isNoReply(r.Raw) {
		return nil
	}
	enc, ok := element(r.Raw, "Encrypt")
	if !ok || c.mode == ModePlain || c.cipher == nil {
		if c.mode == ModeSafe && r.Status == http.StatusOK {
			return ErrPlainReply
		}
		return nil
	}
	sig, _ := element(r.Raw, "MsgSignature")
	ts, _ := element(r.Raw, "TimeStamp")
	nonce, _ := element(r.Raw, "Nonce")
	if want := Sign(c.token, ts, nonce, enc); sig != want {
		return fmt.Errorf("%w: reply MsgSignature %q, want %q", ErrBadSignature, sig, want)
	}
	plain, err := c.cipher.Decrypt(enc)
	if err != nil {
		return fmt.Errorf("wxsim: reply: %w", err)
	}
	r.Plain, r.Encrypted = plain, true
	return nil
}

// element returns the text of the first <tag>…</tag> in body, unwrapping a
// CDATA section. It is enough for the flat envelope WeChat defines and
// avoids encoding/xml's reflection on the load generator's path.
func element(body []byte, tag string) (string, bool) {
	open, end := "<"+tag+">", "</"+tag+">"
	i := bytes.Index(body, []byte(open))
	if i < 0 {
		return "", false
	}
	rest := body[i+len(open):]
	j := bytes.Index(rest, []byte(end))
	if j < 0 {
		return "", false
	}
	v := bytes.TrimSpace(rest[:j])
	if bytes.HasPrefix(v, []byte("<![CDATA[")) && bytes.HasSuffix(v, []byte("]]>")) {
		v = v[len("<![CDATA[") : len(v)-len("]]>")]
	}
	return string(v), true
}
