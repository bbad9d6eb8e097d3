package wxsim

import (
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/silenceper/wechat/v2/util"
)

// Errors from decrypting and verifying callback payloads.
var (
	// ErrBadSignature means a signature or msg_signature did not match.
	ErrBadSignature = errors.New("wxsim: signature mismatch")
	// ErrAppIDMismatch means a decrypted payload was sealed for another app
	// (the official samples' -40005).
	ErrAppIDMismatch = errors.New("wxsim: appid mismatch")
)

// RandomLen is the length of the random prefix of every encrypted payload.
const RandomLen = 16

// Sign is WeChat's callback signature: the lowercase hex SHA-1 of token,
// timestamp, nonce and any extra parts (the Encrypt text for msg_signature),
// sorted and concatenated.
func Sign(token, timestamp, nonce string, extra ...string) string {
	parts := make([]string, 0, 3+len(extra))
	parts = append(parts, token, timestamp, nonce)
	parts = append(parts, extra...)
	return util.Signature(parts...)
}

// Cipher seals and opens WeChat's AES payloads for one app. The key is
// decoded once because the load generator encrypts on every request.
type Cipher struct {
	key   []byte
	appID string
}

// NewCipher decodes a 43-character EncodingAESKey (base64 without its "="
// padding) into the 32-byte AES key and binds it to appID.
func NewCipher(encodingAESKey, appID string) (*Cipher, error) {
	if len(encodingAESKey) != 43 {
		return nil, fmt.Errorf("wxsim: EncodingAESKey must be 43 characters, got %d", len(encodingAESKey))
	}
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil {
		return nil, fmt.Errorf("wxsim: decode EncodingAESKey: %w", err)
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("wxsim: EncodingAESKey decodes to %d bytes, want 32", len(key))
	}
	return &Cipher{key: key, appID: appID}, nil
}

// Encrypt returns the base64 Encrypt text for msg: AES-256-CBC over
// random ‖ len(msg) ‖ msg ‖ AppID with 32-byte PKCS#7 and IV = key[:16].
// random must be RandomLen bytes; fixing it reproduces published vectors.
func (c *Cipher) Encrypt(random, msg []byte) (string, error) {
	if len(random) != RandomLen {
		return "", fmt.Errorf("wxsim: random prefix must be %d bytes, got %d", RandomLen, len(random))
	}
	return base64.StdEncoding.EncodeToString(util.AESEncryptMsg(random, msg, c.appID, c.key)), nil
}

// Decrypt opens an Encrypt text and checks that it was sealed for this
// Cipher's AppID, as a receiver must.
func (c *Cipher) Decrypt(encrypted string) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil {
		return nil, fmt.Errorf("wxsim: decode Encrypt: %w", err)
	}
	_, msg, appID, err := util.AESDecryptMsg(raw, c.key)
	if err != nil {
		return nil, fmt.Errorf("wxsim: decrypt: %w", err)
	}
	if string(appID) != c.appID {
		return nil, fmt.Errorf("%w: sealed for %q, want %q", ErrAppIDMismatch, appID, c.appID)
	}
	return msg, nil
}
