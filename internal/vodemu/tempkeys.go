package vodemu

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// tempKey is one set of temporary credentials issued by STS.
type tempKey struct {
	secret, token string
	expiry        time.Time
}

// Expired keys are kept this long so that a late caller hears
// InvalidSecurityToken.Expired rather than InvalidAccessKeyId.NotFound;
// maxTempKeys bounds memory in a long-running emulator. Both are
// undocumented choices: past them a key is InvalidAccessKeyId.NotFound.
const (
	keepExpiredKeys = 24 * time.Hour
	maxTempKeys     = 1 << 16
)

// tempKeys are the temporary credentials issued so far, by AccessKeyId.
type tempKeys struct {
	mu   sync.Mutex
	keys map[string]tempKey
}

func newTempKeys() *tempKeys { return &tempKeys{keys: map[string]tempKey{}} }

func (t *tempKeys) get(id string) (tempKey, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k, ok := t.keys[id]
	return k, ok
}

// issue creates random credentials valid until expiry: AccessKeyId
// "STS." and 26 random characters, and a SecurityToken "CAIS" and about
// 500 base64 characters. The token is long and carries '+', '/' and '='
// like real ones, so that a client that does not percent-encode it fails
// here too.
func (t *tempKeys) issue(now, expiry time.Time) (id string, k tempKey) {
	raw := make([]byte, 382) // not a multiple of 3: base64 padding
	_, _ = rand.Read(raw)
	id = "STS." + rand.Text()
	k = tempKey{secret: rand.Text() + rand.Text(), token: "CAIS" + base64.StdEncoding.EncodeToString(raw), expiry: expiry}

	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.keys) >= maxTempKeys {
		t.prune(now)
	}
	t.keys[id] = k
	return id, k
}

// prune drops keys expired long ago, and if that is not enough, the one
// that expires first.
func (t *tempKeys) prune(now time.Time) {
	var first string
	for id, k := range t.keys {
		if now.Sub(k.expiry) > keepExpiredKeys {
			delete(t.keys, id)
		} else if first == "" || k.expiry.Before(t.keys[first].expiry) {
			first = id
		}
	}
	if len(t.keys) >= maxTempKeys {
		delete(t.keys, first)
	}
}
