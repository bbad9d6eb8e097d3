package wxapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// maxAnswer caps what is read of an API answer. Most are under 1 KB; the
// largest, get_material for news, holds at most 8 articles of 20 000
// characters each, well under this.
const maxAnswer = 1 << 20

// APIError is a WeChat errcode answer. MsgID is set when WeChat names an
// existing job (45065), with MsgDataID when that job was mpnews. Until is set for 45009: when the spent quota is
// back; Held means the call was not made, because an earlier 45009 on the
// same path is still in force.
type APIError struct {
	Code      int
	Msg       string
	MsgID     int64
	MsgDataID int64
	Until     time.Time
	Held      bool
}

func (e *APIError) Error() string {
	if !e.Until.IsZero() {
		return fmt.Sprintf("wxapi: errcode %d: %s (daily quota back at %s)", e.Code, e.Msg, e.Until.Format(time.RFC3339))
	}
	if e.MsgID != 0 {
		return fmt.Sprintf("wxapi: errcode %d: %s (msg_id %d)", e.Code, e.Msg, e.MsgID)
	}
	return fmt.Sprintf("wxapi: errcode %d: %s", e.Code, e.Msg)
}

// As lets errors.As see an APIError as the SDK's *util.CommonError, so
// Client.Call, which knows stale tokens by the SDK's type, also retries
// the calls made here.
func (e *APIError) As(target any) bool {
	p, ok := target.(**util.CommonError)
	if !ok {
		return false
	}
	*p = util.NewCommonError("wxapi", int64(e.Code), e.Msg)
	return true
}

// ErrCode returns the errcode of err (an *APIError anywhere in its chain,
// or a *util.CommonError from the SDK), 0 if none.
func ErrCode(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	var ce *util.CommonError
	if errors.As(err, &ce) {
		return int(ce.ErrCode)
	}
	return 0
}

// answer is the part every WeChat answer shares; MsgID and MsgDataID are
// 45065's.
type answer struct {
	ErrCode   int    `json:"errcode"`
	ErrMsg    string `json:"errmsg"`
	MsgID     int64  `json:"msg_id"`
	MsgDataID int64  `json:"msg_data_id"`
}

// post sends body as JSON to the API path with the shared token, retried
// once by Call if the token is stale, and decodes the answer into out
// (which may be nil).
//
// The SDK's broadcast calls cannot send clientmsgid and get previews of
// images wrong, so these calls build their own bodies. They still go
// through util.DefaultHTTPClient, where RouteSDK points them, but not
// through util.PostJSONContext: its errors quote the URL, access token
// included, and errors end up in logs.
func (c *Client) post(ctx context.Context, path string, body, out any) error {
	if err := c.wallFor(ctx, path); err != nil {
		return err
	}
	err := c.Call(ctx, func() error {
		tok, err := c.tokens.GetAccessTokenContext(ctx)
		if err != nil {
			return err
		}
		raw, err := postJSON(ctx, "https://"+apiHost+path+"?access_token="+url.QueryEscape(tok), body)
		if err != nil {
			return fmt.Errorf("wxapi: %s: %w", path, err)
		}
		return decodeAnswer(path, raw, out)
	})
	c.noteWall(ctx, path, err)
	if err == nil {
		c.spent(ctx, path)
	}
	return err
}

// get is post for the API's GET endpoints: query holds the parameters
// besides the token.
func (c *Client) get(ctx context.Context, path string, query url.Values, out any) error {
	if err := c.wallFor(ctx, path); err != nil {
		return err
	}
	err := c.Call(ctx, func() error {
		tok, err := c.tokens.GetAccessTokenContext(ctx)
		if err != nil {
			return err
		}
		q := url.Values{"access_token": {tok}}
		for k, v := range query {
			q[k] = v
		}
		raw, err := doRequest(ctx, http.MethodGet, "https://"+apiHost+path+"?"+q.Encode(), nil)
		if err != nil {
			return fmt.Errorf("wxapi: %s: %w", path, err)
		}
		return decodeAnswer(path, raw, out)
	})
	c.noteWall(ctx, path, err)
	if err == nil {
		c.spent(ctx, path)
	}
	return err
}

// decodeAnswer turns an errcode into an *APIError and otherwise decodes raw
// into out (which may be nil).
func decodeAnswer(path string, raw []byte, out any) error {
	var a answer
	if err := json.Unmarshal(raw, &a); err != nil {
		return fmt.Errorf("wxapi: %s: answer is not JSON: %w", path, err)
	}
	if a.ErrCode != 0 {
		return &APIError{Code: a.ErrCode, Msg: a.ErrMsg, MsgID: a.MsgID, MsgDataID: a.MsgDataID}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("wxapi: %s: decode answer: %w", path, err)
	}
	return nil
}

// postJSON posts v and returns the body of a 200 answer. Errors name the
// path only, never the query with the token.
func postJSON(ctx context.Context, target string, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // WeChat shows "<" literally, not "\u003c"
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return doRequest(ctx, http.MethodPost, target, &buf)
}

// doRequest sends one request and returns the body of a 200 answer. Errors
// name the path only, never the query with the token.
func doRequest(ctx context.Context, method, target string, body io.Reader) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json;charset=utf-8")
	}
	resp, err := util.DefaultHTTPClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = req.URL.Scheme + "://" + req.URL.Host + req.URL.Path // keeps Timeout(), drops the token
		}
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return raw, nil
}
