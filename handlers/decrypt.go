package handlers

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/silenceper/wechat/v2/util"
)

var (
	errDecrypt = errors.New("cannot decrypt with any configured EncodingAESKey")
	errAppID   = errors.New("decrypted message is for another AppID")
)

// keyring holds the decoded AES keys: the current one first, then the one
// being rotated out. WeChat may keep using the old key for a while after
// the console change, so decryption falls back to it and the reply is
// encrypted with whichever key worked.
type keyring struct {
	appID string
	keys  [][]byte
}

func newKeyring(appID string, encoded []string) (keyring, error) {
	kr := keyring{appID: appID}
	for i, e := range encoded {
		if e == "" {
			continue
		}
		k, err := base64.StdEncoding.DecodeString(e + "=")
		if err != nil || len(e) != 43 || len(k) != 32 {
			return keyring{}, fmt.Errorf("handlers: AES key %d is not a 43-character EncodingAESKey", i)
		}
		kr.keys = append(kr.keys, k)
	}
	return kr, nil
}

func (kr keyring) enabled() bool { return len(kr.keys) > 0 }

// decrypt returns the plaintext message and the index of the key that
// opened it. Crypto is the SDK's; this only adds the key fallback and the
// AppID check.
func (kr keyring) decrypt(encrypted string) ([]byte, int, error) {
	raw, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: base64: %v", errDecrypt, err)
	}
	foreign := false
	for i, k := range kr.keys {
		_, msg, appID, err := util.AESDecryptMsg(raw, k)
		if err != nil {
			continue
		}
		if string(appID) == kr.appID {
			return msg, i, nil
		}
		// A wrong key yields garbage; a readable AppID that is not ours
		// means the message was meant for another account.
		foreign = foreign || printable(appID)
	}
	if foreign {
		return nil, 0, errAppID
	}
	return nil, 0, errDecrypt
}

// encrypt seals a reply with key i, in the SDK's format.
func (kr keyring) encrypt(i int, msg []byte) string {
	random := make([]byte, 16)
	_, _ = rand.Read(random)
	return base64.StdEncoding.EncodeToString(util.AESEncryptMsg(random, msg, kr.appID, kr.keys[i]))
}

func printable(b []byte) bool {
	if len(b) == 0 || len(b) > 64 {
		return false
	}
	for _, c := range b {
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}
