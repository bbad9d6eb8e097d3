package configs

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// The checks below never echo a secret: they report lengths and rules only.

func checkAppID(s string) error {
	switch {
	case s == "":
		return errors.New("is required: the AppID (开发者ID) from the WeChat console")
	case strings.IndexFunc(s, unicode.IsSpace) >= 0:
		return fmt.Errorf("must not contain whitespace, got %q", s)
	}
	return nil
}

// checkToken enforces what the WeChat console accepts for a Token.
func checkToken(s string) error {
	switch {
	case s == "":
		return errors.New("is required: the Token (令牌) set in the WeChat console")
	case len(s) < 3 || len(s) > 32 || !isAlnum(s):
		return fmt.Errorf("must be 3 to 32 characters from [A-Za-z0-9], got %s", describe(s))
	}
	return nil
}

// checkAESKey accepts "" (plaintext mode only) or an EncodingAESKey:
// 43 characters of [A-Za-z0-9] that decode, with "=" appended, to the
// 32-byte AES key.
func checkAESKey(s string) error {
	if s == "" {
		return nil
	}
	if len(s) != 43 || !isAlnum(s) {
		return fmt.Errorf("must be 43 characters from [A-Za-z0-9], got %s", describe(s))
	}
	if k, err := base64.StdEncoding.DecodeString(s + "="); err != nil || len(k) != 32 {
		return errors.New("does not base64-decode to a 32-byte AES key")
	}
	return nil
}

func checkPreviousAESKey(w WeChatConfig) error {
	if w.PreviousEncodingAESKey != "" && w.EncodingAESKey == "" {
		return errors.New("set without wechat.encoding_aes_key; during a rotation keep the new key there and the old one here")
	}
	return checkAESKey(w.PreviousEncodingAESKey.Value())
}

func isAlnum(s string) bool {
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// describe summarizes a secret without revealing it.
func describe(s string) string {
	n := len([]rune(s))
	if !isAlnum(s) {
		return fmt.Sprintf("%d characters including some outside [A-Za-z0-9]", n)
	}
	return fmt.Sprintf("%d characters", n)
}
